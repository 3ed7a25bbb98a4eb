package org.mtl4j.balance.solver;

import java.util.Arrays;

/**
 * IMTL-G: the gradient-balance part of Impartial Multi-Task Learning, computed from the Gram matrix
 * of the task gradients.
 *
 * <p>Liu et al., "Towards Impartial Multi-task Learning" (ICLR 2021), Sec. 3, gradient balance
 * (IMTL-G): find scaling factors α with {@code Σ_t α_t = 1} such that the aggregated gradient
 * {@code g = Σ_t α_t g_t} has equal projections onto every unit task gradient {@code u_t = g_t /
 * ‖g_t‖}, i.e. {@code g · (u_1 − u_t) = 0} for t = 2..T. The paper's closed form is
 *
 * <pre>
 *   α_{2:T} = g_1 Uᵀ (D Uᵀ)⁻¹,   α_1 = 1 − Σ_{t≥2} α_t,
 *   D = [g_1 − g_2, …, g_1 − g_T]ᵀ,   U = [u_1 − u_2, …, u_1 − u_T]ᵀ.
 * </pre>
 *
 * <p><b>Gram-matrix form used here.</b> Writing {@code g = Σ_t β_t u_t} (so {@code α_t = β_t /
 * ‖g_t‖}), the condition reads {@code C β = λ 1} with the cosine matrix {@code C_ij = K_ij / (‖g_i‖
 * ‖g_j‖)}; hence {@code β ∝ C⁻¹ 1} and {@code α = N⁻¹ β / Σ_t (β_t / ‖g_t‖)} with {@code N =
 * diag(‖g_t‖)}. When K has full rank this is exactly the paper's closed form (the solution is
 * unique); the common projection is {@code λ = 1 / Σ_t (β_t / ‖g_t‖)}.
 *
 * <p><b>Deviations, all confined to inputs where the paper's inverse does not exist or its answer
 * is degenerate</b> (reported through {@link Outcome}):
 *
 * <ul>
 *   <li>{@code C⁻¹} is replaced by the Moore–Penrose pseudo-inverse {@code C⁺} on the numerical
 *       rank (eigenvalues above {@code rankTolerance · λ_max(C)}, by {@link SymmetricEigen}). If
 *       the equal-projection equations are consistent (e.g. duplicated gradients) the result still
 *       has exactly equal projections; otherwise (more tasks than the rank, generically) it is the
 *       least-squares compromise {@code min ‖U g − λ 1‖}, and {@link Solution#projectionResidual()}
 *       reports {@code max_t |p_t − 1|} where {@code g · u_t = λ p_t}. This is the same direction
 *       as the pseudo-inverse used by ConFIG ({@link ConFigSolver}); the two methods differ only in
 *       the length of the update.
 *   <li>A zero gradient has no unit vector: such tasks are excluded from the condition and get
 *       {@code α_t = 0} (the paper's formula would divide by zero). If every gradient is zero the
 *       weights are uniform ({@code 1/T}); the update is zero anyway.
 *   <li>If no direction has non-zero equal projections (e.g. two exactly opposite gradients), or
 *       the normalisation {@code Σ_t β_t / ‖g_t‖} is not positive, the paper's solution either does
 *       not exist or makes the update increase every loss to first order (common projection {@code
 *       λ < 0}). The solver then returns, if one exists, the α with {@code Σα = 1} and zero update
 *       {@code g = 0} (equal projections λ = 0; minimum-norm in the unit coordinates β), which is
 *       what the paper's formula gives for opposite gradients (e.g. α = (1/2, 1/2) for {@code g_2 =
 *       −g_1}); otherwise all-zero weights ({@link Outcome#NOT_NORMALISABLE}).
 * </ul>
 *
 * <p><b>Numerics.</b> K is scaled by an exact power of two (as in {@link MinNormSolver}) and the
 * method works on the scale-free cosine matrix, so the weights are scale invariant. Gradients whose
 * squared norm is subnormal relative to the largest entry of K count as zero ({@link
 * UnitGradients#ZERO_NORM_SQUARED}). The normalisation is accepted only if {@code Σ_t β_t / ‖g_t‖}
 * exceeds {@link #NORMALISATION_TOLERANCE} times {@code Σ_t |β_t| / ‖g_t‖}, so every {@code |α_t| <
 * 1e9}: near the singular configurations above the paper's weights grow without bound, and this
 * solver switches to the zero-update fallback instead. The result never contains NaN.
 */
public final class ImtlGSolver {

    /** Default relative eigenvalue cut-off of the pseudo-inverse of the cosine matrix. */
    public static final double DEFAULT_RANK_TOLERANCE = 1e-10;

    /** Relative size below which the normalisation {@code Σ_t β_t / ‖g_t‖} counts as zero. */
    static final double NORMALISATION_TOLERANCE = 1e-9;

    /** How the weights were obtained. */
    public enum Outcome {
        /**
         * The paper's case: {@code Σα = 1} and the update has common projection {@code λ > 0} onto
         * the unit gradients (exactly equal when {@link Solution#projectionResidual()} is ~0).
         */
        BALANCED,
        /** {@code Σα = 1} with a zero update (equal projections λ = 0), or all gradients zero. */
        ZERO_UPDATE,
        /** No α with {@code Σα = 1} and non-negative equal projections: all-zero weights. */
        NOT_NORMALISABLE
    }

