package org.mtl4j.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.Mtl4jException;
import org.mtl4j.config.Options;
import org.mtl4j.run.Engines;

/**
 * GradVac (Wang et al. 2021, Algorithm 1) through {@link GradVac#combine}, the entry point training
 * calls, against the algorithm on explicit vectors: every task visits the others in its own random
 * order, and with {@code group: layer} each layer's slice has its own targets.
 */
class GradVacTest {
    private static final long SEED = 5;
    private static final double BETA = 0.3;
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

    /** The orders GradVac draws at {@code step}: one permutation per task, in task order. */
    private static int[][] orders(long step, int n) {
        StepRandom r = new StepRandom(0x47726156L);
        r.init(SEED);
        r.begin(step);
        SplittableRandom s = r.get();
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            out[i] = StepRandom.permutation(s, n);
        }
        return out;
    }

    /** Algorithm 1 on vectors; updates {@code targets}; returns Σ_i g_i'. */
    private static double[] reference(double[][] g, int[][] orders, double[][] targets) {
        int d = g[0].length;
        double[] sum = new double[d];
        for (int i = 0; i < g.length; i++) {
            double[] gi = g[i].clone();
            for (int j : orders[i]) {
                if (j == i) {
                    continue;
                }
                double phi = dot(gi, g[j]) / Math.sqrt(dot(gi, gi) * dot(g[j], g[j]));
                double t = targets[i][j];
                if (phi < t) {
                    double a =
                            Math.sqrt(dot(gi, gi))
                                    * (t * Math.sqrt(1 - phi * phi) - phi * Math.sqrt(1 - t * t))
                                    / (Math.sqrt(dot(g[j], g[j])) * Math.sqrt(1 - t * t));
                    for (int p = 0; p < d; p++) {
                        gi[p] += a * g[j][p];
                    }
                }
                targets[i][j] = (1 - BETA) * t + BETA * phi;
            }
            for (int p = 0; p < d; p++) {
                sum[p] += gi[p];
            }
        }
        return sum;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[][] columns(double[][] g, int from, int to) {
        double[][] out = new double[g.length][];
        for (int i = 0; i < g.length; i++) {
            out[i] = Arrays.copyOfRange(g[i], from, to);
        }
        return out;
    }

    private GradientAggregator.Gradients grads(double[][] rows, long[] layers) {
        int n = rows.length;
        int d = rows[0].length;
        float[] flat = new float[n * d];
        double[][] gram = new double[n][n];
        int[] tasks = new int[n];
        for (int i = 0; i < n; i++) {
            tasks[i] = i;
            for (int k = 0; k < d; k++) {
                flat[i * d + k] = (float) rows[i][k];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                gram[i][j] = dot(rows[i], rows[j]);
            }
        }
        return new GradientAggregator.Gradients(
                m.create(flat, new Shape(n, d)),
                gram,
                new double[n],
                tasks,
                new long[] {d},
                null,
                layers);
    }

    private static double[][] randomRows(Random rng, int n, int d) {
        double[][] g = new double[n][d];
        for (double[] row : g) {
            for (int k = 0; k < d; k++) {
                row[k] = (float) rng.nextGaussian(); // exactly representable in float32
            }
        }
        return g;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void setTargets(GradVac gv, int groups, int n, double value) {
        double[] flat = new double[groups * n * n];
        Arrays.fill(flat, value);
        gv.restoreState(
                BalancerState.of("gradvac", Map.of("groups", (long) groups, "targets", flat)));
    }

    @Test
    void everyTaskVisitsTheOthersInItsOwnOrder() {
        int n = 4;
        GradVac gv = new GradVac(GradientMode.PARAMETERS, BETA);
        gv.init(n, SEED);
        setTargets(gv, 1, n, 0.4); // high targets: most pairs are adjusted, order matters
        double[][] targets = new double[n][n];
        for (double[] row : targets) {
            Arrays.fill(row, 0.4);
        }
        Random rng = new Random(7);
        for (long step = 0; step < 6; step++) {
            double[][] g = randomRows(rng, n, 6);
            int[][] orders = orders(step, n);
            double[] expected = reference(g, orders, targets);
            gv.beginStep(step);
            double[] got = toDouble(gv.combine(grads(g, null)).direction().toFloatArray());
            assertArrayEquals(expected, got, 1e-4, "step " + step);
        }
    }

    @Test
    void layerGroupsHaveTheirOwnTargets() {
        int n = 3;
        GradVac gv =
                (GradVac)
                        BalancerRegistry.create(
                                "gradvac", Options.of("t", Map.of("group", "layer", "beta", BETA)));
        gv.init(n, SEED);
        double[][] first = new double[n][n];
        double[][] second = new double[n][n];
        Random rng = new Random(8);
        for (long step = 0; step < 5; step++) {
            double[][] g = randomRows(rng, n, 7);
            int[][] orders = orders(step, n);
            double[] a = reference(columns(g, 0, 4), orders, first);
            double[] b = reference(columns(g, 4, 7), orders, second);
            double[] expected = new double[7];
            System.arraycopy(a, 0, expected, 0, 4);
            System.arraycopy(b, 0, expected, 4, 3);
            gv.beginStep(step);
            double[] got =
                    toDouble(gv.combine(grads(g, new long[] {4, 3})).direction().toFloatArray());
            assertArrayEquals(expected, got, 1e-4, "step " + step);
        }
        double[] saved = (double[]) gv.state().get("targets");
        assertEquals(2 * n * n, saved.length, "one T×T block per layer");
        assertEquals(first[0][1], saved[1], 1e-6);
        assertEquals(second[0][1], saved[n * n + 1], 1e-6);
        // whole-model targets differ from per-layer ones on the same gradients
        assertTrue(Math.abs(first[0][1] - second[0][1]) > 1e-3, "the layers' targets differ");
        // a model with another number of layers cannot take these targets
        GradVac other = new GradVac(GradientMode.PARAMETERS, BETA, true);
        other.init(n, SEED);
        other.restoreState(BalancerState.of(gv));
        other.beginStep(9);
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () -> other.combine(grads(randomRows(rng, n, 7), new long[] {2, 2, 3})));
        assertTrue(e.getMessage().contains("2 parameter groups"), e.getMessage());
    }

    @Test
    void layerGroupsNeedParametersMode() {
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                BalancerRegistry.create(
                                        "gradvac",
                                        Options.of(
                                                "run.yaml: balancer",
                                                Map.of(
                                                        "group",
                                                        "layer",
                                                        "mode",
                                                        "representation"))));
        assertTrue(e.getMessage().contains("mode: parameters"), e.getMessage());
        Mtl4jException bad =
                assertThrows(
                        Mtl4jException.class,
                        () ->
                                BalancerRegistry.create(
                                        "gradvac",
                                        Options.of(
                                                "run.yaml: balancer", Map.of("group", "matrix"))));
        assertTrue(bad.getMessage().contains("use whole or layer"), bad.getMessage());
    }
}
