package org.mtl4j.balance.solver;

import java.util.Objects;

/**
 * GradVac (Gradient Vaccine) expressed on the Gram matrix of the task gradients. Stateful: it keeps
 * the exponential-moving-average similarity targets between calls.
 *
 * <p>Wang, Tsvetkov, Firat &amp; Cao, "Gradient Vaccine: Investigating and Improving Multi-task
 * Optimization in Massively Multilingual Models" (ICLR 2021), Sec. 3 and Algorithm 1. For each task
 * i, start from {@code g_i' = g_i}; for each other task j in turn compute {@code φ_ij = cos(g_i',
 * g_j)}; if {@code φ_ij < φ̂_ij} (the target) set
 *
 * <pre>
 *   g_i' ← g_i' + ‖g_i'‖ (φ̂_ij √(1 − φ_ij²) − φ_ij √(1 − φ̂_ij²)) / (‖g_j‖ √(1 − φ̂_ij²)) · g_j,
 * </pre>
 *
 * <p>which makes {@code cos(g_i', g_j) = φ̂_ij} exactly; then, whether or not g_i' was adjusted,
 * update the target {@code φ̂_ij ← (1 − β) φ̂_ij + β φ_ij} with the cosine measured before the
 * adjustment. The update is {@code Σ_i g_i'}. As in {@link PcGradSolver}, every {@code g_i' = Σ_k
 * C[i][k] g_k} stays a combination of the original gradients; the class tracks the coefficient rows
 * C[i] and evaluates {@code g_i' · g_j = (C[i] K)_j} and {@code ‖g_i'‖² = C[i] K C[i]ᵀ} through the
 * Gram matrix. Targets start at 0 (the paper's initialisation), which makes the first step
 * PCGrad-like; with β = 0 and all targets 0 the result equals {@link PcGradSolver} (up to the
 * zero-gradient conventions below).
 *
 * <p><b>Defaults and deviations.</b>
 *
 * <ul>
 *   <li>{@link #DEFAULT_BETA} = 1e-2, the paper's EMA decay (LibMTL defaults to 0.5). Like the
 *       paper's Algorithm 1 and LibMTL's current code, the target of every visited pair is updated,
 *       adjusted or not. (LibMTL updated it only after an adjustment until its commit "fix a bug in
 *       GradVac", May 2025.)
 *   <li>The random visiting orders are supplied by the caller: {@link #step(double[][], int[][])}
 *       takes one permutation of {@code 0..T-1} per task i (i skips itself), as the paper and
 *       LibMTL draw a fresh order for every task; {@link #step(double[][], int[])} uses one order
 *       for every task. Pass fresh random permutations each step.
 *   <li>The paper keeps one target per pair and per parameter group (layer, or the whole model).
 *       One instance handles one group; use one instance per group with that group's Gram matrix
 *       and the same orders for every group (the groups do not interact, so this equals LibMTL's
 *       loop over groups inside the loop over pairs).
 *   <li>If {@code g_i'} or {@code g_j} is zero (squared norm below {@link
 *       PcGradSolver#NEGLIGIBLE_NORM_RATIO} times the largest squared norm), or g_i' has cancelled
 *       out (e.g. an exactly opposite pair adjusted to target 0: {@code ‖g_i'‖ ≤} {@link
 *       #CANCELLATION} {@code · Σ_k |C[i][k]| ‖g_k‖}, below which its cosine is rounding noise),
 *       the cosine is undefined: no adjustment is made and the target is left unchanged (LibMTL
 *       would use the cosine of the rounding noise, or 0 for an exact zero).
 *   <li>For a target of exactly 1 the adjustment is infinite; targets used in the adjustment are
 *       capped at {@link #ADJUSTMENT_TARGET_CAP} = 1 − 2^-26 (√(1 − φ̂²) ≥ 1.7e-4, so the added
 *       multiple of g_j is at most ~6000 ‖g_i'‖ / ‖g_j‖). The stored target itself is not capped.
 * </ul>
 *
 * <p><b>Numerics.</b> K is scaled by an exact power of two, cosines are clamped to [−1, 1] and
 * every square root is of a clamped non-negative quantity, so the coefficients are scale invariant
 * and never NaN; identical gradients (cosine 1) are never adjusted, exactly opposite ones (cosine
 * −1) are adjusted to the target as usual. Near {@code |φ| = 1} the factor {@code √(1 − φ²)} turns
 * the rounding error of a cosine formed from K (about 1e-16) into a relative error of about 1e-8 in
 * the adjustment; this is inherent in working from the Gram matrix (or from vectors) in double
 * precision.
 *
 * <p>Not thread-safe: {@link #step} mutates the targets.
 */
