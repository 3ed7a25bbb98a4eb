package org.mtl4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.Mtl4jException;

/**
 * Strict readers of the fields of a {@code model.json}: each field must be there, of its type and
 * within its bounds, or the load stops with one line naming the file, the field and the value,
 * before anything is built. A hand-edited or damaged file thus never reaches the engine (where a
 * width of 10^9 would try to allocate tens of gigabytes, and a width of "abc" or -4 would fail deep
 * inside the model builder).
 */
final class ModelJson {
    /** The largest layer width, channel count, embedding width or class count accepted. */
    static final int MAX_WIDTH = 1 << 16;

    /** The largest vocabulary of one column (hashed columns reach 16,777,216 buckets + 1). */
    static final int MAX_VOCABULARY = (1 << 24) + 1;

    private final Path file;

    ModelJson(Path file) {
        this.file = file;
    }

    Mtl4jException bad(String where, JsonNode value, String expected) {
        String got =
                value == null || value.isMissingNode()
                        ? "missing"
                        : Mtl4jException.clip(value.toString());
        return new Mtl4jException(
                file
                        + ": "
                        + where
                        + " is "
                        + got
                        + ", expected "
                        + expected
                        + "; the file was edited or damaged (save the model again with mtl4j train)");
    }

    JsonNode node(JsonNode parent, String key, String where) {
        JsonNode n = parent == null ? null : parent.get(key);
        if (n == null || n.isNull()) {
            throw bad(where, null, "a value");
        }
        return n;
    }

    int integer(JsonNode parent, String key, String where, int min, int max) {
        return integer(parent == null ? null : parent.get(key), where, min, max);
    }

    int integer(JsonNode n, String where, int min, int max) {
        if (n == null
                || !n.isIntegralNumber()
                || !n.canConvertToInt()
                || n.asInt() < min
                || n.asInt() > max) {
            throw bad(where, n, "an integer from " + min + " to " + max);
        }
        return n.asInt();
    }

    double real(JsonNode parent, String key, String where, double min, double max) {
        JsonNode n = parent == null ? null : parent.get(key);
        if (n == null || !n.isNumber() || !(n.asDouble() >= min && n.asDouble() <= max)) {
            throw bad(where, n, "a number from " + min + " to " + max);
        }
        return n.asDouble();
    }

    boolean bool(JsonNode parent, String key, String where) {
        JsonNode n = parent == null ? null : parent.get(key);
        if (n == null || !n.isBoolean()) {
            throw bad(where, n, "true or false");
        }
        return n.asBoolean();
    }

    String text(JsonNode parent, String key, String where) {
        JsonNode n = parent == null ? null : parent.get(key);
        if (n == null || !n.isTextual()) {
            throw bad(where, n, "a string");
        }
        return n.asText();
    }

    JsonNode array(JsonNode parent, String key, String where) {
        JsonNode n = parent == null ? null : parent.get(key);
        if (n == null || !n.isArray()) {
            throw bad(where, n, "an array");
        }
        return n;
    }

    List<Integer> integers(JsonNode parent, String key, String where, int min, int max) {
        JsonNode a = array(parent, key, where);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(integer(a.get(i), where + "[" + i + "]", min, max));
        }
        return out;
    }

    /** Strings of an array; an absent field is an empty list. */
    List<String> strings(JsonNode parent, String key, String where) {
        JsonNode a = parent == null ? null : parent.get(key);
        List<String> out = new ArrayList<>();
        if (a == null || a.isNull()) {
            return out;
        }
        if (!a.isArray()) {
            throw bad(where, a, "an array of strings");
        }
        for (int i = 0; i < a.size(); i++) {
            JsonNode s = a.get(i);
            if (!s.isTextual() && !s.isNumber()) {
                throw bad(where + "[" + i + "]", s, "a string");
            }
            out.add(s.asText());
        }
        return out;
    }
}
