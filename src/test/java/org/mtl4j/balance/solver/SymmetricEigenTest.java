package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void decomposesRandomSymmetricMatrices() {
        Random rng = new Random(11);
        for (int n = 1; n <= 8; n++) {
            for (int c = 0; c < 25; c++) {
                double[][] a = randomSymmetric(rng, n, Math.scalb(1.0, rng.nextInt(200) - 100));
                SymmetricEigen.Decomposition d = SymmetricEigen.decompose(a);
                assertTrue(d.converged());
                assertTrue(d.sweeps() <= 12, "sweeps = " + d.sweeps());
                assertIsEigenDecomposition(a, d);
            }
        }
    }

    @Test
    void rankDeficientGramMatrixHasZeroEigenvalues() {
        Random rng = new Random(12);
        for (int c = 0; c < 30; c++) {
            int tasks = 3 + rng.nextInt(4);
            int dim = 1 + rng.nextInt(tasks - 1);
            double[][] k = Vectors.gramOf(Vectors.randomGradients(rng, tasks, dim));
            SymmetricEigen.Decomposition d = SymmetricEigen.decompose(k);
            assertIsEigenDecomposition(k, d);
            assertEquals(dim, d.rank(1e-10));
            for (int r = dim; r < tasks; r++) {
                assertTrue(Math.abs(d.values()[r]) <= 1e-13 * d.values()[0]);
            }
        }
    }

    @Test
    void pseudoInverseProjectsOntoTheRange() {
        // A = diag(4, 1, 0) rotated: A⁺ b recovers the range part of b scaled by 1/λ.
        double s = Math.sqrt(0.5);
        double[][] v = {{s, s, 0}, {-s, s, 0}, {0, 0, 1}};
        double[] lambda = {4, 1, 0};
        double[][] a = new double[3][3];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    a[i][j] += lambda[k] * v[k][i] * v[k][j];
                }
            }
        }
        SymmetricEigen.Decomposition d = SymmetricEigen.decompose(a);
        assertArrayEquals(new double[] {4, 1, 0}, d.values(), 1e-15);
        double[] b = {1, 2, 3};
        double[] x = SymmetricEigen.pseudoInverseTimes(d, b, 1e-12);
        double[] expected = new double[3];
        for (int k = 0; k < 2; k++) {
            double c = Vectors.dot(v[k], b) / lambda[k];
            for (int i = 0; i < 3; i++) {
                expected[i] += c * v[k][i];
            }
        }
        assertArrayEquals(expected, x, 1e-15);
        assertEquals(2, d.rank(1e-12));
    }

    @Test
    void trivialMatrices() {
        SymmetricEigen.Decomposition one = SymmetricEigen.decompose(new double[][] {{-3}});
        assertArrayEquals(new double[] {-3}, one.values());
        assertArrayEquals(new double[] {1}, one.vectors()[0]);
        assertEquals(0, one.rank(1e-10));

        SymmetricEigen.Decomposition zero = SymmetricEigen.decompose(new double[3][3]);
        assertArrayEquals(new double[3], zero.values());
        assertTrue(zero.converged());
        assertEquals(0, zero.sweeps());
        assertEquals(0, zero.rank(0.0));

        double big = 1e300;
        SymmetricEigen.Decomposition huge =
                SymmetricEigen.decompose(new double[][] {{big, big}, {big, big}});
        assertEquals(2 * big, huge.values()[0], 1e-15 * big);
        assertEquals(0.0, huge.values()[1], 1e-15 * big);
        double tiny = 1e-310;
        SymmetricEigen.Decomposition subnormal =
                SymmetricEigen.decompose(new double[][] {{tiny, 0}, {0, 2 * tiny}});
        assertArrayEquals(new double[] {2 * tiny, tiny}, subnormal.values(), 0.0);
    }

    @Test
    void sweepCapIsReported() {
        double[][] a = {{1, 2, 3}, {2, 4, 5}, {3, 5, 6}};
        SymmetricEigen.Decomposition capped = SymmetricEigen.decompose(a, 0);
        assertFalse(capped.converged());
        assertEquals(0, capped.sweeps());
        SymmetricEigen.Decomposition full = SymmetricEigen.decompose(a);
        assertTrue(full.converged());
        assertIsEigenDecomposition(a, full);
    }

    @Test
    void rejectsInvalidMatrices() {
        assertMessage(new double[][] {{1, 2}, {3, 4}}, "not symmetric");
        assertMessage(new double[][] {{1, 2}}, "not square");
        assertMessage(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}, "NaN");
        assertMessage(new double[0][0], "empty");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SymmetricEigen.decompose(new double[][] {{1}}, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    private static void assertMessage(double[][] a, String expected) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(a));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static void assertIsEigenDecomposition(double[][] a, SymmetricEigen.Decomposition d) {
        int n = a.length;
        double scale = 0.0;
        for (double[] row : a) {
            for (double x : row) {
                scale = Math.max(scale, Math.abs(x));
            }
        }
        double trace = 0.0;
        for (int k = 0; k < n; k++) {
            trace += a[k][k];
            if (k > 0) {
                assertTrue(d.values()[k - 1] >= d.values()[k], "not descending");
            }
            double[] v = d.vectors()[k];
            for (int i = 0; i < n; i++) {
                double av = Vectors.dot(a[i], v);
                assertEquals(d.values()[k] * v[i], av, 1e-13 * n * scale, "A v != λ v");
            }
            for (int l = 0; l < n; l++) {
                assertEquals(k == l ? 1.0 : 0.0, Vectors.dot(v, d.vectors()[l]), 1e-14 * n);
            }
        }
        assertEquals(trace, Vectors.sum(d.values()), 1e-13 * n * scale);
    }

    private static double[][] randomSymmetric(Random rng, int n, double scale) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                a[i][j] = scale * rng.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        return a;
    }
}
