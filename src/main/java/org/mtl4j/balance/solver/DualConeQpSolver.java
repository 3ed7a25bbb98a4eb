package org.mtl4j.balance.solver;

import java.util.Arrays;

/**
 * Projection onto the dual cone of the task gradients, computed from their Gram matrix: the
 * quadratic program
 *
 * <pre>
 *   minimise  uᵀ K u = ‖Σ_t u_t g_t‖²   subject to  u ≥ b  (element-wise),
 * </pre>
 *
 * <p>for a symmetric positive semi-definite {@code K[i][j] = g_i · g_j} (possibly singular) and a
 * bound b. By Quinton &amp; Rey, "Jacobian Descent for Multi-Objective Optimization" (2024),
 * Proposition 1, the projection of {@code x = Jᵀb = Σ_t b_t g_t} onto the dual cone {@code {y : g_t
 * · y ≥ 0 for all t}} of the gradient rows of J is {@code Jᵀu} for any minimiser u. It is the
 * building block of {@link UpGradSolver} and {@link DualProjSolver}.
 *
 * <p><b>Optimality.</b> With {@code λ = u − b ≥ 0} and {@code y = K u} (so {@code y_t = g_t · d}
 * for the projected direction {@code d = Σ_t u_t g_t}), u is optimal iff {@code y ≥ 0} and {@code
 * λ_t y_t = 0} for every t (KKT conditions: dual feasibility is exactly "d does not conflict with
 * any gradient", and complementary slackness says that the bound is only left for tasks with {@code
 * g_t · d = 0}). When K is singular the minimiser u need not be unique, but {@code Ku}, and hence
 * d, is (two minimisers differ by a null vector of K).
 *
 * <p><b>Algorithm.</b> In the variable λ the problem is a non-negative least-squares problem {@code
 * min_{λ ≥ 0} ‖Σ_t λ_t g_t + Σ_t b_t g_t‖²} seen through its normal equations, which this class
 * solves with the active-set method of Lawson &amp; Hanson ("Solving Least Squares Problems", 1974,
 * Ch. 23, algorithm NNLS) in its Gram-matrix form (Bro &amp; De Jong, "A fast
 * non-negativity-constrained least squares algorithm", J. Chemometrics 11, 1997): repeatedly free
 * the bound of the task with the most negative {@code y_t / √K_tt} and re-solve the equality
 * problem {@code (Ku)_t = 0} on the free set, stepping back to the first bound that would be
 * crossed. The equality problems are solved by a Cholesky factorisation of the free block of K in
 * the order the tasks were freed, skipping any task whose pivot is at most 2⁻⁵² times its diagonal
 * entry (numerically in the span of the tasks freed before it; it keeps its current λ), followed by
 * one step of iterative refinement. If rounding makes that solution useless for the task just
 * freed, the exact coordinate step on that task is taken instead. If the active-set phase ends
 * without meeting the KKT test, it is followed by sweeps of projected coordinate descent on λ
 * (Hildreth's method), none of which increases the objective.
 *
 * <p><b>Accuracy limit.</b> Gradients that agree to about eight significant digits (after
 * rescaling) are at the resolution limit of K: the Cholesky pivot that separates them is at the
 * level of rounding, and coordinate descent then converges very slowly. On such inputs the
 * iteration cap can be reached with a relative KKT residual around 1e-9 and {@code converged =
 * false}; u is still feasible and its objective is within rounding of the optimum. In a stress run
 * of 20,000 random problems (T up to 32, with near-duplicate, opposite, zero and linearly dependent
 * gradients) this happened twice, with residuals 6e-9 and 3e-10.
 *
 * <p><b>Stopping test.</b> For each task the KKT violation is {@code −y_t} if {@code y_t < 0} and
 * {@code min(y_t, λ_t K_tt)} otherwise (the size of the coordinate-descent correction, in the units
 * of y), divided by {@code s_t = Σ_j |K_tj| (|b_j| + λ_j)}, the magnitude of the terms whose sum is
 * {@code y_t = Σ_j K_tj (b_j + λ_j)}; the solution is reported as converged when the largest such
 * ratio (the {@code residual}) is at most the tolerance. This relative test is what floating point
 * can certify: the rounding error of {@code y_t} itself is about {@code T · 2⁻⁵³ · s_t}, also when
 * u is small because b and λ nearly cancel (e.g. {@code b ≤ 0}, where {@code d = 0} is optimal).
 *
 * <p><b>Numerics.</b> K is symmetrised and scaled by an exact power of two (as in {@link
 * MinNormSolver}), and b likewise; the solution is invariant under positive scaling of K and scales
 * linearly with b, so neither factor changes the result beyond rounding and no intermediate
 * overflows. A zero gradient (zero row of K) never leaves its bound. A zero b gives {@code u = 0};
 * a zero K gives {@code u = b}. If {@code Kb ≥ 0} already (no gradient conflicts with {@code Jᵀb}),
 * {@code u = b} is returned exactly, after zero iterations. Tiny negative eigenvalues of K
 * (rounding) are harmless: they can only shrink pivots, which are then skipped.
 */
