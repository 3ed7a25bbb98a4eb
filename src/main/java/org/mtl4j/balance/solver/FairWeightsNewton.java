package org.mtl4j.balance.solver;

import java.util.Arrays;

/**
 * Shared core of {@link NashMtlSolver} and {@link FairGradSolver}: the positive solution w of
 *
 * <pre>
 *   (K w)_t = w_t^(−p)   for every t,   p = 1/α &gt; 0,
 * </pre>
 *
 * <p>found as the unique minimiser of the strictly convex potential
 *
 * <pre>
 *   ψ(w) = ½ wᵀ K w − Σ_t h(w_t),   h(w) = log w (p = 1),   h(w) = w^(1−p) / (1 − p) (p ≠ 1),
 * </pre>
 *
 * <p>over {@code w > 0} ({@code ∇ψ = Kw − w^(−p)}, {@code ∇²ψ = K + p·diag(w^(−p−1)) ≻ 0}), by a
 * damped Newton method. {@link FairGradSolver} documents the iteration, the stopping test,
 * existence, the ridge and the scaling.
 */
final class FairWeightsNewton {

    /** Armijo sufficient-decrease constant. */
    private static final double ARMIJO = 1e-4;

    /** Largest fraction of the distance to the boundary {@code w_t = 0} taken in one step. */
    private static final double BOUNDARY_FRACTION = 0.99;

    /** Largest relative Newton step {@code |Δw_t / w_t|} at which the iteration may stop. */
    static final double STEP_TOLERANCE = 1e-6;

    /** Smallest step length tried by the backtracking line search. */
    private static final double MIN_STEP = 0x1p-30;

    record Result(
            double[] weights, int iterations, boolean converged, double residual, double ridge) {}

    private FairWeightsNewton() {}

    /**
     * @param gram validated Gram matrix
     * @param p the exponent 1/α, finite and positive
     * @param ridgeFactor the relative ridge κ (see {@link FairGradSolver})
     */
    static Result solve(
            double[][] gram, double p, double ridgeFactor, int maxIterations, double tolerance) {
        int n = gram.length;
        if (MinNormSolver.maxAbsEntry(gram) == 0.0) {
            double[] ones = new double[n];
            Arrays.fill(ones, 1.0);
            return new Result(ones, 0, false, 1.0, 0.0);
        }
        int exponent = MinNormSolver.scaleExponent(gram);
        double[][] k = MinNormSolver.scaledSymmetricCopy(gram, exponent);
        double ridge = ridge(k, ridgeFactor);
        for (int t = 0; t < n; t++) {
            k[t][t] += ridge;
        }
        Result scaled = newton(k, p, maxIterations, tolerance);
        double[] w = scaled.weights();
        unscale(w, exponent, p);
        double ridgeInInputUnits = DualConeQpSolver.clampFinite(Math.scalb(ridge, exponent));
        return new Result(
                w, scaled.iterations(), scaled.converged(), scaled.residual(), ridgeInInputUnits);
    }

