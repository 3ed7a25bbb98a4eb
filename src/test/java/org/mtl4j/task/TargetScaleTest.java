package org.mtl4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TargetScaleTest {

    @Test
    void regressionTasksAreStandardisedByDefaultAndOthersAreNot() {
        assertTrue(Task.of("price", new TaskType.Regression(1)).targetScale().standardize());
        assertFalse(Task.of("cut", new TaskType.Multiclass(5)).targetScale().standardize());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Task(
                                "cut",
                                new TaskType.Binary(),
                                null,
                                null,
                                null,
                                null,
                                TargetScale.standard()));
    }

    @Test
    void fitsMeanAndSampleStdOfLabelledRowsPerDimension() {
        Random r = new Random(3);
        int rows = 500;
        float[] v = new float[rows * 2];
        boolean[] seen = new boolean[rows];
        double[] sum = new double[2];
        int n = 0;
        for (int i = 0; i < rows; i++) {
            v[2 * i] = (float) (5000 + 3000 * r.nextGaussian()); // dollars
            v[2 * i + 1] = (float) (0.1 * r.nextGaussian()); // a small quantity
            seen[i] = r.nextDouble() < 0.8;
            if (!seen[i]) {
                v[2 * i] = 1e9f; // ignored: no label in this row
            } else {
                sum[0] += v[2 * i];
                sum[1] += v[2 * i + 1];
                n++;
            }
        }
        double[] mean = {sum[0] / n, sum[1] / n};
        double[] ss = new double[2];
        for (int i = 0; i < rows; i++) {
            if (seen[i]) {
                for (int d = 0; d < 2; d++) {
                    ss[d] += Math.pow(v[2 * i + d] - mean[d], 2);
                }
            }
        }
        TargetScale s = TargetScale.standard().fit(v, seen, 2);
        for (int d = 0; d < 2; d++) {
            assertEquals(mean[d], s.mean()[d], 1e-9 * Math.abs(mean[d]) + 1e-12);
            assertEquals(Math.sqrt(ss[d] / (n - 1)), s.std()[d], 1e-9 * s.std()[d]);
        }
        float[] scaled = s.toScaled(v, 2);
        // labelled rows have mean 0 and std 1 after scaling
        double m0 = 0;
        for (int i = 0; i < rows; i++) {
            m0 += seen[i] ? scaled[2 * i] : 0;
        }
        assertEquals(0, m0 / n, 1e-4);
        float[] back = scaled.clone();
        s.toOriginalInPlace(back, 2);
        for (int i = 0; i < rows; i++) {
            if (seen[i]) {
                assertEquals(v[2 * i], back[2 * i], 1e-3 * Math.abs(v[2 * i]));
                assertEquals(v[2 * i + 1], back[2 * i + 1], 1e-5);
            }
        }
    }

    @Test
    void constantOrSingleLabelsKeepUnitStd() {
        TargetScale s =
                TargetScale.standard()
                        .fit(new float[] {7, 7, 7}, new boolean[] {true, true, true}, 1);
        assertArrayEquals(new double[] {7}, s.mean());
        assertArrayEquals(new double[] {1}, s.std());
        TargetScale one =
                TargetScale.standard().fit(new float[] {4, 9}, new boolean[] {false, true}, 1);
        assertArrayEquals(new double[] {9}, one.mean());
        assertArrayEquals(new double[] {1}, one.std());
    }

    @Test
    void noneLeavesValuesAlone() {
        float[] v = {1, 2, 3};
        TargetScale none = TargetScale.none().fit(v, new boolean[] {true, true, true}, 1);
        assertSame(TargetScale.none(), none);
        assertSame(v, none.toScaled(v, 1));
        assertEquals("none", none.configName());
        assertEquals(TargetScale.standard(), TargetScale.parse("standard"));
        assertEquals(null, TargetScale.parse("minmax"));
    }
}
