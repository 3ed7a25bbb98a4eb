package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DualConeQpSolverTest {

    /** Relative tolerance of the checks on explicit vectors. */
    private static final double TOL = 1e-9;

    // ---- KKT conditions and optimality on random problems ----

    @Test
    void randomProblemsSatisfyKktOnTheVectors() {
        Random rng = new Random(11);
        int checked = 0;
        int active = 0;
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int dim : Gradients.DIMENSIONS) {
                for (int rep = 0; rep < 40; rep++) {
                    double[][] g = Gradients.random(rng, tasks, dim);
                    double[] b = randomBound(rng, tasks);
                    DualConeQpSolver.Solution s = DualConeQpSolver.solve(Gradients.gram(g), b);
                    String where = "T=" + tasks + " P=" + dim + " rep=" + rep;
                    assertTrue(s.converged(), where + " residual " + s.residual());
                    assertTrue(s.residual() <= DualConeQpSolver.DEFAULT_TOLERANCE, where);
                    double[] u = s.weights();
                    double[] d = Gradients.combine(u, g);
                    double scale = boundedTermScale(b, u, g);
                    for (int t = 0; t < tasks; t++) {
                        assertTrue(u[t] >= b[t], where + " bound " + t);
                        double slack = u[t] - b[t];
                        double gd = Gradients.dot(g[t], d);
                        double allowed = TOL * Gradients.norm(g[t]) * scale;
                        // dual feasibility: d does not conflict with g_t
                        assertTrue(gd >= -allowed, where + " g_t·d = " + gd);
                        // complementary slackness: a task leaves its bound only if g_t·d = 0
                        if (slack > 1e-9 * Math.max(1.0, Math.abs(b[t]))) {
                            assertEquals(0.0, gd, allowed, where + " slack task " + t);
                            active++;
                        }
                    }
                    checked++;
                }
            }
        }
        assertEquals(6 * Gradients.DIMENSIONS.length * 40, checked);
        assertTrue(active > 200, "too few tasks left their bound: " + active);
    }

    @Test
    void solutionBeatsRandomFeasiblePoints() {
        Random rng = new Random(12);
        for (int c = 0; c < 300; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] g = Gradients.random(rng, tasks, 1 + rng.nextInt(6));
            double[][] k = Gradients.gram(g);
            double[] b = randomBound(rng, tasks);
            double[] u = DualConeQpSolver.solve(k, b).weights();
            double best = objective(k, u);
            double tol = 1e-10 * Math.pow(boundedTermScale(b, u, g), 2) + 1e-300;
            for (int trial = 0; trial < 200; trial++) {
                double[] v = new double[tasks];
                double spread = trial % 2 == 0 ? 1e-3 : 1.0;
                for (int t = 0; t < tasks; t++) {
                    // feasible points near the solution and far from it
                    double base = trial % 2 == 0 ? u[t] : b[t];
                    v[t] = Math.max(b[t], base + spread * rng.nextGaussian());
                }
                assertTrue(objective(k, v) >= best - tol, "case " + c + " trial " + trial);
            }
        }
    }

    @Test
    void boundIsReturnedExactlyWhenNothingConflicts() {
        Random rng = new Random(13);
        for (int c = 0; c < 100; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] g = new double[tasks][4];
            for (double[] row : g) {
                for (int p = 0; p < row.length; p++) {
                    row[p] = rng.nextDouble();
                }
            }
            double[] b = new double[tasks];
            for (int t = 0; t < tasks; t++) {
                b[t] = rng.nextDouble();
            }
            DualConeQpSolver.Solution s = DualConeQpSolver.solve(Gradients.gram(g), b);
            assertArrayEquals(b, s.weights(), 0.0);
            assertEquals(0, s.iterations());
            assertTrue(s.converged());
        }
    }

    @Test
    void twoConflictingGradientsMatchTheHalfSpaceProjection() {
        // x = g1 conflicts with g2: π(g1) = g1 − (g1·g2/‖g2‖²) g2, i.e. u = (1, −K12/K22).
        double[][] g = {{1.0, 1.0}, {-1.0, 0.5}};
        double[][] k = Gradients.gram(g);
        double[] u = DualConeQpSolver.solve(k, new double[] {1.0, 0.0}).weights();
        assertArrayEquals(new double[] {1.0, 0.4}, u, 1e-15);
    }

    @Test
    void scaleInvariantInKAndLinearInTheBound() {
        Random rng = new Random(14);
        for (int c = 0; c < 30; c++) {
            int tasks = 2 + rng.nextInt(5);
            double[][] k = Gradients.gram(Gradients.random(rng, tasks, 1 + rng.nextInt(6)));
            double[] b = randomBound(rng, tasks);
            double[] reference = DualConeQpSolver.solve(k, b).weights();
            for (int exponent : new int[] {-900, -60, 60, 900}) {
                double[][] scaledK = Gradients.scaled(k, Math.scalb(1.0, exponent));
                if (MinNormSolver.maxAbsEntry(scaledK) < Double.MAX_VALUE / 8
                        && MinNormSolver.maxAbsEntry(scaledK) > 1e-290) {
                    assertArrayEquals(reference, DualConeQpSolver.solve(scaledK, b).weights(), 0.0);
                }
                double[] scaledB = new double[tasks];
                double[] expected = new double[tasks];
                for (int t = 0; t < tasks; t++) {
                    scaledB[t] = Math.scalb(b[t], exponent / 10);
                    expected[t] = Math.scalb(reference[t], exponent / 10);
                }
                assertArrayEquals(expected, DualConeQpSolver.solve(k, scaledB).weights(), 0.0);
            }
        }
    }

    // ---- degenerate inputs ----

    @Test
    void singleTask() {
        double[][] k = {{4.0}};
        assertArrayEquals(
                new double[] {2.5}, DualConeQpSolver.solve(k, new double[] {2.5}).weights());
        // a negative bound is not binding: u = 0 gives the zero vector
        assertArrayEquals(
                new double[] {0.0}, DualConeQpSolver.solve(k, new double[] {-3}).weights());
        assertArrayEquals(
                new double[] {-3.0},
                DualConeQpSolver.solve(new double[][] {{0.0}}, new double[] {-3}).weights());
    }

    @Test
    void zeroGradientKeepsItsBoundAndAllZeroReturnsTheBound() {
        double[][] g = {{1.0, 0.0}, {0.0, 0.0}, {-1.0, 1.0}};
        double[] b = {0.2, 0.3, 0.5};
        DualConeQpSolver.Solution s = DualConeQpSolver.solve(Gradients.gram(g), b);
        assertTrue(s.converged());
        assertEquals(0.3, s.weights()[1], 0.0);
        double[] d = Gradients.combine(s.weights(), g);
        assertTrue(Gradients.dot(d, g[0]) >= -1e-15 && Gradients.dot(d, g[2]) >= -1e-15);
        DualConeQpSolver.Solution zero = DualConeQpSolver.solve(new double[3][3], b);
        assertArrayEquals(b, zero.weights(), 0.0);
        assertTrue(zero.converged());
        assertArrayEquals(
                new double[3],
                DualConeQpSolver.solve(Gradients.gram(g), new double[3]).weights(),
                0.0);
    }

    @Test
    void identicalAndOppositeGradients() {
        double[] v = {0.3, -1.2, 2.0};
        double[] minus = {-0.3, 1.2, -2.0};
        double[][] same = Gradients.gram(new double[][] {v, v, v});
        assertArrayEquals(
                new double[] {0.1, 0.2, 0.3},
                DualConeQpSolver.solve(same, new double[] {0.1, 0.2, 0.3}).weights(),
                0.0);
        double[][] g = {v, minus};
        DualConeQpSolver.Solution s =
                DualConeQpSolver.solve(Gradients.gram(g), new double[] {1.0, 0.25});
        assertTrue(s.converged());
        // the dual cone is the orthogonal complement of v: the projection is 0
        double[] d = Gradients.combine(s.weights(), g);
        assertEquals(0.0, Gradients.norm(d), 1e-14);
        assertTrue(s.weights()[0] >= 1.0 && s.weights()[1] >= 0.25);
    }

    @Test
    void rankDeficientAndSlightlyIndefiniteMatrices() {
        Random rng = new Random(15);
        for (int c = 0; c < 200; c++) {
            int tasks = 3 + rng.nextInt(4);
            // d < T: rank ≤ 2
            double[][] g = Gradients.random(rng, tasks, 1 + rng.nextInt(2));
            checkFeasibleAndUnconflicted(g, Gradients.gram(g), randomBound(rng, tasks));
            // a Gram matrix with eigenvalues down to −1e-16 of its scale
            double[] eigen = new double[tasks];
            for (int t = 0; t < tasks; t++) {
                eigen[t] = t < 2 ? 1.0 + rng.nextDouble() : -1e-16 * rng.nextDouble();
            }
            double[][] k = Gradients.withEigenvalues(rng, eigen);
            DualConeQpSolver.Solution s = DualConeQpSolver.solve(k, randomBound(rng, tasks));
            assertTrue(Gradients.allFinite(s.weights()));
            assertTrue(s.converged(), "indefinite case " + c + ": " + s.residual());
            double[] y = DualConeQpSolver.multiply(k, s.weights());
            for (double x : y) {
                assertTrue(x >= -1e-9 * Gradients.norm(s.weights()) * 2, "y = " + x);
            }
        }
    }

    @Test
    void iterationCapIsHonouredAndReported() {
        double[][] g = {{1.0, 0.0}, {-1.0, 0.1}, {0.2, -1.0}};
        double[][] k = Gradients.gram(g);
        double[] b = {1.0, 0.0, 0.0};
        DualConeQpSolver.Solution capped = DualConeQpSolver.solve(k, b, 0, 1e-10);
        assertFalse(capped.converged());
        assertEquals(0, capped.iterations());
        assertArrayEquals(b, capped.weights(), 0.0);
        assertTrue(capped.residual() > 0.1);
        DualConeQpSolver.Solution full = DualConeQpSolver.solve(k, b);
        assertTrue(full.converged());
        assertTrue(full.iterations() >= 1 && full.iterations() <= 10, "" + full.iterations());
    }

    // ---- validation ----

    @Test
    void rejectsInvalidInput() {
        double[][] k = {{1, 0}, {0, 1}};
        assertMessage(() -> DualConeQpSolver.solve(k, new double[] {1}), "1 entries");
        assertMessage(() -> DualConeQpSolver.solve(k, new double[] {1, Double.NaN}), "lower[1]");
        assertMessage(() -> DualConeQpSolver.solve(k, new double[] {1, 1}, -1, 1e-9), "-1");
        assertMessage(
                () -> DualConeQpSolver.solve(k, new double[] {1, 1}, 5, Double.NaN), "tolerance");
        assertMessage(
                () -> DualConeQpSolver.solve(new double[][] {{1, 0}}, new double[] {1}),
                "not square");
        assertMessage(
                () ->
                        DualConeQpSolver.solve(
                                new double[][] {{1, Double.NaN}, {0, 1}}, new double[] {1, 1}),
                "gram[0][1]");
        assertThrows(NullPointerException.class, () -> DualConeQpSolver.solve(k, null));
    }

    // ---- helpers ----

    static void checkFeasibleAndUnconflicted(double[][] g, double[][] k, double[] b) {
        DualConeQpSolver.Solution s = DualConeQpSolver.solve(k, b);
        assertTrue(Gradients.allFinite(s.weights()));
        assertTrue(s.converged(), "residual " + s.residual());
        double[] d = Gradients.combine(s.weights(), g);
        double scale = boundedTermScale(b, s.weights(), g);
        for (int t = 0; t < g.length; t++) {
            assertTrue(s.weights()[t] >= b[t]);
            assertTrue(Gradients.dot(g[t], d) >= -TOL * Gradients.norm(g[t]) * scale);
        }
    }

    /**
     * {@code Σ_t (|b_t| + u_t − b_t) ‖g_t‖}: the size of the terms of {@code d = Σ_t (b_t + λ_t)
     * g_t}, which bounds its rounding error also when u is small because b and λ cancel.
     */
    private static double boundedTermScale(double[] b, double[] u, double[][] g) {
        double sum = 0.0;
        for (int t = 0; t < g.length; t++) {
            sum += (Math.abs(b[t]) + (u[t] - b[t])) * Gradients.norm(g[t]);
        }
        return sum;
    }

    private static double objective(double[][] k, double[] u) {
        return Gradients.dot(u, DualConeQpSolver.multiply(k, u));
    }

    /** A unit vector, a random positive vector or a random vector of mixed signs. */
    private static double[] randomBound(Random rng, int tasks) {
        double[] b = new double[tasks];
        switch (rng.nextInt(3)) {
            case 0 -> b[rng.nextInt(tasks)] = 1.0;
            case 1 -> {
                for (int t = 0; t < tasks; t++) {
                    b[t] = rng.nextDouble();
                }
            }
            default -> {
                for (int t = 0; t < tasks; t++) {
                    b[t] = rng.nextGaussian();
                }
            }
        }
        return b;
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
