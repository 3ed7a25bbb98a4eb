package org.mtl4j.balance.solver;

import java.util.Arrays;
import java.util.Random;

/** Explicit-vector helpers shared by the solver tests. */
final class Vectors {

    private Vectors() {}

    /** T random Gaussian gradients of the given dimension with log-normal row scales. */
    static double[][] randomGradients(Random rng, int tasks, int dim) {
        double[][] g = new double[tasks][dim];
        for (int t = 0; t < tasks; t++) {
            double rowScale = Math.exp(rng.nextGaussian());
            for (int d = 0; d < dim; d++) {
                g[t][d] = rowScale * rng.nextGaussian();
            }
        }
        return g;
    }

    static int[] randomPermutation(Random rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    static double[][] gramOf(double[][] g) {
        double[][] k = new double[g.length][g.length];
        for (int i = 0; i < g.length; i++) {
            for (int j = 0; j < g.length; j++) {
                k[i][j] = dot(g[i], g[j]);
            }
        }
        return k;
    }

    /** {@code Σ_t coefficients[t] g[t]}. */
    static double[] combine(double[] coefficients, double[][] g) {
        double[] out = new double[g[0].length];
        for (int t = 0; t < g.length; t++) {
            for (int p = 0; p < out.length; p++) {
                out[p] += coefficients[t] * g[t][p];
            }
        }
        return out;
    }

    static double[] mean(double[][] g) {
        double[] w = new double[g.length];
        Arrays.fill(w, 1.0 / g.length);
        return combine(w, g);
    }

    static double dot(double[] a, double[] b) {
        double s = 0.0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double maxNorm(double[][] g) {
        double max = 0.0;
        for (double[] row : g) {
            max = Math.max(max, norm(row));
        }
        return max;
    }

    static double[] unit(double[] a) {
        double n = norm(a);
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] / n;
        }
        return out;
    }

    static double[] minus(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    static double sum(double[] a) {
        double s = 0.0;
        for (double x : a) {
            s += x;
        }
        return s;
    }

    static double[][] scaled(double[][] k, double factor) {
        double[][] out = new double[k.length][k.length];
        for (int i = 0; i < k.length; i++) {
            for (int j = 0; j < k.length; j++) {
                out[i][j] = k[i][j] * factor;
            }
        }
        return out;
    }

    static boolean allFinite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Solves the square system {@code a x = b} by Gaussian elimination with partial pivoting (an
     * independent reference, unrelated to the Jacobi solver under test).
     */
    static double[] solveLinear(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = m[col];
            m[col] = m[pivot];
            m[pivot] = tmp;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }

    /**
     * Number of eigenvalues of the symmetric matrix {@code a} below {@code shift}, by Sylvester's
     * law of inertia on an LDLᵀ factorisation of {@code a − shift·I} (no pivoting; fine for the
     * generic shifts used in tests).
     */
    static int eigenvaluesBelow(double[][] a, double shift) {
        int n = a.length;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = a[i][j] - (i == j ? shift : 0.0);
            }
        }
        int negative = 0;
        for (int k = 0; k < n; k++) {
            double d = m[k][k];
            if (d < 0.0) {
                negative++;
            }
            for (int i = k + 1; i < n; i++) {
                double f = m[i][k] / d;
                for (int j = k + 1; j < n; j++) {
                    m[i][j] -= f * m[k][j];
                }
            }
        }
        return negative;
    }
}
