package org.mtl4j.balance.solver;

import java.util.Arrays;
import java.util.Objects;

/**
 * CAGrad (conflict-averse gradient descent) expressed on the Gram matrix of the task gradients.
 *
 * <p>Liu, Liu, Jin, Stone &amp; Liu, "Conflict-Averse Gradient Descent for Multi-task Learning"
 * (NeurIPS 2021), Sec. 3 and Algorithm 1. With the mean gradient {@code g_0 = (1/T) Σ_t g_t} the
 * update maximises the worst local improvement inside a ball around {@code g_0}:
 *
 * <pre>
 *   primal:  max_d  min_t g_t · d     subject to  ‖d − g_0‖ ≤ c ‖g_0‖,
 *   dual:    min_{w ∈ Δ}  F(w) = g_w · g_0 + r ‖g_w‖,     g_w = Σ_t w_t g_t,  r = c ‖g_0‖,
 *   d* = g_0 + (r / ‖g_w*‖) g_w*.
 * </pre>
 *
 * <p>The coefficients returned are {@code d* = Σ_t c_t g_t} in the <em>mean</em> scale of the paper
 * ({@code c_t = 1/T + (r/‖g_w‖) w_t}), times the rescale factor of {@link Rescale}. With {@code c =
 * 0} they are exactly {@code 1/T} each (the mean gradient) for every rescale variant. (The authors'
 * NYUv2/Cityscapes trainers additionally multiply the update by T "to match the sum loss"; multiply
 * the coefficients by T for that convention.)
 *
 * <p><b>Hyper-parameters.</b> {@link #DEFAULT_C} = 0.4, the paper's setting for the image
 * benchmarks and the value in the authors' NYUv2 {@code run.sh} (their Cityscapes script runs 0.4
 * and 0.6; LibMTL defaults to 0.5). The paper's guarantee of convergence to a stationary point of
 * the average loss assumes {@code 0 ≤ c < 1}; larger c is accepted. {@link #DEFAULT_RESCALE} =
 * {@link Rescale#ONE_PLUS_C_SQUARED}, the {@code rescale=1} hard-coded in the authors' trainers and
 * LibMTL's default.
 *
 * <p><b>How the dual is solved.</b> Rather than a generic constrained optimiser (the authors call
 * SciPy's SLSQP with {@code +1e-8} smoothing), the simplex problem is solved through the
 * variational identity {@code r‖x‖ = min_{s>0} (r‖x‖²/(2s) + rs/2)}. For fixed s the minimisation
 * over w ∈ Δ is a min-norm-point problem, {@code min_w ‖g_w + t g_0‖²} with {@code t = s/r}, i.e.
 * {@code g_w(t) = Proj_H(−t g_0)}, the projection onto the convex hull H of the gradients, solved
 * exactly by {@link MinNormSolver} on the shifted Gram matrix {@code K_ij + t(q_i + q_j) +
 * t²‖g_0‖²} ({@code q = K 1/T}). Optimality in s means {@code ‖g_w(t)‖ = r t}; because {@code
 * ‖g_w(t)‖ / t} is non-increasing, the root t* is bracketed by doubling/halving from {@code t =
 * 1/c} (the root when all gradients agree) and then found by bisection. At every trial t the
 * candidate {@code d(t) = g_0 + min(1/t, r/‖g_w‖) g_w} lies in the ball; the best candidate
 * (largest {@code min_t g_t · d}) is returned. Its certificate is the duality gap {@code min F(w) −
 * min_t g_t · d ≥ v* − min_t g_t · d ≥ 0} over the evaluated w, and the solver stops once the gap
 * is at most {@code tolerance · max_ij |K_ij|} (reported as {@link Solution#converged()}).
 *
 * <p><b>Degenerate inputs.</b> If 0 lies in the convex hull of the gradients the dual minimum can
 * sit at {@code g_w* = 0} (e.g. a zero task gradient, or {@code c ≥ 1} with conflicting gradients),
 * where the paper's formula {@code r / ‖g_w*‖} is undefined and the maximiser is not unique. Then
 * t* = 0 and, for small t, {@code d(t) = g_0 + Proj_C(−g_0)} with C the cone of the gradients: the
 * maximiser closest to {@code g_0} (the projection of {@code g_0} onto {@code {d : g_t · d ≥ 0
 * ∀t}}). For a zero gradient this is simply {@code g_0} (coefficients 1/T); for two exactly
 * opposite gradients {@code g_0 = 0} and the coefficients are 1/T with {@code d = 0}. T = 1 gives
 * {@code c_1 = 1 + c} before rescaling. If {@code c ≤ 2^-52} the ball is below the rounding of
 * {@code g_0} and the mean is returned directly, with the gap bound {@code r · max_t ‖g_t‖}.
 *
 * <p><b>Numerics.</b> K is scaled by an exact power of two, the shifted matrices are normalised by
 * {@code (1 + t‖g_0‖)²} so they cannot overflow, and all square roots are of clamped non-negative
 * quantities, so the result is scale invariant and never NaN, also for K with tiny negative
 * eigenvalues.
 */
public final class CaGradSolver {