public final class DualConeQpSolver {

    /** Default cap on active-set changes plus coordinate-descent sweeps. */
    public static final int DEFAULT_MAX_ITERATIONS = 500;

    /** Default bound on the relative KKT residual (see the class comment). */
    public static final double DEFAULT_TOLERANCE = 1e-10;

    /** Cholesky pivots at most this fraction of their diagonal entry are treated as zero. */
    static final double PIVOT_RATIO = 0x1p-52;

    /**
     * Result of {@link #solve}.
     *
     * @param weights the minimiser u (length T, {@code u ≥ b}); the projection is {@code Σ_t u_t
     *     g_t}
     * @param iterations active-set changes (each freed or re-bound task) plus coordinate-descent
     *     sweeps; 0 when b itself is optimal
     * @param converged whether the relative KKT residual is at most the tolerance
     * @param residual the largest relative KKT violation (dimensionless, see the class comment)
     */
    public record Solution(double[] weights, int iterations, boolean converged, double residual) {}

    private DualConeQpSolver() {}

    /**
     * Solves {@code min uᵀKu s.t. u ≥ b} with {@link #DEFAULT_MAX_ITERATIONS} and {@link
     * #DEFAULT_TOLERANCE}.
     *
     * @param gram T×T Gram matrix of the task gradients, T ≥ 1
     * @param lower the bound b, T finite entries (any sign)
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])}) or {@code lower} has the wrong length or a non-finite
     *     entry
     */
    public static Solution solve(double[][] gram, double[] lower) {
        return solve(gram, lower, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
    }

    /**
     * Solves {@code min uᵀKu s.t. u ≥ b}.
     *
     * @param gram T×T Gram matrix of the task gradients, T ≥ 1
     * @param lower the bound b, T finite entries (any sign)
     * @param maxIterations cap on active-set changes plus coordinate-descent sweeps, at least 0
     * @param tolerance bound on the relative KKT residual, finite and at least 0
     * @throws IllegalArgumentException on an invalid matrix, bound, {@code maxIterations} or {@code
     *     tolerance}
     */
    public static Solution solve(
            double[][] gram, double[] lower, int maxIterations, double tolerance) {
        MinNormSolver.validateGram(gram);
        SolverArguments.requireVector("lower", lower, gram.length, false);
        SolverArguments.requireMaxIterations(maxIterations);
        SolverArguments.requireNonNegativeFinite("tolerance", tolerance);
        double maxBound = 0.0;
        for (double x : lower) {
            maxBound = Math.max(maxBound, Math.abs(x));
        }
        if (maxBound == 0.0) {
            return new Solution(new double[gram.length], 0, true, 0.0);
        }
        int boundExponent = exponentOf(maxBound);
        double[] b = new double[lower.length];
        for (int t = 0; t < b.length; t++) {
            b[t] = Math.scalb(lower[t], -boundExponent);
        }
        double[][] k = MinNormSolver.scaledSymmetricCopy(gram, MinNormSolver.scaleExponent(gram));
        Solution scaled = solveScaled(k, b, maxIterations, tolerance);
        double[] u = scaled.weights();
        for (int t = 0; t < u.length; t++) {
            u[t] = clampFinite(Math.scalb(u[t], boundExponent));
        }
        return new Solution(u, scaled.iterations(), scaled.converged(), scaled.residual());
    }

    /**
     * The solver proper, on a validated, symmetric matrix (normally scaled so that its largest
     * entry is in [1, 2)) and a bound of moderate magnitude; used directly by {@link UpGradSolver}
     * and {@link DualProjSolver}. Does not modify its arguments.
     */
    static Solution solveScaled(double[][] k, double[] b, int maxIterations, double tolerance) {
        int n = k.length;
        double[] lambda = new double[n];
        double[] u = b.clone();
        double[] y = multiply(k, u);
        boolean[] free = new boolean[n];
        boolean[] rejected = new boolean[n];
        int[] order = new int[n];
        int size = 0;
        int iterations = 0;
        outer:
        while (iterations < maxIterations) {
            int entering = enteringTask(k, b, lambda, y, free, rejected, tolerance);
            if (entering < 0) {
                break;
            }
            iterations++;
            free[entering] = true;
            order[size++] = entering;
            while (size > 0) {
                double[] delta = freeSetCorrection(k, order, size, y);
                int blocking = -1;
                double theta = 1.0;
                for (int p = 0; p < size; p++) {
                    int t = order[p];
                    double z = lambda[t] + delta[p];
                    if (!(z > 0.0)) {
                        double ratio = lambda[t] > 0.0 ? lambda[t] / (lambda[t] - z) : 0.0;
                        if (blocking < 0 || ratio < theta) {
                            blocking = p;
                            theta = ratio;
                        }
                    }
                }
                if (blocking < 0) {
                    for (int p = 0; p < size; p++) {
                        lambda[order[p]] += delta[p];
                    }
                    updateIterate(k, b, lambda, u, y);
                    Arrays.fill(rejected, false);
                    break;
                }
                if (theta == 0.0 && order[blocking] == entering && lambda[entering] == 0.0) {
                    // Rounding made the equality solution useless for the entering task (nearly
                    // dependent gradients). Take the exact coordinate step on it instead, which
                    // decreases the objective, and continue from there; if even that step is
                    // zero, keep the task bound until something else changes.
                    double coordinate = -y[entering] / k[entering][entering];
                    if (!(coordinate > 0.0) || Double.isInfinite(coordinate)) {
                        rejected[entering] = true;
                        free[entering] = false;
                        size = compact(order, size, free);
                        break;
                    }
                    lambda[entering] = coordinate;
                    updateIterate(k, b, lambda, u, y);
                    Arrays.fill(rejected, false);
                    if (++iterations >= maxIterations) {
                        break outer;
                    }
                    continue;
                }
                for (int p = 0; p < size; p++) {
                    int t = order[p];
                    lambda[t] = Math.max(0.0, lambda[t] + theta * delta[p]);
                }
                lambda[order[blocking]] = 0.0;
                for (int p = 0; p < size; p++) {
                    int t = order[p];
                    if (!(lambda[t] > 0.0)) {
                        lambda[t] = 0.0;
                        free[t] = false;
                    }
                }
                size = compact(order, size, free);
                updateIterate(k, b, lambda, u, y);
                Arrays.fill(rejected, false);
                if (++iterations >= maxIterations) {
                    break outer;
                }
            }
        }
        double residual = kktResidual(k, b, lambda, y);
        while (residual > tolerance && iterations < maxIterations) {
            iterations++;
            coordinateSweep(k, b, lambda, u, y);
            residual = kktResidual(k, b, lambda, y);
        }
        return new Solution(u, iterations, residual <= tolerance, residual);
    }

    /**
     * The bound task with the most negative {@code y_t / √K_tt} among those whose violation {@code
     * −y_t} exceeds {@code tolerance · Σ_j |K_tj| (|b_j| + λ_j)}, or −1 if there is none.
     */
    private static int enteringTask(
            double[][] k,
            double[] b,
            double[] lambda,
            double[] y,
            boolean[] free,
            boolean[] rejected,
            double tolerance) {
        int best = -1;
        double bestScore = 0.0;
        for (int t = 0; t < k.length; t++) {
            if (free[t] || rejected[t] || !(k[t][t] > 0.0) || !(y[t] < 0.0)) {
                continue;
            }
            if (-y[t] <= tolerance * termMagnitude(k[t], b, lambda)) {
                continue;
            }
            double score = y[t] / Math.sqrt(k[t][t]);
            if (best < 0 || score < bestScore) {
                best = t;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * Solves {@code K_FF δ = −y_F} on the free set F (in the order {@code order[0..size)}), i.e.
     * the change of λ_F that makes {@code (Ku)_F = 0} with the bound tasks held fixed. Cholesky
     * factorisation in that order; a task whose pivot is at most {@link #PIVOT_RATIO} times its
     * diagonal entry is skipped (δ = 0). One step of iterative refinement follows.
     *
     * @return δ indexed like {@code order}
     */
    private static double[] freeSetCorrection(double[][] k, int[] order, int size, double[] y) {
        double[][] lower = new double[size][size];
        boolean[] kept = new boolean[size];
        for (int p = 0; p < size; p++) {
            int t = order[p];
            double[] row = lower[p];
            double pivot = k[t][t];
            for (int q = 0; q < p; q++) {
                if (!kept[q]) {
                    continue;
                }
                double sum = k[t][order[q]];
                for (int r = 0; r < q; r++) {
                    sum -= row[r] * lower[q][r];
                }
                row[q] = sum / lower[q][q];
                pivot -= row[q] * row[q];
            }
            if (pivot > PIVOT_RATIO * k[t][t]) {
                row[p] = Math.sqrt(pivot);
                kept[p] = true;
            } else {
                Arrays.fill(row, 0.0);
            }
        }
        double[] rhs = new double[size];
        for (int p = 0; p < size; p++) {
            rhs[p] = kept[p] ? -y[order[p]] : 0.0;
        }
        double[] delta = choleskySolve(lower, kept, rhs);
        double[] correction = new double[size];
        for (int p = 0; p < size; p++) {
            if (kept[p]) {
                double r = rhs[p];
                double[] kRow = k[order[p]];
                for (int q = 0; q < size; q++) {
                    r -= kRow[order[q]] * delta[q];
                }
                correction[p] = r;
            }
        }
        double[] refinement = choleskySolve(lower, kept, correction);
        for (int p = 0; p < size; p++) {
            delta[p] += refinement[p];
            if (!Double.isFinite(delta[p])) {
                delta[p] = 0.0;
            }
        }
        return delta;
    }

    /** Solves {@code L Lᵀ x = rhs} on the kept rows (x = 0 elsewhere). */
    private static double[] choleskySolve(double[][] lower, boolean[] kept, double[] rhs) {
        int size = rhs.length;
        double[] v = new double[size];
        for (int p = 0; p < size; p++) {
            if (kept[p]) {
                double sum = rhs[p];
                for (int q = 0; q < p; q++) {
                    sum -= lower[p][q] * v[q];
                }
                v[p] = sum / lower[p][p];
            }
        }
        double[] x = new double[size];
        for (int p = size - 1; p >= 0; p--) {
            if (kept[p]) {
                double sum = v[p];
                for (int q = p + 1; q < size; q++) {
                    sum -= lower[q][p] * x[q];
                }
                x[p] = sum / lower[p][p];
            }
        }
        return x;
    }

    /** One Gauss–Seidel sweep of {@code λ_t ← max(0, λ_t − y_t / K_tt)} (Hildreth's method). */
    private static void coordinateSweep(
            double[][] k, double[] b, double[] lambda, double[] u, double[] y) {
        int n = k.length;
        for (int t = 0; t < n; t++) {
            double ktt = k[t][t];
            if (!(ktt > 0.0)) {
                continue;
            }
            double updated = Math.max(0.0, lambda[t] - y[t] / ktt);
            double step = updated - lambda[t];
            if (step != 0.0 && Double.isFinite(step)) {
                lambda[t] = updated;
                u[t] = b[t] + updated;
                for (int i = 0; i < n; i++) {
                    y[i] += step * k[i][t];
                }
            }
        }
        updateIterate(k, b, lambda, u, y);
    }

    /** Largest relative KKT violation (see the class comment). */
    static double kktResidual(double[][] k, double[] b, double[] lambda, double[] y) {
        double worst = 0.0;
        for (int t = 0; t < k.length; t++) {
            double violation;
            if (y[t] < 0.0) {
                violation = -y[t];
            } else if (k[t][t] > 0.0) {
                violation = Math.min(y[t], lambda[t] * k[t][t]);
            } else {
                violation = lambda[t] > 0.0 ? y[t] : 0.0;
            }
            if (violation > 0.0) {
                double magnitude = termMagnitude(k[t], b, lambda);
                worst = Math.max(worst, magnitude > 0.0 ? violation / magnitude : 0.0);
            }
        }
        return worst;
    }

    /**
     * {@code Σ_j |K_tj| (|b_j| + λ_j)}: the magnitude of the terms of {@code y_t = Σ_j K_tj (b_j +
     * λ_j)}, which bounds the rounding error of y_t (up to a factor of about {@code T·2⁻⁵³}) even
     * when {@code u = b + λ} itself is the result of cancellation.
     */
    private static double termMagnitude(double[] kRow, double[] b, double[] lambda) {
        double sum = 0.0;
        for (int j = 0; j < b.length; j++) {
            sum += Math.abs(kRow[j]) * (Math.abs(b[j]) + lambda[j]);
        }
        return sum;
    }

    /** Sets {@code u = b + λ} and recomputes {@code y = K u} from scratch. */
    private static void updateIterate(
            double[][] k, double[] b, double[] lambda, double[] u, double[] y) {
        for (int t = 0; t < u.length; t++) {
            u[t] = b[t] + lambda[t];
        }
        double[] ku = multiply(k, u);
        System.arraycopy(ku, 0, y, 0, y.length);
    }

    /**
     * Drops the tasks that are no longer free from {@code order[0..size)}; returns the new size.
     */
    private static int compact(int[] order, int size, boolean[] free) {
        int kept = 0;
        for (int p = 0; p < size; p++) {
            if (free[order[p]]) {
                order[kept++] = order[p];
            }
        }
        return kept;
    }

    static double[] multiply(double[][] k, double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double sum = 0.0;
            for (int j = 0; j < x.length; j++) {
                sum += k[i][j] * x[j];
            }
            out[i] = sum;
        }
        return out;
    }

    /**
     * The binary exponent e with {@code 2^e ≤ x < 2^(e+1)} for finite x &gt; 0 (subnormals too).
     */
    static int exponentOf(double x) {
        if (x >= Double.MIN_NORMAL) {
            return Math.getExponent(x);
        }
        return Math.getExponent(x * 0x1p60) - 60;
    }

    /** Maps ±∞ to ±{@link Double#MAX_VALUE}; finite values are returned unchanged. */
    static double clampFinite(double x) {
        return Math.max(-Double.MAX_VALUE, Math.min(Double.MAX_VALUE, x));
    }
}