public final class GradVacSolver {

    /** The paper's EMA decay β. */
    public static final double DEFAULT_BETA = 1e-2;

    /** Largest target used in the adjustment formula (1 − 2^-26). */
    public static final double ADJUSTMENT_TARGET_CAP = 1.0 - 0x1p-26;

    /**
     * If {@code ‖g_i'‖} is at most this fraction of {@code Σ_k |C[i][k]| ‖g_k‖} (the size of the
     * terms it is summed from), g_i' has cancelled and its cosine is rounding noise.
     */
    static final double CANCELLATION = 1e-6;

    private final double beta;
    private final double[][] targets;

    /**
     * Result of {@link #step}.
     *
     * @param weights coefficients c (length T) of the update {@code Σ_i g_i' = Σ_k c_k g_k}: the
     *     column sums of {@code rows}; all ones when nothing was adjusted
     * @param rows row i holds C[i] with {@code g_i' = Σ_k C[i][k] g_k}
     * @param adjustments number of (i, j) pairs that were adjusted
     */
    public record Solution(double[] weights, double[][] rows, int adjustments) {}

    /**
     * A solver for T tasks with {@link #DEFAULT_BETA} and all targets 0.
     *
     * @param tasks T ≥ 1
     * @throws IllegalArgumentException if {@code tasks < 1}
     */
    public GradVacSolver(int tasks) {
        this(DEFAULT_BETA, new double[checkedTasks(tasks)][tasks]);
    }

