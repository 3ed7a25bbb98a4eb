package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImtlGSolverTest {

    // ---- defining property and the paper's closed form on explicit vectors ----

    @Test
    void aggregatedGradientHasEqualProjectionsOntoUnitGradients() {
        Random rng = new Random(2021);
        int balanced = 0;
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int dim = tasks; dim <= tasks + 6; dim++) {
                for (int c = 0; c < 10; c++) {
                    double[][] g = Vectors.randomGradients(rng, tasks, dim);
                    ImtlGSolver.Solution s = ImtlGSolver.solve(Vectors.gramOf(g));
                    assertTrue(s.converged());
                    if (s.outcome() != ImtlGSolver.Outcome.BALANCED) {
                        // Only when the paper's normalisation is not positive (see class doc).
                        assertTrue(paperNormalisation(g) <= 1e-6, "unexpected " + s.outcome());
                        continue;
                    }
                    balanced++;
                    assertEquals(tasks, s.rank());
                    assertEquals(1.0, Vectors.sum(s.weights()), 1e-12);
                    double[] d = Vectors.combine(s.weights(), g);
                    double tol = 1e-9 * Math.max(Vectors.norm(d), s.projection());
                    for (double[] gt : g) {
                        assertEquals(s.projection(), Vectors.dot(d, Vectors.unit(gt)), tol);
                    }
                    assertTrue(s.projection() > 0.0);
                    assertTrue(s.projectionResidual() < 1e-9, "" + s.projectionResidual());
                }
            }
        }
        assertTrue(balanced > 380, "balanced = " + balanced);
    }

    @Test
    void matchesThePapersClosedFormOnVectors() {
        Random rng = new Random(7);
        int checked = 0;
        for (int c = 0; c < 300; c++) {
            int tasks = 2 + rng.nextInt(5);
            double[][] g = Vectors.randomGradients(rng, tasks, tasks + rng.nextInt(5));
            ImtlGSolver.Solution s = ImtlGSolver.solve(Vectors.gramOf(g));
            if (s.outcome() != ImtlGSolver.Outcome.BALANCED) {
                continue;
            }
            double[] expected = closedForm(g);
            double scale = 0.0;
            for (double x : expected) {
                scale = Math.max(scale, Math.abs(x));
            }
            assertArrayEquals(expected, s.weights(), 1e-8 * Math.max(1.0, scale));
            checked++;
        }
        assertTrue(checked > 250, "checked = " + checked);
    }

    @Test
    void twoTasksHaveTheAngleBisectorDirection() {
        double[][] g = {{3, 0}, {0, 1}};
        ImtlGSolver.Solution s = ImtlGSolver.solve(Vectors.gramOf(g));
        // d = α1 g1 + α2 g2 with d·e1 = d·e2 and α1 + α2 = 1: 3 α1 = α2 → α = (1/4, 3/4).
        assertArrayEquals(new double[] {0.25, 0.75}, s.weights(), 1e-15);
        assertEquals(0.75, s.projection(), 1e-15);
    }

    // ---- degenerate inputs ----

    @Test
    void singleTaskKeepsItsGradient() {
        ImtlGSolver.Solution s = ImtlGSolver.solve(new double[][] {{9}});
        assertArrayEquals(new double[] {1}, s.weights(), 0.0);
        assertEquals(3.0, s.projection(), 1e-15);
        ImtlGSolver.Solution zero = ImtlGSolver.solve(new double[][] {{0}});
        assertArrayEquals(new double[] {1}, zero.weights(), 0.0);
        assertEquals(ImtlGSolver.Outcome.ZERO_UPDATE, zero.outcome());
    }

    @Test
    void zeroGradientIsExcluded() {
        double[][] g = {{1, 0, 0}, {0, 0, 0}, {1, 2, 0}};
        ImtlGSolver.Solution s = ImtlGSolver.solve(Vectors.gramOf(g));
        assertEquals(ImtlGSolver.Outcome.BALANCED, s.outcome());
        assertEquals(0.0, s.weights()[1]);
        assertEquals(1.0, Vectors.sum(s.weights()), 1e-15);
        double[] d = Vectors.combine(s.weights(), g);
        assertEquals(Vectors.dot(d, Vectors.unit(g[0])), Vectors.dot(d, Vectors.unit(g[2])), 1e-14);
    }

    @Test
    void allZeroGradientsGiveUniformWeights() {
        ImtlGSolver.Solution s = ImtlGSolver.solve(new double[3][3]);
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, s.weights(), 0.0);
        assertEquals(ImtlGSolver.Outcome.ZERO_UPDATE, s.outcome());
    }

    @Test
    void identicalGradientsAreAveraged() {
        double[][] g = {{1, 2}, {1, 2}, {1, 2}};
        ImtlGSolver.Solution s = ImtlGSolver.solve(Vectors.gramOf(g));
        assertEquals(ImtlGSolver.Outcome.BALANCED, s.outcome());
        assertEquals(1, s.rank());
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, s.weights(), 1e-15);
        assertArrayEquals(g[0], Vectors.combine(s.weights(), g), 1e-14);
        assertEquals(Math.sqrt(5), s.projection(), 1e-14);
    }

    @Test
    void oppositeGradientsGiveZeroUpdateWithThePapersWeights() {
        // Paper: α2 = g1·(u1 − u2) / ((g1 − g2)·(u1 − u2)).
        double[][] equal = {{1, 1}, {-1, -1}};
        ImtlGSolver.Solution s = ImtlGSolver.solve(Vectors.gramOf(equal));
        assertEquals(ImtlGSolver.Outcome.ZERO_UPDATE, s.outcome());
        assertArrayEquals(new double[] {0.5, 0.5}, s.weights(), 1e-15);
        double[][] unequal = {{1, 1}, {-2, -2}};
        ImtlGSolver.Solution u = ImtlGSolver.solve(Vectors.gramOf(unequal));
        assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3}, u.weights(), 1e-15);
        assertArrayEquals(new double[] {0, 0}, Vectors.combine(u.weights(), unequal), 1e-15);
    }

    @Test
    void rankDeficientInputsGiveFiniteSensibleWeights() {
        Random rng = new Random(99);
        for (int c = 0; c < 200; c++) {
            int tasks = 3 + rng.nextInt(4);
            double[][] g = Vectors.randomGradients(rng, tasks, 1 + rng.nextInt(tasks - 1));
            ImtlGSolver.Solution s = ImtlGSolver.solve(Vectors.gramOf(g));
            assertTrue(Vectors.allFinite(s.weights()));
            assertTrue(s.rank() < tasks);
            double[] d = Vectors.combine(s.weights(), g);
            switch (s.outcome()) {
                case BALANCED:
                    assertEquals(1.0, Vectors.sum(s.weights()), 1e-9);
                    // Least-squares compromise: g · u_t = λ p_t with p the projection of 1.
                    assertTrue(s.projection() > 0.0);
                    break;
                case ZERO_UPDATE:
                    assertEquals(1.0, Vectors.sum(s.weights()), 1e-9);
                    assertEquals(0.0, Vectors.norm(d), 1e-9 * Vectors.maxNorm(g));
                    break;
                default:
                    assertArrayEquals(new double[tasks], s.weights(), 0.0);
            }
        }
    }

    @Test
    void duplicatedGradientKeepsExactlyEqualProjections() {
        Random rng = new Random(5);
        for (int c = 0; c < 50; c++) {
            double[][] base = Vectors.randomGradients(rng, 3, 5);
            double[][] g = {base[0], base[1], base[2], base[1].clone()};
            ImtlGSolver.Solution s = ImtlGSolver.solve(Vectors.gramOf(g));
            if (s.outcome() != ImtlGSolver.Outcome.BALANCED) {
                continue;
            }
            assertEquals(3, s.rank());
            assertTrue(s.projectionResidual() < 1e-9);
            double[] d = Vectors.combine(s.weights(), g);
            for (double[] gt : g) {
                assertEquals(
                        s.projection(), Vectors.dot(d, Vectors.unit(gt)), 1e-9 * Vectors.norm(d));
            }
        }
    }

    @Test
    void tinyNegativeEigenvaluesAreHarmless() {
        double[][] g = {{1, 0}, {0, 1}, {1, 1}};
        double[][] k = Vectors.gramOf(g);
        k[0][0] -= 1e-15; // K now has an eigenvalue of about −1e-15.
        ImtlGSolver.Solution s = ImtlGSolver.solve(k);
        assertTrue(Vectors.allFinite(s.weights()));
        assertEquals(2, s.rank());
    }

    // ---- scale, validation ----

    @Test
    void scaleInvariant() {
        Random rng = new Random(8);
        for (int c = 0; c < 20; c++) {
            double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, 1 + rng.nextInt(5), 6));
            ImtlGSolver.Solution reference = ImtlGSolver.solve(k);
            for (int exponent : new int[] {-1000, -101, 100, 1001}) {
                ImtlGSolver.Solution s =
                        ImtlGSolver.solve(Vectors.scaled(k, Math.scalb(1.0, exponent)));
                assertArrayEquals(reference.weights(), s.weights(), 0.0);
                double expected = reference.projection() * Math.pow(2.0, exponent / 2.0);
                assertEquals(expected, s.projection(), 1e-14 * expected);
            }
        }
    }

    @Test
    void rejectsInvalidInput() {
        assertMessage(() -> ImtlGSolver.solve(new double[][] {{1, 0}}), "not square");
        assertMessage(
                () -> ImtlGSolver.solve(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}), "NaN");
        assertMessage(() -> ImtlGSolver.solve(new double[][] {{-1}}), "-1.0");
        assertMessage(() -> ImtlGSolver.solve(new double[][] {{1}}, -0.5), "-0.5");
        assertMessage(() -> ImtlGSolver.solve(new double[][] {{1}}, Double.NaN), "NaN");
    }

    static void assertMessage(Runnable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    // ---- reference implementations on vectors ----

    /** The paper's closed form: α_{2:T} = g_1 Uᵀ (D Uᵀ)⁻¹, α_1 = 1 − Σ α_{2:T}. */
    private static double[] closedForm(double[][] g) {
        int tasks = g.length;
        double[] u1 = Vectors.unit(g[0]);
        double[][] d = new double[tasks - 1][];
        double[][] u = new double[tasks - 1][];
        for (int t = 1; t < tasks; t++) {
            d[t - 1] = Vectors.minus(g[0], g[t]);
            u[t - 1] = Vectors.minus(u1, Vectors.unit(g[t]));
        }
        // α (D Uᵀ) = g_1 Uᵀ  ⇔  (D Uᵀ)ᵀ αᵀ = U g_1.
        double[][] transposed = new double[tasks - 1][tasks - 1];
        double[] rhs = new double[tasks - 1];
        for (int s = 0; s < tasks - 1; s++) {
            rhs[s] = Vectors.dot(u[s], g[0]);
            for (int t = 0; t < tasks - 1; t++) {
                transposed[t][s] = Vectors.dot(d[s], u[t]);
            }
        }
        double[] tail = Vectors.solveLinear(transposed, rhs);
        double[] alpha = new double[tasks];
        alpha[0] = 1.0 - Vectors.sum(tail);
        System.arraycopy(tail, 0, alpha, 1, tasks - 1);
        return alpha;
    }

    /**
     * Σ_t β_t/‖g_t‖ for β = C⁻¹1, relative to Σ|β_t|/‖g_t‖ (the paper's normalisation), by Gaussian
     * elimination.
     */
    private static double paperNormalisation(double[][] g) {
        int n = g.length;
        double[][] cos = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                cos[i][j] = Vectors.dot(Vectors.unit(g[i]), Vectors.unit(g[j]));
            }
        }
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        double[] beta = Vectors.solveLinear(cos, ones);
        double sum = 0.0;
        double abs = 0.0;
        for (int t = 0; t < n; t++) {
            sum += beta[t] / Vectors.norm(g[t]);
            abs += Math.abs(beta[t]) / Vectors.norm(g[t]);
        }
        return sum / abs;
    }
}
