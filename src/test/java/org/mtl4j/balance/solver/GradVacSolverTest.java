package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.balance.solver.ImtlGSolverTest.assertMessage;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GradVacSolverTest {

    // ---- defining properties ----

    @Test
    void noPairBelowTargetGivesThePlainSum() {
        Random rng = new Random(1);
        for (int tasks = 1; tasks <= 6; tasks++) {
            double[][] g = Vectors.randomGradients(rng, tasks, 1 + rng.nextInt(6));
            double[][] k = Vectors.gramOf(g);
            double beta = 0.3;
            GradVacSolver solver = new GradVacSolver(beta, filled(tasks, -1.0));
            GradVacSolver.Solution s = solver.step(k, Vectors.randomPermutation(rng, tasks));
            double[] ones = new double[tasks];
            Arrays.fill(ones, 1.0);
            assertArrayEquals(ones, s.weights(), 0.0);
            assertEquals(0, s.adjustments());
            // Every visited target moved towards the observed cosine by the EMA rule.
            double[][] targets = solver.targets();
            for (int i = 0; i < tasks; i++) {
                for (int j = 0; j < tasks; j++) {
                    double expected = i == j ? -1.0 : (1 - beta) * -1.0 + beta * cosine(g[i], g[j]);
                    assertEquals(expected, targets[i][j], 1e-14);
                }
            }
        }
    }

    @Test
    void pairBelowTargetIsAdjustedToExactlyTheTarget() {
        Random rng = new Random(2);
        int adjusted = 0;
        for (int c = 0; c < 300; c++) {
            double[][] g = Vectors.randomGradients(rng, 2, 2 + rng.nextInt(6));
            double target = -0.9 + 1.85 * rng.nextDouble();
            double[][] targets = {{0, target}, {target, 0}};
            GradVacSolver.Solution s =
                    new GradVacSolver(0.01, targets).step(Vectors.gramOf(g), new int[] {1, 0});
            for (int i = 0; i < 2; i++) {
                double[] adjustedGradient = Vectors.combine(s.rows()[i], g);
                double before = cosine(g[i], g[1 - i]);
                double after = cosine(adjustedGradient, g[1 - i]);
                if (before < target) {
                    assertEquals(target, after, 1e-12, "cosine after adjustment");
                    adjusted++;
                } else {
                    assertArrayEquals(g[i], adjustedGradient, 0.0);
                }
            }
        }
        assertTrue(adjusted > 200, "adjusted = " + adjusted);
    }

    @Test
    void matchesTheAlgorithmOnVectorsOverSeveralSteps() {
        Random rng = new Random(2020);
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int dim = 1; dim <= 8; dim++) {
                double beta = rng.nextDouble() * 0.5;
                double[][] initial = new double[tasks][tasks];
                for (double[] row : initial) {
                    for (int j = 0; j < tasks; j++) {
                        row[j] = -0.5 + rng.nextDouble();
                    }
                }
                GradVacSolver solver = new GradVacSolver(beta, initial);
                double[][] reference = copy(initial);
                for (int step = 0; step < 5; step++) {
                    double[][] g = Vectors.randomGradients(rng, tasks, dim);
                    int[][] orders = new int[tasks][];
                    for (int i = 0; i < tasks; i++) {
                        orders[i] = Vectors.randomPermutation(rng, tasks); // one per task
                    }
                    double[] expected = gradVacVectors(g, orders, reference, beta);
                    GradVacSolver.Solution s = solver.step(Vectors.gramOf(g), orders);
                    // With P = 1 every cosine is ±1 up to rounding and √(1 − φ²) turns an
                    // eps-level difference into a √eps-level one: any two correct
                    // implementations agree only to about 1e-8 there.
                    double relative = dim == 1 ? 1e-7 : 1e-9;
                    assertArrayEquals(
                            expected,
                            Vectors.combine(s.weights(), g),
                            relative * Vectors.maxNorm(g) * tasks,
                            "T=" + tasks + " P=" + dim + " step " + step);
                    double[][] targets = solver.targets();
                    for (int i = 0; i < tasks; i++) {
                        assertArrayEquals(
                                reference[i],
                                targets[i],
                                dim == 1 ? 1e-9 : 1e-12,
                                "T=" + tasks + " P=" + dim);
                    }
                }
            }
        }
    }

    @Test
    void zeroTargetsWithoutDecayReproducePcGrad() {
        Random rng = new Random(3);
        for (int c = 0; c < 100; c++) {
            int tasks = 2 + rng.nextInt(5);
            double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, tasks, 1 + rng.nextInt(6)));
            int[] order = Vectors.randomPermutation(rng, tasks);
            GradVacSolver solver = new GradVacSolver(0.0, new double[tasks][tasks]);
            double[] gradVac = solver.step(k, order).weights();
            double[] pcGrad = PcGradSolver.coefficients(k, order);
            for (int t = 0; t < tasks; t++) {
                assertEquals(pcGrad[t], gradVac[t], 1e-9 * Math.max(1.0, Math.abs(pcGrad[t])));
            }
        }
    }

    @Test
    void defaultSolverStartsFromZeroTargetsWithThePapersDecay() {
        GradVacSolver solver = new GradVacSolver(3);
        assertEquals(GradVacSolver.DEFAULT_BETA, solver.beta());
        assertEquals(0.01, solver.beta());
        assertEquals(3, solver.tasks());
        for (double[] row : solver.targets()) {
            assertArrayEquals(new double[3], row, 0.0);
        }
    }

    // ---- degenerate inputs ----

    @Test
    void degenerateInputs() {
        // T = 1.
        GradVacSolver single = new GradVacSolver(1);
        assertArrayEquals(
                new double[] {1}, single.step(new double[][] {{4}}, new int[] {0}).weights());
        // A zero gradient: never adjusted against, targets of its pairs unchanged.
        double[][] targets = filled(3, 0.5);
        GradVacSolver solver = new GradVacSolver(0.1, targets);
        double[][] g = {{1, 0}, {0, 0}, {0, 1}};
        GradVacSolver.Solution s = solver.step(Vectors.gramOf(g), new int[] {0, 1, 2});
        assertTrue(Vectors.allFinite(s.weights()));
        assertEquals(0.0, s.rows()[0][1]);
        assertArrayEquals(new double[] {0, 1, 0}, s.rows()[1], 0.0);
        double[][] after = solver.targets();
        assertEquals(0.5, after[0][1]);
        assertEquals(0.5, after[1][0]);
        assertEquals(0.5, after[1][2]);
        assertEquals(0.9 * 0.5, after[0][2], 1e-15); // cos(g0, g2) = 0 before adjustment
        // All zero.
        GradVacSolver zeros = new GradVacSolver(0.1, filled(3, 0.5));
        assertArrayEquals(
                new double[] {1, 1, 1},
                zeros.step(new double[3][3], new int[] {2, 0, 1}).weights(),
                0.0);
        // Identical gradients are never adjusted, even for target 1.
        GradVacSolver same = new GradVacSolver(0.5, filled(2, 1.0));
        double[][] k = Vectors.gramOf(new double[][] {{1, 2}, {1, 2}});
        assertArrayEquals(new double[] {1, 1}, same.step(k, new int[] {0, 1}).weights(), 0.0);
        // Exactly opposite gradients with target 0 cancel, as in PCGrad.
        double[][] opposite = {{1, 2}, {-1, -2}};
        GradVacSolver.Solution o =
                new GradVacSolver(2).step(Vectors.gramOf(opposite), new int[] {0, 1});
        assertArrayEquals(new double[] {0, 0}, Vectors.combine(o.weights(), opposite), 1e-14);
    }

    @Test
    void targetOfOneIsCapped() {
        double[][] g = {{1, 0}, {0, 1}};
        GradVacSolver solver = new GradVacSolver(0.0, filled(2, 1.0));
        GradVacSolver.Solution s = solver.step(Vectors.gramOf(g), new int[] {0, 1});
        assertTrue(Vectors.allFinite(s.weights()));
        double after = cosine(Vectors.combine(s.rows()[0], g), g[1]);
        assertEquals(GradVacSolver.ADJUSTMENT_TARGET_CAP, after, 1e-12);
    }

    @Test
    void rankDeficientAndSlightlyIndefiniteInputs() {
        Random rng = new Random(4);
        for (int c = 0; c < 100; c++) {
            int tasks = 3 + rng.nextInt(4);
            double[][] g = Vectors.randomGradients(rng, tasks, 1 + rng.nextInt(2));
            double[][] k = Vectors.gramOf(g);
            k[0][0] *= 1 - 1e-15;
            GradVacSolver solver = new GradVacSolver(0.2, filled(tasks, 0.3));
            for (int step = 0; step < 3; step++) {
                double[] w = solver.step(k, Vectors.randomPermutation(rng, tasks)).weights();
                assertTrue(Vectors.allFinite(w));
            }
            for (double[] row : solver.targets()) {
                assertTrue(Vectors.allFinite(row));
            }
        }
    }

    // ---- scale, validation ----

    @Test
    void scaleInvariant() {
        Random rng = new Random(5);
        for (int c = 0; c < 20; c++) {
            int tasks = 2 + rng.nextInt(4);
            double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, tasks, 3));
            int[] order = Vectors.randomPermutation(rng, tasks);
            double[] reference =
                    new GradVacSolver(0.1, filled(tasks, 0.2)).step(k, order).weights();
            for (int exponent : new int[] {-1000, -50, 77, 1001}) {
                double[][] scaledK = Vectors.scaled(k, Math.scalb(1.0, exponent));
                double[] w =
                        new GradVacSolver(0.1, filled(tasks, 0.2)).step(scaledK, order).weights();
                assertArrayEquals(reference, w, 0.0);
            }
        }
    }

    @Test
    void rejectsInvalidInput() {
        double[][] k = {{1, 0}, {0, 1}};
        assertMessage(() -> new GradVacSolver(-0.5, new double[2][2]), "-0.5");
        assertMessage(() -> new GradVacSolver(1.5, new double[2][2]), "1.5");
        assertMessage(() -> new GradVacSolver(Double.NaN, new double[2][2]), "NaN");
        assertMessage(() -> new GradVacSolver(0), "tasks = 0");
        assertMessage(() -> new GradVacSolver(0.1, new double[][] {{0, 2}, {0, 0}}), "2.0");
        assertMessage(() -> new GradVacSolver(0.1, new double[][] {{0, 0}, {0}}), "row 1");
        GradVacSolver solver = new GradVacSolver(2);
        assertMessage(() -> solver.step(new double[][] {{1}}, new int[] {0}), "1 rows");
        assertMessage(() -> solver.step(k, new int[] {0, 0}), "order[1] = 0");
        assertMessage(() -> solver.step(k, new int[] {0, 2}), "order[1] = 2");
        assertMessage(
                () -> solver.step(new double[][] {{1, Double.NaN}, {0, 1}}, new int[] {0, 1}),
                "NaN");
        assertThrows(NullPointerException.class, () -> solver.step(k, (int[]) null));
        for (double[] row : solver.targets()) {
            assertArrayEquals(new double[2], row, 0.0); // untouched by the rejected calls
        }
    }

    // ---- reference on vectors ----

    /**
     * Wang et al. Algorithm 1 on explicit vectors (task i visits the others in {@code orders[i]},
     * zero or cancelled gradients skipped, targets capped in the adjustment); updates {@code
     * targets} in place and returns Σ_i g_i'.
     */
    private static double[] gradVacVectors(
            double[][] g, int[][] orders, double[][] targets, double beta) {
        int dim = g[0].length;
        double[] sum = new double[dim];
        for (int i = 0; i < g.length; i++) {
            double[] gi = g[i].clone();
            double magnitude = Vectors.norm(g[i]); // Σ_k |C[i][k]| ‖g_k‖
            for (int j : orders[i]) {
                if (j == i
                        || Vectors.norm(g[j]) == 0.0
                        || Vectors.norm(gi) <= GradVacSolver.CANCELLATION * magnitude) {
                    continue;
                }
                double phi = cosine(gi, g[j]);
                double target = targets[i][j];
                double capped = Math.min(target, GradVacSolver.ADJUSTMENT_TARGET_CAP);
                if (phi < capped) {
                    double a =
                            Vectors.norm(gi)
                                    * (capped * Math.sqrt(1 - phi * phi)
                                            - phi * Math.sqrt(1 - capped * capped))
                                    / (Vectors.norm(g[j]) * Math.sqrt(1 - capped * capped));
                    for (int p = 0; p < dim; p++) {
                        gi[p] += a * g[j][p];
                    }
                    magnitude += Math.abs(a) * Vectors.norm(g[j]);
                }
                targets[i][j] = (1 - beta) * target + beta * phi;
            }
            for (int p = 0; p < dim; p++) {
                sum[p] += gi[p];
            }
        }
        return sum;
    }

    private static double cosine(double[] a, double[] b) {
        return Math.max(-1, Math.min(1, Vectors.dot(a, b) / (Vectors.norm(a) * Vectors.norm(b))));
    }

    private static double[][] filled(int n, double value) {
        double[][] m = new double[n][n];
        for (double[] row : m) {
            Arrays.fill(row, value);
        }
        return m;
    }

    private static double[][] copy(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }
}
