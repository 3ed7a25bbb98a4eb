package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.TaskLabels;

class BatchSourceTest {

    /** Rows whose only feature is the row id, labelling task {@code task} of {@code tasks}. */
    private static Dataset ids(int rows, int offset, int task, int tasks) {
        float[] x = new float[rows];
        for (int i = 0; i < rows; i++) {
            x[i] = offset + i;
        }
        List<TaskLabels> labels = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            boolean[] o = new boolean[rows];
            java.util.Arrays.fill(o, t == task);
            labels.add(new TaskLabels(rows, 1, new float[rows], o));
        }
        return new Dataset(new FeatureMatrix(rows, 1, x, 0, new int[0]), labels);
    }

    @Test
    void everyEpochOfEveryTaskSeesAllItsRows() {
        BatchSource s =
                BatchSource.perTask(
                        List.of(ids(9, 0, 0, 2), ids(4, 100, 1, 2)),
                        4,
                        SamplerSpec.roundRobin(),
                        3);
        assertEquals(5, s.stepsPerEpoch()); // 2 rows of each task per step: ceil(9 / 2)
        for (int epoch = 0; epoch < 4; epoch++) {
            Set<Float> seen = new HashSet<>();
            for (Dataset b : s.nextEpoch()) {
                assertEquals(4, b.rows());
                for (int r = 0; r < b.rows(); r++) {
                    float id = b.features().numeric()[r];
                    // a row carries a label for its own task only
                    assertEquals(id < 100, b.labels().get(0).observed()[r]);
                    assertEquals(id >= 100, b.labels().get(1).observed()[r]);
                    seen.add(id);
                }
            }
            for (int i = 0; i < 9; i++) {
                assertTrue(seen.contains((float) i), "epoch " + epoch + " misses row " + i);
            }
            for (int i = 0; i < 4; i++) {
                assertTrue(seen.contains(100f + i));
            }
        }
    }

    @Test
    void singleSourceCoversEachRowOnceAndAvoidsOneRowBatches() {
        BatchSource s = BatchSource.single(ids(9, 0, 0, 1), 4, 1);
        assertEquals(2, s.stepsPerEpoch());
        List<Dataset> epoch = s.nextEpoch();
        assertEquals(List.of(4, 5), epoch.stream().map(Dataset::rows).toList());
        Set<Float> seen = new HashSet<>();
        epoch.forEach(
                b -> {
                    for (float v : b.features().numeric()) {
                        seen.add(v);
                    }
                });
        assertEquals(9, seen.size());
        List<Dataset> next = s.nextEpoch();
        assertTrue(
                !java.util.Arrays.equals(
                        next.get(0).features().numeric(), epoch.get(0).features().numeric()),
                "each epoch has a new order");
    }
}
