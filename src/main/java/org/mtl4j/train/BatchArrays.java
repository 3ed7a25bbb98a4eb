package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.TaskLabels;

/**
 * A batch copied into engine arrays owned by a per-step manager: model inputs, and per task the
 * labels (B, labelWidth), the mask (B) and the number of labelled rows.
 */
final class BatchArrays {
    final int rows;
    final NDList inputs;
    final NDArray[] labels;
    final NDArray[] masks;
    final int[] observed;

    private BatchArrays(
            int rows, NDList inputs, NDArray[] labels, NDArray[] masks, int[] observed) {
        this.rows = rows;
        this.inputs = inputs;
        this.labels = labels;
        this.masks = masks;
        this.observed = observed;
    }

    /** Model inputs only (numeric float32 (B, n), categorical int64 (B, c)). */
    static NDList inputs(NDManager m, FeatureMatrix f) {
        NDArray numeric = m.create(f.numeric(), new Shape(f.rows(), f.numericWidth()));
        long[] ids = new long[f.categorical().length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = f.categorical()[i];
        }
        NDArray categorical = m.create(ids, new Shape(f.rows(), f.categoricalWidth()));
        return new NDList(numeric, categorical);
    }

    /**
     * The batch as engine arrays; regression labels of tasks with a fitted target scale are given
     * in scaled units, as the network predicts them.
     */
    static BatchArrays of(NDManager m, Dataset batch, java.util.List<org.mtl4j.task.Task> tasks) {
        int t = batch.labels().size();
        NDArray[] labels = new NDArray[t];
        NDArray[] masks = new NDArray[t];
        int[] observed = new int[t];
        for (int i = 0; i < t; i++) {
            TaskLabels l = batch.labels().get(i);
            float[] values = tasks.get(i).targetScale().toScaled(l.values(), l.width());
            labels[i] = m.create(values, new Shape(l.rows(), l.width()));
            float[] mask = new float[l.rows()];
            for (int r = 0; r < mask.length; r++) {
                if (l.observed()[r]) {
                    mask[r] = 1f;
                    observed[i]++;
                }
            }
            masks[i] = m.create(mask);
        }
        return new BatchArrays(batch.rows(), inputs(m, batch.features()), labels, masks, observed);
    }
}
