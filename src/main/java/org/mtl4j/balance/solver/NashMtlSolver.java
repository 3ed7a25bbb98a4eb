package org.mtl4j.balance.solver;

/**
 * Nash-MTL task weights, computed from the Gram matrix of the task gradients.
 *
 * <p>Navon et al., "Multi-Task Learning as a Bargaining Game" (ICML 2022, arXiv:2202.01017): the
 * Nash bargaining solution {@code d = Σ_t α_t g_t} of the game whose utilities are the directional
 * derivatives {@code g_t · d} has weights α &gt; 0 solving
 *
 * <pre>
 *   Gᵀ G α = 1/α   (element-wise),   i.e.   (K α)_t = 1/α_t,   i.e.   α_t · (g_t · d) = 1,
 * </pre>
 *
 * <p>so every task gets the same "bargaining product" and {@code ‖d‖² = αᵀKα = T}.
 *
 * <p><b>Method.</b> The authors approximate α by a sequence of convex programs (cvxpy/ECOS, at most
 * 20 iterations, stopping at {@code ‖Kα − 1/α‖ < 1e-3}, warm-started from the previous step's α and
 * keeping the previous α if a program fails). Here α is computed to full accuracy as the unique
 * minimiser of the strictly convex {@code φ(α) = ½ αᵀKα − Σ_t log α_t} (whose stationarity
 * condition is exactly the equation above) by damped Newton steps with a positivity-preserving
 * Armijo line search: this is {@link FairGradSolver} with fairness parameter 1, whose class comment
 * describes the iteration, stopping test, residual and numerics.
 *
 * <p><b>No solution.</b> The equation has a solution iff no convex combination of the gradients is
 * zero ({@link MinNormSolver} value m &gt; 0). With a zero gradient, exactly opposite gradients or
 * any other Pareto-stationary set, φ is unbounded below and the weights diverge (the authors'
 * programs become infeasible and their code keeps the previous α). This solver adds the ridge
 * {@code ρ = max(0, κ·trace(K) − T·m)} to the diagonal of K ({@code κ = ridge}, default {@value
 * FairGradSolver#DEFAULT_RIDGE}), which is zero for well-posed problems, continuous in K, and caps
 * {@code Σ_t α_t ≤ T / √(κ·trace K)}; e.g. a zero gradient among others gets {@code α_t =
 * 1/√(κ·trace K)}, and two exactly opposite gradients g, −g get {@code α = 1/(‖g‖√(2κ))} each (with
 * d = 0). Linearly dependent but not conflicting gradients (e.g. identical ones) need no ridge. The
 * ridge used is reported; the residual refers to {@code K + ρI}. An all-zero matrix gives α = 1
 * (the authors' initial value), {@code converged = false}.
 *
 * <p><b>Scale.</b> The weights solve the unscaled problem: scaling all gradients by c scales α by
 * 1/c and leaves d unchanged ({@code ‖d‖ = √T} always). The authors' code (nash-mtl, {@code
 * methods/weight_methods.py}) gives the same α: it divides K by {@code N = ‖K‖_F} for the solver,
 * but its constraints {@code −log(α_t·N) − log((K/N·α)_t) ≤ 0} multiply N back in, i.e. {@code α_t
 * (Kα)_t ≥ 1}, which holds with equality at the solution of the unscaled equation (their objective
 * pushes every constraint to its bound). Their stopping test compares {@code (K/N)α} with {@code
 * 1/α} and is therefore met only when N = 1; otherwise their sequence stops on the size of the
 * change in α or after its 20 iterations.
 *
 * <p><b>What is not in the solver.</b> The authors' {@code max_norm} (default 1.0) clips the norm
 * of the shared-parameter gradient after back-propagating {@code Σ_t α_t ℓ_t}; it acts on the
 * update of the shared parameters only (task-specific parameters still receive {@code α_t ∇ℓ_t}),
 * so it cannot be expressed as a change of α and belongs to the optimiser step. Their {@code
 * update_weights_every} (default 1) reuses the last α for k − 1 steps; it is a caching policy of
 * the training loop. Neither is a parameter here.
 */
public final class NashMtlSolver {

    /** Default cap on Newton iterations (random problems need at most about 20). */
    public static final int DEFAULT_MAX_ITERATIONS = 200;

    /** Default bound on the relative residual (see {@link FairGradSolver}). */
    public static final double DEFAULT_TOLERANCE = 1e-12;

    /**
     * Result of {@link #solve}.
     *
     * @param weights the weights α &gt; 0 (length T) of {@code d = Σ_t α_t g_t}
     * @param iterations Newton iterations taken
     * @param converged whether the relative residual fell to the tolerance
     * @param residual {@code max_t |(K'α)_t − 1/α_t| / (Σ_j |K'_tj α_j| + 1/α_t)} for the
     *     regularised matrix {@code K' = K + ridge·I}; dimensionless, in [0, 1]
     * @param ridge the ridge ρ added to the diagonal of K, in the units of K (0 when none was
     *     needed)
     */
    public record Solution(
            double[] weights, int iterations, boolean converged, double residual, double ridge) {}

    private NashMtlSolver() {}

    /**
     * Nash-MTL weights with {@link FairGradSolver#DEFAULT_RIDGE}, {@link #DEFAULT_MAX_ITERATIONS}
     * and {@link #DEFAULT_TOLERANCE}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])})
     */
    public static Solution solve(double[][] gram) {
        return solve(gram, FairGradSolver.DEFAULT_RIDGE, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
    }

    /**
     * Nash-MTL weights.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param ridge relative ridge κ, finite and at least 0 (0 disables the regularisation)
     * @param maxIterations cap on Newton iterations, at least 0
     * @param tolerance bound on the relative residual, finite and at least 0
     * @throws IllegalArgumentException if the matrix, {@code ridge}, {@code maxIterations} or
     *     {@code tolerance} is invalid
     */
    public static Solution solve(
            double[][] gram, double ridge, int maxIterations, double tolerance) {
        MinNormSolver.validateGram(gram);
        SolverArguments.requireNonNegativeFinite("ridge", ridge);
        SolverArguments.requireMaxIterations(maxIterations);
        SolverArguments.requireNonNegativeFinite("tolerance", tolerance);
        FairWeightsNewton.Result result =
                FairWeightsNewton.solve(gram, 1.0, ridge, maxIterations, tolerance);
        return new Solution(
                result.weights(),
                result.iterations(),
                result.converged(),
                result.residual(),
                result.ridge());
    }
}