    /**
     * The ridge ρ added to the diagonal of the (scaled) K: {@code ρ = max(0, κ·tr(K) − T·m)}, where
     * {@code m = min { vᵀKv : v ≥ 0, Σv = 1 }} is the squared norm of the min-norm point of the
     * convex hull of the gradients ({@link MinNormSolver}). Since {@code vᵀ(K + ρI)v ≥ m + ρ/T} on
     * the simplex, the regularised matrix satisfies {@code m' ≥ κ·tr(K)/T}, which bounds the
     * weights; ρ = 0 whenever the problem is already that well posed, and ρ is continuous in K.
     */
    private static double ridge(double[][] k, double ridgeFactor) {
        int n = k.length;
        double trace = 0.0;
        double minDiagonal = Double.POSITIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            trace += k[t][t];
            minDiagonal = Math.min(minDiagonal, k[t][t]);
        }
        double reference = Math.max(trace, MinNormSolver.maxAbsEntry(k));
        if (ridgeFactor == 0.0) {
            return 0.0;
        }
        if (n > 1 && positiveDefinite(k, ridgeFactor * reference)) {
            // λ_min(K) > κ·tr(K) ⇒ T·m ≥ λ_min(K) > κ·tr(K) (as ‖v‖² ≥ 1/T on the simplex): ρ = 0
            // without solving the min-norm problem.
            return 0.0;
        }
        double minNorm = minDiagonal;
        if (n > 1 && minDiagonal > 0.0) {
            double[] v = MinNormSolver.solve(k).weights();
            minNorm = Math.min(minDiagonal, quadraticForm(k, v));
        }
        return Math.max(0.0, ridgeFactor * reference - n * Math.max(0.0, minNorm));
    }

    /** Damped Newton on ψ for the scaled, regularised matrix k. */
    private static Result newton(double[][] k, double p, int maxIterations, double tolerance) {
        int n = k.length;
        double[] w = initialPoint(k, p);
        double residual = Double.POSITIVE_INFINITY;
        for (int iteration = 0; ; iteration++) {
            double[] kw = DualConeQpSolver.multiply(k, w);
            residual = residual(k, w, kw, p);
            // Newton system in the relative step δ = Δw / w (better conditioned; same step):
            // (W K W + p·diag(w^(1−p))) δ = −(w ∘ Kw − w^(1−p)).
            double[] gradient = new double[n];
            double[][] m = new double[n][n];
            for (int i = 0; i < n; i++) {
                double barrier = Math.pow(w[i], 1.0 - p);
                gradient[i] = w[i] * kw[i] - barrier;
                for (int j = 0; j < n; j++) {
                    m[i][j] = w[i] * k[i][j] * w[j];
                }
                m[i][i] += p * barrier;
            }
            double[] delta = solveShifted(m, gradient);
            double slope = 0.0;
            for (int t = 0; delta != null && t < n; t++) {
                slope += delta[t] * gradient[t];
            }
            // Converged: small residual, and a Newton step that no longer changes the weights
            // (which rules out weights running off to infinity where no solution exists: the
            // relative residual tends to 0 there too).
            boolean converged =
                    delta != null && residual <= tolerance && maxAbs(delta) <= STEP_TOLERANCE;
            if (converged || iteration == maxIterations) {
                return new Result(w, iteration, converged, residual, 0.0);
            }
            if (delta == null || !(slope < 0.0)) {
                return new Result(w, iteration, false, residual, 0.0);
            }
            double step = 1.0;
            for (int t = 0; t < n; t++) {
                if (delta[t] < 0.0) {
                    step = Math.min(step, BOUNDARY_FRACTION / -delta[t]);
                }
            }
            double longest = step;
            double[] difference = new double[n];
            while (true) {
                for (int t = 0; t < n; t++) {
                    difference[t] = step * w[t] * delta[t];
                }
                if (change(k, w, kw, difference, delta, step, p) <= ARMIJO * step * slope) {
                    break;
                }
                step *= 0.5;
                if (step < MIN_STEP) {
                    // ψ can no longer resolve the decrease (weights many orders of magnitude
                    // apart): take the longest step if it reduces the residual, else stop.
                    double[] trial = new double[n];
                    for (int t = 0; t < n; t++) {
                        difference[t] = longest * w[t] * delta[t];
                        trial[t] = Math.max(Double.MIN_NORMAL, w[t] + difference[t]);
                    }
                    double[] kTrial = DualConeQpSolver.multiply(k, trial);
                    if (!(residual(k, trial, kTrial, p) < residual)) {
                        return new Result(w, iteration, false, residual, 0.0);
                    }
                    break;
                }
            }
            for (int t = 0; t < n; t++) {
                w[t] = Math.max(Double.MIN_NORMAL, w[t] + difference[t]);
            }
        }
    }

    /**
     * The relative residual {@code max_t |(Kw)_t − w_t^(−p)| / (w_t^(−p) + Σ_j |K_tj w_j|)}: the
     * error of the equation relative to the magnitude of its terms, in [0, 1] (an overflowing power
     * gives 1), and at rounding level (about {@code T·2⁻⁵³}) for an exact solution even when {@code
     * (Kw)_t} is a small difference of large terms.
     */
    static double residual(double[][] k, double[] w, double[] kw, double p) {
        double worst = 0.0;
        for (int t = 0; t < w.length; t++) {
            double target = Math.pow(w[t], -p);
            double magnitude = target;
            for (int j = 0; j < w.length; j++) {
                magnitude += Math.abs(k[t][j] * w[j]);
            }
            double ratio = Math.abs(kw[t] - target) / magnitude;
            worst = Math.max(worst, ratio >= 0.0 && ratio <= 1.0 ? ratio : 1.0);
        }
        return worst;
    }

    /**
     * {@code ψ(w') − ψ(w)} for {@code w' = w ∘ (1 + τδ) = w + Δ}, evaluated without cancellation:
     * the quadratic part as {@code Δᵀ(Kw) + ½ ΔᵀKΔ}, each barrier difference {@code h(w'_t) −
     * h(w_t)} as {@code log1p(τδ_t)} (p = 1) or {@code w_t^(1−p) expm1((1−p) log1p(τδ_t)) / (1−p)}
     * (in the log domain if the power overflows). NaN is reported as +∞, i.e. as no decrease.
     */
    private static double change(
            double[][] k,
            double[] w,
            double[] kw,
            double[] difference,
            double[] delta,
            double step,
            double p) {
        double value = 0.5 * quadraticForm(k, difference);
        double q = 1.0 - p;
        for (int t = 0; t < w.length; t++) {
            value += difference[t] * kw[t];
            double logRatio = Math.log1p(step * delta[t]);
            if (q == 0.0) {
                value -= logRatio;
                continue;
            }
            double relative = Math.expm1(q * logRatio);
            if (relative == 0.0) {
                continue;
            }
            double term = Math.pow(w[t], q) * relative;
            if (!Double.isFinite(term)) {
                // w_t^q overflows although the product may not: combine in the log domain.
                double log = q * Math.log(w[t]) + Math.log(Math.abs(relative));
                term = Math.copySign(Math.exp(log), relative);
            }
            value -= term / q;
        }
        return Double.isNaN(value) ? Double.POSITIVE_INFINITY : value;
    }

    /**
     * Starting point: the weights {@code v_t = K_tt^(−1/(1+p))} (the exact solution for orthogonal
     * gradients), rescaled by the c &gt; 0 minimising ψ(c v), i.e. {@code c^(1+p) = Σ_t v_t^(1−p) /
     * vᵀKv}.
     */
    private static double[] initialPoint(double[][] k, double p) {
        int n = k.length;
        double[] v = new double[n];
        for (int t = 0; t < n; t++) {
            v[t] = k[t][t] > 0.0 ? Math.pow(k[t][t], -1.0 / (1.0 + p)) : 1.0;
        }
        double curvature = quadraticForm(k, v);
        double barrier = 0.0;
        for (int t = 0; t < n; t++) {
            barrier += Math.pow(v[t], 1.0 - p);
        }
        if (curvature > 0.0 && Double.isFinite(curvature)) {
            double c = Math.pow(barrier / curvature, 1.0 / (1.0 + p));
            if (c > 0.0 && Double.isFinite(c)) {
                for (int t = 0; t < n; t++) {
                    v[t] *= c;
                }
            }
        }
        for (int t = 0; t < n; t++) {
            if (!(v[t] >= Double.MIN_NORMAL) || Double.isInfinite(v[t])) {
                v[t] = 1.0;
            }
        }
        return v;
    }

    /**
     * Solves {@code M δ = −g} by Cholesky; if M is not numerically positive definite (possible only
     * through rounding or a K with negative eigenvalues), retries with {@code M + σI} for growing
     * σ, which still yields a descent direction.
     *
     * @return δ, or null if no shift up to the largest diagonal entry succeeds
     */
    private static double[] solveShifted(double[][] m, double[] g) {
        int n = g.length;
        double maxDiagonal = 0.0;
        for (int t = 0; t < n; t++) {
            maxDiagonal = Math.max(maxDiagonal, m[t][t]);
        }
        double shift = 0.0;
        while (true) {
            double[] delta = choleskySolve(m, g, shift);
            if (delta != null) {
                return delta;
            }
            shift = shift == 0.0 ? 1e-14 * maxDiagonal : shift * 100.0;
            if (!(shift <= maxDiagonal) || shift == 0.0) {
                return null;
            }
        }
    }

    /** Solves {@code (M + shift·I) δ = −g}; null if a pivot is not positive or δ not finite. */
    private static double[] choleskySolve(double[][] m, double[] g, double shift) {
        int n = g.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = m[i][j] + (i == j ? shift : 0.0);
                for (int r = 0; r < j; r++) {
                    sum -= l[i][r] * l[j][r];
                }
                if (i == j) {
                    if (!(sum > 0.0)) {
                        return null;
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = -g[i];
            for (int r = 0; r < i; r++) {
                sum -= l[i][r] * v[r];
            }
            v[i] = sum / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = v[i];
            for (int r = i + 1; r < n; r++) {
                sum -= l[r][i] * x[r];
            }
            x[i] = sum / l[i][i];
            if (!Double.isFinite(x[i])) {
                return null;
            }
        }
        return x;
    }

    /** Whether {@code K − shift·I} has a Cholesky factorisation with positive pivots. */
    private static boolean positiveDefinite(double[][] k, double shift) {
        int n = k.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = k[i][j] - (i == j ? shift : 0.0);
                for (int r = 0; r < j; r++) {
                    sum -= l[i][r] * l[j][r];
                }
                if (i == j) {
                    if (!(sum > 0.0)) {
                        return false;
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return true;
    }

    /**
     * Maps the weights of the scaled problem ({@code K' = 2^(−e) K}) back: if {@code K'w' =
     * w'^(−p)} then {@code w = 2^(−e/(1+p)) w'} solves {@code Kw = w^(−p)}. Results beyond the
     * double range are clamped to [{@link Double#MIN_VALUE}, {@link Double#MAX_VALUE}].
     */
    private static void unscale(double[] w, int exponent, double p) {
        double log2Factor = -exponent / (1.0 + p);
        double factor = Math.pow(2.0, log2Factor);
        for (int t = 0; t < w.length; t++) {
            double value = w[t] * factor;
            if (!(value >= Double.MIN_NORMAL) || Double.isInfinite(value)) {
                value = Math.exp(Math.log(w[t]) + log2Factor * Math.log(2.0));
            }
            w[t] = Math.min(Double.MAX_VALUE, Math.max(Double.MIN_VALUE, value));
        }
    }

    private static double maxAbs(double[] v) {
        double max = 0.0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    private static double quadraticForm(double[][] k, double[] v) {
        double sum = 0.0;
        for (int i = 0; i < v.length; i++) {
            double row = 0.0;
            for (int j = 0; j < v.length; j++) {
                row += k[i][j] * v[j];
            }
            sum += v[i] * row;
        }
        return sum;
    }
}
