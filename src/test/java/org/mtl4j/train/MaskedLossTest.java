package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.TaskLabels;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.model.ModelSpec;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.run.Engines;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/** A row without a label changes neither a task's loss nor any gradient. */
class MaskedLossTest {
    private static final List<Task> TASKS =
            List.of(
                    Task.of("bin", new TaskType.Binary()),
                    Task.of("cls", new TaskType.Multiclass(3)),
                    Task.of("tags", new TaskType.Multilabel(2)),
                    Task.of("reg", new TaskType.Regression(2)));

    @Test
    void maskedRowChangesNeitherLossNorGradient() {
        Engines.start(1, 11);
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskModel model =
                    new MultiTaskModel(
                            new ModelSpec(4, List.of(5), 2, MlpSpec.of(8), MlpSpec.of()), TASKS);
            model.initialize(m);
            Dataset observed = batch(6, false, 1);
            Dataset withMasked = withExtraMaskedRow(observed);
            Result a = lossesAndGrads(model, m, observed);
            Result b = lossesAndGrads(model, m, withMasked);
            for (int t = 0; t < TASKS.size(); t++) {
                assertEquals(a.losses[t], b.losses[t], 1e-6, "loss of " + TASKS.get(t).name());
            }
            assertEquals(a.grads.size(), b.grads.size());
            for (int i = 0; i < a.grads.size(); i++) {
                assertArrayEquals(a.grads.get(i), b.grads.get(i), 1e-6f, "gradient " + i);
            }
            // The same extra row, labelled, does change the loss: the check above can fail.
            Result c = lossesAndGrads(model, m, observedExtra(withMasked));
            assertTrue(
                    Math.abs(c.losses[3] - a.losses[3]) > 1e-4,
                    "a labelled extra row moves the loss");
        }
    }

    private record Result(double[] losses, List<float[]> grads) {}

    private static Result lossesAndGrads(MultiTaskModel model, NDManager base, Dataset d) {
        try (NDManager s = base.newSubManager()) {
            BatchArrays b = BatchArrays.of(s, d, model.tasks());
            double[] losses = new double[TASKS.size()];
            Autograd.setRecording(true);
            try {
                NDList out = model.forward(new ParameterStore(s, false), b.inputs, true);
                NDArray total = null;
                for (int t = 0; t < TASKS.size(); t++) {
                    NDArray l =
                            Losses.masked(
                                    TASKS.get(t),
                                    out.get(t),
                                    b.labels[t],
                                    b.masks[t],
                                    b.observed[t]);
                    losses[t] = l.getFloat();
                    total = total == null ? l : total.add(l);
                }
                Autograd.backward(total, false);
            } finally {
                Autograd.setRecording(false);
            }
            List<float[]> grads = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                g.attach(s);
                grads.add(g.toFloatArray());
                Autograd.zeroGrad(p.getValue().getArray());
            }
            return new Result(losses, grads);
        }
    }

    private static Dataset batch(int rows, boolean dummy, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * 4];
        int[] ids = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < rows; i++) {
            ids[i] = r.nextInt(5);
        }
        List<TaskLabels> labels = new ArrayList<>();
        for (Task t : TASKS) {
            int w = t.type().labelWidth();
            float[] v = new float[rows * w];
            boolean[] o = new boolean[rows];
            for (int i = 0; i < rows; i++) {
                o[i] = true;
                for (int k = 0; k < w; k++) {
                    v[i * w + k] =
                            t.type() instanceof TaskType.Multiclass
                                    ? r.nextInt(3)
                                    : t.type() instanceof TaskType.Regression
                                            ? (float) r.nextGaussian()
                                            : r.nextInt(2);
                }
            }
            labels.add(new TaskLabels(rows, w, v, o));
        }
        return new Dataset(new FeatureMatrix(rows, 4, x, 1, ids), labels);
    }

    /** The batch plus one row with extreme features whose labels are all missing. */
    private static Dataset withExtraMaskedRow(Dataset d) {
        FeatureMatrix extra =
                new FeatureMatrix(1, 4, new float[] {50f, -40f, 30f, 9f}, 1, new int[] {4});
        List<TaskLabels> labels = new ArrayList<>();
        for (TaskLabels l : d.labels()) {
            labels.add(TaskLabels.missing(1, l.width()));
        }
        return d.concat(new Dataset(extra, labels));
    }

    private static Dataset observedExtra(Dataset d) {
        List<TaskLabels> labels = new ArrayList<>();
        for (TaskLabels l : d.labels()) {
            boolean[] o = l.observed().clone();
            o[o.length - 1] = true;
            labels.add(new TaskLabels(l.rows(), l.width(), l.values(), o));
        }
        return new Dataset(d.features(), labels);
    }
}
