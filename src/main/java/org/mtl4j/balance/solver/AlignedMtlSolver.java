package org.mtl4j.balance.solver;

import java.util.Arrays;
import java.util.Objects;

/**
 * Aligned-MTL: aligns the principal components of the task-gradient matrix so that its condition
 * number becomes 1, computed from the Gram matrix of the task gradients.
 *
 * <p>Senushkin et al., "Independent Component Alignment for Multi-Task Learning" (CVPR 2023), the
 * Aligned-MTL algorithm (Algorithm 1). With the gradient matrix {@code G = [g_1 … g_T]} (one column
 * per task), its Gram matrix {@code M = GᵀG = K = V Λ Vᵀ} and the numerical rank R:
 *
 * <pre>
 *   B = σ · V_R Λ_R^(−1/2) V_Rᵀ,     Ĝ = G B,     update = Ĝ w = G (B w),
 * </pre>
 *
 * <p>so {@code ĜᵀĜ = σ² V_R V_Rᵀ}: every non-zero singular value of the aligned matrix {@code Ĝ}
 * equals σ (condition number 1), and {@code Ĝ = σ U Vᵀ} for the thin SVD {@code G = U Σ Vᵀ}. The
 * coefficients returned are {@code c = B w}; column t of {@link Solution#alignment()} holds the
 * coefficients of the aligned gradient {@code ĝ_t = Σ_i B[i][t] g_i}.
 *
 * <p><b>Scale σ</b> ({@link Scale}): {@link Scale#MIN}, the smallest retained singular value {@code
 * √λ_R}, is the paper's choice and the default. The authors' code ({@code ProcrustesSolver}) also
 * offers {@link Scale#MEDIAN}, {@code √median(λ)} with the lower median for an even rank (as {@code
 * torch.median}), and {@link Scale#RMSE}, {@code √mean(λ)} (the root mean square of the retained
 * singular values). Task weights w default to all ones: the authors' balancer sums the aligned
 * gradients.
 *
 * <p><b>Rank.</b> Eigenvalues are computed by {@link SymmetricEigen} (Jacobi, double precision);
 * eigenvalues at most {@code rankTolerance · λ_max} — including tiny negative ones from rounding —
 * are dropped. <em>Deviation:</em> the authors' rule is {@code λ_max · T · eps} with the epsilon of
 * PyTorch's default float32 dtype (≈ 1.2e-7 · T); here the default is {@link
 * #DEFAULT_RANK_TOLERANCE} = 1e-10, i.e. singular values below 1e-5 of the largest count as zero,
 * which is well above the rounding level of a Gram matrix accumulated in double precision. Note
 * that with {@link Scale#MIN} a direction just above the cut-off shrinks the whole update (σ is
 * tiny); raise the tolerance or use another scale if that is undesirable.
 *
 * <p><b>Degenerate inputs.</b> T = 1: {@code c = w}. Zero gradients only lower the rank. If every
 * gradient is zero (rank 0) the coefficients are all zero. T identical gradients g give rank 1,
 * every aligned gradient equals g and {@code c_t = Σ_i w_i / T}; two exactly opposite gradients
 * give {@code c = 0} for equal weights. The computation runs on K scaled by an exact power of two;
 * the coefficients depend only on ratios of singular values, so they are scale invariant and never
 * NaN.
 */
public final class AlignedMtlSolver {

    /** Default relative eigenvalue cut-off for the numerical rank. */
    public static final double DEFAULT_RANK_TOLERANCE = 1e-10;

    /** The common singular value σ of the aligned gradient matrix. */
    public enum Scale {
        /** Smallest retained singular value (the paper). */
        MIN,
        /** Singular value of the lower median eigenvalue (authors' code, {@code "median"}). */
        MEDIAN,
        /** Root mean square of the retained singular values (authors' code, {@code "rmse"}). */
        RMSE
    }

