package org.mtl4j.data;

import org.mtl4j.Mtl4jException;

/**
 * The one check every numeric feature value passes, wherever it comes from (a CSV cell in training,
 * {@code predict} and {@code eval}, or a JSON number sent to the server): the engine computes in
 * float32, so a value beyond its range (±3.4 × 10^38) would become infinite and make every output
 * NaN. Such a value is refused with the place it came from.
 */
public final class FeatureValues {
    private FeatureValues() {}

    /**
     * Throws unless {@code v} is finite and within the float32 range.
     *
     * @param where the place of the value, e.g. {@code data.csv line 7, column "age"}
     * @param text the value as written, quoted (clipped) in the message
     */
    public static void checkRange(double v, String where, String text) {
        if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
            throw new Mtl4jException(
                    where
                            + ": the number is too large to represent ("
                            + Mtl4jException.clip(text)
                            + "); numeric features must lie within ±3.4e38, the float32 range");
        }
    }
}
