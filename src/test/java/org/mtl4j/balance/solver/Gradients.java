package org.mtl4j.balance.solver;

import java.util.Arrays;
import java.util.Random;

/** Explicit gradient vectors and plain-loop linear algebra for the solver tests. */
final class Gradients {

    /** Dimensions used by the random tests; several are smaller than T. */
    static final int[] DIMENSIONS = {1, 2, 3, 5, 10};

    private Gradients() {}

    /** T random Gaussian gradients of the given dimension, each with a random log-normal scale. */
    static double[][] random(Random rng, int tasks, int dim) {
        double[][] g = new double[tasks][dim];
        for (int t = 0; t < tasks; t++) {
            double scale = Math.exp(rng.nextGaussian());
            for (int p = 0; p < dim; p++) {
                g[t][p] = scale * rng.nextGaussian();
            }
        }
        return g;
    }

    static double[][] gram(double[][] g) {
        int n = g.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] = dot(g[i], g[j]);
            }
        }
        return k;
    }

    /** {@code Σ_t c_t g_t}. */
    static double[] combine(double[] c, double[][] g) {
        double[] out = new double[g[0].length];
        for (int t = 0; t < g.length; t++) {
            for (int p = 0; p < out.length; p++) {
                out[p] += c[t] * g[t][p];
            }
        }
        return out;
    }

    static double dot(double[] a, double[] b) {
        double sum = 0.0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** {@code Σ_t |c_t| ‖g_t‖}: the scale of the terms summed in {@code Σ_t c_t g_t}. */
    static double termScale(double[] c, double[][] g) {
        double sum = 0.0;
        for (int t = 0; t < g.length; t++) {
            sum += Math.abs(c[t]) * norm(g[t]);
        }
        return sum;
    }

    static double[] difference(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
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

    static double[] uniform(int n) {
        double[] out = new double[n];
        Arrays.fill(out, 1.0 / n);
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
     * A symmetric matrix {@code Q diag(eigenvalues) Qᵀ} for a random orthogonal Q (Gram–Schmidt of
     * Gaussian columns); with tiny negative eigenvalues this mimics a rounded Gram matrix.
     */
    static double[][] withEigenvalues(Random rng, double[] eigenvalues) {
        int n = eigenvalues.length;
        double[][] q = new double[n][n];
        for (int c = 0; c < n; c++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextGaussian();
            }
            for (int prev = 0; prev < c; prev++) {
                double proj = dot(v, q[prev]);
                for (int i = 0; i < n; i++) {
                    v[i] -= proj * q[prev][i];
                }
            }
            double len = norm(v);
            for (int i = 0; i < n; i++) {
                q[c][i] = v[i] / len;
            }
        }
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = 0.0;
                for (int c = 0; c < n; c++) {
                    sum += q[c][i] * eigenvalues[c] * q[c][j];
                }
                k[i][j] = sum;
                k[j][i] = sum;
            }
        }
        return k;
    }
}
