package org.mtl4j.data;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The feature columns of a tabular dataset, by name: {@code numeric} columns are standardised,
 * {@code categorical} columns are mapped to vocabulary ids (see {@link Preprocessor}). The order of
 * each list is the order of the features in a {@link FeatureMatrix}.
 *
 * <p>Every name must be non-empty and appear only once across both lists; there must be at least
 * one feature. {@code hashBuckets} maps some categorical columns (high-cardinality ids) to a number
 * of hash buckets, used instead of a vocabulary.
 */
public record TabularSchema(
        List<String> numeric,
        List<String> categorical,
        Map<String, Integer> hashBuckets,
        Map<String, String> multiValued,
        Map<String, TextSpec> text,
        VocabularyLimits vocabulary) {

    /** Hash buckets allowed per column. */
    public static final int MAX_BUCKETS = 1 << 24;

    /** No hashed column. */
    public TabularSchema(List<String> numeric, List<String> categorical) {
        this(numeric, categorical, Map.of(), Map.of(), Map.of());
    }

    /** Every training value of a categorical column gets an id. */
    public TabularSchema(
            List<String> numeric,
            List<String> categorical,
            Map<String, Integer> hashBuckets,
            Map<String, String> multiValued,
            Map<String, TextSpec> text) {
        this(numeric, categorical, hashBuckets, multiValued, text, null);
    }

    /** No text column. */
    public TabularSchema(
            List<String> numeric,
            List<String> categorical,
            Map<String, Integer> hashBuckets,
            Map<String, String> multiValued) {
        this(numeric, categorical, hashBuckets, multiValued, Map.of());
    }

    /** No multi-valued column. */
    public TabularSchema(
            List<String> numeric, List<String> categorical, Map<String, Integer> hashBuckets) {
        this(numeric, categorical, hashBuckets, Map.of(), Map.of());
    }

    public TabularSchema {
        vocabulary = vocabulary == null ? VocabularyLimits.none() : vocabulary;
        hashBuckets = Map.copyOf(hashBuckets == null ? Map.of() : hashBuckets);
        multiValued = Map.copyOf(multiValued == null ? Map.of() : multiValued);
        text = Map.copyOf(text == null ? Map.of() : text);
        for (String col : text.keySet()) {
            // a text column is read as a multi-valued categorical column of its words
            if (!categorical.contains(col) || !multiValued.containsKey(col)) {
                throw new IllegalArgumentException(
                        "text column \"" + col + "\" must be categorical and multi-valued");
            }
        }
        Objects.requireNonNull(numeric, "numeric feature columns");
        Objects.requireNonNull(categorical, "categorical feature columns");
        numeric = List.copyOf(numeric);
        categorical = List.copyOf(categorical);
        if (numeric.isEmpty() && categorical.isEmpty()) {
            throw new IllegalArgumentException(
                    "no feature columns: list at least one numeric or categorical column");
        }
        Set<String> seen = new HashSet<>();
        for (List<String> names : List.of(numeric, categorical)) {
            for (String n : names) {
                if (n.isEmpty()) {
                    throw new IllegalArgumentException("feature column names must not be empty");
                }
                if (!seen.add(n)) {
                    throw new IllegalArgumentException(
                            "feature column \""
                                    + n
                                    + "\" is listed more than once (list each column once)");
                }
            }
        }
        for (Map.Entry<String, String> e : multiValued.entrySet()) {
            if (!categorical.contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "multi_valued names \""
                                + e.getKey()
                                + "\", which is not a categorical column; list it under"
                                + " categorical too");
            }
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw new IllegalArgumentException(
                        "multi_valued column \"" + e.getKey() + "\" needs a separator, e.g. \"|\"");
            }
            if (hashBuckets.containsKey(e.getKey())) {
                throw new IllegalArgumentException(
                        "column \""
                                + e.getKey()
                                + "\" is both hashed and multi-valued; choose one");
            }
        }
        for (Map.Entry<String, Integer> e : hashBuckets.entrySet()) {
            if (!categorical.contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "hash_buckets names \""
                                + e.getKey()
                                + "\", which is not a categorical column; list it under"
                                + " categorical too");
            }
            if (e.getValue() == null || e.getValue() < 1 || e.getValue() > MAX_BUCKETS) {
                throw new IllegalArgumentException(
                        "hash_buckets of \""
                                + e.getKey()
                                + "\" must be between 1 and "
                                + MAX_BUCKETS
                                + ", got "
                                + e.getValue());
            }
        }
    }

    /** Number of feature columns (numeric plus categorical). */
    public int size() {
        return numeric.size() + categorical.size();
    }
}
