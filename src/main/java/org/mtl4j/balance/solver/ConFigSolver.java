package org.mtl4j.balance.solver;

/**
 * ConFIG ("conflict-free inverse gradients") expressed on the Gram matrix of the task gradients.
 *
 * <p>Liu, Chu &amp; Thuerey, "ConFIG: Towards Conflict-free Training of Physics Informed Neural
 * Networks" (ICLR 2025; arXiv:2408.11104), Sec. 3, the ConFIG update rule:
 *
 * <pre>
 *   g_c = (Σ_i g_iᵀ g_u) g_u,    g_u = y / ‖y‖,    y = A⁺ 1_m,
 *   A = [g_1/‖g_1‖, …, g_m/‖g_m‖]ᵀ   (the matrix of unit gradients),
 * </pre>
 *
 * <p>i.e. the direction has equal (unit) projections onto every unit gradient, and the length is
 * the sum of the projections of the raw gradients onto that direction (the authors' default
 * "ProjectionLength"). With equal direction weights {@code 1_m} (the authors' default
 * "EqualWeight"; other weight models are not offered here).
 *
 * <p><b>Coefficient form.</b> With {@code n_t = ‖g_t‖} and the cosine matrix {@code C = A Aᵀ},
 * {@code A⁺ = Aᵀ (A Aᵀ)⁺}, so {@code y = Aᵀ β} with {@code β = C⁺ 1}, {@code ‖y‖² = βᵀ C β}, and
 * {@code A y = C β =: p}. Then {@code Σ_i g_i · g_u = Σ_i n_i p_i / ‖y‖} and
 *
 * <pre>
 *   g_c = Σ_t c_t g_t,    c_t = (Σ_i n_i p_i) β_t / (n_t βᵀCβ).
 * </pre>
 *
 * <p>If the unit gradients are linearly independent (or, more generally, if {@code A y = 1} is
 * consistent) then {@code p = 1} and {@code g_c · u_t = (Σ_i n_i p_i) p_t / ‖y‖² = Σ_i n_i / ‖y‖² >
 * 0} is the same for every task, which is the conflict-free property. The pseudo-inverse is applied
 * on the numerical rank of C (eigenvalues above {@code rankTolerance · λ_max(C)}, by {@link
 * SymmetricEigen}), which is what {@code torch.linalg.pinv} / {@code lstsq} do in the authors' code
 * (there with PyTorch's default cut-off, about {@code max(m, P) · eps} of the working precision,
 * against {@link #DEFAULT_RANK_TOLERANCE} = 1e-10 here); with more tasks than the rank the
 * direction is the least-squares one, the projections are then {@code ∝ p ≠ 1} and need not be
 * positive (as in the authors' code) — {@link Solution#projectionResidual()} reports {@code max_t
 * |p_t − 1|}.
 *
 * <p><b>Degenerate inputs.</b> Zero gradients (squared norm subnormal relative to the largest entry
 * of K, {@link UnitGradients#ZERO_NORM_SQUARED}) have no unit vector; like the authors' {@code
 * nan_to_num}, their rows of A are zero, so they get {@code c_t = 0} and add nothing to the length.
 * If no direction has non-zero projections (all gradients zero, or e.g. two exactly opposite
 * gradients, where {@code 1 ⟂ range(C)}), {@code y} is zero and so are the coefficients (the
 * authors' code does not special-case this and normalises a zero vector). For two tasks the
 * authors' code uses a separate closed form, which should be algebraically equivalent; the general
 * formula is used here for every T. The momentum variant M-ConFIG is not part of this class.
 *
 * <p><b>Numerics.</b> K is scaled by an exact power of two and the direction is computed from the
 * scale-free cosine matrix, so the coefficients are scale invariant and never NaN.
 */
public final class ConFigSolver {

    /** Default relative eigenvalue cut-off of the pseudo-inverse of the cosine matrix. */
    public static final double DEFAULT_RANK_TOLERANCE = ImtlGSolver.DEFAULT_RANK_TOLERANCE;

    /**
     * Result of {@link #solve}.
     *
     * @param weights coefficients c (length T) of {@code g_c = Σ_t c_t g_t}
     * @param length {@code ‖g_c‖ = Σ_i g_i · g_u} in the units of the gradients (may be negative in
     *     the least-squares case, in which case {@code g_c} points against {@code g_u}); 0 if the
     *     direction vanished
     * @param projectionResidual {@code max_t |p_t − 1|} over the non-zero tasks: ~0 when the update
     *     has exactly equal projections onto all unit gradients
     * @param rank numerical rank of the cosine matrix
     * @param sweeps Jacobi sweeps of the eigen-decomposition
     * @param converged whether the eigen-decomposition converged
     */
    public record Solution(
            double[] weights,
            double length,
            double projectionResidual,
            int rank,
            int sweeps,
            boolean converged) {}

    private ConFigSolver() {}

    /**
     * ConFIG coefficients with {@link #DEFAULT_RANK_TOLERANCE}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}, T ≥ 1
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])})
     */
    public static Solution solve(double[][] gram) {
        return solve(gram, DEFAULT_RANK_TOLERANCE);
    }

    /**
     * ConFIG coefficients.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}, T ≥ 1
     * @param rankTolerance relative eigenvalue cut-off of the pseudo-inverse, finite, in [0, 1)
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])}) or {@code rankTolerance} is out of range
     */
    public static Solution solve(double[][] gram, double rankTolerance) {
        MinNormSolver.validateGram(gram);
        ImtlGSolver.validateRankTolerance(rankTolerance);
        int n = gram.length;
        int exponent = MinNormSolver.scaleExponent(gram);
        double[][] k = MinNormSolver.scaledSymmetricCopy(gram, exponent);
        UnitGradients unit = UnitGradients.of(k, rankTolerance);
        int sweeps = unit.eigen == null ? 0 : unit.eigen.sweeps();
        boolean converged = unit.eigen == null || unit.eigen.converged();
        double residual = unit.projectionResidual();
        double[] weights = new double[n];
        double yNormSq = unit.directionNormSquared();
        if (unit.directionVanishes() || !(yNormSq > 0.0)) {
            return new Solution(weights, 0.0, residual, unit.rank, sweeps, converged);
        }
        double yNorm = Math.sqrt(yNormSq);
        double projectionSum = 0.0;
        for (int t : unit.active) {
            projectionSum += unit.norms[t] * unit.projections[t];
        }
        double length = projectionSum / yNorm;
        for (int t : unit.active) {
            weights[t] = projectionSum * unit.beta[t] / (unit.norms[t] * yNormSq);
        }
        return new Solution(
                weights,
                UnitGradients.toNormUnits(length, exponent),
                residual,
                unit.rank,
                sweeps,
                converged);
    }
}
