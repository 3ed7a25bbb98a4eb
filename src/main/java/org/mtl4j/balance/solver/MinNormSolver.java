package org.mtl4j.balance.solver;

import java.util.Arrays;
import java.util.Objects;

/**
 * Minimum-norm point in the convex hull of the task gradients, computed from their Gram matrix.
 *
 * <p>Given {@code K[i][j] = g_i · g_j}, this solves the MGDA sub-problem of Sener &amp; Koltun,
 * "Multi-Task Learning as Multi-Objective Optimization" (NeurIPS 2018), Eq. (3):
 *
 * <pre>
 *   minimise  f(w) = wᵀ K w = ‖Σ_t w_t g_t‖²   subject to  w_t ≥ 0,  Σ_t w_t = 1.
 * </pre>
 *
 * <ul>
 *   <li>One task: {@code w = [1]}.
 *   <li>Two tasks: the exact closed form of their Eq. (4) / Algorithm 1, clipped to [0, 1].
 *   <li>More tasks: a Frank–Wolfe solver in the spirit of their Algorithm 2, started from the best
 *       pair's exact two-point solution, with the changes described next.
 * </ul>
 *
 * <p><b>Deviations from Algorithm 2, for convergence.</b> Plain Frank–Wolfe converges only
 * sublinearly when the optimum lies on a face of the simplex (the common case), and even with away
 * and pairwise steps about 9% of random stress instances (for example four tasks whose gradients
 * lie in a plane) were not within the 1e-10 gap after 250 iterations. Each iteration here therefore
 *
 * <ol>
 *   <li>first tries a <em>fully corrective</em> step, i.e. one major cycle of Wolfe's
 *       min-norm-point algorithm (P. Wolfe, "Finding the nearest point in a polytope", Math.
 *       Programming 11, 1976; the fully corrective variant in Lacoste-Julien &amp; Jaggi, "On the
 *       Global Linear Convergence of Frank–Wolfe Optimization Variants", NeurIPS 2015): add the
 *       Frank–Wolfe vertex {@code s = argmin_t (Kw)_t} to the support and minimise exactly over the
 *       convex hull of that corral (see {@link #correctiveStep}); it is accepted only if f
 *       decreases;
 *   <li>otherwise takes the best of three steps, each an exact line search by Algorithm 1: the
 *       Frank–Wolfe step of Algorithm 2 (segment from w to e_s), the away step (segment from e_v,
 *       {@code v = argmax_{w_t>0} (Kw)_t}, through w to the point without v) and the pairwise step
 *       (moving weight from v to s). Pairwise steps help with near-duplicate gradients, for which
 *       the other steps are too short to register in floating point.
 * </ol>
 *
 * <p>On random instances this terminates within a handful of iterations (in stress runs: at most 13
 * for up to 12 tasks, at most 26 for up to 42 tasks). It stops when both the Frank–Wolfe gap {@code
 * 2(wᵀKw − min_t (Kw)_t)} and the away gap {@code 2(max_{w_t>0} (Kw)_t − wᵀKw)} are at most {@code
 * tolerance · max_ij |K_ij|}, so the KKT conditions also hold with equality on the support. The
 * tolerance is relative to the largest entry (the largest squared gradient norm for a valid Gram
 * matrix) rather than to {@code max(1, scale)}, so gradients of scale 1e-30 are solved as
 * accurately as gradients of scale 1. It also stops, unconverged, if no step decreases f in
 * floating point any more. Gradients that agree to about 7 significant digits are at the resolution
 * limit of K; on such inputs the iteration cap can be reached with a relative gap around 1e-9 (the
 * weights are still valid, and the reported gap bounds their suboptimality).
 *
 * <p><b>Numerics.</b> The matrix is symmetrised and scaled by an exact power of two so that its
 * largest entry lies in [1, 2); the weights are scale invariant, so scales between the smallest
 * subnormal and {@link Double#MAX_VALUE} neither overflow nor underflow. Every line search clamps
 * to [0, 1] and falls back to the better end point when the curvature is not positive (identical
 * gradients, rounding), and the corral solve skips affinely dependent points, so the result never
 * contains NaN. An all-zero matrix yields uniform weights.
 */
