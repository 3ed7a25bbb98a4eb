package org.mtl4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The synthetic regression benchmark of Ma, Zhao, Yi, Chen, Hong and Chi, "Modeling Task
 * Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts", KDD 2018, §3.2, in
 * which the relatedness of tasks is controlled by the cosine similarity ρ of their weight vectors.
 *
 * <p>Paper (two tasks): orthogonal unit vectors u1, u2 ∈ R^d; w1 = c·u1, w2 = c·(ρ·u1 + sqrt(1 −
 * ρ²)·u2); x ~ N(0, I_d); y_i = w_iᵀx + Σ_{j=1..m} sin(α_j·w_iᵀx + β_j) + ε_i with ε_i ~ N(0,
 * 0.01); c = 1, m = 10, d = 100, and α_j, β_j drawn once from a standard normal distribution and
 * shared by the tasks.
 *
 * <p>Generalisation to T tasks with 0 ≤ ρ ≤ 1: orthonormal u_0..u_T (Gram–Schmidt on standard
 * Gaussian vectors, so d ≥ T + 1 is required) and w_t = c·(√ρ·u_0 + √(1 − ρ)·u_t) for t = 1..T.
 * Then |w_t| = c and cos(w_s, w_t) = ρ for every pair s ≠ t. For T = 2 this gives the same norms
 * and the same cosine as the paper's construction; since the orthonormal frame is uniformly random
 * in both, the pair (w1, w2) has the same distribution. (Negative ρ, allowed by the paper for two
 * tasks, is not supported.)
 *
 * <p>Output: {@code features.numeric} is x (rows × d, float), there are no categorical columns, and
 * task t has a regression label of width 1 (computed from the float-rounded x). The weight vectors
 * and α, β depend only on the seed; the same seed always gives the same data.
 */
public final class SyntheticMmoe {

    private SyntheticMmoe() {}

