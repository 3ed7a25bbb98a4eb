package org.mtl4j.balance.solver;

/**
 * FairGrad task weights, computed from the Gram matrix of the task gradients.
 *
 * <p>Ban &amp; Ji, "Fair Resource Allocation in Multi-Task Learning" (ICML 2024, arXiv:2402.15638),
 * Algorithm 1: the update {@code d = Σ_t w_t g_t} maximises the α-fair utility {@code Σ_t (g_t ·
 * d)^(1−α) / (1−α)} (log utility for α = 1) over a ball, and its weights w &gt; 0 are characterised
 * by the fixed-point equation the paper states as {@code GᵀG w = w^(−1/α)}, i.e. with {@code K =
 * GᵀG}
 *
 * <pre>
 *   (K w)_t = w_t^(−1/α)          for every task t,   equivalently   w_t^(1/α) · (g_t · d) = 1.
 * </pre>
 *
 * <p>For α = 1 this is the Nash-MTL equation {@code Kα = 1/α} ({@link NashMtlSolver}); α → 0
 * approaches the utilitarian (equal-weight) and α → ∞ the max-min fair allocation.
 *
 * <p><b>Method.</b> The authors solve the equation with {@code scipy.optimize.least_squares}
 * (bounds {@code w ≥ 0}, start {@code 1/T}). Here, with {@code p = 1/α}, the solution is the unique
 * minimiser over {@code w > 0} of the strictly convex potential
 *
 * <pre>
 *   ψ(w) = ½ wᵀKw − Σ_t h(w_t),   h(w) = log w (α = 1),   h(w) = w^(1−p) / (1−p) (α ≠ 1),
 * </pre>
 *
 * <p>whose gradient is {@code Kw − w^(−p)} and whose Hessian {@code K + p·diag(w^(−p−1))} is
 * positive definite. It is minimised by damped Newton steps (in the relative variable {@code Δw/w},
 * which keeps the linear system well conditioned) with a step limited to 99% of the distance to
 * {@code w = 0} (so w stays positive) and an Armijo backtracking line search on ψ, whose
 * differences are evaluated with {@code log1p}/{@code expm1} so that they stay accurate near the
 * optimum. When ψ can no longer resolve a decrease (weights many orders of magnitude apart), a step
 * is still taken if it reduces the residual. Start: {@code w_t ∝ K_tt^(−1/(1+p))} (exact for
 * orthogonal gradients), rescaled to the best multiple. Iterations stop when the relative residual
 * {@code max_t |(Kw)_t − w_t^(−p)| / (w_t^(−p) + Σ_j |K_tj w_j|)} (the error relative to the size
 * of the terms, hence at rounding level for an exact solution even when {@code (Kw)_t} is a small
 * difference of large terms) is at most the tolerance <em>and</em> the Newton step changes no
 * weight by more than a relative 1e-6; the second condition rejects weights that run off to
 * infinity where no solution exists, along which the relative residual also tends to 0.
 *
 * <p><b>Existence and regularisation.</b> A solution exists iff no convex combination of the
 * gradients vanishes, i.e. iff the min-norm value {@code m = min{vᵀKv : v ≥ 0, Σv = 1}} (the MGDA
 * problem, {@link MinNormSolver}) is positive: otherwise ψ decreases without bound along a
 * direction v with {@code Kv = 0}, and the weights diverge. This happens with a zero gradient, with
 * exactly opposite gradients and, more generally, whenever the gradients are Pareto-stationary;
 * linearly dependent gradients alone (e.g. identical ones) are fine. To always return finite
 * weights the solver adds a ridge to the diagonal,
 *
 * <pre>
 *   K ← K + ρ I,   ρ = max(0, κ · trace(K) − T · m),   κ = {@code ridge} (default {@value
 *   #DEFAULT_RIDGE}),
 * </pre>
 *
 * <p>which guarantees {@code vᵀ(K + ρI)v ≥ κ·trace(K)/T} on the simplex (for α = 1 this bounds
 * {@code Σ_t w_t ≤ T / √(κ·trace K)}), is zero for every problem that is already that well posed
 * (so those are solved exactly), and is continuous in K. It amounts to giving each task a private
 * gradient component of squared norm ρ. The ridge used is reported in the solution ({@code ridge},
 * in the units of K); the residual refers to the regularised matrix. Use {@code ridge = 0} for no
 * regularisation; ill-posed problems then stop at the iteration cap with large, finite weights.
 *
 * <p><b>Scaling.</b> K is symmetrised and scaled by an exact power of two, {@code K = 2^e K'}; the
 * solution w' of the scaled problem is mapped back as {@code w = 2^(−e/(1+p)) w'}. The weights are
 * therefore <em>not</em> scale invariant: scaling all gradients by c (K by c²) scales w by {@code
 * c^(−2α/(1+α))} and the update d by {@code c^(1 − 2α/(1+α)) = c^((1−α)/(1+α))}. Weights outside
 * the double range (only for extreme scales with large α) are clamped to it.
 *
 * <p><b>Degenerate inputs</b> never produce NaN or exceptions: T = 1 gives {@code w =
 * K_11^(−α/(1+α))}; an all-zero matrix (no gradient information; every w gives d = 0) gives {@code
 * w = 1} with {@code converged = false} and residual 1; zero or opposite gradients are handled by
 * the ridge; tiny negative eigenvalues of K are absorbed by the positive barrier curvature (and,
 * failing that, by a diagonal shift of the Newton matrix).
 *
 * <p><b>Hyper-parameters.</b> {@link #DEFAULT_ALPHA} = 1 is the default of the authors' code
 * (OptMN-Lab/fairgrad, {@code --alpha} in {@code experiments/utils.py}, and LibMTL's {@code
 * FairGrad_alpha}); the authors' run scripts use α = 2 for CelebA and QM9. α is accepted in
 * [{@value #MIN_ALPHA}, {@value #MAX_ALPHA}]. In a stress run (2,000 random problems per α, T up to
 * 32, with zero, opposite and rank-deficient gradients, default ridge) every problem converged for
 * 0.01 ≤ α ≤ 20, in at most 118 iterations (at most 51 for α ≤ 10); for α = 50 and α = 100 about
 * 0.3% and 4% did not, because their solutions contain weights below 1e-60 that the Newton
 * iteration approaches too slowly (the weights returned are still positive and finite, with {@code
 * converged = false}). The authors' code multiplies the combined gradient by T ("to match the sum
 * loss") and clips the shared-parameter gradient to norm 1 ({@code max_norm}); both act on the
 * update after the weights are known and belong to the caller, not to this solver.
 *
 * <p>The ridge needs the min-norm value m only when {@code K − κ·trace(K)·I} is not positive
 * definite (otherwise {@code T·m ≥ λ_min(K) > κ·trace(K)} and ρ = 0), so well-conditioned problems
 * skip that computation.
 */