    /** Default c: the paper's image-benchmark setting (authors' NYUv2 script). */
    public static final double DEFAULT_C = 0.4;

    /** Default rescale variant: the authors' {@code rescale=1}. */
    public static final Rescale DEFAULT_RESCALE = Rescale.ONE_PLUS_C_SQUARED;

    /** Default cap on min-norm solves (bracketing plus bisection). */
    public static final int DEFAULT_MAX_ITERATIONS = 200;

    /** Default duality-gap tolerance, relative to {@code max_ij |K_ij|}. */
    public static final double DEFAULT_TOLERANCE = 1e-10;

    /** Values of c at most this leave {@code g_0} unchanged in double precision. */
    static final double NEGLIGIBLE_C = 0x1p-52;

    /** Halvings of t below the initial guess before t* is taken to be 0. */
    static final int MAX_HALVINGS = 64;

    /** Bisection stops when the bracket is this narrow relative to its upper end. */
    private static final double BRACKET_WIDTH = 0x1p-50;

    /** The rescale variants of the authors' code ({@code rescale} = 0, 1, 2). */
    public enum Rescale {
        /** {@code rescale=0}: the update d* itself. */
        NONE,
        /** {@code rescale=1}: {@code d* / (1 + c²)}. */
        ONE_PLUS_C_SQUARED,
        /** {@code rescale=2}: {@code d* / (1 + c)}. */
        ONE_PLUS_C;

        /** The factor applied to d* for hyper-parameter c. */
        public double factor(double c) {
            switch (this) {
                case NONE:
                    return 1.0;
                case ONE_PLUS_C_SQUARED:
                    return 1.0 / (1.0 + c * c);
                case ONE_PLUS_C:
                    return 1.0 / (1.0 + c);
                default:
                    throw new AssertionError(this);
            }
        }
    }

    /**
     * Result of {@link #solve}.
     *
     * @param weights coefficients of the (rescaled) update {@code Σ_t c_t g_t}, mean scale
     * @param dualWeights the simplex weights w with the smallest dual value {@code F(w)} found (the
     *     certificate of {@code gap}; in the regular case {@code g_w} is the direction added to
     *     {@code g_0}); uniform when the ball is trivial
     * @param iterations number of min-norm solves
     * @param converged whether the duality gap fell to the tolerance
     * @param gap {@code F(dualWeights) − min_t g_t · d} for the returned d (before rescaling), in
     *     the units of K; by weak duality it bounds the sub-optimality of {@code min_t g_t · d}
     */
    public record Solution(
            double[] weights,
            double[] dualWeights,
            int iterations,
            boolean converged,
            double gap) {}

    private CaGradSolver() {}

    /**
     * CAGrad with {@link #DEFAULT_C} and {@link #DEFAULT_RESCALE}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}, T ≥ 1
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])})
     */
    public static Solution solve(double[][] gram) {
        return solve(gram, DEFAULT_C, DEFAULT_RESCALE);
    }

