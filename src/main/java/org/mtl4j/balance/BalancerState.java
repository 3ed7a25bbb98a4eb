package org.mtl4j.balance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.mtl4j.Mtl4jException;

/**
 * A balancer's saved {@link Balancer#state()}, read back (from a checkpoint's JSON) with typed
 * getters that fail with a clear message when an entry is missing or of the wrong kind.
 */
public final class BalancerState {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String method;
    private final JsonNode node;

    public BalancerState(String method, JsonNode node) {
        this.method = method;
        this.node = node == null ? MAPPER.createObjectNode() : node;
    }

    /** The state as saved by {@code b} now, as it would be read back from a checkpoint. */
    public static BalancerState of(Balancer b) {
        return new BalancerState(b.name(), MAPPER.valueToTree(b.state()));
    }

    /** The state as a JSON tree (what a checkpoint stores). */
    public JsonNode json() {
        return node;
    }

    /** A state saved from plain values (tests, other callers). */
    public static BalancerState of(String method, Map<String, Object> values) {
        return new BalancerState(method, MAPPER.valueToTree(values));
    }

    public boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    private JsonNode get(String key) {
        JsonNode v = node.get(key);
        if (v == null) {
            throw new Mtl4jException(
                    "checkpoint: the "
                            + method
                            + " balancer state has no \""
                            + key
                            + "\"; the"
                            + " checkpoint was written by another method or version");
        }
        return v;
    }

    private JsonNode array(String key) {
        JsonNode v = get(key);
        if (!v.isArray()) {
            throw new Mtl4jException(
                    "checkpoint: " + method + " balancer state \"" + key + "\" is not an array");
        }
        return v;
    }

    /** A {@code double[]} entry, or null when saved as null. */
    public double[] doubles(String key) {
        if (node.has(key) && node.get(key).isNull()) {
            return null;
        }
        JsonNode a = array(key);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(a.get(i), key);
        }
        return out;
    }

    /** A {@code float[]} entry (exact: floats round-trip through their shortest decimal form). */
    public float[] floats(String key) {
        if (node.has(key) && node.get(key).isNull()) {
            return null;
        }
        JsonNode a = array(key);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) number(a.get(i), key);
        }
        return out;
    }

    /**
     * A {@code double[]} entry that must have {@code length} values (e.g. one per task), or null
     * when saved as null.
     */
    public double[] doubles(String key, int length) {
        double[] v = doubles(key);
        checkLength(key, v == null ? length : v.length, length);
        return v;
    }

    /** A {@code float[]} entry that must have {@code length} values, or null when saved as null. */
    public float[] floats(String key, long length) {
        float[] v = floats(key);
        checkLength(key, v == null ? length : v.length, length);
        return v;
    }

    /** A {@code boolean[]} entry that must have {@code length} values. */
    public boolean[] booleans(String key, int length) {
        boolean[] v = booleans(key);
        checkLength(key, v.length, length);
        return v;
    }

    private void checkLength(String key, long actual, long expected) {
        if (actual != expected) {
            throw misfit(
                    "\""
                            + key
                            + "\" has "
                            + actual
                            + " values where this run needs "
                            + expected
                            + " (was the checkpoint written for another number of tasks?)");
        }
    }

    /**
     * The error for a state that does not fit the balancer it is restored into (its {@code detail}
     * says why).
     */
    public Mtl4jException misfit(String detail) {
        return new Mtl4jException(
                "checkpoint: the " + method + " balancer state does not fit this run: " + detail);
    }

    public long[] longs(String key) {
        JsonNode a = array(key);
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }

    public boolean[] booleans(String key) {
        JsonNode a = array(key);
        boolean[] out = new boolean[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asBoolean();
        }
        return out;
    }

    public long getLong(String key) {
        JsonNode v = get(key);
        if (!v.isIntegralNumber()) {
            throw new Mtl4jException(
                    "checkpoint: " + method + " balancer state \"" + key + "\" is not an integer");
        }
        return v.asLong();
    }

    public double getDouble(String key) {
        return number(get(key), key);
    }

    public boolean getBoolean(String key) {
        return get(key).asBoolean();
    }

    /** A nested entry as a tree (for lists of arrays and the like). */
    public JsonNode node(String key) {
        return get(key);
    }

    private double number(JsonNode v, String key) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) { // NaN and infinities are written as strings
            switch (v.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new Mtl4jException(
                "checkpoint: "
                        + method
                        + " balancer state \""
                        + key
                        + "\" holds "
                        + v
                        + ", not a number");
    }
}
