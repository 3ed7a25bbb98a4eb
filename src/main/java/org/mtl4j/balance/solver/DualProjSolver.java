package org.mtl4j.balance.solver;

/**
 * DualProj: the (preference-weighted) mean gradient projected onto the dual cone of the task
 * gradients, expressed on their Gram matrix.
 *
 * <p>Quinton &amp; Rey, "Jacobian Descent for Multi-Objective Optimization" (2024), which derive it
 * from the projection step of Lopez-Paz &amp; Ranzato, "Gradient Episodic Memory for Continual
 * Learning" (NeurIPS 2017), Eq. (11): with {@code ḡ = Σ_t w_t g_t = Jᵀw},
 *
 * <pre>
 *   d = π_C(ḡ) = argmin { ‖x − ḡ‖ : g_t · x ≥ 0 for all t } = Jᵀu,
 *   u = argmin { uᵀ K u : u ≥ w }                    (Quinton &amp; Rey, Proposition 1),
 * </pre>
 *
 * <p>solved exactly by {@link DualConeQpSolver}; the coefficients returned are u. The default
 * preference is uniform, {@code w_t = 1/T} (the mean gradient); a custom preference must be
 * non-negative and is used as given.
 *
 * <p><b>Properties.</b> {@code g_t · d ≥ 0} for every t; {@code d = ḡ} (and {@code u = w} exactly)
 * when ḡ already conflicts with no gradient; among all vectors that conflict with no gradient, d is
 * the closest to ḡ. The result is invariant under scaling of K and linear in w.
 *
 * <p><b>Deviation from torchjd</b>: as for {@link UpGradSolver}, no trace normalisation and {@code
 * 1e-4 · I} regularisation of K are applied, since the solver handles singular K; results agree
 * with torchjd's to about four digits.
 *
 * <p><b>Degenerate inputs</b> never produce NaN: zero gradients are ignored by the projection
 * (their coefficient stays at w_t), exactly opposite gradients give {@code d = 0}, and an all-zero
 * matrix gives {@code u = w}. When K is singular u is one of several minimisers, all giving the
 * same d.
 */
public final class DualProjSolver {

    private DualProjSolver() {}

    /**
     * DualProj of the mean gradient ({@code w = 1/T}) with the default iteration cap and tolerance
     * of {@link DualConeQpSolver}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @return coefficients u of {@code d = Σ_t u_t g_t}
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])})
     */
    public static DualConeQpSolver.Solution solve(double[][] gram) {
        MinNormSolver.validateGram(gram);
        return solve(gram, SolverArguments.uniform(gram.length));
    }

    /**
     * DualProj of {@code Σ_t w_t g_t} with the default iteration cap and tolerance.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param preference T finite, non-negative weights w
     * @throws IllegalArgumentException if the matrix or the preference is invalid
     */
    public static DualConeQpSolver.Solution solve(double[][] gram, double[] preference) {
        return solve(
                gram,
                preference,
                DualConeQpSolver.DEFAULT_MAX_ITERATIONS,
                DualConeQpSolver.DEFAULT_TOLERANCE);
    }

    /**
     * DualProj of {@code Σ_t w_t g_t}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param preference T finite, non-negative weights w
     * @param maxIterations iteration cap, at least 0
     * @param tolerance relative KKT tolerance (see {@link DualConeQpSolver}), finite and &ge; 0
     * @throws IllegalArgumentException if the matrix, preference, {@code maxIterations} or {@code
     *     tolerance} is invalid
     */
    public static DualConeQpSolver.Solution solve(
            double[][] gram, double[] preference, int maxIterations, double tolerance) {
        MinNormSolver.validateGram(gram);
        SolverArguments.requireVector("preference", preference, gram.length, true);
        return DualConeQpSolver.solve(gram, preference, maxIterations, tolerance);
    }
}