    /**
     * CAGrad with {@link #DEFAULT_MAX_ITERATIONS} and {@link #DEFAULT_TOLERANCE}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}, T ≥ 1
     * @param c radius of the ball relative to {@code ‖g_0‖}, finite and ≥ 0
     * @param rescale rescale variant
     * @throws IllegalArgumentException on an invalid matrix or c
     * @throws NullPointerException if {@code rescale} is null
     */
    public static Solution solve(double[][] gram, double c, Rescale rescale) {
        return solve(gram, c, rescale, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
    }

    /**
     * CAGrad.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}, T ≥ 1
     * @param c radius of the ball relative to {@code ‖g_0‖}, finite and ≥ 0
     * @param rescale rescale variant
     * @param maxIterations cap on min-norm solves, at least 1
     * @param tolerance duality-gap tolerance relative to {@code max_ij |K_ij|}, finite and ≥ 0
     * @throws IllegalArgumentException on an invalid matrix (as in {@link
     *     MinNormSolver#solve(double[][])}), c, maxIterations or tolerance
     * @throws NullPointerException if {@code rescale} is null
     */
    public static Solution solve(
            double[][] gram, double c, Rescale rescale, int maxIterations, double tolerance) {
        MinNormSolver.validateGram(gram);
        if (!(c >= 0.0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("c = " + c + " must be finite and >= 0");
        }
        Objects.requireNonNull(rescale, "rescale");
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations = " + maxIterations + " is < 1");
        }
        if (!(tolerance >= 0.0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException(
                    "tolerance = " + tolerance + " must be finite and >= 0");
        }
        int n = gram.length;
        int exponent = MinNormSolver.scaleExponent(gram);
        double[][] k = MinNormSolver.scaledSymmetricCopy(gram, exponent);
        double[] mean = new double[n];
        Arrays.fill(mean, 1.0 / n);
        double[] q = multiply(k, mean);
        double meanNormSq = Math.max(0.0, dot(mean, q));
        double radius = c * Math.sqrt(meanNormSq);
        double factor = rescale.factor(c);
        if (!(radius > 0.0) || c <= NEGLIGIBLE_C) {
            double bound = radius * Math.sqrt(maxDiagonal(k));
            double[] weights = mean.clone();
            scale(weights, factor);
            return new Solution(
                    weights,
                    mean,
                    0,
                    bound <= tolerance * MinNormSolver.maxAbsEntry(k),
                    Math.scalb(bound, exponent));
        }
        Search search = new Search(k, mean, q, meanNormSq, radius, maxIterations, tolerance);
        search.run(c);
        double[] weights = search.bestCoefficients;
        scale(weights, factor);
        return new Solution(
                weights,
                search.bestDual,
                search.iterations,
                search.converged(),
                Math.scalb(search.gap(), exponent));
    }

    /** Bracketing and bisection for t*, keeping the best primal candidate and the best dual. */
    private static final class Search {
        private final double[][] k;
        private final double[] mean;
        private final double[] q;
        private final double meanNormSq;
        private final double radius;
        private final int maxIterations;
        private final double threshold;

        int iterations;
        double[] bestCoefficients;
        double[] bestDual;
        double bestPrimal = Double.NEGATIVE_INFINITY;
        double minDual = Double.POSITIVE_INFINITY;

        Search(
                double[][] k,
                double[] mean,
                double[] q,
                double meanNormSq,
                double radius,
                int maxIterations,
                double tolerance) {
            this.k = k;
            this.mean = mean;
            this.q = q;
            this.meanNormSq = meanNormSq;
            this.radius = radius;
            this.maxIterations = maxIterations;
            this.threshold = tolerance * MinNormSolver.maxAbsEntry(k);
        }

        double gap() {
            return Math.max(0.0, minDual - bestPrimal);
        }

        boolean converged() {
            return gap() <= threshold;
        }

        private boolean mayContinue() {
            return iterations < maxIterations && !converged();
        }

        void run(double c) {
            // ‖g_w‖ ≤ max_t ‖g_t‖ = r · tMax, so the root lies at or below tMax.
            double tMax = Math.sqrt(maxDiagonal(k)) / radius;
            double t = Math.min(1.0 / c, tMax);
            double lo;
            double hi;
            if (evaluate(t) > 0.0) {
                lo = t;
                hi = tMax;
                while (mayContinue() && t < tMax) {
                    t = Math.min(2.0 * t, tMax);
                    if (evaluate(t) <= 0.0) {
                        hi = t;
                        break;
                    }
                    lo = t;
                }
            } else {
                hi = t;
                lo = 0.0;
                for (int h = 0; h < MAX_HALVINGS && mayContinue(); h++) {
                    t *= 0.5;
                    if (evaluate(t) > 0.0) {
                        lo = t;
                        break;
                    }
                    hi = t;
                }
            }
            if (!(lo > 0.0)) {
                return; // t* = 0 (degenerate): the small-t candidates are the answer.
            }
            while (mayContinue() && hi - lo > BRACKET_WIDTH * hi) {
                double mid = 0.5 * (lo + hi);
                if (evaluate(mid) > 0.0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
        }

        /**
         * Solves the min-norm problem at t, records the candidate and the dual value, and returns
         * {@code ‖g_w(t)‖ − r t} (positive below the root t*).
         */
        private double evaluate(double t) {
            iterations++;
            double[] w =
                    MinNormSolver.solve(shifted(t), MinNormSolver.DEFAULT_MAX_ITERATIONS, 0.0)
                            .weights();
            double normSq = Math.max(0.0, dot(w, multiply(k, w)));
            double norm = Math.sqrt(normSq);
            double dual = dot(w, q) + radius * norm;
            if (dual < minDual) {
                minDual = dual;
                bestDual = w;
            }
            double step = norm > 0.0 ? Math.min(1.0 / t, radius / norm) : 0.0;
            double[] coefficients = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                coefficients[i] = mean[i] + step * w[i];
            }
            double primal = min(multiply(k, coefficients));
            if (primal > bestPrimal || bestCoefficients == null) {
                bestPrimal = primal;
                bestCoefficients = coefficients;
            }
            return norm - radius * t;
        }

        /**
         * Gram matrix of {@code g_i + t g_0}, divided by {@code (1 + t‖g_0‖)²} (which does not
         * change the min-norm weights) so that no entry can overflow; diagonal clamped at 0.
         */
        private double[][] shifted(double t) {
            int n = k.length;
            double s = 1.0 / (1.0 + t * Math.sqrt(meanNormSq));
            double ts = t * s;
            double[][] out = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    double v = s * s * k[i][j] + ts * s * (q[i] + q[j]) + ts * ts * meanNormSq;
                    if (i == j) {
                        v = Math.max(0.0, v);
                    }
                    out[i][j] = v;
                    out[j][i] = v;
                }
            }
            return out;
        }
    }

    private static double maxDiagonal(double[][] k) {
        double max = 0.0;
        for (int i = 0; i < k.length; i++) {
            max = Math.max(max, k[i][i]);
        }
        return max;
    }

    private static void scale(double[] x, double factor) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= factor;
        }
    }

    private static double min(double[] x) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : x) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static double[] multiply(double[][] k, double[] w) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = dot(k[i], w);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        return SymmetricEigen.dot(a, b);
    }
}
