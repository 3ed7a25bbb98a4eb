package org.mtl4j.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mtl4j.Mtl4jException;

/** JSON reading and writing for run files (Jackson). NaN is written as null. */
public final class Json {
    private static final ObjectMapper PRETTY =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    private Json() {}

    public static ObjectMapper mapper() {
        return COMPACT;
    }

    /** Pretty JSON text of {@code value}. */
    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(Sanitize.clean(value)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One-line JSON text of {@code value}. */
    public static String line(Object value) {
        try {
            return COMPACT.writeValueAsString(Sanitize.clean(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes pretty JSON atomically. */
    public static void write(Path file, Object value) {
        AtomicFiles.writeString(file, pretty(value));
    }

    public static JsonNode read(Path file) {
        try {
            return COMPACT.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new Mtl4jException(file + ": not found");
        } catch (JsonProcessingException e) {
            throw new Mtl4jException(file + ": not valid JSON (" + problem(e) + ")", e);
        } catch (IOException e) {
            throw new Mtl4jException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * What is wrong with a JSON text, in one line and without the parser's internals (feature and
     * constraint class names, source descriptions), with the line and column.
     */
    public static String problem(JsonProcessingException e) {
        String msg = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
        msg =
                msg.replaceAll(
                                "\\[Source: .*?; line: (\\d+), column: (\\d+)\\]",
                                "line $1, column $2")
                        .replaceAll(": enable `[^`]*` to allow", " (not allowed in JSON)")
                        .replaceAll(", from `[^`]*`\\)", ")")
                        .replaceAll(
                                "\\s*\\(not recognized as one since Feature '\\w+' not enabled for"
                                        + " parser\\)",
                                " (comments are not allowed in JSON)")
                        .replaceAll("`[^`]*`", "")
                        .replaceAll("\\s+", " ")
                        .strip();
        if (msg.length() > 200) {
            msg = msg.substring(0, 197) + "...";
        }
        var loc = e.getLocation();
        return msg
                + (loc == null || loc.getLineNr() < 1
                        ? ""
                        : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")");
    }

    /** Replaces non-finite doubles by null, recursively through maps and lists. */
    private static final class Sanitize {
        static Object clean(Object v) {
            if (v instanceof Double d && !Double.isFinite(d)) {
                return null;
            }
            if (v instanceof double[] a) {
                java.util.List<Object> out = new java.util.ArrayList<>();
                for (double d : a) {
                    out.add(Double.isFinite(d) ? d : null);
                }
                return out;
            }
            if (v instanceof java.util.Map<?, ?> m) {
                java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
                m.forEach((k, x) -> out.put(k, clean(x)));
                return out;
            }
            if (v instanceof java.util.List<?> l) {
                return l.stream().map(Sanitize::clean).toList();
            }
            return v;
        }
    }
}
