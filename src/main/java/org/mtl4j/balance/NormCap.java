package org.mtl4j.balance;

/** Caps the norm of a combined gradient Σ_t c_t g_t, computed from the Gram matrix. */
final class NormCap {
    private NormCap() {}

    /** c scaled so that ‖Σ_t c_t g_t‖ ≤ maxNorm (unchanged when maxNorm ≤ 0). */
    static double[] cap(double[] c, double[][] gram, double maxNorm) {
        if (!(maxNorm > 0)) {
            return c;
        }
        double sq = 0;
        for (int i = 0; i < c.length; i++) {
            for (int j = 0; j < c.length; j++) {
                sq += c[i] * gram[i][j] * c[j];
            }
        }
        double norm = Math.sqrt(Math.max(sq, 0));
        if (!(norm > maxNorm) || !Double.isFinite(norm)) {
            return c;
        }
        double[] out = c.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= maxNorm / norm;
        }
        return out;
    }
}
