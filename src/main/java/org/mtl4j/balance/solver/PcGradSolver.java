package org.mtl4j.balance.solver;

import java.util.Objects;

/**
 * PCGrad ("projecting conflicting gradients") expressed on the Gram matrix of the task gradients.
 *
 * <p>Yu et al., "Gradient Surgery for Multi-Task Learning" (NeurIPS 2020), Algorithm 1: for each
 * task i, start from {@code g_i^PC = g_i}; for each other task j in turn, if {@code g_i^PC · g_j <
 * 0} replace
 *
 * <pre>
 *   g_i^PC ← g_i^PC − (g_i^PC · g_j / ‖g_j‖²) g_j
 * </pre>
 *
 * <p>and finally combine {@code Σ_i g_i^PC} (the paper's "sum" reduction). Projections are always
 * onto the <em>original</em> gradients g_j, so every {@code g_i^PC = Σ_k C[i][k] g_k} stays a
 * linear combination of the originals; this class tracks the coefficient rows C[i] and evaluates
 * {@code g_i^PC · g_j = Σ_k C[i][k] K[k][j]} through the Gram matrix K, never touching the
 * gradients themselves.
 *
 * <p>Yu et al. visit the other tasks in a fresh random order each step; the caller supplies that
 * order as a permutation of {@code 0..T-1} (task i skips itself), and the same order is used for
 * every i. A task whose squared norm is 0, or below {@link #NEGLIGIBLE_NORM_RATIO} times the
 * largest squared norm, is never projected onto (the projection would divide by ~0). The
 * computation runs on a copy of K scaled by an exact power of two, so it is scale invariant and
 * cannot overflow.
 */
public final class PcGradSolver {

    /** Squared norms at most this fraction of the largest squared norm are never projected onto. */
    static final double NEGLIGIBLE_NORM_RATIO = 1e-30;

    private PcGradSolver() {}

    /**
     * Coefficients c of the PCGrad update {@code Σ_i g_i^PC = Σ_k c_k g_k}: the column sums of
     * {@link #projectedCoefficients}. Without conflicts this is all ones (the plain gradient sum).
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param order permutation of {@code 0..T-1}: the order in which the other tasks are visited
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link MinNormSolver#solve(
     *     double[][])}) or {@code order} is not a permutation of {@code 0..T-1}
     */
    public static double[] coefficients(double[][] gram, int[] order) {
        double[][] rows = projectedCoefficients(gram, order);
        int n = rows.length;
        double[] sums = new double[n];
        for (double[] row : rows) {
            for (int k = 0; k < n; k++) {
                sums[k] += row[k];
            }
        }
        return sums;
    }

    /**
     * Per-task coefficients of Yu et al. Algorithm 1: row i holds C[i] with {@code g_i^PC = Σ_k
     * C[i][k] g_k}.
     *
     * @param gram T×T Gram matrix {@code K[i][j] = g_i · g_j}
     * @param order permutation of {@code 0..T-1}: the order in which the other tasks are visited
     * @return a fresh T×T matrix; row i is the unit vector e_i when task i conflicts with no one
     * @throws IllegalArgumentException if the matrix is invalid (as in {@link MinNormSolver#solve(
     *     double[][])}) or {@code order} is not a permutation of {@code 0..T-1}
     */
    public static double[][] projectedCoefficients(double[][] gram, int[] order) {
        MinNormSolver.validateGram(gram);
        validateOrder(order, gram.length);
        int n = gram.length;
        double[][] k = MinNormSolver.scaledSymmetricCopy(gram, MinNormSolver.scaleExponent(gram));
        double threshold = NEGLIGIBLE_NORM_RATIO * maxDiagonal(k);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = projectTask(k, order, i, threshold);
        }
        return rows;
    }

    /** Inner loop of Algorithm 1 for task i, on coefficient vectors. */
    private static double[] projectTask(double[][] k, int[] order, int i, double threshold) {
        double[] c = new double[k.length];
        c[i] = 1.0;
        for (int j : order) {
            double normSq = k[j][j];
            if (j == i || !(normSq > 0.0) || normSq < threshold) {
                continue;
            }
            double dot = 0.0;
            for (int m = 0; m < c.length; m++) {
                dot += c[m] * k[m][j];
            }
            if (dot < 0.0) {
                c[j] -= dot / normSq;
            }
        }
        return c;
    }

    private static double maxDiagonal(double[][] k) {
        double max = 0.0;
        for (int i = 0; i < k.length; i++) {
            max = Math.max(max, k[i][i]);
        }
        return max;
    }

    /** Checks that {@code order} is a permutation of 0..n-1, naming the offending entry. */
    static void validateOrder(int[] order, int n) {
        Objects.requireNonNull(order, "order");
        if (order.length != n) {
            throw new IllegalArgumentException(
                    "order has " + order.length + " entries but there are " + n + " tasks");
        }
        boolean[] seen = new boolean[n];
        for (int p = 0; p < n; p++) {
            int task = order[p];
            if (task < 0 || task >= n) {
                throw new IllegalArgumentException(
                        "order[" + p + "] = " + task + " is not a task index in [0, " + n + ")");
            }
            if (seen[task]) {
                throw new IllegalArgumentException(
                        "order["
                                + p
                                + "] = "
                                + task
                                + " repeats a task; order must be a permutation");
            }
            seen[task] = true;
        }
    }
}
