package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.balance.solver.ImtlGSolverTest.assertMessage;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CaGradSolverTest {

    private static final CaGradSolver.Rescale NONE = CaGradSolver.Rescale.NONE;

    // ---- c = 0 is the mean gradient ----

    @Test
    void zeroRadiusGivesTheMeanForEveryRescale() {
        Random rng = new Random(1);
        for (int tasks = 1; tasks <= 6; tasks++) {
            double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, tasks, 4));
            double[] mean = new double[tasks];
            Arrays.fill(mean, 1.0 / tasks);
            for (CaGradSolver.Rescale rescale : CaGradSolver.Rescale.values()) {
                CaGradSolver.Solution s = CaGradSolver.solve(k, 0.0, rescale);
                assertArrayEquals(mean, s.weights(), 0.0);
                assertTrue(s.converged());
                assertEquals(0, s.iterations());
            }
        }
    }

    // ---- defining property: best worst-case improvement inside the ball ----

    @Test
    void maximisesTheWorstImprovementInsideTheBall() {
        Random rng = new Random(2021);
        int cases = 0;
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int dim = 1; dim <= 8; dim++) {
                for (double c : new double[] {0.1, 0.4, 0.9, 1.5}) {
                    double[][] g = Vectors.randomGradients(rng, tasks, dim);
                    assertOptimal(g, c, rng);
                    cases++;
                }
            }
        }
        assertEquals(192, cases);
    }

    @Test
    void matchesADirectDualSolveForTwoTasks() {
        Random rng = new Random(77);
        int checked = 0;
        for (int c = 0; c < 200; c++) {
            double[][] g = Vectors.randomGradients(rng, 2, 1 + rng.nextInt(6));
            double radiusFactor = 0.05 + 1.5 * rng.nextDouble();
            double[] expected = twoTaskDual(g, radiusFactor);
            if (expected == null) {
                continue;
            }
            double[] coefficients =
                    CaGradSolver.solve(Vectors.gramOf(g), radiusFactor, NONE).weights();
            assertArrayEquals(
                    expected,
                    Vectors.combine(coefficients, g),
                    1e-6 * Vectors.maxNorm(g),
                    "c = " + radiusFactor);
            checked++;
        }
        assertTrue(checked > 150, "checked = " + checked);
    }

    @Test
    void rescaleVariantsDivideTheUpdate() {
        Random rng = new Random(2);
        double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, 4, 6));
        double c = 0.7;
        double[] plain = CaGradSolver.solve(k, c, NONE).weights();
        double[] squared =
                CaGradSolver.solve(k, c, CaGradSolver.Rescale.ONE_PLUS_C_SQUARED).weights();
        double[] linear = CaGradSolver.solve(k, c, CaGradSolver.Rescale.ONE_PLUS_C).weights();
        for (int t = 0; t < 4; t++) {
            assertEquals(plain[t] / (1 + c * c), squared[t], 1e-15 * Math.abs(plain[t]));
            assertEquals(plain[t] / (1 + c), linear[t], 1e-15 * Math.abs(plain[t]));
        }
        assertArrayEquals(
                CaGradSolver.solve(k, CaGradSolver.DEFAULT_C, CaGradSolver.DEFAULT_RESCALE)
                        .weights(),
                CaGradSolver.solve(k).weights(),
                0.0);
    }

    // ---- degenerate inputs ----

    @Test
    void singleTaskIsScaledByOnePlusC() {
        CaGradSolver.Solution s = CaGradSolver.solve(new double[][] {{4}}, 0.4, NONE);
        assertArrayEquals(new double[] {1.4}, s.weights(), 1e-15);
        assertTrue(s.converged());
        assertArrayEquals(
                new double[] {1.4 / 1.16},
                CaGradSolver.solve(new double[][] {{4}}, 0.4, CaGradSolver.DEFAULT_RESCALE)
                        .weights(),
                1e-15);
        assertArrayEquals(
                new double[] {1.0},
                CaGradSolver.solve(new double[][] {{0}}, 0.4, NONE).weights(),
                0.0);
    }

    @Test
    void zeroGradientAndAllZero() {
        // A zero gradient puts 0 in the convex hull: min_t g_t·d ≤ 0, and g_0 attains it.
        double[][] g = {{0, 0}, {1, 2}};
        CaGradSolver.Solution s = CaGradSolver.solve(Vectors.gramOf(g), 0.4, NONE);
        assertArrayEquals(new double[] {0.5, 0.5}, s.weights(), 1e-15);
        assertTrue(s.converged());
        assertArrayEquals(
                new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
                CaGradSolver.solve(new double[3][3], 0.4, NONE).weights(),
                0.0);
        Random rng = new Random(3);
        for (int c = 0; c < 30; c++) {
            double[][] h = Vectors.randomGradients(rng, 4, 3);
            Arrays.fill(h[rng.nextInt(4)], 0.0);
            assertOptimal(h, 0.2 + rng.nextDouble(), rng);
        }
    }

    @Test
    void identicalGradientsAreScaledByOnePlusC() {
        double[][] g = {{1, -2, 2}, {1, -2, 2}, {1, -2, 2}};
        CaGradSolver.Solution s = CaGradSolver.solve(Vectors.gramOf(g), 0.5, NONE);
        assertArrayEquals(new double[] {1.5, -3, 3}, Vectors.combine(s.weights(), g), 1e-13);
        assertTrue(s.converged());
    }

    @Test
    void oppositeGradientsGiveZero() {
        double[][] g = {{1, 2}, {-1, -2}};
        CaGradSolver.Solution s = CaGradSolver.solve(Vectors.gramOf(g), 0.4, NONE);
        assertArrayEquals(new double[] {0, 0}, Vectors.combine(s.weights(), g), 1e-15);
        assertTrue(s.converged());
        // With a third task the ball is non-trivial but 0 stays in the hull.
        double[][] h = {{1, 0}, {-1, 0}, {0, 1}};
        assertOptimal(h, 0.5, new Random(4));
        assertOptimal(h, 2.0, new Random(5));
    }

    @Test
    void rankDeficientAndLargeRadius() {
        // More tasks than dimensions: 0 is often inside the hull; for c ≥ 1 the answer is then 0.
        Random rng = new Random(6);
        for (int c = 0; c < 60; c++) {
            int tasks = 3 + rng.nextInt(4);
            double[][] g = Vectors.randomGradients(rng, tasks, 1 + rng.nextInt(tasks - 1));
            assertOptimal(g, rng.nextBoolean() ? 0.4 : 1.0 + rng.nextDouble(), rng);
        }
    }

    @Test
    void tinyNegativeEigenvaluesAreHarmless() {
        double[][] g = {{1, 0}, {0, 1}, {1, 1}, {2, -1}};
        double[][] k = Vectors.gramOf(g);
        k[1][1] -= 1e-15;
        CaGradSolver.Solution s = CaGradSolver.solve(k, 0.6, NONE);
        assertTrue(Vectors.allFinite(s.weights()));
        assertTrue(s.converged(), "gap = " + s.gap());
    }

    @Test
    void iterationCapIsReported() {
        double[][] g = {{1, 0, 0}, {-0.5, 1, 0}, {0.3, -0.2, 1}};
        CaGradSolver.Solution capped = CaGradSolver.solve(Vectors.gramOf(g), 0.4, NONE, 1, 1e-10);
        assertEquals(1, capped.iterations());
        assertFalse(capped.converged());
        assertTrue(capped.gap() > 1e-10);
        CaGradSolver.Solution full = CaGradSolver.solve(Vectors.gramOf(g), 0.4, NONE);
        assertTrue(full.converged());
        assertTrue(full.iterations() > 1);
    }

    // ---- scale, validation ----

    @Test
    void scaleInvariant() {
        Random rng = new Random(12);
        for (int c = 0; c < 10; c++) {
            double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, 1 + rng.nextInt(5), 4));
            CaGradSolver.Solution reference = CaGradSolver.solve(k);
            for (int exponent : new int[] {-1000, -3, 200, 1000}) {
                CaGradSolver.Solution s =
                        CaGradSolver.solve(Vectors.scaled(k, Math.scalb(1.0, exponent)));
                assertArrayEquals(reference.weights(), s.weights(), 0.0);
                assertEquals(Math.scalb(reference.gap(), exponent), s.gap(), 0.0);
            }
        }
    }

    @Test
    void rejectsInvalidInput() {
        double[][] k = {{1, 0}, {0, 1}};
        assertMessage(() -> CaGradSolver.solve(k, -0.1, NONE), "-0.1");
        assertMessage(() -> CaGradSolver.solve(k, Double.NaN, NONE), "NaN");
        assertMessage(() -> CaGradSolver.solve(k, Double.POSITIVE_INFINITY, NONE), "Infinity");
        assertMessage(() -> CaGradSolver.solve(k, 0.4, NONE, 0, 1e-10), "maxIterations = 0");
        assertMessage(() -> CaGradSolver.solve(k, 0.4, NONE, 10, -1.0), "-1.0");
        assertMessage(() -> CaGradSolver.solve(new double[][] {{1, 2}, {3, 1}}), "symmetric");
        assertMessage(() -> CaGradSolver.solve(new double[][] {{Double.NaN}}), "NaN");
        assertThrows(NullPointerException.class, () -> CaGradSolver.solve(k, 0.4, null));
    }

    // ---- checks on explicit vectors ----

    /**
     * Checks, on the vectors, that d = Σ c_t g_t lies in the ball ‖d − g_0‖ ≤ c‖g_0‖ and maximises
     * min_t g_t · d there: the dual value of the returned dual weights matches (weak duality makes
     * that a certificate), and neither random points of the ball nor small perturbations of d do
     * better.
     */
    private static void assertOptimal(double[][] g, double c, Random rng) {
        CaGradSolver.Solution s = CaGradSolver.solve(Vectors.gramOf(g), c, NONE);
        String where = "T=" + g.length + " P=" + g[0].length + " c=" + c;
        assertTrue(Vectors.allFinite(s.weights()), where);
        double scale = Vectors.maxNorm(g) * Vectors.maxNorm(g);
        assertTrue(s.converged(), where + " gap=" + s.gap());
        double[] g0 = Vectors.mean(g);
        double radius = c * Vectors.norm(g0);
        double[] d = Vectors.combine(s.weights(), g);
        assertTrue(
                Vectors.norm(Vectors.minus(d, g0)) <= radius * (1 + 1e-9) + 1e-12 * scale,
                where + " outside the ball");
        double value = worst(g, d);
        // Dual certificate on the vectors: F(w) = g_w·g_0 + r‖g_w‖ ≥ max ≥ value.
        double[] gw = Vectors.combine(s.dualWeights(), g);
        double dual = Vectors.dot(gw, g0) + radius * Vectors.norm(gw);
        assertEquals(1.0, Vectors.sum(s.dualWeights()), 1e-12);
        assertTrue(dual - value <= 1e-8 * scale, where + " duality gap " + (dual - value));
        int dim = g0.length;
        for (int r = 0; r < 400; r++) {
            double[] z = randomUnit(rng, dim);
            double rho = radius * Math.pow(rng.nextDouble(), 1.0 / dim);
            double[] x = g0.clone();
            for (int p = 0; p < dim; p++) {
                x[p] += rho * z[p];
            }
            assertTrue(worst(g, x) <= value + 1e-10 * scale, where + " random point is better");
            double[] y = d.clone();
            double step = radius * Math.pow(10, -1 - rng.nextInt(6));
            for (int p = 0; p < dim; p++) {
                y[p] += step * z[p];
            }
            double[] offset = Vectors.minus(y, g0);
            double length = Vectors.norm(offset);
            if (length > radius) {
                for (int p = 0; p < dim; p++) {
                    y[p] = g0[p] + offset[p] * radius / length;
                }
            }
            assertTrue(worst(g, y) <= value + 1e-10 * scale, where + " perturbation is better");
        }
    }

    private static double worst(double[][] g, double[] d) {
        double min = Double.POSITIVE_INFINITY;
        for (double[] gt : g) {
            min = Math.min(min, Vectors.dot(gt, d));
        }
        return min;
    }

    private static double[] randomUnit(Random rng, int dim) {
        double[] z = new double[dim];
        for (int p = 0; p < dim; p++) {
            z[p] = rng.nextGaussian();
        }
        return Vectors.unit(z);
    }

    /**
     * CAGrad for two tasks on the vectors: ternary search of the convex dual F(w) = g_w·g_0 +
     * r‖g_w‖ over w ∈ [0, 1] (w weight of g_1), then d = g_0 + r g_w/‖g_w‖. Null if ‖g_w‖ is tiny
     * at the optimum (the degenerate case, where the formula is undefined).
     */
    private static double[] twoTaskDual(double[][] g, double c) {
        double[] g0 = Vectors.mean(g);
        double radius = c * Vectors.norm(g0);
        double lo = 0.0;
        double hi = 1.0;
        for (int i = 0; i < 200; i++) {
            double a = lo + (hi - lo) / 3;
            double b = hi - (hi - lo) / 3;
            if (dual(g, g0, radius, a) <= dual(g, g0, radius, b)) {
                hi = b;
            } else {
                lo = a;
            }
        }
        double w = 0.5 * (lo + hi);
        double[] gw = Vectors.combine(new double[] {w, 1 - w}, g);
        double norm = Vectors.norm(gw);
        if (norm < 1e-3 * Vectors.maxNorm(g)) {
            return null;
        }
        double[] d = g0.clone();
        for (int p = 0; p < d.length; p++) {
            d[p] += radius / norm * gw[p];
        }
        return d;
    }

    private static double dual(double[][] g, double[] g0, double radius, double w) {
        double[] gw = Vectors.combine(new double[] {w, 1 - w}, g);
        return Vectors.dot(gw, g0) + radius * Vectors.norm(gw);
    }
}
