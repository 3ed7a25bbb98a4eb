package org.mtl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticMmoeTest {

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private static double correlation(float[] a, float[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    static double labelCorrelation(double rho, long seed) {
        Dataset d = SyntheticMmoe.generate(SyntheticMmoe.Spec.defaults(2, rho, 5000), seed);
        return correlation(d.labels().get(0).values(), d.labels().get(1).values());
    }

    @Test
    void weightVectorsHaveNormScaleAndPairwiseCosineRho() {
        for (int tasks : new int[] {1, 2, 3, 6}) {
            for (double rho : new double[] {0, 0.25, 0.5, 0.9, 1}) {
                SyntheticMmoe.Spec spec =
                        new SyntheticMmoe.Spec(tasks, rho, 10, 20, 10, 2.5, 0.01, false);
                double[][] w = SyntheticMmoe.weightVectors(spec, 11);
                assertEquals(tasks, w.length);
                for (int s = 0; s < tasks; s++) {
                    assertEquals(20, w[s].length);
                    assertEquals(2.5, Math.sqrt(dot(w[s], w[s])), 1e-9);
                    for (int t = s + 1; t < tasks; t++) {
                        double cos = dot(w[s], w[t]) / Math.sqrt(dot(w[s], w[s]) * dot(w[t], w[t]));
                        assertEquals(rho, cos, 1e-9, "tasks " + tasks + ", rho " + rho);
                    }
                }
            }
        }
    }

    @Test
    void generateHasPaperShapeAndAllLabelsObserved() {
        Dataset d = SyntheticMmoe.generate(SyntheticMmoe.Spec.defaults(3, 0.5, 200), 5);
        assertEquals(200, d.rows());
        assertEquals(100, d.features().numericWidth());
        assertEquals(0, d.features().categoricalWidth());
        assertEquals(3, d.labels().size());
        for (TaskLabels l : d.labels()) {
            assertEquals(1, l.width());
            assertEquals(200, l.observedCount());
        }
        double mean = 0;
        double sq = 0;
        for (float v : d.features().numeric()) {
            mean += v;
            sq += v * v;
        }
        int n = d.features().numeric().length;
        assertEquals(0, mean / n, 0.02);
        assertEquals(1, sq / n, 0.02);
    }

    @Test
    void labelsAreLinearInXWithoutSinesAndNoise() {
        SyntheticMmoe.Spec spec = new SyntheticMmoe.Spec(2, 0.3, 50, 8, 0, 1.7, 0, false);
        Dataset d = SyntheticMmoe.generate(spec, 9);
        double[][] w = SyntheticMmoe.weightVectors(spec, 9);
        float[] x = d.features().numeric();
        for (int t = 0; t < 2; t++) {
            for (int r = 0; r < 50; r++) {
                double z = 0;
                for (int k = 0; k < 8; k++) {
                    z += w[t][k] * x[r * 8 + k];
                }
                assertEquals((float) z, d.labels().get(t).values()[r], 1e-5f);
            }
        }
    }

    @Test
    void noiseHasTheRequestedVariance() {
        SyntheticMmoe.Spec spec = new SyntheticMmoe.Spec(1, 0, 20000, 4, 0, 1, 0.25, false);
        Dataset d = SyntheticMmoe.generate(spec, 3);
        double[] w = SyntheticMmoe.weightVectors(spec, 3)[0];
        float[] x = d.features().numeric();
        double sq = 0;
        for (int r = 0; r < 20000; r++) {
            double z = 0;
            for (int k = 0; k < 4; k++) {
                z += w[k] * x[r * 4 + k];
            }
            double e = d.labels().get(0).values()[r] - z;
            sq += e * e;
        }
        assertEquals(0.25, sq / 20000, 0.01);
    }

    @Test
    void labelCorrelationFallsWithRho() {
        // Measured over seeds 1..10 (5,000 rows): rho 1 -> 0.985..0.997, rho 0.5 -> 0.19..0.41,
        // rho 0 -> -0.023..0.031; seed 1 gives 0.9916, 0.3880, 0.0099. The sine terms make the
        // label
        // correlation lower than rho.
        double high = labelCorrelation(1.0, 1);
        double mid = labelCorrelation(0.5, 1);
        double low = labelCorrelation(0.0, 1);
        assertTrue(high > 0.98, "rho 1: " + high);
        assertTrue(mid > 0.1 && mid < 0.6, "rho 0.5: " + mid);
        assertTrue(high > mid && mid > low, high + " > " + mid + " > " + low);
        assertTrue(Math.abs(low) < 0.05, "rho 0: " + low);
    }

    @Test
    void sameSeedSameDataDifferentSeedDifferentData() {
        SyntheticMmoe.Spec spec = SyntheticMmoe.Spec.defaults(2, 0.7, 100);
        Dataset a = SyntheticMmoe.generate(spec, 123);
        Dataset b = SyntheticMmoe.generate(spec, 123);
        Dataset c = SyntheticMmoe.generate(spec, 124);
        assertArrayEquals(a.features().numeric(), b.features().numeric());
        assertArrayEquals(a.labels().get(1).values(), b.labels().get(1).values());
        assertFalse(Arrays.equals(a.features().numeric(), c.features().numeric()));
        assertFalse(Arrays.equals(a.labels().get(0).values(), c.labels().get(0).values()));
        assertFalse(
                Arrays.deepEquals(
                        SyntheticMmoe.weightVectors(spec, 123),
                        SyntheticMmoe.weightVectors(spec, 124)));
    }

    @Test
    void perTaskDatasetsHaveOwnInputsAndLabelOnlyTheirTask() {
        SyntheticMmoe.Spec spec = new SyntheticMmoe.Spec(3, 0.5, 40, 6, 0, 1, 0, true);
        List<Dataset> parts = SyntheticMmoe.generatePerTask(spec, 77);
        double[][] w = SyntheticMmoe.weightVectors(spec, 77);
        assertEquals(3, parts.size());
        for (int t = 0; t < 3; t++) {
            Dataset d = parts.get(t);
            assertEquals(40, d.rows());
            for (int s = 0; s < 3; s++) {
                assertEquals(s == t ? 40 : 0, d.labels().get(s).observedCount());
            }
            float[] x = d.features().numeric();
            for (int r = 0; r < 40; r++) {
                double z = 0;
                for (int k = 0; k < 6; k++) {
                    z += w[t][k] * x[r * 6 + k];
                }
                assertEquals((float) z, d.labels().get(t).values()[r], 1e-5f);
            }
        }
        assertFalse(
                Arrays.equals(
                        parts.get(0).features().numeric(), parts.get(1).features().numeric()));
        List<Dataset> again = SyntheticMmoe.generatePerTask(spec, 77);
        assertArrayEquals(parts.get(2).features().numeric(), again.get(2).features().numeric());
        assertThrows(IllegalArgumentException.class, () -> SyntheticMmoe.generate(spec, 77));
    }

    @Test
    void specIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticMmoe.Spec.defaults(0, 0.5, 10));
        assertThrows(
                IllegalArgumentException.class, () -> SyntheticMmoe.Spec.defaults(2, -0.1, 10));
        assertThrows(IllegalArgumentException.class, () -> SyntheticMmoe.Spec.defaults(2, 1.1, 10));
        assertThrows(IllegalArgumentException.class, () -> SyntheticMmoe.Spec.defaults(2, 0.5, 0));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SyntheticMmoe.Spec(3, 0.5, 10, 3, 10, 1, 0.01, false));
        assertTrue(e.getMessage().contains("tasks + 1 = 4"), e.getMessage());
        new SyntheticMmoe.Spec(3, 0.5, 10, 4, 10, 1, 0.01, false);
        assertThrows(
                IllegalArgumentException.class,
                () -> new SyntheticMmoe.Spec(2, 0.5, 10, 10, -1, 1, 0.01, false));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SyntheticMmoe.Spec(2, 0.5, 10, 10, 10, 0, 0.01, false));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SyntheticMmoe.Spec(2, 0.5, 10, 10, 10, 1, -0.01, false));
        SyntheticMmoe.Spec d = SyntheticMmoe.Spec.defaults(2, 0.5, 10);
        assertEquals(new SyntheticMmoe.Spec(2, 0.5, 10, 100, 10, 1.0, 0.01, false), d);
    }
}