    /**
     * Result of {@link #solve}.
     *
     * @param weights scaling factors α (length T); the IMTL-G update is {@code Σ_t α_t g_t}
     * @param outcome which case of the class comment applied
     * @param projection the common projection {@code λ = g · u_t} in the units of the gradients (0
     *     unless {@link Outcome#BALANCED}); for a least-squares solution {@code g · u_t = λ p_t}
     * @param projectionResidual {@code max_t |p_t − 1|} over the non-zero tasks: 0 (up to rounding)
     *     when the projections are exactly equal
     * @param rank numerical rank of the cosine matrix
     * @param sweeps Jacobi sweeps of the eigen-decomposition
     * @param converged whether the eigen-decomposition converged
     */
    public record Solution(
            double[] weights,
            Outcome outcome,
            double projection,
            double projectionResidual,
            int rank,
            int sweeps,
            boolean converged) {}

    private ImtlGSolver() {}

    /**
     * IMTL-G weights with {@link #DEFAULT_RANK_TOLERANCE}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}, T ≥ 1
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])})
     */
    public static Solution solve(double[][] gram) {
        return solve(gram, DEFAULT_RANK_TOLERANCE);
    }

    /**
     * IMTL-G weights.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}, T ≥ 1
     * @param rankTolerance relative eigenvalue cut-off of the pseudo-inverse, finite, in [0, 1)
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])}) or {@code rankTolerance} is out of range
     */
    public static Solution solve(double[][] gram, double rankTolerance) {
        MinNormSolver.validateGram(gram);
        validateRankTolerance(rankTolerance);
        int n = gram.length;
        int exponent = MinNormSolver.scaleExponent(gram);
        double[][] k = MinNormSolver.scaledSymmetricCopy(gram, exponent);
        UnitGradients unit = UnitGradients.of(k, rankTolerance);
        int sweeps = unit.eigen == null ? 0 : unit.eigen.sweeps();
        boolean converged = unit.eigen == null || unit.eigen.converged();
        double residual = unit.projectionResidual();
        if (unit.active.length == 0) {
            double[] uniform = new double[n];
            Arrays.fill(uniform, 1.0 / n);
            return new Solution(uniform, Outcome.ZERO_UPDATE, 0.0, 0.0, 0, sweeps, converged);
        }
        if (!unit.directionVanishes()) {
            double sum = 0.0;
            double absSum = 0.0;
            for (int t : unit.active) {
                double x = unit.beta[t] / unit.norms[t];
                sum += x;
                absSum += Math.abs(x);
            }
            if (sum > NORMALISATION_TOLERANCE * absSum) {
                double[] weights = new double[n];
                for (int t : unit.active) {
                    weights[t] = unit.beta[t] / unit.norms[t] / sum;
                }
                double projection = UnitGradients.toNormUnits(1.0 / sum, exponent);
                return new Solution(
                        weights,
                        Outcome.BALANCED,
                        projection,
                        residual,
                        unit.rank,
                        sweeps,
                        converged);
            }
        }
        double[] zeroUpdate = zeroUpdateWeights(unit, rankTolerance, n);
        Outcome outcome = zeroUpdate == null ? Outcome.NOT_NORMALISABLE : Outcome.ZERO_UPDATE;
        double[] weights = zeroUpdate == null ? new double[n] : zeroUpdate;
        return new Solution(weights, outcome, 0.0, residual, unit.rank, sweeps, converged);
    }

    /**
     * The α with {@code Σα = 1} and {@code Σ_t α_t g_t = 0}, minimum-norm in the unit coordinates β
     * = Nα: {@code β = P m / (mᵀ P m)} where {@code m_t = 1 / ‖g_t‖} and P projects onto the
     * (numerical) null space of C. Returns null if {@code mᵀ P m} is negligible (no such α).
     */
    private static double[] zeroUpdateWeights(UnitGradients unit, double rankTolerance, int n) {
        int m = unit.active.length;
        double[] inverseNorms = new double[m];
        double normSq = 0.0;
        for (int a = 0; a < m; a++) {
            inverseNorms[a] = 1.0 / unit.norms[unit.active[a]];
            normSq += inverseNorms[a] * inverseNorms[a];
        }
        double cutoff = rankTolerance * Math.max(unit.eigen.values()[0], 0.0);
        double[] projected = new double[m];
        for (int k = 0; k < m; k++) {
            double lambda = unit.eigen.values()[k];
            if (lambda > cutoff && lambda > 0.0) {
                continue;
            }
            double[] v = unit.eigen.vectors()[k];
            double c = SymmetricEigen.dot(v, inverseNorms);
            for (int a = 0; a < m; a++) {
                projected[a] += c * v[a];
            }
        }
        double denominator = SymmetricEigen.dot(projected, inverseNorms);
        if (!(denominator > NORMALISATION_TOLERANCE * normSq)) {
            return null;
        }
        double[] weights = new double[n];
        for (int a = 0; a < m; a++) {
            weights[unit.active[a]] = projected[a] * inverseNorms[a] / denominator;
        }
        return weights;
    }

    static void validateRankTolerance(double rankTolerance) {
        if (!(rankTolerance >= 0.0 && rankTolerance < 1.0)) {
            throw new IllegalArgumentException(
                    "rankTolerance = " + rankTolerance + " must be in [0, 1)");
        }
    }
}
