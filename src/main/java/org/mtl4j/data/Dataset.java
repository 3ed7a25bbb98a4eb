package org.mtl4j.data;

import java.util.List;
import java.util.Objects;

/**
 * Rows of features with labels for every task of the task set, in task order. A task that this
 * dataset does not label has all rows unobserved.
 */
public record Dataset(FeatureMatrix features, List<TaskLabels> labels) {

    public Dataset {
        Objects.requireNonNull(features, "features");
        labels = List.copyOf(labels);
        for (TaskLabels l : labels) {
            if (l.rows() != features.rows()) {
                throw new IllegalArgumentException(
                        "labels have " + l.rows() + " rows, features " + features.rows());
            }
        }
    }

    public int rows() {
        return features.rows();
    }

    /** The rows at the given indices, in that order. */
    public Dataset select(int[] idx) {
        return new Dataset(features.select(idx), labels.stream().map(l -> l.select(idx)).toList());
    }

    /** Rows of {@code this} followed by rows of {@code other} (same tasks and feature widths). */
    public Dataset concat(Dataset other) {
        List<TaskLabels> out = new java.util.ArrayList<>();
        for (int t = 0; t < labels.size(); t++) {
            out.add(labels.get(t).concat(other.labels.get(t)));
        }
        return new Dataset(features.concat(other.features), out);
    }
}
