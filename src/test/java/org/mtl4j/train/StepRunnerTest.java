package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.balance.BalancerRegistry;
import org.mtl4j.config.Options;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.model.ModelSpec;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.run.Engines;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/**
 * One PCGrad step with plain SGD (lr 1) moves the shared parameters by exactly minus the PCGrad
 * combination of the per-task gradients, computed here independently on explicit vectors.
 */
class StepRunnerTest {
    private static final OptimizerSpec SGD =
            new OptimizerSpec(OptimizerSpec.Kind.SGD, 1.0, 0, 0.9, 0.999, 1e-8, 0);

    @Test
    void pcgradStepEqualsHandComputedSurgery() {
        Engines.start(1, 6); // an initialisation where the two gradients conflict
        List<Task> tasks =
                List.of(
                        Task.of("a", new TaskType.Regression(1)),
                        Task.of("b", new TaskType.Binary()));
        try (NDManager base = NDManager.newBaseManager()) {
            MultiTaskModel model =
                    new MultiTaskModel(
                            new ModelSpec(6, List.of(), 2, MlpSpec.of(5), MlpSpec.of()), tasks);
            model.initialize(base);
            Dataset d =
                    SyntheticMmoe.generate(
                            new SyntheticMmoe.Spec(2, 0.0, 16, 6, 2, 1, 0.01, false), 4);
            // task b's label is task a's flipped and thresholded: the tasks pull the encoder apart
            d =
                    new Dataset(
                            d.features(),
                            List.of(d.labels().get(0), flippedBinary(d.labels().get(0))));
            List<Parameter> shared = model.sharedParameters();
            double[][] g = perTaskSharedGradients(model, base, d, tasks);
            double dot = dot(g[0], g[1]);
            assertTrue(dot < 0, "the two tasks conflict on this batch (dot " + dot + ")");
            double[] expected = new double[g[0].length];
            for (int i = 0; i < expected.length; i++) {
                double a = g[0][i];
                double b = g[1][i];
                if (dot < 0) { // each projected onto the normal plane of the other
                    a -= dot / dot(g[1], g[1]) * g[1][i];
                    b -= dot / dot(g[0], g[0]) * g[0][i];
                }
                expected[i] = a + b;
            }
            double[] before = flatten(shared);
            try (ParamOptimizer opt = new ParamOptimizer(SGD, base)) {
                var pc = BalancerRegistry.create("pcgrad", Options.of("t", Map.of()));
                pc.init(2, 1);
                new StepRunner(model, pc, opt, 0, List.of()).run(base, d, 1.0, 0);
            }
            double[] after = flatten(shared);
            double maxErr = 0;
            double scale = 0;
            for (int i = 0; i < expected.length; i++) {
                maxErr = Math.max(maxErr, Math.abs((before[i] - after[i]) - expected[i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
            assertTrue(scale > 1e-3, "non-trivial gradients");
            assertEquals(0, maxErr, 1e-5 * Math.max(1, scale), "step = -PCGrad(g_a, g_b)");
        }
    }

    private static org.mtl4j.data.TaskLabels flippedBinary(org.mtl4j.data.TaskLabels l) {
        float[] v = l.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] > 0 ? 0 : 1;
        }
        return new org.mtl4j.data.TaskLabels(l.rows(), 1, v, l.observed());
    }

    private static double[][] perTaskSharedGradients(
            MultiTaskModel model, NDManager base, Dataset d, List<Task> tasks) {
        double[][] out = new double[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
            try (NDManager s = base.newSubManager()) {
                BatchArrays b = BatchArrays.of(s, d);
                Autograd.setRecording(true);
                try {
                    NDList y = model.forward(new ParameterStore(s, false), b.inputs, true);
                    Autograd.backward(
                            Losses.masked(
                                    tasks.get(t), y.get(t), b.labels[t], b.masks[t], b.observed[t]),
                            false);
                } finally {
                    Autograd.setRecording(false);
                }
                List<double[]> parts = new ArrayList<>();
                int n = 0;
                for (Parameter p : model.sharedParameters()) {
                    NDArray g = p.getArray().getGradient();
                    g.attach(s);
                    float[] f = g.toFloatArray();
                    double[] dd = new double[f.length];
                    for (int i = 0; i < f.length; i++) {
                        dd[i] = f[i];
                    }
                    parts.add(dd);
                    n += f.length;
                }
                out[t] = concat(parts, n);
                for (var p : model.getParameters()) {
                    Autograd.zeroGrad(p.getValue().getArray());
                }
            }
        }
        return out;
    }

    private static double[] flatten(List<Parameter> ps) {
        List<double[]> parts = new ArrayList<>();
        int n = 0;
        for (Parameter p : ps) {
            float[] f = p.getArray().toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            parts.add(d);
            n += d.length;
        }
        return concat(parts, n);
    }

    private static double[] concat(List<double[]> parts, int n) {
        double[] out = new double[n];
        int o = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
