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

    /**
     * MGDA in representation mode: the min-norm weights c of the gradients w.r.t. the shared
     * representation, then one backward through the encoder. The shared parameters must move by
     * minus the gradient of Σ c_t L_t, and each head by minus the gradient of its own loss.
     */
    @Test
    void mgdaRepresentationStepEqualsGradientOfWeightedLoss() {
        Engines.start(1, 9);
        List<Task> tasks =
                List.of(
                        Task.of("a", new TaskType.Regression(1)),
                        Task.of("b", new TaskType.Regression(1)),
                        Task.of("c", new TaskType.Regression(1)));
        try (NDManager base = NDManager.newBaseManager()) {
            MultiTaskModel model =
                    new MultiTaskModel(
                            new ModelSpec(6, List.of(), 2, MlpSpec.of(5), MlpSpec.of(3)), tasks);
            model.initialize(base);
            Dataset d =
                    SyntheticMmoe.generate(
                            new SyntheticMmoe.Spec(3, 0.2, 16, 6, 2, 1, 0.01, false), 5);
            double[][] repGrads = new double[3][];
            for (int t = 0; t < 3; t++) {
                repGrads[t] = representationGradient(model, base, d, tasks, t);
            }
            double[][] gram = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    gram[i][j] = dot(repGrads[i], repGrads[j]);
                }
            }
            double[] c = org.mtl4j.balance.solver.MinNormSolver.solve(gram).weights();
            assertTrue(
                    c[0] > 0.01 && c[0] < 0.99,
                    "a non-trivial combination: c = " + java.util.Arrays.toString(c));
            double[] expectedShared =
                    weightedLossGradient(model, base, d, tasks, c, model.sharedParameters());
            double[] expectedHead0 =
                    weightedLossGradient(
                            model, base, d, tasks, new double[] {1, 0, 0}, model.taskParameters(0));
            double[] before = flatten(model.sharedParameters());
            double[] head0 = flatten(model.taskParameters(0));
            try (ParamOptimizer opt = new ParamOptimizer(SGD, base)) {
                var mgda =
                        BalancerRegistry.create(
                                "mgda", Options.of("t", Map.of("mode", "representation")));
                mgda.init(3, 1);
                new StepRunner(model, mgda, opt, 0, List.of()).run(base, d, 1.0, 0);
            }
            assertClose(expectedShared, diff(before, flatten(model.sharedParameters())), "shared");
            assertClose(expectedHead0, diff(head0, flatten(model.taskParameters(0))), "head a");
        }
    }

    private static final OptimizerSpec ADAM_DECAY =
            new OptimizerSpec(OptimizerSpec.Kind.ADAM, 0.05, 0.1, 0.9, 0.999, 1e-8, 0);

    private static org.mtl4j.data.TaskLabels unlabelled(org.mtl4j.data.TaskLabels l) {
        return new org.mtl4j.data.TaskLabels(
                l.rows(), l.width(), l.values(), new boolean[l.observed().length]);
    }

    private static double[] everything(MultiTaskModel model, List<NDArray> learnables) {
        List<Parameter> all = new ArrayList<>();
        model.getParameters().forEach(p -> all.add(p.getValue()));
        double[] m = flatten(all);
        List<double[]> parts = new ArrayList<>(List.of(m));
        int n = m.length;
        for (NDArray a : learnables) {
            parts.add(toDouble(a.toFloatArray()));
            n += (int) a.size();
        }
        return concat(parts, n);
    }

    /**
     * A batch with no label for any task (possible with missing labels and small batches) is not a
     * step: after a real step has given Adam non-zero moments, such a batch must leave every
     * parameter, every balancer learnable and the optimiser's step counts as they are, for loss
     * weightings and gradient methods alike (weight decay and momentum would otherwise move them).
     */
    @Test
    void aBatchWithoutAnyLabelCallsNoOptimiser() {
        Engines.start(1, 6);
        List<Task> tasks =
                List.of(
                        Task.of("a", new TaskType.Regression(1)),
                        Task.of("b", new TaskType.Regression(1)));
        Dataset d =
                SyntheticMmoe.generate(new SyntheticMmoe.Spec(2, 0.2, 16, 6, 2, 1, 0.01, false), 4);
        Dataset none =
                new Dataset(
                        d.features(),
                        List.of(unlabelled(d.labels().get(0)), unlabelled(d.labels().get(1))));
        for (String method : List.of("ew", "uw", "mgda", "pcgrad", "gradnorm", "nash_mtl")) {
            try (NDManager base = NDManager.newBaseManager()) {
                MultiTaskModel model =
                        new MultiTaskModel(
                                new ModelSpec(6, List.of(), 2, MlpSpec.of(5), MlpSpec.of()), tasks);
                model.initialize(base);
                var balancer = BalancerRegistry.create(method, Options.of("t", Map.of()));
                balancer.init(2, 1);
                List<NDArray> learnables = balancer.createLearnables(base);
                try (ParamOptimizer opt = new ParamOptimizer(ADAM_DECAY, base)) {
                    StepRunner runner = new StepRunner(model, balancer, opt, 0, learnables);
                    runner.run(base, d, 0.05, 0);
                    double[] before = everything(model, learnables);
                    Map<String, Integer> counts = opt.updateCounts();
                    StepRunner.Result r = runner.run(base, none, 0.05, 1);
                    double[] after = everything(model, learnables);
                    for (int i = 0; i < before.length; i++) {
                        assertEquals(before[i], after[i], 0.0, method + ": value " + i);
                    }
                    assertEquals(counts, opt.updateCounts(), method + ": optimiser steps");
                    assertTrue(Double.isNaN(r.losses()[0]) && Double.isNaN(r.losses()[1]));
                }
            }
        }
    }

    /**
     * Uncertainty weighting and IMTL-L learn one scale s_t per task: a batch without labels for
     * task b must leave s_b where it is (Adam's moments and weight decay would otherwise move it),
     * while s_a takes its step.
     */
    @Test
    void anAbsentTaskKeepsItsLearnedScale() {
        Engines.start(1, 6);
        List<Task> tasks =
                List.of(
                        Task.of("a", new TaskType.Regression(1)),
                        Task.of("b", new TaskType.Regression(1)));
        Dataset d =
                SyntheticMmoe.generate(new SyntheticMmoe.Spec(2, 0.2, 16, 6, 2, 1, 0.01, false), 4);
        Dataset onlyA =
                new Dataset(
                        d.features(), List.of(d.labels().get(0), unlabelled(d.labels().get(1))));
        for (String method : List.of("uw", "imtl_l")) {
            try (NDManager base = NDManager.newBaseManager()) {
                MultiTaskModel model =
                        new MultiTaskModel(
                                new ModelSpec(6, List.of(), 2, MlpSpec.of(5), MlpSpec.of()), tasks);
                model.initialize(base);
                var balancer = BalancerRegistry.create(method, Options.of("t", Map.of()));
                balancer.init(2, 1);
                List<NDArray> learnables = balancer.createLearnables(base);
                NDArray s = learnables.get(0);
                try (ParamOptimizer opt = new ParamOptimizer(ADAM_DECAY, base)) {
                    StepRunner runner = new StepRunner(model, balancer, opt, 0, learnables);
                    runner.run(base, d, 0.05, 0);
                    float[] before = s.toFloatArray();
                    assertTrue(before[1] != 0f, method + ": s_b moved on the first step");
                    runner.run(base, onlyA, 0.05, 1);
                    float[] after = s.toFloatArray();
                    assertTrue(after[0] != before[0], method + ": s_a takes its step");
                    assertEquals(before[1], after[1], 0f, method + ": s_b stays");
                }
            }
        }
    }

    /**
     * The trainer tells a gradient method where each shared layer's parameters lie: GradVac with
     * {@code group: layer} on an encoder of two linear layers keeps two blocks of targets.
     */
    @Test
    void gradVacByLayerGetsOneGroupPerSharedLayer() {
        Engines.start(1, 6);
        List<Task> tasks =
                List.of(
                        Task.of("a", new TaskType.Regression(1)),
                        Task.of("b", new TaskType.Regression(1)));
        Dataset d =
                SyntheticMmoe.generate(new SyntheticMmoe.Spec(2, 0.2, 16, 6, 2, 1, 0.01, false), 4);
        try (NDManager base = NDManager.newBaseManager()) {
            MultiTaskModel model =
                    new MultiTaskModel(
                            new ModelSpec(6, List.of(), 2, MlpSpec.of(5, 4), MlpSpec.of()), tasks);
            model.initialize(base);
            var gv =
                    BalancerRegistry.create(
                            "gradvac", Options.of("t", Map.of("group", "layer", "beta", 0.5)));
            gv.init(2, 1);
            try (ParamOptimizer opt = new ParamOptimizer(SGD, base)) {
                new StepRunner(model, gv, opt, 0, List.of()).run(base, d, 0.1, 0);
            }
            List<String> names = new ArrayList<>();
            model.getParameters().forEach(p -> names.add(p.getKey()));
            assertEquals(2, gv.state().get("groups"), "shared parameters " + names);
        }
    }

    private static double[] representationGradient(
            MultiTaskModel model, NDManager base, Dataset d, List<Task> tasks, int t) {
        try (NDManager s = base.newSubManager()) {
            BatchArrays b = BatchArrays.of(s, d, model.tasks());
            Autograd.setRecording(true);
            NDArray zd;
            try {
                ParameterStore ps = new ParameterStore(s, false);
                NDArray z = model.encode(ps, b.inputs, true);
                zd = z.stopGradient();
                zd.setRequiresGradient(true);
                NDArray out = model.head(t, ps, zd, true);
                Autograd.backward(
                        Losses.masked(tasks.get(t), out, b.labels[t], b.masks[t], b.observed[t]),
                        false);
            } finally {
                Autograd.setRecording(false);
            }
            NDArray g = zd.getGradient();
            g.attach(s);
            double[] out = toDouble(g.toFloatArray());
            zeroAll(model);
            return out;
        }
    }

    private static double[] weightedLossGradient(
            MultiTaskModel model,
            NDManager base,
            Dataset d,
            List<Task> tasks,
            double[] c,
            List<Parameter> of) {
        try (NDManager s = base.newSubManager()) {
            BatchArrays b = BatchArrays.of(s, d, model.tasks());
            Autograd.setRecording(true);
            try {
                NDList y = model.forward(new ParameterStore(s, false), b.inputs, true);
                NDArray total = null;
                for (int t = 0; t < tasks.size(); t++) {
                    NDArray l =
                            Losses.masked(
                                            tasks.get(t),
                                            y.get(t),
                                            b.labels[t],
                                            b.masks[t],
                                            b.observed[t])
                                    .mul(Scalars.of(y.get(t), c[t]));
                    total = total == null ? l : total.add(l);
                }
                Autograd.backward(total, false);
            } finally {
                Autograd.setRecording(false);
            }
            List<double[]> parts = new ArrayList<>();
            int n = 0;
            for (Parameter p : of) {
                NDArray g = p.getArray().getGradient();
                g.attach(s);
                parts.add(toDouble(g.toFloatArray()));
                n += parts.get(parts.size() - 1).length;
            }
            zeroAll(model);
            return concat(parts, n);
        }
    }

    private static void zeroAll(MultiTaskModel model) {
        for (var p : model.getParameters()) {
            if (p.getValue().requiresGradient()) {
                Autograd.zeroGrad(p.getValue().getArray());
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] diff(double[] before, double[] after) {
        double[] d = new double[before.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = before[i] - after[i];
        }
        return d;
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 1e-4, what + ": non-trivial gradient");
        assertEquals(0, err, 1e-5 * Math.max(1, scale), what);
    }

    private static org.mtl4j.data.TaskLabels flippedBinary(org.mtl4j.data.TaskLabels l) {
        float[] v = l.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] > 0 ? 0 : 1;
        }
        return new org.mtl4j.data.TaskLabels(l.rows(), 1, v, l.observed());
    }

    /**
     * Gradient diagnostics record the Gram matrix of the per-task gradients on the shared
     * parameters, computed independently here, through each of the three paths (loss weighting with
     * and without learnable weights, gradient method in parameters mode, representation mode); and
     * a diagnosed step updates the parameters exactly as an undiagnosed one.
     */
    @Test
    void diagnosticsRecordTheSharedGramAndLeaveTheUpdateUnchanged() {
        Engines.start(1, 6);
        List<Task> tasks =
                List.of(
                        Task.of("a", new TaskType.Regression(1)),
                        Task.of("b", new TaskType.Binary()));
        List<Map<String, Object>> specs =
                List.of(
                        Map.of("method", "ew"),
                        Map.of("method", "uw"),
                        Map.of("method", "mgda"),
                        Map.of("method", "pcgrad", "mode", "representation"));
        try (NDManager base = NDManager.newBaseManager()) {
            MultiTaskModel model =
                    new MultiTaskModel(
                            new ModelSpec(6, List.of(), 2, MlpSpec.of(5), MlpSpec.of()), tasks);
            model.initialize(base);
            Dataset raw =
                    SyntheticMmoe.generate(
                            new SyntheticMmoe.Spec(2, 0.0, 16, 6, 2, 1, 0.01, false), 4);
            Dataset d =
                    new Dataset(
                            raw.features(),
                            List.of(raw.labels().get(0), flippedBinary(raw.labels().get(0))));
            List<NDArray> initial = new ArrayList<>();
            for (var p : model.getParameters()) {
                NDArray c = p.getValue().getArray().duplicate();
                c.attach(base);
                initial.add(c);
            }
            double[][] g = perTaskSharedGradients(model, base, d, tasks);
            double[][] expected = {
                {dot(g[0], g[0]), dot(g[0], g[1])}, {dot(g[1], g[0]), dot(g[1], g[1])}
            };
            assertTrue(expected[0][1] < 0, "a batch where the tasks conflict");
            for (Map<String, Object> spec : specs) {
                Map<String, Object> options = new java.util.LinkedHashMap<>(spec);
                String method = (String) options.remove("method");
                double[][] after = new double[2][];
                StepRunner.Diagnosed diagnosed = null;
                for (int run = 0; run < 2; run++) {
                    restore(model, initial);
                    var balancer = BalancerRegistry.create(method, Options.of("t", options));
                    balancer.init(2, 1);
                    List<NDArray> learnables = balancer.createLearnables(base);
                    try (ParamOptimizer opt = new ParamOptimizer(SGD, base)) {
                        StepRunner.Result r =
                                new StepRunner(model, balancer, opt, 0, learnables)
                                        .run(base, d, 0.1, 0, run == 0);
                        if (run == 0) {
                            diagnosed = r.diagnosed();
                        } else {
                            assertEquals(null, r.diagnosed(), method + ": not asked, not done");
                        }
                    }
                    List<Parameter> all = new ArrayList<>();
                    model.getParameters().forEach(p -> all.add(p.getValue()));
                    after[run] = flatten(all);
                }
                assertTrue(diagnosed != null, spec + ": diagnosed");
                assertEquals(
                        List.of(0, 1), java.util.Arrays.stream(diagnosed.tasks()).boxed().toList());
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        assertEquals(
                                expected[i][j],
                                diagnosed.gram()[i][j],
                                1e-4 * Math.abs(expected[i][i]) + 1e-9,
                                spec + ": Gram[" + i + "][" + j + "]");
                    }
                }
                for (int i = 0; i < after[0].length; i++) {
                    assertEquals(
                            after[1][i],
                            after[0][i],
                            1e-6,
                            spec + ": parameter " + i + " moved the same");
                }
            }
        }
    }

    private static void restore(MultiTaskModel model, List<NDArray> values) {
        int i = 0;
        for (var p : model.getParameters()) {
            p.getValue().getArray().set(new ai.djl.ndarray.index.NDIndex("..."), values.get(i++));
        }
    }

    private static double[][] perTaskSharedGradients(
            MultiTaskModel model, NDManager base, Dataset d, List<Task> tasks) {
        double[][] out = new double[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
            try (NDManager s = base.newSubManager()) {
                BatchArrays b = BatchArrays.of(s, d, model.tasks());
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
