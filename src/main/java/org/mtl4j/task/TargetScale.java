package org.mtl4j.task;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a regression task's targets are scaled for the loss. With {@code standard} (the default),
 * each target dimension d is standardised with the mean μ_d and standard deviation σ_d of the
 * task's labelled training rows: the network predicts (y − μ_d) / σ_d and the loss compares scaled
 * values, so a price in dollars and a class probability pull on the shared layers with comparable
 * force. Predictions, metrics, {@code predict}, {@code eval} and {@code serve} are in the original
 * units (y = μ_d + σ_d · output). With {@code none}, targets enter the loss as they are.
 *
 * @param standardize whether targets are standardised
 * @param mean per-dimension training mean; null until fitted (and for {@code none})
 * @param std per-dimension training standard deviation (1 where the labels are constant); null
 *     until fitted (and for {@code none})
 */
public record TargetScale(boolean standardize, double[] mean, double[] std) {
    private static final TargetScale NONE = new TargetScale(false, null, null);
    private static final TargetScale STANDARD = new TargetScale(true, null, null);

    public TargetScale {
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("target scale: mean and std go together");
        }
        if (mean != null) {
            if (!standardize) {
                throw new IllegalArgumentException("target scale 'none' has no mean or std");
            }
            if (mean.length != std.length || mean.length == 0) {
                throw new IllegalArgumentException(
                        "target scale: " + mean.length + " means and " + std.length + " stds");
            }
            mean = mean.clone();
            std = std.clone();
            for (int d = 0; d < mean.length; d++) {
                if (!Double.isFinite(mean[d]) || !(std[d] > 0) || !Double.isFinite(std[d])) {
                    throw new IllegalArgumentException(
                            String.format(
                                    Locale.ROOT,
                                    "target scale: dimension %d has mean %s and std %s (need a"
                                            + " finite mean and a finite std > 0)",
                                    d,
                                    mean[d],
                                    std[d]));
                }
            }
        }
    }

    /** Targets enter the loss unscaled. */
    public static TargetScale none() {
        return NONE;
    }

    /** Standardise, statistics still to be fitted on the training labels. */
    public static TargetScale standard() {
        return STANDARD;
    }

    /** The configuration name: {@code standard} or {@code none}. */
    public String configName() {
        return standardize ? "standard" : "none";
    }

    /** Parses {@code standard} or {@code none}; null for anything else. */
    public static TargetScale parse(String name) {
        return switch (name) {
            case "standard" -> STANDARD;
            case "none" -> NONE;
            default -> null;
        };
    }

    /** Whether the statistics are known (or nothing needs them). */
    public boolean fitted() {
        return !standardize || mean != null;
    }

    /** Whether labels and outputs are transformed (standardise, fitted). */
    public boolean active() {
        return standardize && mean != null;
    }

    /**
     * Fits the mean and standard deviation of every dimension over the labelled rows of row-major
     * {@code values} ({@code rows} × {@code width}); a dimension with fewer than two labelled rows
     * or constant labels gets σ = 1.
     */
    public TargetScale fit(float[] values, boolean[] observed, int width) {
        if (!standardize) {
            return this;
        }
        double[] m = new double[width];
        double[] s = new double[width];
        long[] n = new long[width];
        // Welford's running mean and sum of squared deviations, per dimension
        for (int r = 0; r < observed.length; r++) {
            if (!observed[r]) {
                continue;
            }
            for (int d = 0; d < width; d++) {
                double v = values[r * width + d];
                n[d]++;
                double delta = v - m[d];
                m[d] += delta / n[d];
                s[d] += delta * (v - m[d]);
            }
        }
        double[] std = new double[width];
        for (int d = 0; d < width; d++) {
            double sd = n[d] > 1 ? Math.sqrt(s[d] / (n[d] - 1)) : 0;
            std[d] = sd > 1e-12 * Math.max(1, Math.abs(m[d])) && Double.isFinite(sd) ? sd : 1;
        }
        return new TargetScale(true, m, std);
    }

    /** {@code values} (rows × width, row-major) in scaled units: (y − μ) / σ. */
    public float[] toScaled(float[] values, int width) {
        if (!active()) {
            return values;
        }
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            int d = i % width;
            out[i] = (float) ((values[i] - mean[d]) / std[d]);
        }
        return out;
    }

    /** Scaled {@code values} back in original units, in place: μ + σ · v. */
    public void toOriginalInPlace(float[] values, int width) {
        if (!active()) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            int d = i % width;
            values[i] = (float) (mean[d] + std[d] * values[i]);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TargetScale t
                && t.standardize == standardize
                && Arrays.equals(t.mean, mean)
                && Arrays.equals(t.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Boolean.hashCode(standardize) + Arrays.hashCode(mean))
                + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return active()
                ? "standard(mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")"
                : configName();
    }

    @Override
    public double[] mean() {
        return mean == null ? null : mean.clone();
    }

    @Override
    public double[] std() {
        return std == null ? null : std.clone();
    }
}