    /**
     * A solver with the given decay and initial targets.
     *
     * @param beta EMA decay in [0, 1]
     * @param initialTargets T×T targets in [−1, 1] (the diagonal is ignored); copied
     * @throws IllegalArgumentException if β or a target is out of range or the matrix is not square
     */
    public GradVacSolver(double beta, double[][] initialTargets) {
        if (!(beta >= 0.0 && beta <= 1.0)) {
            throw new IllegalArgumentException("beta = " + beta + " must be in [0, 1]");
        }
        Objects.requireNonNull(initialTargets, "initialTargets");
        int n = checkedTasks(initialTargets.length);
        this.beta = beta;
        this.targets = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (initialTargets[i] == null || initialTargets[i].length != n) {
                throw new IllegalArgumentException(
                        "initialTargets is not square: row " + i + " must have " + n + " entries");
            }
            for (int j = 0; j < n; j++) {
                double target = initialTargets[i][j];
                if (!(target >= -1.0 && target <= 1.0)) {
                    throw new IllegalArgumentException(
                            "initialTargets["
                                    + i
                                    + "]["
                                    + j
                                    + "] = "
                                    + target
                                    + " must be in [-1, 1]");
                }
                targets[i][j] = target;
            }
        }
    }

    /** The EMA decay β. */
    public double beta() {
        return beta;
    }

    /** Number of tasks T. */
    public int tasks() {
        return targets.length;
    }

    /** A copy of the current targets {@code φ̂_ij} (row i: adjusted task, column j: other task). */
    public double[][] targets() {
        double[][] copy = new double[targets.length][];
        for (int i = 0; i < targets.length; i++) {
            copy[i] = targets[i].clone();
        }
        return copy;
    }

    /**
     * One GradVac step: adjusts the gradients against the current targets, updates the targets and
     * returns the coefficients of the update.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param order permutation of {@code 0..T-1}: the order in which the other tasks are visited
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link
     *     MinNormSolver#solve(double[][])}), does not have T rows, or {@code order} is not a
     *     permutation of {@code 0..T-1}; the targets are then left unchanged
     */
    public Solution step(double[][] gram, int[] order) {
        int[][] orders = new int[targets.length][];
        java.util.Arrays.fill(orders, order);
        return step(gram, orders);
    }

    /**
     * One GradVac step with its own visiting order for every task, as in the paper and LibMTL.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param orders T permutations of {@code 0..T-1}: {@code orders[i]} is the order in which the
     *     other tasks are visited when adjusting g_i
     * @throws IllegalArgumentException if the matrix is invalid, does not have T rows, or an order
     *     is not a permutation of {@code 0..T-1}; the targets are then left unchanged
     */
    public Solution step(double[][] gram, int[][] orders) {
        MinNormSolver.validateGram(gram);
        int n = targets.length;
        if (gram.length != n) {
            throw new IllegalArgumentException(
                    "gram has " + gram.length + " rows but the solver has " + n + " tasks");
        }
        if (orders.length != n) {
            throw new IllegalArgumentException(
                    "orders has " + orders.length + " entries but the solver has " + n + " tasks");
        }
        for (int[] order : orders) {
            PcGradSolver.validateOrder(order, n);
        }
        double[][] k = MinNormSolver.scaledSymmetricCopy(gram, MinNormSolver.scaleExponent(gram));
        double threshold = PcGradSolver.NEGLIGIBLE_NORM_RATIO * maxDiagonal(k);
        double[][] rows = new double[n][];
        double[] weights = new double[n];
        int adjustments = 0;
        for (int i = 0; i < n; i++) {
            double[] c = new double[n];
            c[i] = 1.0;
            for (int j : orders[i]) {
                if (j != i && adjust(k, c, i, j, threshold)) {
                    adjustments++;
                }
            }
            rows[i] = c;
            for (int m = 0; m < n; m++) {
                weights[m] += c[m];
            }
        }
        return new Solution(weights, rows, adjustments);
    }

    /**
     * Visits pair (i, j) for the current row c of g_i': adjusts c if the cosine is below the target
     * and updates the target. Returns whether c was adjusted.
     */
    private boolean adjust(double[][] k, double[] c, int i, int j, double threshold) {
        double normSqJ = k[j][j];
        if (!(normSqJ > 0.0) || normSqJ < threshold) {
            return false;
        }
        double normSqI = 0.0;
        double dot = 0.0;
        for (int a = 0; a < c.length; a++) {
            double kc = 0.0;
            for (int b = 0; b < c.length; b++) {
                kc += k[a][b] * c[b];
            }
            normSqI += c[a] * kc;
            dot += c[a] * k[a][j];
        }
        double normI = Math.sqrt(Math.max(0.0, normSqI));
        double magnitude = 0.0;
        for (int a = 0; a < c.length; a++) {
            magnitude += Math.abs(c[a]) * Math.sqrt(k[a][a]);
        }
        if (!(normSqI > 0.0) || normSqI < threshold || normI <= CANCELLATION * magnitude) {
            return false;
        }
        double normJ = Math.sqrt(normSqJ);
        double cosine = Math.max(-1.0, Math.min(1.0, dot / (normI * normJ)));
        double target = targets[i][j];
        double capped = Math.min(target, ADJUSTMENT_TARGET_CAP);
        boolean adjusted = false;
        if (cosine < capped) {
            double sinTarget = Math.sqrt((1.0 - capped) * (1.0 + capped));
            double sinCosine = Math.sqrt(Math.max(0.0, (1.0 - cosine) * (1.0 + cosine)));
            double factor = normI * (capped * sinCosine - cosine * sinTarget) / (normJ * sinTarget);
            c[j] += factor;
            adjusted = true;
        }
        targets[i][j] = (1.0 - beta) * target + beta * cosine;
        return adjusted;
    }

    private static double maxDiagonal(double[][] k) {
        double max = 0.0;
        for (int i = 0; i < k.length; i++) {
            max = Math.max(max, k[i][i]);
        }
        return max;
    }

    private static int checkedTasks(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks = " + tasks + " must be at least 1");
        }
        return tasks;
    }
}
