package org.mtl4j.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.balance.solver.NashMtlSolver;
import org.mtl4j.run.Engines;

/**
 * Gradient methods on batches where some tasks have no label, through {@link
 * GradientAggregator#combine}, the entry point training calls with the present tasks' indices.
 */
class MissingLabelsTest {
    private NDManager m;

    @BeforeEach
    void start() {
        Engines.start(1, 3);
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void stop() {
        m.close();
    }

    /** The gradients of tasks {@code tasks} (increasing), one row each. */
    private GradientAggregator.Gradients grads(double[][] rows, int[] tasks) {
        int n = rows.length;
        int d = rows[0].length;
        float[] flat = new float[n * d];
        double[][] gram = new double[n][n];
        double[] losses = new double[n];
        for (int i = 0; i < n; i++) {
            losses[i] = 1 + 0.1 * tasks[i];
            for (int k = 0; k < d; k++) {
                flat[i * d + k] = (float) rows[i][k];
            }
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < d; k++) {
                    gram[i][j] += rows[i][k] * rows[j][k];
                }
            }
        }
        return new GradientAggregator.Gradients(
                m.create(flat, new Shape(n, d)), gram, losses, tasks, new long[] {d}, null);
    }

    private static final int[][] SUBSETS = {{0, 1}, {1, 2}, {0, 2}, {0, 1, 2}, {2}};
    private static final double[][] ROWS = {{1, 0, 0.2}, {0, 5, 0}, {0.3, 0, 0.05}};

    private GradientAggregator.Gradients subset(int step) {
        int[] tasks = SUBSETS[step % SUBSETS.length];
        double[][] rows = new double[tasks.length][];
        for (int k = 0; k < tasks.length; k++) {
            rows[k] = ROWS[tasks[k]];
        }
        return grads(rows, tasks);
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    @Test
    void gradNormKeepsTheSumOfAllWeightsAtTheTaskCount() {
        GradNorm gn = new GradNorm(GradientMode.PARAMETERS, 1.5, 0.05);
        gn.init(3, 1);
        for (int step = 0; step < 600; step++) {
            try (NDManager s = m.newSubManager()) {
                NDManager saved = m;
                m = s;
                try {
                    gn.combine(subset(step));
                } finally {
                    m = saved;
                }
            }
            assertEquals(3.0, sum(gn.weights()), 1e-9, "step " + step);
        }
        double[] w = gn.weights();
        assertTrue(w[1] < w[0] && w[1] < w[2], "the task with the largest gradient: " + w[1]);
    }

    @Test
    void excessMtlKeepsTheSumOfAllWeightsAtTheTaskCount() {
        ExcessRisk ex = new ExcessRisk(0.5);
        ex.init(3, 1);
        ex.createLearnables(m);
        for (int step = 0; step < 60; step++) {
            GradientAggregator.Direction d;
            try (NDManager s = m.newSubManager()) {
                NDManager saved = m;
                m = s;
                try {
                    d = ex.combine(subset(step));
                } finally {
                    m = saved;
                }
            }
            double[] w = (double[]) ex.state().get("weights");
            assertEquals(3.0, sum(w), 1e-9, "step " + step);
            int[] tasks = SUBSETS[step % SUBSETS.length];
            for (int k = 0; k < tasks.length; k++) {
                assertEquals(w[tasks[k]], d.weights()[k], 0.0, "reported = kept weight");
            }
        }
    }

    @Test
    void nashMtlSolvesAgainWhenThePresentTasksChange() {
        NashMtl nash = new NashMtl(GradientMode.PARAMETERS, 4, 0.0);
        nash.init(3, 1);
        double[][] a = {{1, 0}, {0, 2}};
        double[][] b = {{3, 1}, {-1, 1}};
        double[][] c = {{0.5, 0.5}, {2, -1}};
        var first = nash.combine(grads(a, new int[] {0, 1}));
        var other = nash.combine(grads(b, new int[] {1, 2})); // same count, other tasks
        var again = nash.combine(grads(c, new int[] {1, 2})); // same tasks: cached
        double[] solvedA = NashMtlSolver.solve(grads(a, new int[] {0, 1}).gram()).weights();
        double[] solvedB = NashMtlSolver.solve(grads(b, new int[] {1, 2}).gram()).weights();
        assertArrayEquals(solvedA, first.weights(), 1e-12);
        assertArrayEquals(solvedB, other.weights(), 1e-12, "weights solved for tasks {1, 2}");
        assertArrayEquals(solvedB, again.weights(), 1e-12, "reused within update_every");
        // the cache key survives a checkpoint
        NashMtl restored = new NashMtl(GradientMode.PARAMETERS, 4, 0.0);
        restored.init(3, 1);
        restored.restoreState(BalancerState.of(nash));
        assertArrayEquals(solvedB, restored.combine(grads(a, new int[] {1, 2})).weights(), 1e-12);
        NashMtl fresh = new NashMtl(GradientMode.PARAMETERS, 4, 0.0);
        fresh.init(3, 1);
        fresh.restoreState(BalancerState.of(nash));
        assertArrayEquals(solvedA, fresh.combine(grads(a, new int[] {0, 1})).weights(), 1e-12);
    }
}
