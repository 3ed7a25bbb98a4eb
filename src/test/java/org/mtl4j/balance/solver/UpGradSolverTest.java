package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class UpGradSolverTest {

    private static final double TOL = 1e-9;

    // ---- defining properties ----

    @Test
    void updateConflictsWithNoTask() {
        Random rng = new Random(21);
        int conflicting = 0;
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int dim : Gradients.DIMENSIONS) {
                for (int rep = 0; rep < 30; rep++) {
                    double[][] g = Gradients.random(rng, tasks, dim);
                    double[][] k = Gradients.gram(g);
                    double[] preference =
                            rep % 3 == 0 ? randomPreference(rng, tasks) : Gradients.uniform(tasks);
                    DualConeQpSolver.Solution s =
                            rep % 3 == 0
                                    ? UpGradSolver.solve(k, preference)
                                    : UpGradSolver.solve(k);
                    String where = "T=" + tasks + " P=" + dim + " rep=" + rep;
                    assertTrue(s.converged(), where + " residual " + s.residual());
                    double[] d = Gradients.combine(s.weights(), g);
                    double scale = Gradients.termScale(s.weights(), g);
                    for (int t = 0; t < tasks; t++) {
                        double gd = Gradients.dot(g[t], d);
                        assertTrue(
                                gd >= -TOL * Gradients.norm(g[t]) * scale,
                                where + " task " + t + ": g_t·d = " + gd);
                        // the mean itself conflicts with some task in many of these cases
                    }
                    if (Gradients.dot(Gradients.combine(preference, g), g[0]) < 0.0) {
                        conflicting++;
                    }
                }
            }
        }
        assertTrue(conflicting > 100, "too few conflicting cases: " + conflicting);
    }

    @Test
    void isTheSumOfTheProjectionsOfEachWeightedGradient() {
        Random rng = new Random(22);
        for (int c = 0; c < 200; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] g = Gradients.random(rng, tasks, 1 + rng.nextInt(6));
            double[][] k = Gradients.gram(g);
            double[] w = randomPreference(rng, tasks);
            double[] sum = new double[g[0].length];
            double scale = 0.0;
            for (int i = 0; i < tasks; i++) {
                double[] bound = new double[tasks];
                bound[i] = w[i];
                double[] u = DualConeQpSolver.solve(k, bound).weights();
                double[] projection = Gradients.combine(u, g);
                double termScale = Gradients.termScale(u, g);
                checkIsProjection(rng, g, Gradients.combine(bound, g), projection, termScale);
                for (int p = 0; p < sum.length; p++) {
                    sum[p] += projection[p];
                }
                scale += termScale;
            }
            // d is unique; the coefficients need not be when K is singular (d < T)
            DualConeQpSolver.Solution s = UpGradSolver.solve(k, w);
            double[] d = Gradients.combine(s.weights(), g);
            scale = Math.max(scale, Gradients.termScale(s.weights(), g));
            assertArrayEquals(sum, d, 1e-12 * Math.max(scale, 1e-300), "case " + c);
        }
    }

    @Test
    void equalsThePreferenceWithoutConflict() {
        Random rng = new Random(23);
        for (int c = 0; c < 100; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] g = new double[tasks][1 + rng.nextInt(5)];
            for (double[] row : g) {
                for (int p = 0; p < row.length; p++) {
                    row[p] = rng.nextDouble(); // pairwise non-negative inner products
                }
            }
            double[][] k = Gradients.gram(g);
            DualConeQpSolver.Solution mean = UpGradSolver.solve(k);
            assertArrayEquals(Gradients.uniform(tasks), mean.weights(), 0.0);
            assertEquals(0, mean.iterations());
            double[] w = randomPreference(rng, tasks);
            assertArrayEquals(w, UpGradSolver.solve(k, w).weights(), 0.0);
        }
    }

    @Test
    void twoTasksGiveHalfOfPcGrad() {
        Random rng = new Random(24);
        int conflicts = 0;
        for (int c = 0; c < 200; c++) {
            double[][] k = Gradients.gram(Gradients.random(rng, 2, 1 + rng.nextInt(6)));
            conflicts += k[0][1] < 0.0 ? 1 : 0;
            double[] pcGrad = PcGradSolver.coefficients(k, new int[] {0, 1});
            double[] expected = {pcGrad[0] / 2.0, pcGrad[1] / 2.0};
            assertArrayEquals(expected, UpGradSolver.solve(k).weights(), 1e-12 * norm(expected));
        }
        assertTrue(conflicts > 50, "too few conflicting pairs: " + conflicts);
    }

    @Test
    void torchJdDocumentationExample() {
        // torchjd's UPGrad docstring: J = [[-4, 1, 1], [6, 1, 1]] -> [0.2929, 1.9004, 1.9004]
        // (quadprog on the trace-normalised Gram matrix plus 1e-4 I).
        double[][] g = {{-4, 1, 1}, {6, 1, 1}};
        double[] c = UpGradSolver.solve(Gradients.gram(g)).weights();
        // exact: π(g1) = g1 + (22/38) g2, π(g2) = g2 + (22/18) g1, averaged.
        assertArrayEquals(new double[] {(1 + 22.0 / 18) / 2, (1 + 22.0 / 38) / 2}, c, 1e-15);
        assertArrayEquals(new double[] {0.2929, 1.9004, 1.9004}, Gradients.combine(c, g), 1e-3);
    }

    @Test
    void scaleInvariant() {
        Random rng = new Random(25);
        for (int c = 0; c < 20; c++) {
            int tasks = 2 + rng.nextInt(5);
            double[][] k = Gradients.gram(Gradients.random(rng, tasks, 1 + rng.nextInt(6)));
            double[] reference = UpGradSolver.solve(k).weights();
            for (int exponent : new int[] {-900, -100, 100, 900}) {
                double[][] scaled = Gradients.scaled(k, Math.scalb(1.0, exponent));
                if (MinNormSolver.maxAbsEntry(scaled) < Double.MAX_VALUE / 8) {
                    assertArrayEquals(reference, UpGradSolver.solve(scaled).weights(), 0.0);
                }
            }
        }
    }

    // ---- degenerate inputs ----

    @Test
    void degenerateInputsGiveFiniteUnconflictedUpdates() {
        double[] v = {0.3, -1.2, 2.0};
        double[] minus = {-0.3, 1.2, -2.0};
        assertArrayEquals(new double[] {1.0}, UpGradSolver.solve(new double[][] {{7.0}}).weights());
        assertArrayEquals(new double[] {1.0}, UpGradSolver.solve(new double[][] {{0.0}}).weights());
        assertArrayEquals(
                Gradients.uniform(3), UpGradSolver.solve(new double[3][3]).weights(), 0.0);
        assertArrayEquals(
                Gradients.uniform(3),
                UpGradSolver.solve(Gradients.gram(new double[][] {v, v, v})).weights(),
                0.0);
        // opposite gradients: both projections are 0
        double[][] opposite = {v, minus};
        double[] c = UpGradSolver.solve(Gradients.gram(opposite)).weights();
        assertTrue(Gradients.allFinite(c));
        assertEquals(0.0, Gradients.norm(Gradients.combine(c, opposite)), 1e-14);
        // a zero gradient among conflicting ones
        double[][] withZero = {{1, 0}, {0, 0}, {-1, 0.5}};
        checkUnconflicted(withZero, UpGradSolver.solve(Gradients.gram(withZero)));
        // rank-deficient (d < T) and slightly indefinite matrices
        Random rng = new Random(26);
        for (int r = 0; r < 100; r++) {
            int tasks = 3 + rng.nextInt(4);
            double[][] g = Gradients.random(rng, tasks, 1 + rng.nextInt(2));
            checkUnconflicted(g, UpGradSolver.solve(Gradients.gram(g)));
            double[] eigen = new double[tasks];
            for (int t = 0; t < tasks; t++) {
                eigen[t] = t < 2 ? 1.0 + rng.nextDouble() : -1e-16;
            }
            DualConeQpSolver.Solution s = UpGradSolver.solve(Gradients.withEigenvalues(rng, eigen));
            assertTrue(Gradients.allFinite(s.weights()) && s.converged());
        }
    }

    // ---- validation ----

    @Test
    void rejectsInvalidInput() {
        double[][] k = {{1, 0}, {0, 1}};
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> UpGradSolver.solve(k, new double[] {1, -0.5}));
        assertTrue(e.getMessage().contains("preference[1] = -0.5"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> UpGradSolver.solve(k, new double[] {Double.POSITIVE_INFINITY, 1}));
        assertThrows(IllegalArgumentException.class, () -> UpGradSolver.solve(k, new double[3]));
        assertThrows(
                IllegalArgumentException.class,
                () -> UpGradSolver.solve(new double[][] {{1, 2}, {2, -1}}));
        assertThrows(
                IllegalArgumentException.class,
                () -> UpGradSolver.solve(k, new double[] {1, 1}, 10, -1.0));
    }

    // ---- helpers ----

    /**
     * Checks that p is the projection of x onto the dual cone C = {y : g_t·y ≥ 0}: p ∈ C, (x − p)·p
     * = 0 and (x − p)·(y − p) ≤ 0 for sampled y ∈ C (the variational inequality). Tolerances are
     * relative to the larger of ‖x‖ and {@code termScale} (the size of the terms summed in p).
     */
    static void checkIsProjection(
            Random rng, double[][] g, double[] x, double[] p, double termScale) {
        double scale = Math.max(Math.max(Gradients.norm(x), termScale), 1e-300);
        double[] r = Gradients.difference(x, p);
        for (double[] gt : g) {
            assertTrue(Gradients.dot(gt, p) >= -TOL * Gradients.norm(gt) * scale);
        }
        assertEquals(0.0, Gradients.dot(r, p), TOL * scale * scale);
        int dim = x.length;
        for (int trial = 0; trial < 100; trial++) {
            double[] y = new double[dim];
            for (int q = 0; q < dim; q++) {
                y[q] = (trial % 2 == 0 ? p[q] : 0.0) + scale * rng.nextGaussian();
            }
            boolean inCone = true;
            for (double[] gt : g) {
                inCone &= Gradients.dot(gt, y) >= 0.0;
            }
            if (inCone) {
                double[] dy = Gradients.difference(y, p);
                assertTrue(
                        Gradients.dot(r, dy) <= TOL * scale * (scale + Gradients.norm(dy)),
                        "variational inequality");
            }
        }
    }

    private static void checkUnconflicted(double[][] g, DualConeQpSolver.Solution s) {
        assertTrue(Gradients.allFinite(s.weights()));
        assertTrue(s.converged(), "residual " + s.residual());
        double[] d = Gradients.combine(s.weights(), g);
        double scale = Gradients.termScale(s.weights(), g);
        for (double[] gt : g) {
            assertTrue(Gradients.dot(gt, d) >= -TOL * Gradients.norm(gt) * scale);
        }
    }

    private static double[] randomPreference(Random rng, int tasks) {
        double[] w = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            w[t] = rng.nextInt(5) == 0 ? 0.0 : rng.nextDouble();
        }
        return w;
    }

    private static double norm(double[] x) {
        return Math.max(1.0, Gradients.norm(x));
    }
}
