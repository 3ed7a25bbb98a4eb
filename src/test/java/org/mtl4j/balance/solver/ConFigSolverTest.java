package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.balance.solver.ImtlGSolverTest.assertMessage;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ConFigSolverTest {

    // ---- defining property and the authors' formula on explicit vectors ----

    @Test
    void updateHasEqualNonNegativeProjectionsOntoUnitGradients() {
        Random rng = new Random(2024);
        int checked = 0;
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int dim = tasks; dim <= tasks + 6; dim++) {
                for (int c = 0; c < 10; c++) {
                    double[][] g = Vectors.randomGradients(rng, tasks, dim);
                    ConFigSolver.Solution s = ConFigSolver.solve(Vectors.gramOf(g));
                    assertTrue(s.converged());
                    assertEquals(tasks, s.rank());
                    double[] d = Vectors.combine(s.weights(), g);
                    double first = Vectors.dot(d, Vectors.unit(g[0]));
                    assertTrue(first > 0.0);
                    for (double[] gt : g) {
                        double projection = Vectors.dot(d, Vectors.unit(gt));
                        assertTrue(projection >= 0.0);
                        assertEquals(first, projection, 1e-9 * Vectors.norm(d));
                    }
                    // Length rule: ‖d‖ = Σ_i g_i · d/‖d‖.
                    double length = 0.0;
                    for (double[] gt : g) {
                        length += Vectors.dot(gt, d) / Vectors.norm(d);
                    }
                    assertEquals(length, Vectors.norm(d), 1e-9 * Vectors.norm(d));
                    assertEquals(length, s.length(), 1e-9 * Vectors.norm(d));
                    checked++;
                }
            }
        }
        assertEquals(420, checked);
    }

    @Test
    void matchesTheAuthorsFormulaOnVectors() {
        Random rng = new Random(31);
        for (int c = 0; c < 300; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] g = Vectors.randomGradients(rng, tasks, tasks + rng.nextInt(5));
            double[] expected = conFigVector(g);
            double[] actual = Vectors.combine(ConFigSolver.solve(Vectors.gramOf(g)).weights(), g);
            assertArrayEquals(expected, actual, 1e-8 * Vectors.norm(expected));
        }
    }

    @Test
    void sharesItsDirectionWithImtlG() {
        Random rng = new Random(3);
        for (int c = 0; c < 100; c++) {
            int tasks = 2 + rng.nextInt(5);
            double[][] g = Vectors.randomGradients(rng, tasks, 3 + rng.nextInt(6));
            double[][] k = Vectors.gramOf(g);
            ImtlGSolver.Solution imtl = ImtlGSolver.solve(k);
            if (imtl.outcome() != ImtlGSolver.Outcome.BALANCED) {
                continue;
            }
            double[] a = Vectors.unit(Vectors.combine(imtl.weights(), g));
            double[] b = Vectors.unit(Vectors.combine(ConFigSolver.solve(k).weights(), g));
            assertArrayEquals(a, b, 1e-9);
        }
    }

    @Test
    void twoTasksExample() {
        // u1 = e1, u2 = e2: y = (1, 1), g_u = (1, 1)/√2, length = (3 + 1)/√2, g_c = (2, 2).
        double[][] g = {{3, 0}, {0, 1}};
        ConFigSolver.Solution s = ConFigSolver.solve(Vectors.gramOf(g));
        assertArrayEquals(new double[] {2, 2}, Vectors.combine(s.weights(), g), 1e-14);
        assertArrayEquals(new double[] {2.0 / 3, 2}, s.weights(), 1e-14);
        assertEquals(4 / Math.sqrt(2), s.length(), 1e-14);
    }

    // ---- degenerate inputs ----

    @Test
    void singleTaskKeepsItsGradient() {
        ConFigSolver.Solution s = ConFigSolver.solve(new double[][] {{4}});
        assertArrayEquals(new double[] {1}, s.weights(), 1e-15);
        assertEquals(2.0, s.length(), 1e-15);
        assertArrayEquals(new double[] {0}, ConFigSolver.solve(new double[][] {{0}}).weights());
    }

    @Test
    void zeroGradientContributesNothing() {
        double[][] g = {{1, 0}, {0, 0}, {0, 2}};
        ConFigSolver.Solution s = ConFigSolver.solve(Vectors.gramOf(g));
        assertEquals(0.0, s.weights()[1]);
        // Same update as without the zero task.
        double[][] without = {{1, 0}, {0, 2}};
        double[] expected =
                Vectors.combine(ConFigSolver.solve(Vectors.gramOf(without)).weights(), without);
        assertArrayEquals(expected, Vectors.combine(s.weights(), g), 1e-14);
        assertArrayEquals(new double[3], ConFigSolver.solve(new double[3][3]).weights(), 0.0);
    }

    @Test
    void identicalGradientsGiveTheirSum() {
        double[][] g = {{1, 2}, {1, 2}};
        ConFigSolver.Solution s = ConFigSolver.solve(Vectors.gramOf(g));
        assertEquals(1, s.rank());
        assertArrayEquals(new double[] {2, 4}, Vectors.combine(s.weights(), g), 1e-14);
        assertTrue(s.projectionResidual() < 1e-12);
    }

    @Test
    void oppositeGradientsGiveZero() {
        double[][] g = {{1, -3}, {-2, 6}};
        ConFigSolver.Solution s = ConFigSolver.solve(Vectors.gramOf(g));
        assertArrayEquals(new double[2], s.weights(), 0.0);
        assertEquals(0.0, s.length());
    }

    @Test
    void rankDeficientInputsGiveTheLeastSquaresDirection() {
        Random rng = new Random(4);
        for (int c = 0; c < 200; c++) {
            int tasks = 3 + rng.nextInt(4);
            int dim = 1 + rng.nextInt(tasks - 1);
            double[][] g = Vectors.randomGradients(rng, tasks, dim);
            double[][] k = Vectors.gramOf(g);
            ConFigSolver.Solution s = ConFigSolver.solve(k);
            assertTrue(Vectors.allFinite(s.weights()));
            assertEquals(dim, s.rank());
            double[] d = Vectors.combine(s.weights(), g);
            if (Vectors.norm(d) == 0.0) {
                continue;
            }
            // d is parallel to the least-squares y = U⁺1, which minimises ‖U y − 1‖: its
            // projections match the best multiple of d at least as well as random directions.
            double[][] u = new double[tasks][];
            for (int t = 0; t < tasks; t++) {
                u[t] = Vectors.unit(g[t]);
            }
            double best = leastSquaresResidual(u, d);
            for (int r = 0; r < 20; r++) {
                double[] other = new double[dim];
                for (int p = 0; p < dim; p++) {
                    other[p] = rng.nextGaussian();
                }
                assertTrue(best <= leastSquaresResidual(u, other) + 1e-9);
            }
        }
    }

    @Test
    void tinyNegativeEigenvaluesAreHarmless() {
        double[][] k = Vectors.gramOf(new double[][] {{1, 0}, {0, 1}, {1, 1}});
        k[2][2] -= 2e-15;
        ConFigSolver.Solution s = ConFigSolver.solve(k);
        assertTrue(Vectors.allFinite(s.weights()));
        assertEquals(2, s.rank());
    }

    // ---- scale, validation ----

    @Test
    void scaleInvariant() {
        Random rng = new Random(9);
        for (int c = 0; c < 20; c++) {
            double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, 1 + rng.nextInt(5), 6));
            ConFigSolver.Solution reference = ConFigSolver.solve(k);
            for (int exponent : new int[] {-1000, -99, 100, 1001}) {
                ConFigSolver.Solution s =
                        ConFigSolver.solve(Vectors.scaled(k, Math.scalb(1.0, exponent)));
                assertArrayEquals(reference.weights(), s.weights(), 0.0);
                double expected = reference.length() * Math.pow(2.0, exponent / 2.0);
                assertEquals(expected, s.length(), 1e-14 * Math.abs(expected));
            }
        }
    }

    @Test
    void rejectsInvalidInput() {
        assertMessage(() -> ConFigSolver.solve(new double[][] {{1, 0}, {0}}), "row 1");
        assertMessage(
                () -> ConFigSolver.solve(new double[][] {{Double.POSITIVE_INFINITY}}), "Infinity");
        assertMessage(() -> ConFigSolver.solve(new double[][] {{1}}, -1e-3), "-0.001");
        assertMessage(() -> ConFigSolver.solve(new double[][] {{1}}, 1.0), "1.0");
    }

    // ---- references ----

    /**
     * The ConFIG update on explicit vectors: y = A⁺1 as the minimum-norm solution of A y = 1 via a
     * modified Gram–Schmidt QR of Aᵀ = QR (y = Q R⁻ᵀ 1), g_u = y/‖y‖, g_c = (Σ_i g_i · g_u) g_u.
     */
    private static double[] conFigVector(double[][] g) {
        int tasks = g.length;
        int dim = g[0].length;
        double[][] q = new double[tasks][];
        double[][] r = new double[tasks][tasks];
        for (int t = 0; t < tasks; t++) {
            double[] v = Vectors.unit(g[t]);
            for (int s = 0; s < t; s++) {
                r[s][t] = Vectors.dot(q[s], v);
                for (int p = 0; p < dim; p++) {
                    v[p] -= r[s][t] * q[s][p];
                }
            }
            r[t][t] = Vectors.norm(v);
            q[t] = Vectors.unit(v);
        }
        double[] z = new double[tasks]; // Rᵀ z = 1 (forward substitution).
        for (int t = 0; t < tasks; t++) {
            double s = 1.0;
            for (int j = 0; j < t; j++) {
                s -= r[j][t] * z[j];
            }
            z[t] = s / r[t][t];
        }
        double[] y = Vectors.combine(z, q);
        double[] gu = Vectors.unit(y);
        double length = 0.0;
        for (double[] gt : g) {
            length += Vectors.dot(gt, gu);
        }
        double[] out = new double[dim];
        for (int p = 0; p < dim; p++) {
            out[p] = length * gu[p];
        }
        return out;
    }

    /** min_λ ‖U (λ v) − 1‖ for a direction v. */
    private static double leastSquaresResidual(double[][] u, double[] v) {
        double[] proj = new double[u.length];
        for (int t = 0; t < u.length; t++) {
            proj[t] = Vectors.dot(u[t], v);
        }
        double lambda = Vectors.sum(proj) / Vectors.dot(proj, proj);
        double res = 0.0;
        for (double p : proj) {
            res += (lambda * p - 1) * (lambda * p - 1);
        }
        return Math.sqrt(res);
    }
}