    /**
     * Generator settings.
     *
     * @param tasks number of tasks T ≥ 1
     * @param rho pairwise cosine of the task weight vectors, in [0, 1]
     * @param rows rows to generate (per task when {@code separateInputs})
     * @param features input dimension d ≥ T + 1
     * @param sinTerms number m ≥ 0 of sinusoidal terms
     * @param scale norm c &gt; 0 of every weight vector
     * @param noiseVariance variance of the label noise ε, ≥ 0
     * @param separateInputs whether each task gets its own rows (use {@link #generatePerTask})
     */
    public record Spec(
            int tasks,
            double rho,
            int rows,
            int features,
            int sinTerms,
            double scale,
            double noiseVariance,
            boolean separateInputs) {

        public Spec {
            require(tasks >= 1, "tasks must be at least 1, got " + tasks);
            require(rho >= 0 && rho <= 1, "rho must be in [0, 1], got " + rho);
            require(rows >= 1, "rows must be at least 1, got " + rows);
            require(
                    features >= tasks + 1,
                    "features must be at least tasks + 1 = "
                            + (tasks + 1)
                            + " (one shared and one own"
                            + " direction per task), got "
                            + features);
            require(sinTerms >= 0, "sin_terms must be at least 0, got " + sinTerms);
            require(scale > 0 && Double.isFinite(scale), "scale must be positive, got " + scale);
            require(
                    noiseVariance >= 0 && Double.isFinite(noiseVariance),
                    "noise_variance must be at least 0, got " + noiseVariance);
            require(
                    (long) rows * features <= Integer.MAX_VALUE,
                    "rows × features = " + (long) rows * features + " is too large");
        }

        /** The paper's settings: d = 100, m = 10, c = 1, noise variance 0.01, shared inputs. */
        public static Spec defaults(int tasks, double rho, int rows) {
            return new Spec(tasks, rho, rows, 100, 10, 1.0, 0.01, false);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("synthetic data: " + message);
            }
        }
    }

    /** Task weight vectors and sinusoid parameters, all derived from the seed. */
    private record Params(double[][] weights, double[] alpha, double[] beta) {}

    /** The T weight vectors w_1..w_T (T × d) used by {@link #generate} for this seed. */
    public static double[][] weightVectors(Spec spec, long seed) {
        return params(spec, seed).weights();
    }

    /**
     * One dataset of {@code spec.rows()} rows, with x shared by all tasks and every task observed.
     *
     * @throws IllegalArgumentException if {@code spec.separateInputs()} (use {@link
     *     #generatePerTask})
     */
    public static Dataset generate(Spec spec, long seed) {
        if (spec.separateInputs()) {
            throw new IllegalArgumentException(
                    "synthetic data with separate inputs per task: use generatePerTask");
        }
        return sample(spec, params(spec, seed), new Random(mix(seed, 0)), -1);
    }

    /**
     * T datasets of {@code spec.rows()} rows each: dataset t has its own independently drawn x
     * (same weight vectors as {@link #generate}) and labels task t only; the other tasks' labels
     * are all unobserved. Works whatever the value of {@code spec.separateInputs()}.
     */
    public static List<Dataset> generatePerTask(Spec spec, long seed) {
        Params p = params(spec, seed);
        List<Dataset> out = new ArrayList<>();
        for (int t = 0; t < spec.tasks(); t++) {
            out.add(sample(spec, p, new Random(mix(seed, t + 1)), t));
        }
        return out;
    }

    private static Params params(Spec spec, long seed) {
        Random rng = new Random(seed);
        double[][] u = orthonormal(spec.tasks() + 1, spec.features(), rng);
        double shared = Math.sqrt(spec.rho());
        double own = Math.sqrt(1 - spec.rho());
        double[][] w = new double[spec.tasks()][spec.features()];
        for (int t = 0; t < spec.tasks(); t++) {
            for (int k = 0; k < spec.features(); k++) {
                w[t][k] = spec.scale() * (shared * u[0][k] + own * u[t + 1][k]);
            }
        }
        double[] alpha = new double[spec.sinTerms()];
        double[] beta = new double[spec.sinTerms()];
        for (int j = 0; j < spec.sinTerms(); j++) {
            alpha[j] = rng.nextGaussian();
            beta[j] = rng.nextGaussian();
        }
        return new Params(w, alpha, beta);
    }

    /** {@code count} orthonormal vectors of length d: Gram–Schmidt (applied twice) on Gaussians. */
    private static double[][] orthonormal(int count, int d, Random rng) {
        double[][] u = new double[count][];
        for (int i = 0; i < count; i++) {
            double[] v = new double[d];
            double norm = 0;
            while (norm < 1e-6) {
                for (int k = 0; k < d; k++) {
                    v[k] = rng.nextGaussian();
                }
                for (int pass = 0; pass < 2; pass++) {
                    for (int j = 0; j < i; j++) {
                        double dot = dot(v, u[j]);
                        for (int k = 0; k < d; k++) {
                            v[k] -= dot * u[j][k];
                        }
                    }
                }
                norm = Math.sqrt(dot(v, v));
            }
            for (int k = 0; k < d; k++) {
                v[k] /= norm;
            }
            u[i] = v;
        }
        return u;
    }

    /** Draws the rows; labels every task if {@code only} is −1, else task {@code only} alone. */
    private static Dataset sample(Spec spec, Params p, Random rng, int only) {
        int n = spec.rows();
        int d = spec.features();
        int tasks = spec.tasks();
        double noise = Math.sqrt(spec.noiseVariance());
        float[] x = new float[n * d];
        float[][] y = new float[tasks][n];
        double[] row = new double[d];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < d; k++) {
                x[r * d + k] = (float) rng.nextGaussian();
                row[k] = x[r * d + k];
            }
            for (int t = 0; t < tasks; t++) {
                if (only < 0 || only == t) {
                    y[t][r] = (float) (response(p, t, row) + noise * rng.nextGaussian());
                }
            }
        }
        List<TaskLabels> labels = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            if (only < 0 || only == t) {
                boolean[] observed = new boolean[n];
                Arrays.fill(observed, true);
                labels.add(new TaskLabels(n, 1, y[t], observed));
            } else {
                labels.add(TaskLabels.missing(n, 1));
            }
        }
        return new Dataset(new FeatureMatrix(n, d, x, 0, new int[0]), labels);
    }

    /** Noise-free label of task t: z + Σ_j sin(α_j·z + β_j) with z = w_tᵀx. */
    private static double response(Params p, int t, double[] x) {
        double z = dot(p.weights()[t], x);
        double y = z;
        for (int j = 0; j < p.alpha().length; j++) {
            y += Math.sin(p.alpha()[j] * z + p.beta()[j]);
        }
        return y;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    /** A well-mixed seed for stream {@code k} (SplitMix64 finaliser). */
    private static long mix(long seed, long k) {
        long z = seed + (k + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133CB4EBL;
        return z ^ (z >>> 31);
    }
}
