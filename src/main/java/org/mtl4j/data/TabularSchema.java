package org.mtl4j.data;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The feature columns of a tabular dataset, by name: {@code numeric} columns are standardised,
 * {@code categorical} columns are mapped to vocabulary ids (see {@link Preprocessor}). The order of
 * each list is the order of the features in a {@link FeatureMatrix}.
 *
 * <p>Every name must be non-empty and appear only once across both lists; there must be at least
 * one feature.
 */
public record TabularSchema(List<String> numeric, List<String> categorical) {

    public TabularSchema {
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
    }

    /** Number of feature columns (numeric plus categorical). */
    public int size() {
        return numeric.size() + categorical.size();
    }
}
