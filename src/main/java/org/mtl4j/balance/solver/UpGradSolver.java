package org.mtl4j.balance.solver;

/**
 * UPGrad ("unconflicting projection of gradients") expressed on the Gram matrix of the task
 * gradients.
 *
 * <p>Quinton &amp; Rey, "Jacobian Descent for Multi-Objective Optimization" (2024,
 * arXiv:2406.16232), definition of the UPGrad aggregator: each (preference-weighted) gradient is
 * projected onto the dual cone {@code C = {y : g_t · y ≥ 0 for all t}} of the gradients and the
 * projections are summed,
 *
 * <pre>
 *   d = Σ_i π_C(w_i g_i),     π_C(Jᵀ(w_i e_i)) = Jᵀ u⁽ⁱ⁾,
 *   u⁽ⁱ⁾ = argmin { uᵀ K u : u ≥ w_i e_i }       (their Proposition 1),
 * </pre>
 *
 * <p>so the coefficients returned are {@code c = Σ_i u⁽ⁱ⁾} and {@code d = Σ_t c_t g_t}. The default
 * preference is uniform, {@code w_i = 1/T}, which gives the paper's definition {@code d = (1/T) Σ_i
 * π_C(g_i)}; a custom preference (non-negative, used as given, not normalised) gives the paper's
 * weighted variant (torchjd's {@code pref_vector}). Because π_C is positively homogeneous, each
 * sub-problem is solved once with the bound e_i and scaled by w_i.
 *
 * <p><b>Properties.</b> Every projection lies in the convex cone C, so {@code g_t · d ≥ 0} for all
 * t (no task is locally made worse). If no pair of gradients conflicts ({@code K ≥ 0}
 * element-wise), every g_i already lies in C and the result is exactly the preference vector (the
 * mean by default). For two tasks it coincides with half of PCGrad's sum (each gradient projected
 * onto the normal plane of the other when they conflict).
 *
 * <p><b>Deviation from torchjd.</b> The reference implementation solves the QPs with quadprog after
 * dividing K by its trace and adding {@code 1e-4 · I} (its {@code norm_eps}/{@code reg_eps}, needed
 * because quadprog requires a positive-definite matrix); this class solves the exact problem for
 * positive semi-definite K with {@link DualConeQpSolver}, so the weights differ from torchjd's in
 * about the fourth digit. The result is invariant under scaling of K.
 *
 * <p><b>Degenerate inputs</b> never produce NaN: a zero gradient has a zero projection (its
 * coefficient stays at w_i and does not contribute to d), identical gradients do not conflict
 * (mean), exactly opposite gradients project to zero ({@code d = 0}), and an all-zero matrix gives
 * the preference vector. When K is singular (e.g. fewer parameters than tasks, or linearly
 * dependent gradients) d is unique but the coefficients are not; one valid set is returned.
 */
public final class UpGradSolver {

    private UpGradSolver() {}

    /**
     * UPGrad with the uniform preference {@code 1/T}, {@link
     * DualConeQpSolver#DEFAULT_MAX_ITERATIONS} and {@link DualConeQpSolver#DEFAULT_TOLERANCE}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @return coefficients c of {@code d = Σ_t c_t g_t}; iterations summed, converged and residual
     *     taken over the T projections
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])})
     */
    public static DualConeQpSolver.Solution solve(double[][] gram) {
        MinNormSolver.validateGram(gram);
        return solve(gram, SolverArguments.uniform(gram.length));
    }

    /**
     * UPGrad with a preference vector and the default iteration cap and tolerance.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param preference T finite, non-negative weights w of the projected gradients
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
     * UPGrad with a preference vector.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param preference T finite, non-negative weights w of the projected gradients
     * @param maxIterations iteration cap of each projection, at least 0
     * @param tolerance relative KKT tolerance of each projection (see {@link DualConeQpSolver}),
     *     finite and at least 0
     * @throws IllegalArgumentException if the matrix, preference, {@code maxIterations} or {@code
     *     tolerance} is invalid
     */
    public static DualConeQpSolver.Solution solve(
            double[][] gram, double[] preference, int maxIterations, double tolerance) {
        MinNormSolver.validateGram(gram);
        int n = gram.length;
        SolverArguments.requireVector("preference", preference, n, true);
        SolverArguments.requireMaxIterations(maxIterations);
        SolverArguments.requireNonNegativeFinite("tolerance", tolerance);
        double[][] k = MinNormSolver.scaledSymmetricCopy(gram, MinNormSolver.scaleExponent(gram));
        double[] c = new double[n];
        int iterations = 0;
        boolean converged = true;
        double residual = 0.0;
        for (int i = 0; i < n; i++) {
            if (preference[i] == 0.0) {
                continue;
            }
            double[] unit = new double[n];
            unit[i] = 1.0;
            DualConeQpSolver.Solution projection =
                    DualConeQpSolver.solveScaled(k, unit, maxIterations, tolerance);
            double[] u = projection.weights();
            for (int t = 0; t < n; t++) {
                c[t] += preference[i] * u[t];
            }
            iterations += projection.iterations();
            converged &= projection.converged();
            residual = Math.max(residual, projection.residual());
        }
        for (int t = 0; t < n; t++) {
            c[t] = DualConeQpSolver.clampFinite(c[t]);
        }
        return new DualConeQpSolver.Solution(c, iterations, converged, residual);
    }
}
