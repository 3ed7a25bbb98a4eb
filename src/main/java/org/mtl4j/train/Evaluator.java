package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.TaskLabels;
import org.mtl4j.eval.TaskMetrics;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.task.Task;

/** Inference over whole datasets in batches, and per-task metrics on labelled rows. */
public final class Evaluator {
    private Evaluator() {}

    /** Per-task validation loss and metrics. */
    public record Evaluation(double[] losses, List<Map<String, Double>> metrics) {

        /** Metrics keyed by task name, for JSON and Δm. */
        public Map<String, Map<String, Double>> byTask(List<Task> tasks) {
            Map<String, Map<String, Double>> out = new LinkedHashMap<>();
            for (int t = 0; t < tasks.size(); t++) {
                Map<String, Double> m = new LinkedHashMap<>(metrics.get(t));
                m.put("loss", losses[t]);
                out.put(tasks.get(t).name(), m);
            }
            return out;
        }
    }

    /**
     * Head outputs for every row: per task a rows × outputWidth array (logits, or regression values
     * in the targets' original units), computed in inference mode (dropout off, batch-norm running
     * statistics).
     */
    public static float[][] predict(
            MultiTaskModel model, NDManager base, FeatureMatrix x, int batchSize) {
        int t = model.tasks().size();
        float[][] out = new float[t][];
        for (int i = 0; i < t; i++) {
            out[i] = new float[x.rows() * model.tasks().get(i).type().outputWidth()];
        }
        for (int start = 0; start < x.rows(); start += batchSize) {
            int end = Math.min(x.rows(), start + batchSize);
            int[] idx = new int[end - start];
            for (int r = 0; r < idx.length; r++) {
                idx[r] = start + r;
            }
            try (NDManager s = base.newSubManager()) {
                NDList y =
                        model.forward(
                                new ParameterStore(s, false),
                                BatchArrays.inputs(s, x.select(idx)),
                                false);
                for (int i = 0; i < t; i++) {
                    float[] part = y.get(i).toFloatArray();
                    System.arraycopy(
                            part, 0, out[i], start * (part.length / idx.length), part.length);
                }
            }
        }
        for (int i = 0; i < t; i++) {
            Task task = model.tasks().get(i);
            task.targetScale().toOriginalInPlace(out[i], task.type().outputWidth());
        }
        return out;
    }

    /** Per-task mean loss and metrics over the labelled rows of {@code data}. */
    public static Evaluation evaluate(
            MultiTaskModel model, NDManager base, Dataset data, int batchSize) {
        return evaluate(
                model.tasks(), base, data, predict(model, base, data.features(), batchSize));
    }

    /**
     * Per-task mean loss and metrics over the labelled rows of {@code data}, given the model's
     * outputs for its rows (from {@link #predict}).
     */
    public static Evaluation evaluate(
            List<Task> tasks, NDManager base, Dataset data, float[][] outputs) {
        double[] losses = new double[tasks.size()];
        List<Map<String, Double>> metrics = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            Task task = tasks.get(t);
            TaskLabels l = data.labels().get(t);
            losses[t] = meanLoss(task, base, outputs[t], l);
            metrics.add(TaskMetrics.compute(task, outputs[t], l.values(), l.observed()));
        }
        return new Evaluation(losses, metrics);
    }

    /** The loss as training computes it: regression outputs and labels in scaled units. */
    private static double meanLoss(Task task, NDManager base, float[] outputs, TaskLabels l) {
        int n = l.observedCount();
        float[] out = task.targetScale().toScaled(outputs, task.type().outputWidth());
        float[] labels = task.targetScale().toScaled(l.values(), l.width());
        if (n == 0) {
            return Double.NaN;
        }
        try (NDManager s = base.newSubManager()) {
            NDArray o =
                    s.create(
                            out,
                            new ai.djl.ndarray.types.Shape(l.rows(), task.type().outputWidth()));
            NDArray y = s.create(labels, new ai.djl.ndarray.types.Shape(l.rows(), l.width()));
            float[] mask = new float[l.rows()];
            for (int r = 0; r < mask.length; r++) {
                mask[r] = l.observed()[r] ? 1f : 0f;
            }
            return Losses.masked(task, o, y, s.create(mask), n).getFloat();
        }
    }
}
