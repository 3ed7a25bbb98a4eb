package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.balance.solver.ImtlGSolverTest.assertMessage;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AlignedMtlSolverTest {

    private static final double TOL = AlignedMtlSolver.DEFAULT_RANK_TOLERANCE;

    // ---- defining property: the aligned gradient matrix has condition number 1 ----

    @Test
    void alignedGradientMatrixHasConditionNumberOne() {
        Random rng = new Random(2023);
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int dim = 1; dim <= 9; dim++) {
                for (AlignedMtlSolver.Scale scale : AlignedMtlSolver.Scale.values()) {
                    double[][] g = Vectors.randomGradients(rng, tasks, dim);
                    AlignedMtlSolver.Solution s =
                            AlignedMtlSolver.solve(Vectors.gramOf(g), null, scale, TOL);
                    assertTrue(s.converged());
                    assertEquals(Math.min(tasks, dim), s.rank());
                    double[][] aligned = alignedVectors(s.alignment(), g);
                    double[][] a = Vectors.gramOf(aligned);
                    double sigmaSq = s.scale() * s.scale();
                    // A = ĜᵀĜ satisfies A² = σ² A with trace R σ²: its eigenvalues are 0 or σ²,
                    // so every non-zero singular value of Ĝ equals σ.
                    for (int i = 0; i < tasks; i++) {
                        for (int j = 0; j < tasks; j++) {
                            double aa = Vectors.dot(a[i], column(a, j));
                            assertEquals(sigmaSq * a[i][j], aa, 1e-9 * sigmaSq * sigmaSq);
                        }
                    }
                    double trace = 0.0;
                    for (int i = 0; i < tasks; i++) {
                        trace += a[i][i];
                    }
                    assertEquals(s.rank() * sigmaSq, trace, 1e-9 * tasks * sigmaSq);
                    assertEquals(tasks - s.rank(), Vectors.eigenvaluesBelow(a, 0.5 * sigmaSq));
                    // The update is the weighted sum of the aligned gradients.
                    double[] ones = new double[tasks];
                    Arrays.fill(ones, 1.0);
                    assertArrayEquals(
                            Vectors.combine(ones, aligned),
                            Vectors.combine(s.weights(), g),
                            1e-12 * Math.max(1.0, s.scale()) * tasks);
                }
            }
        }
    }

    @Test
    void scaleIsTheRequestedSingularValue() {
        Random rng = new Random(17);
        for (int c = 0; c < 100; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, tasks, tasks + 2));
            double min = sigmaSq(k, AlignedMtlSolver.Scale.MIN);
            double median = sigmaSq(k, AlignedMtlSolver.Scale.MEDIAN);
            double rmse = sigmaSq(k, AlignedMtlSolver.Scale.RMSE);
            // Inertia (independent of the Jacobi solver): no eigenvalue below λ_min, and the
            // lower median has (T − 1) / 2 eigenvalues below it.
            assertEquals(0, Vectors.eigenvaluesBelow(k, min * (1 - 1e-9)));
            assertEquals(1, Vectors.eigenvaluesBelow(k, min * (1 + 1e-9)));
            int below = (tasks - 1) / 2;
            assertEquals(below, Vectors.eigenvaluesBelow(k, median * (1 - 1e-9)));
            assertEquals(below + 1, Vectors.eigenvaluesBelow(k, median * (1 + 1e-9)));
            double trace = 0.0;
            for (int t = 0; t < tasks; t++) {
                trace += k[t][t];
            }
            assertEquals(trace / tasks, rmse, 1e-12 * trace);
        }
    }

    @Test
    void matchesPolarDecompositionOnVectors() {
        Random rng = new Random(41);
        int checked = 0;
        for (int c = 0; c < 200; c++) {
            int tasks = 1 + rng.nextInt(6);
            double[][] g = Vectors.randomGradients(rng, tasks, tasks + rng.nextInt(5));
            double[] w = new double[tasks];
            for (int t = 0; t < tasks; t++) {
                w[t] = rng.nextDouble();
            }
            AlignedMtlSolver.Solution s =
                    AlignedMtlSolver.solve(Vectors.gramOf(g), w, AlignedMtlSolver.Scale.MIN, TOL);
            double[][] polar = newtonSchulzPolar(g);
            if (polar == null) {
                continue; // too ill-conditioned for the reference iteration
            }
            double[] expected = Vectors.combine(w, polar);
            for (int p = 0; p < expected.length; p++) {
                expected[p] *= s.scale();
            }
            assertArrayEquals(
                    expected, Vectors.combine(s.weights(), g), 1e-9 * Vectors.norm(expected));
            checked++;
        }
        assertTrue(checked > 150, "checked = " + checked);
    }

    @Test
    void orthogonalEqualNormGradientsAreUnchanged() {
        double[][] g = {{2, 0, 0}, {0, 2, 0}, {0, 0, 2}};
        AlignedMtlSolver.Solution s = AlignedMtlSolver.solve(Vectors.gramOf(g));
        assertArrayEquals(new double[] {1, 1, 1}, s.weights(), 1e-15);
        assertEquals(2.0, s.scale(), 1e-15);
    }

    // ---- degenerate inputs ----

    @Test
    void degenerateInputs() {
        // T = 1: the gradient itself (times its weight).
        AlignedMtlSolver.Solution one =
                AlignedMtlSolver.solve(
                        new double[][] {{5}}, new double[] {3}, AlignedMtlSolver.Scale.MIN, TOL);
        assertArrayEquals(new double[] {3}, one.weights(), 1e-15);
        // A zero gradient lowers the rank and gets no share.
        double[][] g = {{1, 0}, {0, 0}, {0, 3}};
        AlignedMtlSolver.Solution zero = AlignedMtlSolver.solve(Vectors.gramOf(g));
        assertEquals(2, zero.rank());
        assertArrayEquals(new double[] {1, 0, 1.0 / 3}, zero.weights(), 1e-15);
        // All zero.
        AlignedMtlSolver.Solution none = AlignedMtlSolver.solve(new double[2][2]);
        assertArrayEquals(new double[2], none.weights(), 0.0);
        assertEquals(0, none.rank());
        assertEquals(0.0, none.scale());
        // Identical gradients: each aligned gradient equals g.
        double[][] same = {{1, 2}, {1, 2}, {1, 2}};
        AlignedMtlSolver.Solution s = AlignedMtlSolver.solve(Vectors.gramOf(same));
        assertEquals(1, s.rank());
        assertArrayEquals(new double[] {3, 6}, Vectors.combine(s.weights(), same), 1e-14);
        // Exactly opposite gradients cancel.
        double[][] opposite = {{1, 2}, {-1, -2}};
        AlignedMtlSolver.Solution o = AlignedMtlSolver.solve(Vectors.gramOf(opposite));
        assertArrayEquals(new double[] {0, 0}, o.weights(), 1e-15);
    }

    @Test
    void rankDeficientAndSlightlyIndefiniteInputs() {
        Random rng = new Random(6);
        for (int c = 0; c < 100; c++) {
            int tasks = 2 + rng.nextInt(5);
            int dim = 1 + rng.nextInt(tasks - 1);
            double[][] g = Vectors.randomGradients(rng, tasks, dim);
            double[][] k = Vectors.gramOf(g);
            k[0][0] *= 1 - 1e-15; // nudges the zero eigenvalues to about ±1e-16
            AlignedMtlSolver.Solution s = AlignedMtlSolver.solve(k);
            assertEquals(dim, s.rank());
            assertTrue(Vectors.allFinite(s.weights()));
            assertTrue(s.scale() > 0.0);
        }
    }

    // ---- scale, validation ----

    @Test
    void scaleInvariant() {
        Random rng = new Random(10);
        for (int c = 0; c < 20; c++) {
            double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, 1 + rng.nextInt(5), 4));
            AlignedMtlSolver.Solution reference = AlignedMtlSolver.solve(k);
            for (int exponent : new int[] {-1000, -7, 300, 1001}) {
                AlignedMtlSolver.Solution s =
                        AlignedMtlSolver.solve(Vectors.scaled(k, Math.scalb(1.0, exponent)));
                assertArrayEquals(reference.weights(), s.weights(), 0.0);
                double expected = reference.scale() * Math.pow(2.0, exponent / 2.0);
                assertEquals(expected, s.scale(), 1e-14 * expected);
            }
        }
    }

    @Test
    void rejectsInvalidInput() {
        double[][] k = {{1, 0}, {0, 1}};
        AlignedMtlSolver.Scale min = AlignedMtlSolver.Scale.MIN;
        assertMessage(() -> AlignedMtlSolver.solve(new double[][] {{1, 0}}), "not square");
        assertMessage(() -> AlignedMtlSolver.solve(new double[][] {{Double.NaN}}), "NaN");
        assertMessage(() -> AlignedMtlSolver.solve(k, new double[] {1, -2}, min, TOL), "-2.0");
        assertMessage(
                () -> AlignedMtlSolver.solve(k, new double[] {1, Double.NaN}, min, TOL), "NaN");
        assertMessage(() -> AlignedMtlSolver.solve(k, new double[] {1}, min, TOL), "1 entries");
        assertMessage(() -> AlignedMtlSolver.solve(k, null, min, -1.0), "-1.0");
        assertThrows(NullPointerException.class, () -> AlignedMtlSolver.solve(k, null, null, TOL));
    }

    // ---- helpers ----

    private static double sigmaSq(double[][] k, AlignedMtlSolver.Scale scale) {
        double sigma = AlignedMtlSolver.solve(k, null, scale, TOL).scale();
        return sigma * sigma;
    }

    /** Aligned gradients ĝ_t = Σ_i B[i][t] g_i. */
    private static double[][] alignedVectors(double[][] b, double[][] g) {
        double[][] out = new double[g.length][];
        for (int t = 0; t < g.length; t++) {
            out[t] = Vectors.combine(column(b, t), g);
        }
        return out;
    }

    private static double[] column(double[][] m, int j) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i][j];
        }
        return out;
    }

    /**
     * Orthogonal polar factor Q = U Vᵀ of the gradient matrix (columns g_t) by the Newton–Schulz
     * iteration X ← X (3I − XᵀX)/2 from X = G/‖G‖_F; returns the columns q_t, or null if it does
     * not converge within 500 iterations.
     */
    private static double[][] newtonSchulzPolar(double[][] g) {
        int tasks = g.length;
        int dim = g[0].length;
        double frobenius = 0.0;
        for (double[] row : g) {
            frobenius += Vectors.dot(row, row);
        }
        frobenius = Math.sqrt(frobenius);
        double[][] x = new double[tasks][dim];
        for (int t = 0; t < tasks; t++) {
            for (int p = 0; p < dim; p++) {
                x[t][p] = g[t][p] / frobenius;
            }
        }
        for (int iteration = 0; iteration < 500; iteration++) {
            double[][] m = Vectors.gramOf(x);
            double deviation = 0.0;
            for (int i = 0; i < tasks; i++) {
                for (int j = 0; j < tasks; j++) {
                    deviation = Math.max(deviation, Math.abs(m[i][j] - (i == j ? 1 : 0)));
                }
            }
            if (deviation < 1e-14) {
                return x;
            }
            double[][] next = new double[tasks][dim];
            for (int t = 0; t < tasks; t++) {
                for (int p = 0; p < dim; p++) {
                    double s = 1.5 * x[t][p];
                    for (int u = 0; u < tasks; u++) {
                        s -= 0.5 * x[u][p] * m[u][t];
                    }
                    next[t][p] = s;
                }
            }
            x = next;
        }
        return null;
    }
}
