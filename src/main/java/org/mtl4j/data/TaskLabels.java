package org.mtl4j.data;

import java.util.Objects;

/**
 * The labels of one task for a set of rows. {@code values} is rows × width, row-major (encoding in
 * {@link org.mtl4j.task.TaskType}); {@code observed[i]} is false where row i has no label for this
 * task, in which case its values are ignored (conventionally 0).
 */
public record TaskLabels(int rows, int width, float[] values, boolean[] observed) {

    public TaskLabels {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(observed, "observed");
        if (values.length != (long) rows * width || observed.length != rows) {
            throw new IllegalArgumentException(
                    "labels: "
                            + values.length
                            + " values and "
                            + observed.length
                            + " flags for "
                            + rows
                            + " rows of width "
                            + width);
        }
    }

    /** Labels of {@code rows} rows, none observed. */
    public static TaskLabels missing(int rows, int width) {
        return new TaskLabels(rows, width, new float[rows * width], new boolean[rows]);
    }

    /** Number of rows with a label. */
    public int observedCount() {
        int n = 0;
        for (boolean b : observed) {
            if (b) {
                n++;
            }
        }
        return n;
    }

    /** The rows at the given indices, in that order. */
    public TaskLabels select(int[] idx) {
        float[] v = new float[idx.length * width];
        boolean[] o = new boolean[idx.length];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(values, idx[i] * width, v, i * width, width);
            o[i] = observed[idx[i]];
        }
        return new TaskLabels(idx.length, width, v, o);
    }

    /** Rows of {@code this} followed by rows of {@code other}. */
    public TaskLabels concat(TaskLabels other) {
        float[] v = new float[values.length + other.values.length];
        System.arraycopy(values, 0, v, 0, values.length);
        System.arraycopy(other.values, 0, v, values.length, other.values.length);
        boolean[] o = new boolean[rows + other.rows];
        System.arraycopy(observed, 0, o, 0, rows);
        System.arraycopy(other.observed, 0, o, rows, other.rows);
        return new TaskLabels(rows + other.rows, width, v, o);
    }
}