public final class MinNormSolver {

    /** Default iteration cap of {@link #solve(double[][])}. */
    public static final int DEFAULT_MAX_ITERATIONS = 250;

    /** Default relative tolerance of {@link #solve(double[][])}. */
    public static final double DEFAULT_TOLERANCE = 1e-10;

    /** Allowed |K_ij − K_ji|, relative to the largest |K_ij|. */
    static final double SYMMETRY_TOLERANCE = 1e-9;

    /**
     * Result of {@link #solve}.
     *
     * @param weights simplex weights w (non-negative, summing to 1); the min-norm direction is
     *     {@code Σ_t w_t g_t}
     * @param iterations iterations taken (0 for one or two tasks, or when the best pair is already
     *     optimal)
     * @param converged whether the gap fell to the tolerance; false if the iteration cap was hit or
     *     no step could decrease f any more in floating point (always true for one or two tasks,
     *     whose solution is exact)
     * @param gap the larger of the Frank–Wolfe and away gaps at {@code weights}, in the units of
     *     the input matrix; it bounds {@code f(w) − min f} from above
     */
    public record Solution(double[] weights, int iterations, boolean converged, double gap) {}

    private MinNormSolver() {}

    /**
     * Solves Eq. (3) of Sener &amp; Koltun with {@link #DEFAULT_MAX_ITERATIONS} and {@link
     * #DEFAULT_TOLERANCE}.
     *
     * @param gram T×T Gram matrix of the task gradients, T ≥ 1
     * @throws IllegalArgumentException if the matrix is empty, not square, not finite, has a
     *     negative diagonal entry, or is not symmetric within {@link #SYMMETRY_TOLERANCE}
     */
    public static Solution solve(double[][] gram) {
        return solve(gram, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
    }

    /**
     * Solves Eq. (3) of Sener &amp; Koltun.
     *
     * @param gram T×T Gram matrix of the task gradients, T ≥ 1
     * @param maxIterations cap on Frank–Wolfe iterations (T &gt; 2), at least 0
     * @param tolerance stopping gap relative to the largest |K_ij|, finite and at least 0 (with 0
     *     the solver usually runs to {@code maxIterations} and reports {@code converged = false})
     * @throws IllegalArgumentException on an invalid matrix (see {@link #solve(double[][])}) or
     *     invalid {@code maxIterations}/{@code tolerance}
     */
    public static Solution solve(double[][] gram, int maxIterations, double tolerance) {
        validateGram(gram);
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations = " + maxIterations + " is negative");
        }
        if (!(tolerance >= 0.0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException(
                    "tolerance = " + tolerance + " must be finite and >= 0");
        }
        int n = gram.length;
        if (n == 1) {
            return new Solution(new double[] {1.0}, 0, true, 0.0);
        }
        if (maxAbsEntry(gram) == 0.0) {
            double[] uniform = new double[n];
            Arrays.fill(uniform, 1.0 / n);
            return new Solution(uniform, 0, true, 0.0);
        }
        int exponent = scaleExponent(gram);
        double[][] k = scaledSymmetricCopy(gram, exponent);
        double[] w = bestPair(k);
        if (n == 2) {
            return new Solution(w, 0, true, toInputUnits(gaps(k, w).total(), exponent));
        }
        return frankWolfe(k, w, maxIterations, tolerance, exponent);
    }

    /**
     * Sener &amp; Koltun Algorithm 1 / Eq. (4): the γ ∈ [0, 1] minimising {@code ‖γ u + (1 − γ)
     * v‖²}, given {@code uu = u·u}, {@code uv = u·v} and {@code vv = v·v}: {@code γ = (v − u)·v /
     * ‖u − v‖²} clipped to [0, 1] (γ = 1 when {@code uv ≥ uu}, γ = 0 when {@code uv ≥ vv}).
     *
     * @return the weight of {@code u}; never NaN for finite inputs
     */
    static double twoPointWeight(double uu, double uv, double vv) {
        return segmentWeight(uv - vv, uu - 2.0 * uv + vv);
    }

    /**
     * Algorithm 1 in difference form: with {@code d = u − v}, the γ ∈ [0, 1] minimising {@code ‖v +
     * γ d‖² = ‖v‖² + 2γ (d·v) + γ² ‖d‖²}, given {@code slope = d·v} and {@code curvature = ‖d‖²}.
     * Interior solution {@code −slope / curvature}, clipped. If the curvature is not positive
     * (coincident points, rounding, or an indefinite matrix) the better end point is returned, and
     * 1/2 on a tie. Callers pass quantities computed from d directly, which avoids the cancellation
     * of {@code uu − 2uv + vv} when u and v are close.
     */
    private static double segmentWeight(double slope, double curvature) {
        if (!(curvature > 0.0)) {
            double atOne = 2.0 * slope + curvature;
            return atOne < 0.0 ? 1.0 : (atOne > 0.0 ? 0.0 : 0.5);
        }
        return Math.min(1.0, Math.max(0.0, -slope / curvature));
    }

    /**
     * Exact two-point solutions of all pairs (Algorithm 1); returns the best as simplex weights.
     */
    private static double[] bestPair(double[][] k) {
        int n = k.length;
        int bestI = 0;
        int bestJ = 1;
        double bestGamma = 1.0;
        double bestValue = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double gamma = twoPointWeight(k[i][i], k[i][j], k[j][j]);
                double rest = 1.0 - gamma;
                double value =
                        gamma * gamma * k[i][i]
                                + 2.0 * gamma * rest * k[i][j]
                                + rest * rest * k[j][j];
                if (value < bestValue) {
                    bestValue = value;
                    bestI = i;
                    bestJ = j;
                    bestGamma = gamma;
                }
            }
        }
        double[] w = new double[n];
        w[bestI] = bestGamma;
        w[bestJ] = 1.0 - bestGamma;
        return w;
    }

    /** The iterations described in the class comment, on the scaled matrix. */
    private static Solution frankWolfe(
            double[][] k, double[] w, int maxIterations, double tolerance, int exponent) {
        double threshold = tolerance * maxAbsEntry(k);
        for (int iteration = 0; ; iteration++) {
            Gaps gaps = gaps(k, w);
            boolean converged = gaps.total() <= threshold;
            if (converged
                    || iteration == maxIterations
                    || !(correctiveStep(k, w, gaps.towardVertex()) || simpleStep(k, w, gaps))) {
                return new Solution(w, iteration, converged, toInputUnits(gaps.total(), exponent));
            }
        }
    }

    /**
     * Fully corrective step (Wolfe 1976, major cycle plus minor cycles): adds the Frank–Wolfe
     * vertex s to the support of w and moves w to the minimum of f over the convex hull of that
     * corral. Each minor cycle computes the minimiser α of f over the affine hull of the corral; if
     * α ≥ 0 it is the answer, otherwise w moves along the segment towards α up to the first
     * coordinate that hits zero, which leaves the corral. Updates w only if f strictly decreases.
     *
     * @return whether w was updated
     */
    private static boolean correctiveStep(double[][] k, double[] w, int s) {
        double[] lambda = w.clone();
        for (int cycle = 0; cycle <= w.length; cycle++) {
            int[] corral = corral(lambda, cycle == 0 ? s : -1);
            double[] alpha = affineMinimizer(k, corral);
            if (alpha == null) {
                break;
            }
            int blocking = -1;
            double theta = 1.0;
            for (int t : corral) {
                if (alpha[t] < 0.0) {
                    double ratio = lambda[t] / (lambda[t] - alpha[t]);
                    if (blocking < 0 || ratio < theta) {
                        blocking = t;
                        theta = ratio;
                    }
                }
            }
            for (int t = 0; t < w.length; t++) {
                lambda[t] = Math.max(0.0, lambda[t] + theta * (alpha[t] - lambda[t]));
            }
            if (blocking < 0) {
                break;
            }
            lambda[blocking] = 0.0;
        }
        projectOntoSimplex(lambda);
        if (change(k, w, lambda) < 0.0) {
            System.arraycopy(lambda, 0, w, 0, w.length);
            return true;
        }
        return false;
    }

    /**
     * Indices with positive weight, then {@code extra} (if ≥ 0) last, so that an affinely dependent
     * new vertex is the one {@link #affineMinimizer} skips.
     */
    private static int[] corral(double[] lambda, int extra) {
        int[] out = new int[lambda.length];
        int size = 0;
        for (int t = 0; t < lambda.length; t++) {
            if (lambda[t] > 0.0 && t != extra) {
                out[size++] = t;
            }
        }
        if (extra >= 0) {
            out[size++] = extra;
        }
        return Arrays.copyOf(out, size);
    }

    /**
     * Minimiser of {@code αᵀKα} over the affine hull of the corral ({@code Σα = 1}, α = 0 off the
     * corral). With {@code M = K_C + 11ᵀ} (the Gram matrix of the lifted points (1, g_t)), the KKT
     * conditions {@code K_C α = μ1} give {@code α ∝ M⁻¹1}. M is factored by a Cholesky
     * decomposition that skips any point whose pivot is not positive, i.e. any point that is
     * numerically in the affine hull of the points before it; skipped points get α = 0. Nearly
     * dependent points are kept on purpose: skipping them stalls convergence on near-duplicate
     * gradients, while an inaccurate α is harmless because {@link #correctiveStep} only accepts a
     * decrease of f. The first point has pivot {@code 1 + K_tt ≥ 1}, and every later positive pivot
     * is at least one rounding unit of a number ≥ 1, so the solve cannot overflow.
     *
     * @return α, or null if it is not finite
     */
    private static double[] affineMinimizer(double[][] k, int[] corral) {
        int m = corral.length;
        double[][] lower = new double[m][m];
        int[] kept = new int[m];
        int rank = 0;
        for (int p = 0; p < m; p++) {
            int t = corral[p];
            double[] row = lower[rank];
            for (int q = 0; q < rank; q++) {
                double sum = k[kept[q]][t] + 1.0;
                for (int r = 0; r < q; r++) {
                    sum -= lower[q][r] * row[r];
                }
                row[q] = sum / lower[q][q];
            }
            double pivot = k[t][t] + 1.0;
            for (int q = 0; q < rank; q++) {
                pivot -= row[q] * row[q];
            }
            if (pivot > 0.0) {
                row[rank] = Math.sqrt(pivot);
                kept[rank++] = t;
            } else {
                Arrays.fill(row, 0.0);
            }
        }
        return normalisedSolution(lower, kept, rank, k.length);
    }

    /**
     * Solves {@code L Lᵀ u = 1}; scatters {@code u / Σu} onto the kept indices (null if not
     * finite).
     */
    private static double[] normalisedSolution(double[][] lower, int[] kept, int rank, int n) {
        double[] y = new double[rank];
        for (int p = 0; p < rank; p++) {
            double sum = 1.0;
            for (int q = 0; q < p; q++) {
                sum -= lower[p][q] * y[q];
            }
            y[p] = sum / lower[p][p];
        }
        double[] u = new double[rank];
        double total = 0.0;
        for (int p = rank - 1; p >= 0; p--) {
            double sum = y[p];
            for (int q = p + 1; q < rank; q++) {
                sum -= lower[q][p] * u[q];
            }
            u[p] = sum / lower[p][p];
            total += u[p];
        }
        double[] alpha = new double[n];
        for (int p = 0; p < rank; p++) {
            alpha[kept[p]] = u[p] / total;
            if (!Double.isFinite(alpha[kept[p]])) {
                return null;
            }
        }
        return alpha;
    }

    /**
     * Optimality gaps at w, with {@code ∇f(w) = 2Kw}: the Frank–Wolfe gap {@code ⟨∇f, w − e_s⟩} and
     * the away gap {@code ⟨∇f, e_v − w⟩}, each clamped at 0 against rounding.
     */
    private record Gaps(double frankWolfe, double away, int towardVertex, int awayVertex) {
        double total() {
            return Math.max(frankWolfe, away);
        }
    }

    private static Gaps gaps(double[][] k, double[] w) {
        double[] kw = multiply(k, w);
        double wkw = dot(w, kw);
        int s = 0;
        int v = -1;
        for (int t = 0; t < w.length; t++) {
            if (kw[t] < kw[s]) {
                s = t;
            }
            if (w[t] > 0.0 && (v < 0 || kw[t] > kw[v])) {
                v = t;
            }
        }
        double frankWolfe = Math.max(0.0, 2.0 * (wkw - kw[s]));
        double away = Math.max(0.0, 2.0 * (kw[v] - wkw));
        return new Gaps(frankWolfe, away, s, v);
    }

    /**
     * The best of the Frank–Wolfe, away and pairwise steps (see the class comment), each an exact
     * line search by Algorithm 1 on a segment through w.
     *
     * @return whether w was updated (only if f strictly decreases)
     */
    private static boolean simpleStep(double[][] k, double[] w, Gaps gaps) {
        int s = gaps.towardVertex();
        int v = gaps.awayVertex();
        double[][] candidates = {
            towardCandidate(k, w, s), awayCandidate(k, w, v), pairwiseCandidate(k, w, s, v)
        };
        double[] best = null;
        double bestChange = 0.0;
        for (double[] candidate : candidates) {
            if (candidate != null) {
                double candidateChange = change(k, w, candidate);
                if (candidateChange < bestChange) {
                    best = candidate;
                    bestChange = candidateChange;
                }
            }
        }
        if (best == null) {
            return false;
        }
        System.arraycopy(best, 0, w, 0, w.length);
        return true;
    }

    /** Frank–Wolfe step of Algorithm 2: the best point on the segment from w to e_s. */
    private static double[] towardCandidate(double[][] k, double[] w, int s) {
        double[] vertex = new double[w.length];
        vertex[s] = 1.0;
        return segmentMinimum(k, w, vertex);
    }

    /**
     * Away step: the best point on the segment from e_v through w to {@code w'}, the renormalised w
     * without v (a "drop step" when {@code w'} wins); null if w is the vertex e_v.
     */
    private static double[] awayCandidate(double[][] k, double[] w, int v) {
        if (!(w[v] < 1.0)) {
            return null;
        }
        double[] reduced = w.clone();
        reduced[v] = 0.0;
        projectOntoSimplex(reduced);
        double[] vertex = new double[w.length];
        vertex[v] = 1.0;
        return segmentMinimum(k, reduced, vertex);
    }

    /** Pairwise step: the best point on the segment from w to w with all of w_v moved onto s. */
    private static double[] pairwiseCandidate(double[][] k, double[] w, int s, int v) {
        if (s == v) {
            return null;
        }
        double[] moved = w.clone();
        moved[s] += moved[v];
        moved[v] = 0.0;
        return segmentMinimum(k, w, moved);
    }

    /** Minimum of f on the segment [a, b] by Algorithm 1 (difference form), as simplex weights. */
    private static double[] segmentMinimum(double[][] k, double[] a, double[] b) {
        int n = a.length;
        double[] d = new double[n];
        for (int t = 0; t < n; t++) {
            d[t] = a[t] - b[t];
        }
        double[] kd = multiply(k, d);
        double gamma = segmentWeight(dot(kd, b), dot(kd, d));
        double[] out = new double[n];
        for (int t = 0; t < n; t++) {
            out[t] = b[t] + gamma * d[t];
        }
        projectOntoSimplex(out);
        return out;
    }

    /**
     * {@code f(c) − f(w)}, evaluated as {@code (c − w)ᵀ K (c + w)}: unlike the difference of the
     * two quadratic forms, this stays accurate when both are tiny or nearly equal.
     */
    private static double change(double[][] k, double[] w, double[] c) {
        int n = w.length;
        double[] diff = new double[n];
        double[] sum = new double[n];
        for (int t = 0; t < n; t++) {
            diff[t] = c[t] - w[t];
            sum[t] = c[t] + w[t];
        }
        return dot(diff, multiply(k, sum));
    }

    /** Clamps rounding noise: negatives to 0, then rescales to sum 1 (uniform if degenerate). */
    private static void projectOntoSimplex(double[] w) {
        double sum = 0.0;
        for (int t = 0; t < w.length; t++) {
            w[t] = Math.max(0.0, w[t]);
            sum += w[t];
        }
        if (!(sum > 0.0) || Double.isInfinite(sum)) {
            Arrays.fill(w, 1.0 / w.length);
            return;
        }
        for (int t = 0; t < w.length; t++) {
            w[t] /= sum;
        }
    }

    private static double[] multiply(double[][] k, double[] w) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = dot(k[i], w);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0.0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double toInputUnits(double scaledGap, int exponent) {
        return Math.min(Double.MAX_VALUE, Math.scalb(scaledGap, exponent));
    }

    // ---- Gram-matrix helpers shared with PcGradSolver (package-private) ----

    /**
     * Checks that {@code gram} is a non-empty, square, finite, symmetric (within {@link
     * #SYMMETRY_TOLERANCE} of the largest |entry|) matrix with a non-negative diagonal.
     *
     * @throws NullPointerException if {@code gram} is null
     * @throws IllegalArgumentException naming the offending row or entry otherwise
     */
    static void validateGram(double[][] gram) {
        Objects.requireNonNull(gram, "gram");
        int n = gram.length;
        if (n == 0) {
            throw new IllegalArgumentException("gram matrix is empty");
        }
        for (int i = 0; i < n; i++) {
            double[] row = gram[i];
            if (row == null) {
                throw new IllegalArgumentException("gram row " + i + " is null");
            }
            if (row.length != n) {
                throw new IllegalArgumentException(
                        "gram is not square: row "
                                + i
                                + " has "
                                + row.length
                                + " entries, expected "
                                + n);
            }
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(row[j])) {
                    throw new IllegalArgumentException(
                            "gram[" + i + "][" + j + "] = " + row[j] + " is not finite");
                }
            }
        }
        validateDiagonalAndSymmetry(gram);
    }

    private static void validateDiagonalAndSymmetry(double[][] gram) {
        int n = gram.length;
        double allowed = SYMMETRY_TOLERANCE * maxAbsEntry(gram);
        for (int i = 0; i < n; i++) {
            if (gram[i][i] < 0.0) {
                throw new IllegalArgumentException(
                        "gram["
                                + i
                                + "]["
                                + i
                                + "] = "
                                + gram[i][i]
                                + " is negative (a squared norm)");
            }
            for (int j = i + 1; j < n; j++) {
                if (Math.abs(gram[i][j] - gram[j][i]) > allowed) {
                    throw new IllegalArgumentException(
                            "gram is not symmetric: gram["
                                    + i
                                    + "]["
                                    + j
                                    + "] = "
                                    + gram[i][j]
                                    + " but gram["
                                    + j
                                    + "]["
                                    + i
                                    + "] = "
                                    + gram[j][i]);
                }
            }
        }
    }

    /** Largest |K_ij| (0 for the zero matrix). */
    static double maxAbsEntry(double[][] gram) {
        double max = 0.0;
        for (double[] row : gram) {
            for (double x : row) {
                max = Math.max(max, Math.abs(x));
            }
        }
        return max;
    }

    /**
     * The binary exponent e with {@code 2^e ≤ max_ij |K_ij| < 2^(e+1)} (subnormals included), or 0
     * for the zero matrix.
     */
    static int scaleExponent(double[][] gram) {
        double max = maxAbsEntry(gram);
        if (max == 0.0) {
            return 0;
        }
        if (max >= Double.MIN_NORMAL) {
            return Math.getExponent(max);
        }
        return Math.getExponent(max * 0x1p60) - 60;
    }

    /**
     * {@code (K + Kᵀ) / 2 · 2^(−exponent)}, computed without overflow; the power-of-two scaling is
     * exact for all entries that stay in the normal range.
     */
    static double[][] scaledSymmetricCopy(double[][] gram, int exponent) {
        int n = gram.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double a = Math.scalb(gram[i][j], -exponent);
                double b = Math.scalb(gram[j][i], -exponent);
                out[i][j] = 0.5 * a + 0.5 * b;
            }
        }
        return out;
    }
}
