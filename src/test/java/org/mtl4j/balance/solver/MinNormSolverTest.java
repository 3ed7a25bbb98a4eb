package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MinNormSolverTest {

    private static final int CASES_PER_SIZE = 10;

    // ---- random problems against brute force and KKT ----

    @ParameterizedTest(name = "T = {0}")
    @ValueSource(ints = {2, 3, 4})
    void matchesBruteForceAndKktOnRandomGramMatrices(int tasks) {
        Random rng = new Random(20180 + tasks);
        for (int dim = 1; dim <= 10; dim++) {
            for (int c = 0; c < CASES_PER_SIZE; c++) {
                double[][] k = gramOf(randomGradients(rng, tasks, dim));
                String where = "T=" + tasks + " P=" + dim + " case=" + c;
                MinNormSolver.Solution solution = MinNormSolver.solve(k);
                double[] w = solution.weights();
                assertSimplex(w, where);
                assertTrue(solution.converged(), where + ": not converged, gap " + solution.gap());
                double scale = maxDiagonal(k);
                double brute = bruteForceMinimum(k);
                assertTrue(
                        quadratic(k, w) <= brute + 1e-10 * scale,
                        where + ": solver " + quadratic(k, w) + " > brute force " + brute);
                assertKkt(k, w, 2e-10 * scale, where);
            }
        }
    }

    @Test
    void manyTasksConvergeInFewIterations() {
        Random rng = new Random(41);
        for (int c = 0; c < 200; c++) {
            int tasks = 5 + rng.nextInt(8);
            double[][] k = gramOf(randomGradients(rng, tasks, 1 + rng.nextInt(15)));
            MinNormSolver.Solution solution = MinNormSolver.solve(k);
            String where = "case " + c + " T=" + tasks;
            assertSimplex(solution.weights(), where);
            assertTrue(solution.converged(), where);
            assertTrue(
                    solution.iterations() <= 30,
                    where + ": " + solution.iterations() + " iterations");
            assertKkt(k, solution.weights(), 2e-10 * maxDiagonal(k), where);
        }
    }

    @Test
    void nearDuplicateAndNearOppositeGradientsConverge() {
        Random rng = new Random(31);
        for (int c = 0; c < 300; c++) {
            int tasks = 3 + rng.nextInt(6);
            double noise = c % 2 == 0 ? 1e-4 : 1e-10;
            double[][] g = randomGradients(rng, tasks, 1 + rng.nextInt(8));
            for (int t = 1; t < tasks; t++) {
                if (rng.nextBoolean()) {
                    int source = rng.nextInt(t);
                    double factor = rng.nextBoolean() ? 1.0 : -3.0 * rng.nextDouble();
                    for (int d = 0; d < g[t].length; d++) {
                        g[t][d] = factor * g[source][d] + noise * rng.nextGaussian();
                    }
                }
            }
            double[][] k = gramOf(g);
            MinNormSolver.Solution solution = MinNormSolver.solve(k);
            String where = "case " + c + " T=" + tasks + " noise=" + noise;
            assertSimplex(solution.weights(), where);
            assertTrue(solution.converged(), where + ": gap " + solution.gap());
            assertKkt(k, solution.weights(), 2e-10 * maxDiagonal(k), where);
        }
    }

    @Test
    void reportedGapBoundsSuboptimality() {
        Random rng = new Random(7);
        for (int c = 0; c < 50; c++) {
            double[][] k = gramOf(randomGradients(rng, 4, 1 + rng.nextInt(6)));
            MinNormSolver.Solution solution = MinNormSolver.solve(k);
            double value = quadratic(k, solution.weights());
            assertTrue(solution.gap() >= 0.0);
            assertTrue(value - bruteForceMinimum(k) <= solution.gap() + 1e-14 * maxDiagonal(k));
        }
    }

    @Test
    void indefiniteSymmetricMatricesStillGiveSimplexWeights() {
        Random rng = new Random(99);
        for (int c = 0; c < 200; c++) {
            int n = 2 + rng.nextInt(5);
            double[][] k = new double[n][n];
            for (int i = 0; i < n; i++) {
                k[i][i] = rng.nextDouble();
                for (int j = 0; j < i; j++) {
                    k[i][j] = 2.0 * rng.nextGaussian();
                    k[j][i] = k[i][j];
                }
            }
            assertSimplex(MinNormSolver.solve(k).weights(), "indefinite case " + c);
        }
    }

    // ---- closed forms ----

    @Test
    void singleTaskGetsAllTheWeight() {
        assertArrayEquals(
                new double[] {1.0}, MinNormSolver.solve(new double[][] {{3.0}}).weights());
        assertArrayEquals(
                new double[] {1.0}, MinNormSolver.solve(new double[][] {{0.0}}).weights());
    }

    @Test
    void twoTaskClosedForm() {
        // g1 = (1, 0), g2 = (0, 2): w1 = (g2 − g1)·g2 / ‖g1 − g2‖² = 4 / 5.
        MinNormSolver.Solution solution =
                MinNormSolver.solve(gramOf(new double[][] {{1, 0}, {0, 2}}));
        assertArrayEquals(new double[] {0.8, 0.2}, solution.weights(), 1e-15);
        assertTrue(solution.converged());
        assertEquals(0, solution.iterations());
    }

    @Test
    void twoTaskClosedFormClampsToAVertex() {
        // g1 = (1, 0), g2 = (2, 0): g1 itself is the min-norm point (g1·g2 ≥ g1·g1).
        double[] w = MinNormSolver.solve(gramOf(new double[][] {{1, 0}, {2, 0}})).weights();
        assertArrayEquals(new double[] {1.0, 0.0}, w, 0.0);
        double[] swapped = MinNormSolver.solve(gramOf(new double[][] {{2, 0}, {1, 0}})).weights();
        assertArrayEquals(new double[] {0.0, 1.0}, swapped, 0.0);
    }

    @Test
    void twoPointWeightMatchesAlgorithmOne() {
        assertEquals(1.0, MinNormSolver.twoPointWeight(1.0, 1.0, 4.0));
        assertEquals(0.0, MinNormSolver.twoPointWeight(4.0, 1.0, 1.0));
        assertEquals(0.8, MinNormSolver.twoPointWeight(1.0, 0.0, 4.0), 1e-15);
        assertEquals(0.5, MinNormSolver.twoPointWeight(2.0, 2.0, 2.0));
    }

    @Test
    void equilateralTrianglePutsTheOriginInTheHull() {
        double h = Math.sqrt(3.0) / 2.0;
        double[][] k = gramOf(new double[][] {{1, 0}, {-0.5, h}, {-0.5, -h}});
        MinNormSolver.Solution solution = MinNormSolver.solve(k);
        assertTrue(solution.converged());
        assertTrue(solution.iterations() > 0);
        assertTrue(quadratic(k, solution.weights()) <= 1e-12);
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, solution.weights(), 1e-5);
    }

    @Test
    void iterationCapReportsNonConvergence() {
        double h = Math.sqrt(3.0) / 2.0;
        double[][] k = gramOf(new double[][] {{1, 0}, {-0.5, h}, {-0.5, -h}});
        MinNormSolver.Solution solution = MinNormSolver.solve(k, 0, 1e-10);
        assertFalse(solution.converged());
        assertEquals(0, solution.iterations());
        assertTrue(solution.gap() > 0.1);
        assertSimplex(solution.weights(), "capped");
    }

    // ---- degenerate inputs ----

    @Test
    void allZeroGradientsGiveUniformWeights() {
        for (int n = 2; n <= 5; n++) {
            MinNormSolver.Solution solution = MinNormSolver.solve(new double[n][n]);
            assertSimplex(solution.weights(), "zero n=" + n);
            assertEquals(1.0 / n, solution.weights()[0], 1e-15);
        }
    }

    @Test
    void identicalGradients() {
        double[] g = {0.3, -1.2, 2.0};
        for (int n = 2; n <= 5; n++) {
            double[][] grads = new double[n][];
            for (int t = 0; t < n; t++) {
                grads[t] = g.clone();
            }
            double[][] k = gramOf(grads);
            double[] w = MinNormSolver.solve(k).weights();
            assertSimplex(w, "identical n=" + n);
            assertEquals(k[0][0], quadratic(k, w), 1e-12 * k[0][0]);
        }
    }

    @Test
    void exactlyOppositeGradientsCancel() {
        double[] g = {1.5, -2.0, 0.25};
        double[] minusG = {-1.5, 2.0, -0.25};
        double[][] k = gramOf(new double[][] {g, minusG});
        double[] w = MinNormSolver.solve(k).weights();
        assertArrayEquals(new double[] {0.5, 0.5}, w, 1e-15);
        assertEquals(0.0, quadratic(k, w), 1e-15);

        double[][] unequal = gramOf(new double[][] {g, {-3.0, 4.0, -0.5}});
        double[] wu = MinNormSolver.solve(unequal).weights();
        assertArrayEquals(new double[] {2 / 3.0, 1 / 3.0}, wu, 1e-15);
        assertEquals(0.0, quadratic(unequal, wu), 1e-14);
    }

    @Test
    void oppositePairAmongThreeTasks() {
        double[][] k = gramOf(new double[][] {{1, 0}, {-1, 0}, {0, 1}});
        MinNormSolver.Solution solution = MinNormSolver.solve(k);
        assertTrue(solution.converged());
        assertArrayEquals(new double[] {0.5, 0.5, 0.0}, solution.weights(), 1e-15);
    }

    @Test
    void rankOneGramWithManyTasks() {
        double[][] k = gramOf(new double[][] {{2}, {-1}, {3}, {0.5}});
        MinNormSolver.Solution solution = MinNormSolver.solve(k);
        assertSimplex(solution.weights(), "rank one");
        assertTrue(solution.converged());
        assertEquals(0.0, quadratic(k, solution.weights()), 1e-12);
    }

    @Test
    void nearlyIdenticalGradients() {
        double[][] k = gramOf(new double[][] {{1, 1, 1}, {1, 1, 1 + 1e-13}, {1 + 1e-13, 1, 1}});
        MinNormSolver.Solution solution = MinNormSolver.solve(k);
        assertSimplex(solution.weights(), "nearly identical");
        assertEquals(3.0, quadratic(k, solution.weights()), 1e-11);
    }

    @Test
    void powerOfTwoScalingGivesIdenticalWeights() {
        Random rng = new Random(11);
        for (int c = 0; c < 20; c++) {
            double[][] k = gramOf(randomGradients(rng, 2 + rng.nextInt(4), 1 + rng.nextInt(8)));
            double[] reference = MinNormSolver.solve(k).weights();
            for (int exponent : new int[] {-900, -100, 100, 900}) {
                double[] scaled =
                        MinNormSolver.solve(scale(k, Math.scalb(1.0, exponent))).weights();
                assertArrayEquals(reference, scaled, 0.0, "exponent " + exponent);
            }
        }
    }

    @Test
    void tinyAndHugeGradientScales() {
        Random rng = new Random(12);
        for (double s : new double[] {1e-30, 1e30, 1e-150, 1e150}) {
            for (int c = 0; c < 20; c++) {
                double[][] g = randomGradients(rng, 2 + rng.nextInt(3), 1 + rng.nextInt(8));
                double[][] k = gramOf(g);
                double[][] scaledK = gramOf(scale(g, s));
                MinNormSolver.Solution solution = MinNormSolver.solve(scaledK);
                assertSimplex(solution.weights(), "scale " + s);
                assertTrue(solution.converged(), "scale " + s);
                double best = quadratic(k, MinNormSolver.solve(k).weights());
                assertEquals(best, quadratic(k, solution.weights()), 1e-9 * maxDiagonal(k));
            }
        }
    }

    @Test
    void extremeEntriesNeitherOverflowNorUnderflow() {
        double big = Double.MAX_VALUE;
        double[] w = MinNormSolver.solve(new double[][] {{big, -big}, {-big, big}}).weights();
        assertArrayEquals(new double[] {0.5, 0.5}, w, 1e-15);
        double tiny = Double.MIN_VALUE;
        double[] wt = MinNormSolver.solve(new double[][] {{tiny, 0}, {0, tiny}}).weights();
        assertArrayEquals(new double[] {0.5, 0.5}, wt, 1e-15);
        double[][] mixed = {{1e300, 1e-300, 0}, {1e-300, 1e-300, 0}, {0, 0, 1e300}};
        MinNormSolver.Solution solution = MinNormSolver.solve(mixed);
        assertSimplex(solution.weights(), "mixed");
        assertTrue(solution.weights()[1] > 0.999);
    }

    // ---- validation ----

    @Test
    void rejectsMalformedMatrices() {
        assertThrows(NullPointerException.class, () -> MinNormSolver.solve(null));
        assertThrows(IllegalArgumentException.class, () -> MinNormSolver.solve(new double[0][0]));
        assertMessage("row 1", new double[][] {{1, 0}, {0}});
        assertMessage("row 0", new double[][] {{1, 0, 0}, {0, 1, 0}});
        assertMessage("row 1", new double[][] {{1, 0}, null});
        assertMessage("[1][2] = NaN", new double[][] {{1, 0, 0}, {0, 1, Double.NaN}, {0, 0, 1}});
        assertMessage("[0][1] = Infinity", new double[][] {{1, Double.POSITIVE_INFINITY}, {0, 1}});
        assertMessage("gram[0][2] = 0.5", new double[][] {{1, 0, 0.5}, {0, 1, 0}, {0.4, 0, 1}});
        assertMessage("[1][1] = -1.0", new double[][] {{1, 0}, {0, -1}});
    }

    @Test
    void toleratesRoundingAsymmetry() {
        double[][] k = {{1, 0.3}, {0.3 + 1e-12, 2}};
        assertSimplex(MinNormSolver.solve(k).weights(), "rounding asymmetry");
    }

    @Test
    void rejectsInvalidSolverParameters() {
        double[][] k = {{1, 0}, {0, 1}};
        assertThrows(IllegalArgumentException.class, () -> MinNormSolver.solve(k, -1, 1e-10));
        assertThrows(IllegalArgumentException.class, () -> MinNormSolver.solve(k, 10, -1e-10));
        assertThrows(IllegalArgumentException.class, () -> MinNormSolver.solve(k, 10, Double.NaN));
        assertThrows(
                IllegalArgumentException.class,
                () -> MinNormSolver.solve(k, 10, Double.POSITIVE_INFINITY));
    }

    // ---- helpers ----

    private static void assertMessage(String expected, double[][] gram) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> MinNormSolver.solve(gram));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static void assertSimplex(double[] w, String where) {
        double sum = 0.0;
        for (double x : w) {
            assertTrue(x >= 0.0 && Double.isFinite(x), where + ": weight " + x);
            sum += x;
        }
        assertEquals(1.0, sum, 1e-12, where);
    }

    /** (Kw)_t ≥ wᵀKw − tol for all t, and |(Kw)_t − wᵀKw| ≤ tol wherever w_t > 0. */
    private static void assertKkt(double[][] k, double[] w, double tol, String where) {
        double[] kw = multiply(k, w);
        double f = dot(w, kw);
        for (int t = 0; t < w.length; t++) {
            assertTrue(kw[t] >= f - tol, where + ": (Kw)_" + t + " = " + kw[t] + " < " + f);
            if (w[t] > 0.0) {
                assertEquals(f, kw[t], tol, where + ": support task " + t);
            }
        }
    }

    /** Minimum of wᵀKw over a simplex grid, refined by pairwise pattern search. */
    static double bruteForceMinimum(double[][] k) {
        int n = k.length;
        int steps = n == 2 ? 2000 : (n == 3 ? 200 : 60);
        double[] best = new double[n];
        double[] bestValue = {Double.POSITIVE_INFINITY};
        enumerateGrid(k, new int[n], 0, steps, best, bestValue);
        return refine(k, best, 1.0 / steps);
    }

    private static void enumerateGrid(
            double[][] k,
            int[] counts,
            int index,
            int remaining,
            double[] best,
            double[] bestValue) {
        int n = counts.length;
        int total = remaining + sum(counts, index);
        if (index == n - 1) {
            counts[index] = remaining;
            double[] w = new double[n];
            for (int t = 0; t < n; t++) {
                w[t] = counts[t] / (double) total;
            }
            double value = quadratic(k, w);
            if (value < bestValue[0]) {
                bestValue[0] = value;
                System.arraycopy(w, 0, best, 0, n);
            }
            return;
        }
        for (int c = 0; c <= remaining; c++) {
            counts[index] = c;
            enumerateGrid(k, counts, index + 1, remaining - c, best, bestValue);
        }
    }

    private static int sum(int[] counts, int upTo) {
        int s = 0;
        for (int t = 0; t < upTo; t++) {
            s += counts[t];
        }
        return s;
    }

    /** Moves mass h between pairs of coordinates while it helps, halving h down to 1e-15. */
    private static double refine(double[][] k, double[] w, double step) {
        double value = quadratic(k, w);
        for (double h = step; h > 1e-15; h /= 2) {
            boolean improved = true;
            while (improved) {
                improved = false;
                for (int p = 0; p < w.length; p++) {
                    for (int q = 0; q < w.length; q++) {
                        double move = Math.min(h, w[q]);
                        if (p == q || move <= 0.0) {
                            continue;
                        }
                        w[p] += move;
                        w[q] -= move;
                        double candidate = quadratic(k, w);
                        if (candidate < value) {
                            value = candidate;
                            improved = true;
                        } else {
                            w[p] -= move;
                            w[q] += move;
                        }
                    }
                }
            }
        }
        return value;
    }

    static double[][] randomGradients(Random rng, int tasks, int dim) {
        double[][] g = new double[tasks][dim];
        for (int t = 0; t < tasks; t++) {
            double rowScale = Math.exp(1.5 * rng.nextGaussian());
            for (int d = 0; d < dim; d++) {
                g[t][d] = rowScale * rng.nextGaussian();
            }
        }
        return g;
    }

    static double[][] gramOf(double[][] g) {
        int n = g.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] = dot(g[i], g[j]);
            }
        }
        return k;
    }

    private static double[][] scale(double[][] m, double s) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = new double[m[i].length];
            for (int j = 0; j < m[i].length; j++) {
                out[i][j] = m[i][j] * s;
            }
        }
        return out;
    }

    static double quadratic(double[][] k, double[] w) {
        return dot(w, multiply(k, w));
    }

    private static double[] multiply(double[][] k, double[] w) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = dot(k[i], w);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0.0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double maxDiagonal(double[][] k) {
        double max = 0.0;
        for (int i = 0; i < k.length; i++) {
            max = Math.max(max, k[i][i]);
        }
        return max;
    }
}