    /**
     * Result of {@link #solve}.
     *
     * @param weights coefficients {@code c = B w} (length T) of the update {@code Σ_t c_t g_t}
     * @param alignment the T×T matrix B; column t holds the coefficients of the aligned gradient
     *     {@code ĝ_t}
     * @param scale σ, the common singular value of the aligned gradients, in the units of the
     *     gradients (0 if every gradient is zero)
     * @param rank numerical rank R of K
     * @param sweeps Jacobi sweeps of the eigen-decomposition
     * @param converged whether the eigen-decomposition converged
     */
    public record Solution(
            double[] weights,
            double[][] alignment,
            double scale,
            int rank,
            int sweeps,
            boolean converged) {}

    private AlignedMtlSolver() {}

    /**
     * Aligned-MTL with {@link Scale#MIN}, unit task weights and {@link #DEFAULT_RANK_TOLERANCE}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}, T ≥ 1
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])})
     */
    public static Solution solve(double[][] gram) {
        return solve(gram, null, Scale.MIN, DEFAULT_RANK_TOLERANCE);
    }

    /**
     * Aligned-MTL.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}, T ≥ 1
     * @param taskWeights w, T finite non-negative entries, or null for all ones
     * @param scale choice of σ
     * @param rankTolerance relative eigenvalue cut-off, finite, in [0, 1)
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])}), the task weights have the wrong length or a negative
     *     or non-finite entry, or {@code rankTolerance} is out of range
     * @throws NullPointerException if {@code scale} is null
     */
    public static Solution solve(
            double[][] gram, double[] taskWeights, Scale scale, double rankTolerance) {
        MinNormSolver.validateGram(gram);
        Objects.requireNonNull(scale, "scale");
        ImtlGSolver.validateRankTolerance(rankTolerance);
        int n = gram.length;
        double[] w = validatedWeights(taskWeights, n);
        int exponent = MinNormSolver.scaleExponent(gram);
        double[][] k = MinNormSolver.scaledSymmetricCopy(gram, exponent);
        SymmetricEigen.Decomposition eigen = SymmetricEigen.decompose(k);
        int rank = eigen.rank(rankTolerance);
        double[][] b = new double[n][n];
        if (rank == 0) {
            return new Solution(new double[n], b, 0.0, 0, eigen.sweeps(), eigen.converged());
        }
        double[] values = Arrays.copyOf(eigen.values(), rank);
        double sigma = Math.sqrt(scaleEigenvalue(values, scale));
        for (int r = 0; r < rank; r++) {
            double factor = sigma / Math.sqrt(values[r]);
            double[] v = eigen.vectors()[r];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    b[i][j] += factor * v[i] * v[j];
                }
            }
        }
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            weights[i] = SymmetricEigen.dot(b[i], w);
        }
        return new Solution(
                weights,
                b,
                UnitGradients.toNormUnits(sigma, exponent),
                rank,
                eigen.sweeps(),
                eigen.converged());
    }

    /** σ² for the retained eigenvalues (descending, all positive). */
    private static double scaleEigenvalue(double[] values, Scale scale) {
        int r = values.length;
        switch (scale) {
            case MIN:
                return values[r - 1];
            case MEDIAN:
                // Lower median: ascending index (r - 1) / 2, i.e. descending index below.
                return values[r - 1 - (r - 1) / 2];
            case RMSE:
                double sum = 0.0;
                for (double value : values) {
                    sum += value;
                }
                return sum / r;
            default:
                throw new AssertionError(scale);
        }
    }

    private static double[] validatedWeights(double[] taskWeights, int n) {
        if (taskWeights == null) {
            double[] ones = new double[n];
            Arrays.fill(ones, 1.0);
            return ones;
        }
        if (taskWeights.length != n) {
            throw new IllegalArgumentException(
                    "taskWeights has "
                            + taskWeights.length
                            + " entries but there are "
                            + n
                            + " tasks");
        }
        for (int t = 0; t < n; t++) {
            if (!(taskWeights[t] >= 0.0) || Double.isInfinite(taskWeights[t])) {
                throw new IllegalArgumentException(
                        "taskWeights[" + t + "] = " + taskWeights[t] + " must be finite and >= 0");
            }
        }
        return taskWeights.clone();
    }
}
