package org.mtl4j.data;

import java.util.Objects;

/**
 * Model-ready features of a set of rows: dense numeric features (already standardised) and
 * categorical ids (already mapped through a vocabulary; 0 is the out-of-vocabulary slot).
 *
 * <p>Shapes: {@code numeric} is rows × numericWidth, row-major; {@code categorical} is rows ×
 * categoricalWidth, row-major. Either width may be 0.
 */
public record FeatureMatrix(
        int rows, int numericWidth, float[] numeric, int categoricalWidth, int[] categorical) {

    public FeatureMatrix {
        Objects.requireNonNull(numeric, "numeric");
        Objects.requireNonNull(categorical, "categorical");
        if (rows < 0 || numericWidth < 0 || categoricalWidth < 0) {
            throw new IllegalArgumentException("negative size");
        }
        if (numeric.length != (long) rows * numericWidth) {
            throw new IllegalArgumentException(
                    "numeric has "
                            + numeric.length
                            + " values, expected "
                            + rows
                            + "x"
                            + numericWidth);
        }
        if (categorical.length != (long) rows * categoricalWidth) {
            throw new IllegalArgumentException(
                    "categorical has "
                            + categorical.length
                            + " values, expected "
                            + rows
                            + "x"
                            + categoricalWidth);
        }
    }

    /** The rows at the given indices, in that order. */
    public FeatureMatrix select(int[] idx) {
        float[] num = new float[idx.length * numericWidth];
        int[] cat = new int[idx.length * categoricalWidth];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(numeric, idx[i] * numericWidth, num, i * numericWidth, numericWidth);
            System.arraycopy(
                    categorical,
                    idx[i] * categoricalWidth,
                    cat,
                    i * categoricalWidth,
                    categoricalWidth);
        }
        return new FeatureMatrix(idx.length, numericWidth, num, categoricalWidth, cat);
    }

    /** Rows of {@code this} followed by rows of {@code other} (same widths). */
    public FeatureMatrix concat(FeatureMatrix other) {
        if (other.numericWidth != numericWidth || other.categoricalWidth != categoricalWidth) {
            throw new IllegalArgumentException("feature widths differ");
        }
        float[] num = new float[numeric.length + other.numeric.length];
        System.arraycopy(numeric, 0, num, 0, numeric.length);
        System.arraycopy(other.numeric, 0, num, numeric.length, other.numeric.length);
        int[] cat = new int[categorical.length + other.categorical.length];
        System.arraycopy(categorical, 0, cat, 0, categorical.length);
        System.arraycopy(other.categorical, 0, cat, categorical.length, other.categorical.length);
        return new FeatureMatrix(rows + other.rows, numericWidth, num, categoricalWidth, cat);
    }
}