public final class FairGradSolver {

    /** Default α: the default of the authors' code (see the class comment). */
    public static final double DEFAULT_ALPHA = 1.0;

    /** Smallest accepted α. */
    public static final double MIN_ALPHA = 0.01;

    /** Largest accepted α. */
    public static final double MAX_ALPHA = 100.0;

    /** Default relative ridge κ (see the class comment). */
    public static final double DEFAULT_RIDGE = 1e-6;

    /** Default cap on Newton iterations. */
    public static final int DEFAULT_MAX_ITERATIONS = 200;

    /** Default bound on the relative residual. */
    public static final double DEFAULT_TOLERANCE = 1e-12;

    /**
     * Result of {@link #solve}.
     *
     * @param weights the weights w &gt; 0 (length T) of {@code d = Σ_t w_t g_t}
     * @param iterations Newton iterations taken
     * @param converged whether the relative residual fell to the tolerance
     * @param residual {@code max_t |(K'w)_t − w_t^(−1/α)| / (Σ_j |K'_tj w_j| + w_t^(−1/α))} for the
     *     regularised matrix {@code K' = K + ridge·I}; dimensionless, in [0, 1]
     * @param ridge the ridge ρ added to the diagonal of K, in the units of K (0 when none was
     *     needed)
     */
    public record Solution(
            double[] weights, int iterations, boolean converged, double residual, double ridge) {}

    private FairGradSolver() {}

    /**
     * FairGrad weights with {@link #DEFAULT_ALPHA} and the other defaults.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])})
     */
    public static Solution solve(double[][] gram) {
        return solve(gram, DEFAULT_ALPHA);
    }

    /**
     * FairGrad weights for the given α, with {@link #DEFAULT_RIDGE}, {@link
     * #DEFAULT_MAX_ITERATIONS} and {@link #DEFAULT_TOLERANCE}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param alpha the fairness parameter α, in [{@value #MIN_ALPHA}, {@value #MAX_ALPHA}]
     * @throws IllegalArgumentException if the matrix or α is invalid
     */
    public static Solution solve(double[][] gram, double alpha) {
        return solve(gram, alpha, DEFAULT_RIDGE, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
    }

    /**
     * FairGrad weights.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param alpha the fairness parameter α, in [{@value #MIN_ALPHA}, {@value #MAX_ALPHA}]
     * @param ridge relative ridge κ, finite and at least 0 (0 disables the regularisation)
     * @param maxIterations cap on Newton iterations, at least 0
     * @param tolerance bound on the relative residual, finite and at least 0
     * @throws IllegalArgumentException if the matrix, α, {@code ridge}, {@code maxIterations} or
     *     {@code tolerance} is invalid
     */
    public static Solution solve(
            double[][] gram, double alpha, double ridge, int maxIterations, double tolerance) {
        MinNormSolver.validateGram(gram);
        if (!(alpha >= MIN_ALPHA && alpha <= MAX_ALPHA)) {
            throw new IllegalArgumentException(
                    "alpha = " + alpha + " must be in [" + MIN_ALPHA + ", " + MAX_ALPHA + "]");
        }
        SolverArguments.requireNonNegativeFinite("ridge", ridge);
        SolverArguments.requireMaxIterations(maxIterations);
        SolverArguments.requireNonNegativeFinite("tolerance", tolerance);
        FairWeightsNewton.Result result =
                FairWeightsNewton.solve(gram, 1.0 / alpha, ridge, maxIterations, tolerance);
        return new Solution(
                result.weights(),
                result.iterations(),
                result.converged(),
                result.residual(),
                result.ridge());
    }
}
