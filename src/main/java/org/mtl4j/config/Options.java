package org.mtl4j.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mtl4j.Mtl4jException;

/**
 * Typed access to a map of options (a YAML mapping or values given in Java), with errors that name
 * where the option came from. Every read records the key; {@link #finish()} then rejects keys that
 * nobody read, so a misspelt option is an error rather than silently ignored.
 */
public final class Options {
    private final String where;
    private final Map<String, Object> values;
    private final Map<String, Integer> lines;
    private final Set<String> read = new LinkedHashSet<>();

    /**
     * @param where how to name this mapping in messages, e.g. {@code config.yaml: balancer}
     * @param values the options
     * @param lines source line of each key, where known (may be empty)
     */
    public Options(String where, Map<String, Object> values, Map<String, Integer> lines) {
        this.where = where;
        this.values = new LinkedHashMap<>(values);
        this.lines = lines;
    }

    /** Options given in code. */
    public static Options of(String where, Map<String, Object> values) {
        return new Options(where, values, Map.of());
    }

    public String where() {
        return where;
    }

    /** Where a key is, for messages: {@code config.yaml: balancer.alpha (line 7)}. */
    public String at(String key) {
        Integer line = lines.get(key);
        return join(where, key) + (line != null ? " (line " + line + ")" : "");
    }

    /**
     * {@code file:} + key gives {@code file: key}; {@code file: a} + key gives {@code file: a.key}.
     */
    public static String join(String where, String key) {
        return where.endsWith(":") ? where + " " + key : where + "." + key;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public double getDouble(String key, double dflt) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new Mtl4jException(
                at(key)
                        + ": expected a number, got \""
                        + Mtl4jException.clip(String.valueOf(v))
                        + "\"");
    }

    public int getInt(String key, int dflt) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer || v instanceof Long) {
            long l = ((Number) v).longValue();
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return (int) l;
            }
        }
        if (v instanceof Long || v instanceof java.math.BigInteger) {
            throw new Mtl4jException(
                    at(key)
                            + ": "
                            + Mtl4jException.clip(String.valueOf(v))
                            + " is too large (integers here lie within ±2147483647)");
        }
        throw new Mtl4jException(
                at(key)
                        + ": expected an integer, got \""
                        + Mtl4jException.clip(String.valueOf(v))
                        + "\"");
    }

    public String getString(String key, String dflt) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Map || v instanceof Options) {
            throw new Mtl4jException(at(key) + ": expected a single value, got a mapping");
        }
        if (v instanceof List) {
            throw new Mtl4jException(at(key) + ": expected a single value, got a list " + v);
        }
        return String.valueOf(v);
    }

    public boolean getBoolean(String key, boolean dflt) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new Mtl4jException(
                at(key)
                        + ": expected true or false, got \""
                        + Mtl4jException.clip(String.valueOf(v))
                        + "\"");
    }

    public List<Double> getDoubleList(String key) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw new Mtl4jException(
                    at(key) + ": expected a list of numbers like [1.0, 0.5], got " + v);
        }
        List<Double> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Number n)) {
                throw new Mtl4jException(at(key) + ": \"" + o + "\" is not a number");
            }
            out.add(n.doubleValue());
        }
        return out;
    }

    /** A nested mapping, or null when absent. */
    public Options getSection(String key) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Options o) {
            return o;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, x) -> copy.put(String.valueOf(k), x));
            return new Options(join(where, key), copy, Map.of());
        }
        throw new Mtl4jException(
                at(key)
                        + ": expected a mapping (key: value lines), got \""
                        + Mtl4jException.clip(String.valueOf(v))
                        + "\"");
    }

    /** A list, or null when absent; a single value is not accepted. */
    public List<Object> getList(String key) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        throw new Mtl4jException(
                at(key)
                        + ": expected a list like [a, b], got \""
                        + Mtl4jException.clip(String.valueOf(v))
                        + "\"");
    }

    /** A list of strings (a single string is taken as a one-element list), or null when absent. */
    public List<String> getStringList(String key) {
        read.add(key);
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                if (o instanceof Map || o instanceof List || o instanceof Options || o == null) {
                    throw new Mtl4jException(at(key) + ": expected a list of names, got " + v);
                }
                out.add(String.valueOf(o));
            }
            return out;
        }
        if (v instanceof Options || v instanceof Map) {
            throw new Mtl4jException(at(key) + ": expected a list of names, got a mapping");
        }
        return List.of(String.valueOf(v));
    }

    /** These options without {@code key} (same location information). */
    public Options without(String key) {
        Map<String, Object> v = new LinkedHashMap<>(values);
        v.remove(key);
        return new Options(where, v, lines);
    }

    /** The raw values (nested mappings as {@link Options}), in file order. */
    public Map<String, Object> values() {
        return values;
    }

    /** Fails on any key that was never read, listing the keys that are accepted. */
    public void finish() {
        for (String k : values.keySet()) {
            if (!read.contains(k)) {
                throw new Mtl4jException(
                        at(k)
                                + ": unknown option \""
                                + k
                                + "\"; accepted here: "
                                + new TreeSet<>(read));
            }
        }
    }

    /** How a nested mapping reads inside an error message. */
    @Override
    public String toString() {
        return "a mapping " + values.keySet();
    }
}
