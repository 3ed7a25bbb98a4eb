package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FairGradSolverTest {

    private static final double[] ALPHAS = {0.1, 0.5, 1.0, 2.0, 5.0, 10.0};

    @Test
    void solvesTheFixedPointEquationOnTheVectors() {
        Random rng = new Random(51);
        int exact = 0;
        for (double a : ALPHAS) {
            double p = 1.0 / a;
            for (int tasks = 1; tasks <= 6; tasks++) {
                for (int dim : Gradients.DIMENSIONS) {
                    for (int rep = 0; rep < 8; rep++) {
                        double[][] g = Gradients.random(rng, tasks, dim);
                        double[][] k = Gradients.gram(g);
                        FairGradSolver.Solution s = FairGradSolver.solve(k, a);
                        String where = "alpha=" + a + " T=" + tasks + " P=" + dim + " " + rep;
                        assertTrue(s.converged(), where + " residual " + s.residual());
                        double[] w = s.weights();
                        double rho = s.ridge();
                        assertEquals(NashMtlSolverTest.expectedRidge(k), rho, 1e-9 * trace(k));
                        double[] d = Gradients.combine(w, g);
                        double scale = Gradients.termScale(w, g);
                        for (int t = 0; t < tasks; t++) {
                            assertTrue(w[t] > 0.0 && Double.isFinite(w[t]), where);
                            // (K + ρI) w = w^(−1/α), on the vectors, relative to the terms
                            double lhs = Gradients.dot(g[t], d) + rho * w[t];
                            double rhs = Math.pow(w[t], -p);
                            double allowed =
                                    1e-9 * (rhs + Gradients.norm(g[t]) * scale + rho * w[t]);
                            assertEquals(rhs, lhs, allowed, where + " task " + t);
                        }
                        exact += rho == 0.0 ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(exact > 600, "too few well-posed problems: " + exact);
    }

    @Test
    void alphaOneIsNashMtl() {
        Random rng = new Random(52);
        for (int c = 0; c < 100; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] k = Gradients.gram(Gradients.random(rng, tasks, 1 + rng.nextInt(8)));
            double[] nash = NashMtlSolver.solve(k).weights();
            double[] fair = FairGradSolver.solve(k, 1.0).weights();
            for (int t = 0; t < tasks; t++) {
                assertEquals(nash[t], fair[t], 1e-14 * nash[t]);
            }
            assertArrayEquals(fair, FairGradSolver.solve(k).weights(), 0.0); // default α = 1
        }
    }

    @Test
    void closedFormsForOrthogonalGradients() {
        double[][] k = {{4, 0, 0}, {0, 0.25, 0}, {0, 0, 9}};
        for (double a : ALPHAS) {
            double[] w = FairGradSolver.solve(k, a).weights();
            for (int t = 0; t < 3; t++) {
                // K_tt w_t = w_t^(−1/α)  ⇔  w_t = K_tt^(−α/(1+α))
                double expected = Math.pow(k[t][t], -a / (1 + a));
                assertEquals(expected, w[t], 1e-14 * expected, "alpha " + a);
            }
            double[] single = FairGradSolver.solve(new double[][] {{4}}, a).weights();
            assertEquals(Math.pow(4, -a / (1 + a)), single[0], 1e-15);
        }
    }

    @Test
    void weightsScaleWithThePowerMinusAlphaOverOnePlusAlpha() {
        Random rng = new Random(53);
        for (double a : ALPHAS) {
            for (int c = 0; c < 10; c++) {
                int tasks = 1 + rng.nextInt(5);
                double[][] k = Gradients.gram(Gradients.random(rng, tasks, 6));
                double[] reference = FairGradSolver.solve(k, a).weights();
                for (int exponent : new int[] {-300, -7, 40, 300}) {
                    double[] w =
                            FairGradSolver.solve(Gradients.scaled(k, Math.scalb(1.0, exponent)), a)
                                    .weights();
                    double factor = Math.pow(2.0, -exponent * a / (1 + a));
                    for (int t = 0; t < tasks; t++) {
                        double expected = reference[t] * factor;
                        assertEquals(expected, w[t], 1e-12 * expected, "alpha " + a);
                    }
                }
            }
        }
    }

    @Test
    void largerAlphaFavoursTheTaskWithTheSmallerGradient() {
        // Orthogonal gradients of norms 1 and 10: w_2/w_1 = 100^(−α/(1+α)), so as α grows the
        // small-gradient task receives relatively more weight (towards max-min fairness).
        double[][] k = {{1, 0}, {0, 100}};
        double previous = Double.POSITIVE_INFINITY;
        for (double a : ALPHAS) {
            double[] w = FairGradSolver.solve(k, a).weights();
            double ratio = w[1] / w[0];
            assertTrue(ratio < previous, "alpha " + a);
            previous = ratio;
        }
    }

    @Test
    void degenerateInputs() {
        double[] v = {0.6, -0.8};
        double[] minus = {-0.6, 0.8};
        Random rng = new Random(54);
        for (double a : ALPHAS) {
            FairGradSolver.Solution zero = FairGradSolver.solve(new double[2][2], a);
            assertArrayEquals(new double[] {1, 1}, zero.weights(), 0.0);
            assertFalse(zero.converged());
            // zero gradient among others, identical and opposite gradients
            double[][][] cases = {
                {{1, 0}, {0, 0}, {0, 2}}, {v, v, v}, {v, minus}, {v, minus, {0.8, 0.6}}
            };
            for (double[][] g : cases) {
                FairGradSolver.Solution s = FairGradSolver.solve(Gradients.gram(g), a);
                assertTrue(s.converged(), "alpha " + a + " residual " + s.residual());
                for (double x : s.weights()) {
                    assertTrue(x > 0.0 && Double.isFinite(x));
                }
            }
            for (int r = 0; r < 20; r++) {
                int tasks = 3 + rng.nextInt(4);
                double[] eigen = new double[tasks];
                for (int t = 0; t < tasks; t++) {
                    eigen[t] = t < 2 ? 1.0 + rng.nextDouble() : -1e-16;
                }
                FairGradSolver.Solution s =
                        FairGradSolver.solve(Gradients.withEigenvalues(rng, eigen), a);
                assertTrue(s.converged() && Gradients.allFinite(s.weights()), "indefinite");
            }
        }
    }

    @Test
    void rejectsInvalidInput() {
        double[][] k = {{1, 0}, {0, 1}};
        for (double a : new double[] {0.0, -1.0, 0.001, 1000.0, Double.NaN, 1.0 / 0.0}) {
            NashMtlSolverTest.assertMessage(() -> FairGradSolver.solve(k, a), "alpha = " + a);
        }
        NashMtlSolverTest.assertMessage(
                () -> FairGradSolver.solve(k, 2.0, -1.0, 10, 1e-12), "ridge = -1.0");
        NashMtlSolverTest.assertMessage(
                () -> FairGradSolver.solve(k, 2.0, 1e-6, -3, 1e-12), "maxIterations = -3");
        NashMtlSolverTest.assertMessage(
                () -> FairGradSolver.solve(k, 2.0, 1e-6, 10, Double.NaN), "tolerance = NaN");
        NashMtlSolverTest.assertMessage(
                () -> FairGradSolver.solve(new double[][] {{1, 0.5}, {0, 1}}), "symmetric");
    }

    private static double trace(double[][] k) {
        return NashMtlSolverTest.trace(k);
    }
}
