package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.balance.GradientAggregator;
import org.mtl4j.balance.GradientMode;
import org.mtl4j.balance.LossWeighting;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.data.TaskLabels;
import org.mtl4j.model.Architecture;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.model.ModelSpec;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.run.Engines;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/**
 * AITM's calibrator (Xi et al. 2021, Eq. 6) is a term of the training objective beside the task
 * losses, not part of one: the balancer sees the plain task losses, and the update of the shared
 * parameters is the balanced combination plus the calibrator's gradient with weight 1, for loss
 * weightings and gradient methods alike.
 */
class ArchitectureTermTest {
    private static final OptimizerSpec SGD =
            new OptimizerSpec(OptimizerSpec.Kind.SGD, 1.0, 0, 0.9, 0.999, 1e-8, 0);
    private static final double CALIBRATION = 5.0;

    /** Equal weights 1/2; remembers the losses it was given. */
    private static final class HalfLosses implements LossWeighting {
        double[] seen;

        @Override
        public String name() {
            return "half";
        }

        @Override
        public void init(int taskCount, long seed) {}

        @Override
        public double[] weights(double[] losses, boolean[] present) {
            seen = losses.clone();
            return new double[] {0.5, 0.5};
        }
    }

    /** Coefficients 1/2 on the per-task shared gradients; remembers the losses it was given. */
    private static final class HalfGradients implements GradientAggregator {
        double[] seen;

        @Override
        public String name() {
            return "half_gradients";
        }

        @Override
        public void init(int taskCount, long seed) {}

        @Override
        public GradientMode mode() {
            return GradientMode.PARAMETERS;
        }

        @Override
        public double[] coefficients(double[][] gram, double[] losses) {
            seen = losses.clone();
            return new double[] {0.5, 0.5};
        }
    }

    @Test
    void calibratorIsOutsideTheBalancedTaskLosses() {
        Engines.start(1, 11);
        List<Task> tasks =
                List.of(
                        Task.of("click", new TaskType.Binary()),
                        Task.of("buy", new TaskType.Binary()));
        Dataset raw =
                SyntheticMmoe.generate(new SyntheticMmoe.Spec(2, 0.5, 32, 5, 2, 1, 0.01, false), 3);
        Dataset d =
                new Dataset(
                        raw.features(),
                        List.of(
                                binary(raw.labels().get(0), 0.0),
                                binary(raw.labels().get(1), 0.5)));
        for (int variant = 0; variant < 2; variant++) {
            try (NDManager base = NDManager.newBaseManager()) {
                MultiTaskModel model =
                        new MultiTaskModel(
                                new ModelSpec(
                                        5,
                                        List.of(),
                                        1,
                                        MlpSpec.of(6),
                                        MlpSpec.of(),
                                        new Architecture.Aitm(CALIBRATION)),
                                tasks);
                model.initialize(base);
                double[] plain = new double[2];
                double[] calibrator = new double[1];
                double[] expected = expectedSharedStep(model, base, d, tasks, plain, calibrator);
                assertTrue(calibrator[0] > 1e-3, "the calibrator is active: " + calibrator[0]);
                double[] before = flatten(model.sharedParameters());
                double[] seen;
                try (ParamOptimizer opt = new ParamOptimizer(SGD, base)) {
                    if (variant == 0) {
                        HalfLosses lw = new HalfLosses();
                        new StepRunner(model, lw, opt, 0, List.of()).run(base, d, 1.0, 0);
                        seen = lw.seen;
                    } else {
                        HalfGradients ga = new HalfGradients();
                        new StepRunner(model, ga, opt, 0, List.of()).run(base, d, 1.0, 0);
                        seen = ga.seen;
                    }
                }
                String what = variant == 0 ? "loss weighting" : "gradient method";
                assertEquals(plain[0], seen[0], 1e-6, what + ": click loss");
                assertEquals(plain[1], seen[1], 1e-6, what + ": buy loss without the calibrator");
                double[] after = flatten(model.sharedParameters());
                double scale = 0;
                double err = 0;
                for (int i = 0; i < expected.length; i++) {
                    scale = Math.max(scale, Math.abs(expected[i]));
                    err = Math.max(err, Math.abs(before[i] - after[i] - expected[i]));
                }
                assertTrue(scale > 1e-4, "non-trivial step");
                assertEquals(0, err, 1e-5 * Math.max(1, scale), what + ": ½L₁ + ½L₂ + calibrator");
            }
        }
    }

    /** Gradient of ½L_click + ½L_buy + calibrator on the shared parameters (the SGD lr-1 step). */
    private static double[] expectedSharedStep(
            MultiTaskModel model,
            NDManager base,
            Dataset d,
            List<Task> tasks,
            double[] plain,
            double[] calibrator) {
        try (NDManager s = base.newSubManager()) {
            BatchArrays b = BatchArrays.of(s, d, tasks);
            Autograd.setRecording(true);
            try {
                ParameterStore ps = new ParameterStore(s, false);
                NDArray z = model.encode(ps, b.inputs, true);
                NDArray[] outs = {model.head(0, ps, z, true), model.head(1, ps, z, true)};
                NDArray total = null;
                for (int t = 0; t < 2; t++) {
                    NDArray l =
                            Losses.masked(
                                    tasks.get(t), outs[t], b.labels[t], b.masks[t], b.observed[t]);
                    plain[t] = l.getFloat();
                    NDArray half = l.mul(Scalars.of(l, 0.5));
                    total = total == null ? half : total.add(half);
                }
                NDArray extra =
                        model.spec().architecture().extraLoss(1, outs, b.masks[1], b.observed[1]);
                calibrator[0] = extra.getFloat();
                Autograd.backward(total.add(extra), false);
            } finally {
                Autograd.setRecording(false);
            }
            List<double[]> parts = new ArrayList<>();
            int n = 0;
            for (Parameter p : model.sharedParameters()) {
                NDArray g = p.getArray().getGradient();
                g.attach(s);
                parts.add(toDouble(g.toFloatArray()));
                n += parts.get(parts.size() - 1).length;
            }
            for (var p : model.getParameters()) {
                Autograd.zeroGrad(p.getValue().getArray());
            }
            return concat(parts, n);
        }
    }

    private static TaskLabels binary(TaskLabels l, double threshold) {
        float[] v = l.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] > threshold ? 1 : 0;
        }
        return new TaskLabels(l.rows(), 1, v, l.observed());
    }

    private static double[] flatten(List<Parameter> ps) {
        List<double[]> parts = new ArrayList<>();
        int n = 0;
        for (Parameter p : ps) {
            parts.add(toDouble(p.getArray().toFloatArray()));
            n += parts.get(parts.size() - 1).length;
        }
        return concat(parts, n);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
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
}
