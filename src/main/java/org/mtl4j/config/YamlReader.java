package org.mtl4j.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a YAML file into {@link Options} that remember the line of every key, so config errors can
 * say {@code config.yaml: trainer.lr (line 14): expected a number}.
 */
public final class YamlReader {
    /**
     * The most values (mappings, lists and scalars, each alias use counted again) one config may
     * expand to. Real configs have a few hundred; the cap stops a file of nested aliases (a
     * "billion laughs" bomb: 30 lines expanding to 2^30 values) in milliseconds.
     */
    public static final int MAX_VALUES = 100_000;

    /** The deepest nesting of mappings and lists; an alias that contains itself reaches it. */
    public static final int MAX_DEPTH = 100;

    private YamlReader() {}

    /** Counts the values converted, so that aliases cannot multiply them without bound. */
    private static final class Budget {
        private final String name;
        private int left = MAX_VALUES;
        private int depth;

        Budget(String name) {
            this.name = name;
        }

        void take(Node n) {
            if (--left < 0) {
                throw new Mtl4jException(
                        name
                                + " line "
                                + line(n)
                                + ": the config expands to more than "
                                + MAX_VALUES
                                + " values (aliases such as *name repeating large blocks?);"
                                + " write the config out without them");
            }
        }

        void enter(Node n) {
            if (++depth > MAX_DEPTH) {
                throw new Mtl4jException(
                        name
                                + " line "
                                + line(n)
                                + ": mappings and lists nested more than "
                                + MAX_DEPTH
                                + " levels deep (an alias inside its own anchor?)");
            }
        }

        void leave() {
            depth--;
        }
    }

    /** Parses {@code file}; its top level must be a mapping. */
    public static Options read(Path file) {
        String name = file.toString();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(name, r);
        } catch (NoSuchFileException e) {
            throw new Mtl4jException(
                    name
                            + ": config file not found (working directory: "
                            + Path.of("").toAbsolutePath()
                            + "); see examples/ for sample configs");
        } catch (IOException e) {
            throw new Mtl4jException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; {@code name} is used in messages. */
    public static Options parse(String name, Reader reader) {
        Node root;
        try {
            LoaderOptions lo = new LoaderOptions();
            lo.setAllowDuplicateKeys(false);
            root = new Yaml(lo).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? -1 : e.getProblemMark().getLine() + 1;
            throw new Mtl4jException(
                    name + (line > 0 ? " line " + line : "") + ": invalid YAML: " + e.getProblem(),
                    e);
        } catch (YAMLException e) {
            throw new Mtl4jException(name + ": invalid YAML: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new Mtl4jException(
                    name + ": the config file is empty; see examples/ for samples");
        }
        if (!(root instanceof MappingNode m)) {
            throw new Mtl4jException(
                    name
                            + " line "
                            + line(root)
                            + ": the top level must be a mapping (key: value lines)");
        }
        return mapping(name + ":", m, new Budget(name));
    }

    private static Options mapping(String where, MappingNode node, Budget budget) {
        budget.take(node);
        budget.enter(node);
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw new Mtl4jException(
                        where + " line " + line(t.getKeyNode()) + ": keys must be plain names");
            }
            String key = k.getValue();
            if (values.containsKey(key)) {
                throw new Mtl4jException(
                        Options.join(where, key)
                                + " (line "
                                + line(k)
                                + "): duplicate key (first at line "
                                + lines.get(key)
                                + "); keep one of them");
            }
            lines.put(key, line(k));
            values.put(key, value(Options.join(where, key), t.getValueNode(), budget));
        }
        budget.leave();
        return new Options(where, values, lines);
    }

    private static Object value(String where, Node node, Budget budget) {
        if (node instanceof MappingNode m) {
            return mapping(where, m, budget);
        }
        budget.take(node);
        if (node instanceof SequenceNode s) {
            List<Object> out = new ArrayList<>();
            int i = 0;
            budget.enter(s);
            for (Node n : s.getValue()) {
                out.add(value(where + "[" + i++ + "]", n, budget));
            }
            budget.leave();
            return out;
        }
        ScalarNode s = (ScalarNode) node;
        Tag tag = s.getTag();
        String v = s.getValue();
        if (Tag.NULL.equals(tag)) {
            return null;
        }
        if (Tag.BOOL.equals(tag)) {
            return Boolean.valueOf(v.toLowerCase(java.util.Locale.ROOT).matches("true|yes|on|y"));
        }
        if (Tag.INT.equals(tag)) {
            try {
                return Long.valueOf(v.replace("_", ""));
            } catch (NumberFormatException e) {
                // beyond the long range: kept exact, so that messages can say "too large"
                return v.replace("_", "").matches("[-+]?\\d+")
                        ? new java.math.BigInteger(v.replace("_", ""))
                        : v;
            }
        }
        if (Tag.FLOAT.equals(tag)) {
            try {
                return Double.valueOf(v.replace("_", ""));
            } catch (NumberFormatException e) {
                return v;
            }
        }
        // YAML 1.1 does not read 1e-3 as a float; accept it as users expect.
        if (v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)[eE][-+]?\\d+")) {
            return Double.valueOf(v);
        }
        return v;
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? -1 : n.getStartMark().getLine() + 1;
    }
}
