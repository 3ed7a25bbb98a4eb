package org.mtl4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.CsvTable;

/**
 * Checks JSON records (feature name → value) against the features a saved model reads, and turns
 * them into a table for the model's saved preprocessing. Every record must give every feature (use
 * {@code null} for a missing value: the training mean for a numeric feature, the unknown category
 * for a categorical one); numeric features take JSON numbers, categorical ones strings or numbers,
 * multi-valued ones an array of strings (or one string with the separator). Anything else is
 * refused with a message naming the record and the feature.
 */
public final class RecordInput {
    /** What a feature accepts. */
    public enum Kind {
        NUMERIC,
        CATEGORICAL,
        MULTI_VALUED
    }

    private final Map<String, Kind> features = new LinkedHashMap<>();
    private final Map<String, String> separators;
    private boolean nullAllowed = true;

    /**
     * Refuses {@code null} values: for a model without saved preprocessing (e.g. trained on
     * synthetic data), which has no training mean to fill them with.
     */
    public RecordInput withoutNulls() {
        nullAllowed = false;
        return this;
    }

    public RecordInput(
            List<String> numeric, List<String> categorical, Map<String, String> multiValued) {
        numeric.forEach(n -> features.put(n, Kind.NUMERIC));
        for (String c : categorical) {
            features.put(c, multiValued.containsKey(c) ? Kind.MULTI_VALUED : Kind.CATEGORICAL);
        }
        this.separators = Map.copyOf(multiValued);
    }

    /** Feature name → kind, in the model's order. */
    public Map<String, Kind> features() {
        return java.util.Collections.unmodifiableMap(features);
    }

    /** The records as a table whose columns are the model's features. */
    public CsvTable table(List<JsonNode> records) {
        List<String> columns = new ArrayList<>(features.keySet());
        List<String[]> rows = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            rows.add(row(records.get(i), i, records.size() > 1));
        }
        return CsvTable.of("request", columns, rows);
    }

    private String[] row(JsonNode record, int index, boolean several) {
        String where = several ? "record " + (index + 1) : "record";
        if (record == null || !record.isObject()) {
            throw new Mtl4jException(
                    where
                            + ": expected a JSON object of features, got "
                            + describe(record)
                            + "; e.g. "
                            + example());
        }
        Iterator<String> names = record.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!features.containsKey(n)) {
                throw new Mtl4jException(
                        where
                                + ": unknown feature \""
                                + clip(n)
                                + "\"; the model reads "
                                + list(new ArrayList<>(features.keySet())));
            }
        }
        List<String> missing = new ArrayList<>();
        for (String f : features.keySet()) {
            if (!record.has(f)) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new Mtl4jException(
                    where
                            + ": missing feature"
                            + (missing.size() > 1 ? "s " : " ")
                            + list(missing)
                            + " (every feature is required; send null for a missing value)");
        }
        String[] cells = new String[features.size()];
        int k = 0;
        for (Map.Entry<String, Kind> f : features.entrySet()) {
            cells[k++] = cell(record.get(f.getKey()), f.getKey(), f.getValue(), where);
        }
        return cells;
    }

    private String cell(JsonNode v, String name, Kind kind, String where) {
        String at = where + ", feature \"" + name + "\"";
        if (v.isNull()) {
            if (!nullAllowed) {
                throw new Mtl4jException(
                        at
                                + ": null is not accepted by this model (it has no saved"
                                + " preprocessing to fill a missing value); send a number");
            }
            return "";
        }
        switch (kind) {
            case NUMERIC -> {
                if (!v.isNumber()) {
                    throw new Mtl4jException(
                            at + ": expected a number (or null), got " + describe(v));
                }
                double d = v.asDouble();
                org.mtl4j.data.FeatureValues.checkRange(d, at, v.asText());
                return v.isIntegralNumber() ? v.asText() : Double.toString(d);
            }
            case CATEGORICAL -> {
                if (v.isTextual() || v.isNumber() || v.isBoolean()) {
                    return v.asText();
                }
                throw new Mtl4jException(
                        at + ": expected a string or number (a category), got " + describe(v));
            }
            default -> {
                String sep = separators.get(name);
                if (v.isTextual()) {
                    return v.asText();
                }
                if (!v.isArray()) {
                    throw new Mtl4jException(
                            at
                                    + ": expected an array of strings (or one string with \""
                                    + sep
                                    + "\" between values), got "
                                    + describe(v));
                }
                List<String> parts = new ArrayList<>();
                for (JsonNode e : v) {
                    if (!(e.isTextual() || e.isNumber())) {
                        throw new Mtl4jException(
                                at + ": array elements must be strings, got " + describe(e));
                    }
                    if (e.asText().contains(sep)) {
                        throw new Mtl4jException(
                                at
                                        + ": value \""
                                        + clip(e.asText())
                                        + "\" contains the separator \""
                                        + sep
                                        + "\"");
                    }
                    parts.add(e.asText());
                }
                return String.join(sep, parts);
            }
        }
    }

    /** A record with every feature, for error messages and {@code GET /model}. */
    public Map<String, Object> exampleRecord() {
        Map<String, Object> m = new LinkedHashMap<>();
        features.forEach(
                (n, k) ->
                        m.put(
                                n,
                                switch (k) {
                                    case NUMERIC -> 0.0;
                                    case CATEGORICAL -> "value";
                                    case MULTI_VALUED -> List.of("a", "b");
                                }));
        return m;
    }

    private String example() {
        String s = Json.line(exampleRecord());
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }

    private static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        String type =
                v.isObject()
                        ? "an object"
                        : v.isArray()
                                ? "an array"
                                : v.isTextual()
                                        ? "the string"
                                        : v.isBoolean()
                                                ? "the boolean"
                                                : v.isNumber() ? "the number" : "null";
        if (v.isContainerNode() || v.isNull()) {
            return type;
        }
        return type + " " + clip(v.isTextual() ? "\"" + v.asText() + "\"" : v.asText());
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String list(List<String> names) {
        return names.size() <= 12
                ? names.toString()
                : names.subList(0, 12) + " and " + (names.size() - 12) + " more";
    }
}
