package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NashMtlSolverTest {

    private static final double KAPPA = FairGradSolver.DEFAULT_RIDGE;

    // ---- the bargaining equation K α = 1/α ----

    @Test
    void solvesTheBargainingEquationOnTheVectors() {
        Random rng = new Random(41);
        int exact = 0;
        int regularised = 0;
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int dim : Gradients.DIMENSIONS) {
                for (int rep = 0; rep < 30; rep++) {
                    double[][] g = Gradients.random(rng, tasks, dim);
                    double[][] k = Gradients.gram(g);
                    NashMtlSolver.Solution s = NashMtlSolver.solve(k);
                    String where = "T=" + tasks + " P=" + dim + " rep=" + rep;
                    assertTrue(s.converged(), where + " residual " + s.residual());
                    assertTrue(s.residual() <= NashMtlSolver.DEFAULT_TOLERANCE, where);
                    double[] alpha = s.weights();
                    for (double a : alpha) {
                        assertTrue(a > 0.0 && Double.isFinite(a), where);
                    }
                    double rho = s.ridge();
                    assertEquals(expectedRidge(k), rho, 1e-9 * trace(k), where);
                    double[] d = Gradients.combine(alpha, g);
                    double scale = Gradients.termScale(alpha, g);
                    // α_t (g_t·d + ρ α_t) = 1, i.e. (K + ρI) α = 1/α, checked on the vectors
                    for (int t = 0; t < tasks; t++) {
                        double product = alpha[t] * (Gradients.dot(g[t], d) + rho * alpha[t]);
                        double allowed = 1e-9 * (1.0 + alpha[t] * Gradients.norm(g[t]) * scale);
                        assertEquals(1.0, product, allowed, where + " task " + t);
                    }
                    if (rho == 0.0) {
                        // ‖d‖² = αᵀKα = Σ_t α_t (Kα)_t = T
                        assertEquals(tasks, Gradients.dot(d, d), 1e-9 * (tasks + scale * scale));
                        exact++;
                    } else {
                        regularised++;
                    }
                }
            }
        }
        assertTrue(exact > 400, "too few well-posed problems: " + exact);
        assertTrue(regularised > 50, "too few regularised problems: " + regularised);
    }

    @Test
    void closedForms() {
        assertArrayEquals(new double[] {0.5}, NashMtlSolver.solve(new double[][] {{4}}).weights());
        // orthogonal gradients: α_t = 1/‖g_t‖
        double[][] k = {{4, 0, 0}, {0, 0.25, 0}, {0, 0, 9}};
        assertArrayEquals(
                new double[] {0.5, 2.0, 1.0 / 3}, NashMtlSolver.solve(k).weights(), 1e-15);
        // T identical gradients of squared norm q: α = 1/√(qT) each, no ridge needed
        double[] v = {1.0, 2.0, -2.0};
        NashMtlSolver.Solution same =
                NashMtlSolver.solve(Gradients.gram(new double[][] {v, v, v, v}));
        assertEquals(0.0, same.ridge());
        double expected = 1.0 / Math.sqrt(9.0 * 4);
        assertArrayEquals(
                new double[] {expected, expected, expected, expected}, same.weights(), 1e-15);
    }

    @Test
    void weightsScaleAsInverseGradientNormAndDirectionIsScaleFree() {
        Random rng = new Random(42);
        for (int c = 0; c < 30; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] g = Gradients.random(rng, tasks, 6);
            double[][] k = Gradients.gram(g);
            double[] reference = NashMtlSolver.solve(k).weights();
            for (int exponent : new int[] {-800, -101, -2, 3, 100, 800}) {
                // gradients times 2^(e/2)... i.e. K times 2^e: α times 2^(−e/2)
                double[][] scaled = Gradients.scaled(k, Math.scalb(1.0, exponent));
                if (!(MinNormSolver.maxAbsEntry(scaled) < Double.MAX_VALUE / 8)) {
                    continue;
                }
                double[] alpha = NashMtlSolver.solve(scaled).weights();
                double factor = Math.pow(2.0, -exponent / 2.0);
                for (int t = 0; t < tasks; t++) {
                    assertEquals(reference[t] * factor, alpha[t], 1e-13 * reference[t] * factor);
                }
            }
        }
    }

    /**
     * The authors' program divides K by N = ‖K‖_F and constrains −log(α_t·N) − log((K/N·α)_t) ≤ 0.
     * At the weights returned here every one of their constraints holds with equality (the bound
     * their objective drives α to), whatever N is. The weights solved for K/N instead (√N times
     * larger), which an earlier reading took for theirs, miss every constraint by log N.
     */
    @Test
    void weightsMeetTheAuthorsNormalisedConstraintsWithEquality() {
        Random rng = new Random(43);
        for (int c = 0; c < 20; c++) {
            int tasks = 2 + rng.nextInt(5);
            double scale = Math.pow(10.0, rng.nextInt(7) - 3);
            double[][] k = Gradients.scaled(Gradients.gram(Gradients.random(rng, tasks, 8)), scale);
            double n = 0.0;
            for (double[] row : k) {
                for (double x : row) {
                    n += x * x;
                }
            }
            n = Math.sqrt(n);
            double[][] normalised = Gradients.scaled(k, 1.0 / n);
            double[] ours = NashMtlSolver.solve(k).weights();
            double[] kAlpha = DualConeQpSolver.multiply(normalised, ours);
            for (int t = 0; t < tasks; t++) {
                double constraint = -Math.log(ours[t] * n) - Math.log(kAlpha[t]);
                assertEquals(0.0, constraint, 1e-10, "case " + c + " task " + t);
            }
            if (Math.abs(n - 1) > 1e-3) {
                double[] other = NashMtlSolver.solve(normalised).weights();
                double[] kOther = DualConeQpSolver.multiply(normalised, other);
                for (int t = 0; t < tasks; t++) {
                    double constraint = -Math.log(other[t] * n) - Math.log(kOther[t]);
                    assertEquals(-Math.log(n), constraint, 1e-9, "case " + c + " task " + t);
                }
            }
        }
    }

    // ---- degenerate inputs ----

    @Test
    void zeroGradientGetsTheRidgeCappedWeight() {
        double[][] g = {{1, 0}, {0, 0}, {0, 2}};
        double[][] k = Gradients.gram(g);
        NashMtlSolver.Solution s = NashMtlSolver.solve(k);
        assertTrue(s.converged());
        assertEquals(KAPPA * 5.0, s.ridge(), 1e-15);
        double[] alpha = s.weights();
        assertEquals(1.0 / Math.sqrt(KAPPA * 5.0), alpha[1], 1e-9 * alpha[1]);
        // the others solve (K_tt + ρ) α_t² = 1
        assertEquals(1.0 / Math.sqrt(1.0 + KAPPA * 5), alpha[0], 1e-14);
        assertEquals(1.0 / Math.sqrt(4.0 + KAPPA * 5), alpha[2], 1e-14);
    }

    @Test
    void exactlyOppositeGradientsGetFiniteEqualWeights() {
        double[] v = {0.6, -0.8};
        double[][] g = {v, {-0.6, 0.8}};
        NashMtlSolver.Solution s = NashMtlSolver.solve(Gradients.gram(g));
        assertTrue(s.converged());
        double expected = 1.0 / Math.sqrt(2.0 * KAPPA);
        assertArrayEquals(new double[] {expected, expected}, s.weights(), 1e-9 * expected);
        assertEquals(0.0, Gradients.norm(Gradients.combine(s.weights(), g)), 1e-9);
        // without the ridge there is no solution: the iteration cap is hit, weights stay finite
        NashMtlSolver.Solution raw = NashMtlSolver.solve(Gradients.gram(g), 0.0, 50, 1e-12);
        assertFalse(raw.converged());
        assertEquals(50, raw.iterations());
        assertTrue(Gradients.allFinite(raw.weights()));
        assertEquals(0.0, raw.ridge());
    }

    @Test
    void allZeroRankDeficientAndIndefiniteInputs() {
        NashMtlSolver.Solution zero = NashMtlSolver.solve(new double[3][3]);
        assertArrayEquals(new double[] {1, 1, 1}, zero.weights(), 0.0);
        assertFalse(zero.converged());
        assertEquals(1.0, zero.residual());
        assertArrayEquals(new double[] {1}, NashMtlSolver.solve(new double[][] {{0}}).weights());
        Random rng = new Random(44);
        for (int r = 0; r < 100; r++) {
            int tasks = 3 + rng.nextInt(4);
            double[][] g = Gradients.random(rng, tasks, 1 + rng.nextInt(2));
            NashMtlSolver.Solution s = NashMtlSolver.solve(Gradients.gram(g));
            assertTrue(s.converged() && Gradients.allFinite(s.weights()), "rank-deficient " + r);
            double[] eigen = new double[tasks];
            for (int t = 0; t < tasks; t++) {
                eigen[t] = t < 2 ? 1.0 + rng.nextDouble() : -1e-16;
            }
            NashMtlSolver.Solution indefinite =
                    NashMtlSolver.solve(Gradients.withEigenvalues(rng, eigen));
            assertTrue(indefinite.converged(), "indefinite " + r);
            for (double a : indefinite.weights()) {
                assertTrue(a > 0.0 && Double.isFinite(a));
            }
        }
    }

    @Test
    void rejectsInvalidInput() {
        double[][] k = {{1, 0}, {0, 1}};
        assertMessage(() -> NashMtlSolver.solve(k, Double.NaN, 10, 1e-12), "ridge = NaN");
        assertMessage(() -> NashMtlSolver.solve(k, -1e-3, 10, 1e-12), "ridge = -0.001");
        assertMessage(() -> NashMtlSolver.solve(k, 1e-6, -1, 1e-12), "maxIterations = -1");
        assertMessage(
                () -> NashMtlSolver.solve(k, 1e-6, 10, Double.POSITIVE_INFINITY), "tolerance");
        assertMessage(() -> NashMtlSolver.solve(new double[][] {{-1}}), "negative");
    }

    // ---- helpers ----

    /** ρ = max(0, κ·trace(K) − T·m), with m the min-norm value of the convex hull. */
    static double expectedRidge(double[][] k) {
        double[] v = MinNormSolver.solve(k).weights();
        double m = Gradients.dot(v, DualConeQpSolver.multiply(k, v));
        return Math.max(0.0, KAPPA * trace(k) - k.length * m);
    }

    static double trace(double[][] k) {
        double sum = 0.0;
        for (int t = 0; t < k.length; t++) {
            sum += k[t][t];
        }
        return sum;
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
