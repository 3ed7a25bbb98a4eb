package org.mtl4j.balance.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcGradSolverTest {

    // ---- agreement with PCGrad computed directly on the vectors ----

    @Test
    void gramCoefficientsReproduceVectorPcGrad() {
        Random rng = new Random(2020);
        int checked = 0;
        for (int tasks = 2; tasks <= 6; tasks++) {
            for (int dim = 1; dim <= 10; dim++) {
                for (int c = 0; c < 8; c++) {
                    double[][] g = randomGradients(rng, tasks, dim);
                    int[] order = randomPermutation(rng, tasks);
                    String where = "T=" + tasks + " P=" + dim + " order=" + Arrays.toString(order);
                    double[][] direct = pcGradVectors(g, order);
                    double tol = 1e-9 * Math.max(1.0, maxNorm(g));
                    double[][] rows = PcGradSolver.projectedCoefficients(gramOf(g), order);
                    for (int i = 0; i < tasks; i++) {
                        assertArrayEquals(
                                direct[i], combine(rows[i], g), tol, where + " task " + i);
                    }
                    double[] combined = combine(PcGradSolver.coefficients(gramOf(g), order), g);
                    assertArrayEquals(sumRows(direct), combined, tol, where);
                    checked++;
                }
            }
        }
        assertEquals(400, checked);
    }

    @Test
    void coefficientsAreColumnSumsOfProjectedCoefficients() {
        Random rng = new Random(5);
        double[][] k = gramOf(randomGradients(rng, 5, 3));
        int[] order = {3, 0, 4, 1, 2};
        double[][] rows = PcGradSolver.projectedCoefficients(k, order);
        double[] sums = new double[5];
        for (double[] row : rows) {
            for (int j = 0; j < 5; j++) {
                sums[j] += row[j];
            }
        }
        assertArrayEquals(sums, PcGradSolver.coefficients(k, order), 0.0);
    }

    // ---- two conflicting tasks ----

    @Test
    void twoConflictingGradientsAreProjectedOntoEachOthersNormalPlane() {
        double[] g1 = {1.0, 1.0};
        double[] g2 = {-1.0, 0.5};
        double[][] g = {g1, g2};
        double[][] rows = PcGradSolver.projectedCoefficients(gramOf(g), new int[] {0, 1});
        // g1·g2 = −0.5, ‖g2‖² = 1.25, ‖g1‖² = 2: g1^PC = g1 + 0.4 g2, g2^PC = g2 + 0.25 g1.
        assertArrayEquals(new double[] {1.0, 0.4}, rows[0], 1e-15);
        assertArrayEquals(new double[] {0.25, 1.0}, rows[1], 1e-15);
        double[] g1pc = combine(rows[0], g);
        double[] g2pc = combine(rows[1], g);
        assertEquals(0.0, dot(g1pc, g2), 1e-15);
        assertEquals(0.0, dot(g2pc, g1), 1e-15);
        double[] expected1 = {g1[0] + 0.4 * g2[0], g1[1] + 0.4 * g2[1]};
        assertArrayEquals(expected1, g1pc, 1e-15);
        assertArrayEquals(
                new double[] {1.25, 1.4},
                PcGradSolver.coefficients(gramOf(g), new int[] {1, 0}),
                1e-15);
    }

    @Test
    void randomConflictingPairsBecomeOrthogonalToTheOtherTask() {
        Random rng = new Random(3);
        int conflicts = 0;
        for (int c = 0; c < 200; c++) {
            double[][] g = randomGradients(rng, 2, 1 + rng.nextInt(8));
            double[][] k = gramOf(g);
            if (k[0][1] >= 0.0) {
                continue;
            }
            conflicts++;
            double[][] rows = PcGradSolver.projectedCoefficients(k, new int[] {0, 1});
            double[] g1pc = combine(rows[0], g);
            double[] g2pc = combine(rows[1], g);
            double scale = Math.sqrt(k[0][0] * k[1][1]);
            assertEquals(0.0, dot(g1pc, g[1]), 1e-12 * scale);
            assertEquals(0.0, dot(g2pc, g[0]), 1e-12 * scale);
            assertArrayEquals(new double[] {1.0, -k[0][1] / k[1][1]}, rows[0], 1e-15);
            assertArrayEquals(new double[] {-k[0][1] / k[0][0], 1.0}, rows[1], 1e-15);
        }
        assertTrue(conflicts > 50, "too few conflicting samples: " + conflicts);
    }

    // ---- no conflicts, zero and tiny gradients ----

    @Test
    void nonConflictingGradientsAreLeftUnchanged() {
        Random rng = new Random(17);
        for (int c = 0; c < 50; c++) {
            int n = 2 + rng.nextInt(5);
            double[][] g = new double[n][4];
            for (double[] row : g) {
                for (int d = 0; d < row.length; d++) {
                    row[d] = rng.nextDouble();
                }
            }
            int[] order = randomPermutation(rng, n);
            double[] ones = new double[n];
            Arrays.fill(ones, 1.0);
            assertArrayEquals(ones, PcGradSolver.coefficients(gramOf(g), order), 0.0);
            double[][] rows = PcGradSolver.projectedCoefficients(gramOf(g), order);
            for (int i = 0; i < n; i++) {
                double[] unit = new double[n];
                unit[i] = 1.0;
                assertArrayEquals(unit, rows[i], 0.0);
            }
        }
    }

    @Test
    void zeroGradientIsNeverProjectedOntoAndCausesNoNaN() {
        double[][] g = {{1, 0}, {0, 0}, {-1, 1}};
        double[][] k = gramOf(g);
        for (int[] order : new int[][] {{0, 1, 2}, {1, 2, 0}, {2, 1, 0}}) {
            double[][] rows = PcGradSolver.projectedCoefficients(k, order);
            for (double[] row : rows) {
                for (double x : row) {
                    assertTrue(Double.isFinite(x));
                }
            }
            assertEquals(0.0, rows[0][1]);
            assertEquals(0.0, rows[2][1]);
            assertArrayEquals(new double[] {0, 1, 0}, rows[1], 0.0);
            assertArrayEquals(sumRows(pcGradVectors(g, order)), combine(sum(rows), g), 1e-12);
        }
        double[][] zeros = new double[3][3];
        assertArrayEquals(
                new double[] {1, 1, 1}, PcGradSolver.coefficients(zeros, new int[] {2, 0, 1}));
    }

    @Test
    void negligibleGradientIsNotProjectedOnto() {
        // ‖g2‖² = 1e-32 < 1e-30 · ‖g1‖²: g1 keeps its direction, g2 is still projected onto g1.
        double[][] k = gramOf(new double[][] {{1, 0}, {-1e-16, 0}});
        double[][] rows = PcGradSolver.projectedCoefficients(k, new int[] {0, 1});
        assertArrayEquals(new double[] {1, 0}, rows[0], 0.0);
        assertArrayEquals(new double[] {1e-16, 1}, rows[1], 1e-30);
        // ‖g2‖² = 1e-28 is above the threshold and is projected onto.
        double[][] k2 = gramOf(new double[][] {{1, 0}, {-1e-14, 0}});
        double[][] rows2 = PcGradSolver.projectedCoefficients(k2, new int[] {0, 1});
        assertEquals(1.0, rows2[0][0]);
        assertEquals(1e14, rows2[0][1], 1e-2);
    }

    // ---- order, scale ----

    @Test
    void visitingOrderIsHonoured() {
        double[][] g = {{1, 0, 0}, {-1, 1, 0}, {-1, -2, 1}};
        double[][] k = gramOf(g);
        double[][] first = PcGradSolver.projectedCoefficients(k, new int[] {1, 2, 0});
        double[][] second = PcGradSolver.projectedCoefficients(k, new int[] {2, 1, 0});
        assertFalse(Arrays.equals(first[0], second[0]));
        assertArrayEquals(pcGradVectors(g, new int[] {1, 2, 0})[0], combine(first[0], g), 1e-12);
        assertArrayEquals(pcGradVectors(g, new int[] {2, 1, 0})[0], combine(second[0], g), 1e-12);
    }

    @Test
    void scaleInvariantWithoutOverflow() {
        Random rng = new Random(8);
        for (int c = 0; c < 20; c++) {
            int n = 2 + rng.nextInt(4);
            double[][] k = gramOf(randomGradients(rng, n, 1 + rng.nextInt(6)));
            int[] order = randomPermutation(rng, n);
            double[] reference = PcGradSolver.coefficients(k, order);
            for (int exponent : new int[] {-900, -100, 100, 1016}) {
                double factor = Math.scalb(1.0, exponent);
                double[][] scaled = new double[n][n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        scaled[i][j] = k[i][j] * factor;
                    }
                }
                if (MinNormSolver.maxAbsEntry(scaled) < Double.MAX_VALUE / 8) {
                    assertArrayEquals(reference, PcGradSolver.coefficients(scaled, order), 0.0);
                }
            }
        }
        double big = Double.MAX_VALUE;
        double[] c =
                PcGradSolver.coefficients(
                        new double[][] {{big, -big}, {-big, big}}, new int[] {0, 1});
        assertArrayEquals(new double[] {2, 2}, c, 0.0);
    }

    // ---- validation ----

    @Test
    void rejectsInvalidOrders() {
        double[][] k = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        assertThrows(NullPointerException.class, () -> PcGradSolver.coefficients(k, null));
        assertOrderMessage(k, new int[] {0, 1}, "2 entries");
        assertOrderMessage(k, new int[] {0, 1, 1}, "order[2] = 1");
        assertOrderMessage(k, new int[] {0, 3, 1}, "order[1] = 3");
        assertOrderMessage(k, new int[] {-1, 0, 1}, "order[0] = -1");
    }

    @Test
    void rejectsInvalidGramMatrices() {
        int[] order = {0, 1};
        assertThrows(
                IllegalArgumentException.class,
                () -> PcGradSolver.coefficients(new double[][] {{1, 0}, {0.5, 1}}, order));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        PcGradSolver.projectedCoefficients(
                                new double[][] {{1, Double.NaN}, {0, 1}}, order));
        assertThrows(
                IllegalArgumentException.class,
                () -> PcGradSolver.coefficients(new double[][] {{1, 0, 0}, {0, 1, 0}}, order));
    }

    // ---- helpers ----

    private static void assertOrderMessage(double[][] k, int[] order, String expected) {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> PcGradSolver.coefficients(k, order));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Yu et al. Algorithm 1 on explicit vectors, with plain loops. */
    private static double[][] pcGradVectors(double[][] g, int[] order) {
        double[][] out = new double[g.length][];
        for (int i = 0; i < g.length; i++) {
            double[] gi = g[i].clone();
            for (int j : order) {
                double normSq = dot(g[j], g[j]);
                if (j == i || normSq == 0.0) {
                    continue;
                }
                double d = dot(gi, g[j]);
                if (d < 0.0) {
                    for (int p = 0; p < gi.length; p++) {
                        gi[p] -= d / normSq * g[j][p];
                    }
                }
            }
            out[i] = gi;
        }
        return out;
    }

    private static double[][] randomGradients(Random rng, int tasks, int dim) {
        double[][] g = new double[tasks][dim];
        for (int t = 0; t < tasks; t++) {
            double rowScale = Math.exp(rng.nextGaussian());
            for (int d = 0; d < dim; d++) {
                g[t][d] = rowScale * rng.nextGaussian();
            }
        }
        return g;
    }

    private static int[] randomPermutation(Random rng, int n) {
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

    private static double[][] gramOf(double[][] g) {
        double[][] k = new double[g.length][g.length];
        for (int i = 0; i < g.length; i++) {
            for (int j = 0; j < g.length; j++) {
                k[i][j] = dot(g[i], g[j]);
            }
        }
        return k;
    }

    private static double[] combine(double[] coefficients, double[][] g) {
        double[] out = new double[g[0].length];
        for (int t = 0; t < g.length; t++) {
            for (int p = 0; p < out.length; p++) {
                out[p] += coefficients[t] * g[t][p];
            }
        }
        return out;
    }

    private static double[] sumRows(double[][] rows) {
        return sum(rows);
    }

    private static double[] sum(double[][] rows) {
        double[] out = new double[rows[0].length];
        for (double[] row : rows) {
            for (int p = 0; p < out.length; p++) {
                out[p] += row[p];
            }
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

    private static double maxNorm(double[][] g) {
        double max = 0.0;
        for (double[] row : g) {
            max = Math.max(max, Math.sqrt(dot(row, row)));
        }
        return max;
    }
}
