package org.mtl4j.balance.solver;

import java.util.Arrays;

/**
 * The unit task gradients {@code u_t = g_t / ‖g_t‖} seen through the Gram matrix, and the
 * Moore–Penrose solution of "equal projection onto every unit gradient" shared by {@link
 * ImtlGSolver} and {@link ConFigSolver}.
 *
 * <p>With {@code n_t = √K_tt} and the cosine matrix {@code C_ij = K_ij / (n_i n_j)} (the Gram
 * matrix of the unit gradients, {@code C = U Uᵀ}), a vector of the span {@code y = Uᵀ β} has
 * projections {@code U y = C β}. The minimum-norm least-squares solution of {@code U y = 1} is
 * {@code y = U⁺ 1 = Uᵀ (U Uᵀ)⁺ 1}, i.e. {@code β = C⁺ 1}; then {@code p = C β} is the orthogonal
 * projection of the all-ones vector onto the range of C, and {@code p = 1} (all projections equal)
 * exactly when such a y exists. In terms of the raw gradients {@code y = Σ_t (β_t / n_t) g_t}.
 *
 * <p>Tasks whose squared norm is below {@link #ZERO_NORM_SQUARED} times the largest entry of K have
 * no unit vector; they are excluded (β_t = 0, p_t = 0), which matches the authors' ConFIG code
 * where such rows of U become zero. The pseudo-inverse keeps the eigenvalues of C above {@code
 * rankTolerance · λ_max(C)}.
 */
final class UnitGradients {

    /**
     * Squared norms below this fraction of the largest entry of K (i.e. subnormal after scaling)
     * count as zero gradients: their cosines can no longer be formed to working precision.
     */
    static final double ZERO_NORM_SQUARED = Double.MIN_NORMAL;

    /**
     * Below this ‖p‖ / √m (m active tasks), the all-ones vector is numerically orthogonal to the
     * range of C and no direction with positive equal projections exists (e.g. two exactly opposite
     * gradients).
     */
    static final double VANISHING_DIRECTION = 1e-8;

    /** Norms {@code n_t} in the units of the scaled matrix (0 for excluded tasks). */
    final double[] norms;

    /** {@code β = C⁺ 1} (0 for excluded tasks). */
    final double[] beta;

    /** {@code p = C β}, the projection of 1 onto the range of C (0 for excluded tasks). */
    final double[] projections;

    /** Indices of the tasks with a unit vector. */
    final int[] active;

    /** Eigen-decomposition of the cosine matrix of the active tasks (null if there are none). */
    final SymmetricEigen.Decomposition eigen;

    /** Numerical rank of C. */
    final int rank;

    private UnitGradients(
            double[] norms,
            double[] beta,
            double[] projections,
            int[] active,
            SymmetricEigen.Decomposition eigen,
            int rank) {
        this.norms = norms;
        this.beta = beta;
        this.projections = projections;
        this.active = active;
        this.eigen = eigen;
        this.rank = rank;
    }

    /**
     * @param k symmetric Gram matrix already scaled so that its largest entry lies in [1, 2)
     * @param rankTolerance eigenvalues of C at most {@code rankTolerance · λ_max(C)} are dropped
     */
    static UnitGradients of(double[][] k, double rankTolerance) {
        int n = k.length;
        double threshold = ZERO_NORM_SQUARED * MinNormSolver.maxAbsEntry(k);
        double[] norms = new double[n];
        int[] active = new int[n];
        int m = 0;
        for (int t = 0; t < n; t++) {
            if (k[t][t] > 0.0 && k[t][t] >= threshold) {
                norms[t] = Math.sqrt(k[t][t]);
                active[m++] = t;
            }
        }
        active = Arrays.copyOf(active, m);
        double[] beta = new double[n];
        double[] projections = new double[n];
        if (m == 0) {
            return new UnitGradients(norms, beta, projections, active, null, 0);
        }
        double[][] cosine = new double[m][m];
        for (int a = 0; a < m; a++) {
            int i = active[a];
            cosine[a][a] = 1.0;
            for (int b = a + 1; b < m; b++) {
                int j = active[b];
                double c = k[i][j] / (norms[i] * norms[j]);
                c = Math.max(-1.0, Math.min(1.0, c));
                cosine[a][b] = c;
                cosine[b][a] = c;
            }
        }
        SymmetricEigen.Decomposition eigen = SymmetricEigen.decompose(cosine);
        double[] ones = new double[m];
        Arrays.fill(ones, 1.0);
        double[] b = SymmetricEigen.pseudoInverseTimes(eigen, ones, rankTolerance);
        for (int a = 0; a < m; a++) {
            beta[active[a]] = b[a];
            projections[active[a]] = SymmetricEigen.dot(cosine[a], b);
        }
        return new UnitGradients(
                norms, beta, projections, active, eigen, eigen.rank(rankTolerance));
    }

    /** Whether ‖p‖ is negligible, i.e. there is no direction with positive equal projections. */
    boolean directionVanishes() {
        if (active.length == 0) {
            return true;
        }
        double sum = 0.0;
        for (int t : active) {
            sum += projections[t] * projections[t];
        }
        return !(Math.sqrt(sum) > VANISHING_DIRECTION * Math.sqrt(active.length));
    }

    /** {@code max_t |p_t − 1|} over the active tasks (0 if there are none). */
    double projectionResidual() {
        double max = 0.0;
        for (int t : active) {
            max = Math.max(max, Math.abs(projections[t] - 1.0));
        }
        return max;
    }

    /** {@code ‖y‖² = βᵀ C β = β · p}, clamped at 0 against rounding. */
    double directionNormSquared() {
        double sum = 0.0;
        for (int t : active) {
            sum += beta[t] * projections[t];
        }
        return Math.max(0.0, sum);
    }

    /** {@code 2^(exponent/2)} applied to x without intermediate overflow: converts norm units. */
    static double toNormUnits(double x, int exponent) {
        int half = exponent >> 1;
        double scaled = Math.scalb(x, half);
        return (exponent - 2 * half) == 0 ? scaled : scaled * Math.sqrt(2.0);
    }
}
