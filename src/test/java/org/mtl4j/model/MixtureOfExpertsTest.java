package org.mtl4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.run.Engines;
import org.mtl4j.run.Json;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.TrainingListener;

/** MMoE (Ma et al. 2018): layout, the gate mixture, training under every balancer family. */
class MixtureOfExpertsTest {
    @TempDir Path tmp;

    private static List<Task> tasks() {
        return List.of(
                Task.of("a", new TaskType.Regression(1)), Task.of("b", new TaskType.Binary()));
    }

    @Test
    void expertsAreSharedAndGatesAndTowersBelongToTheirTask() {
        Engines.start(1, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            ModelSpec spec =
                    new ModelSpec(
                            6,
                            List.of(),
                            1,
                            MlpSpec.of(5),
                            MlpSpec.of(4),
                            new Architecture.Mmoe(3));
            MultiTaskModel model = new MultiTaskModel(spec, tasks());
            model.initialize(m);
            long shared = count(model.sharedParameters());
            assertEquals(3 * (6 * 5 + 5), shared, "three experts 6->5");
            // gate 6 -> 3 (weights and bias), tower 5 -> 4 -> 1
            assertEquals(6 * 3 + 3 + 5 * 4 + 4 + 4 + 1, count(model.taskParameters(0)));
            // the head is exactly the gate-weighted mixture of the experts, then the tower
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(7, 6));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray z =
                    model.encode(
                            ps,
                            new NDList(
                                    x,
                                    m.zeros(
                                            new ai.djl.ndarray.types.Shape(7, 0),
                                            ai.djl.ndarray.types.DataType.INT64)),
                            false);
            assertEquals(new ai.djl.ndarray.types.Shape(7, 3 * 5 + 6), z.getShape());
            NDArray experts = z.get(":, 0:15").reshape(7, 3, 5);
            assertArrayEquals(
                    x.toFloatArray(), z.get(":, 15:").toFloatArray(), 1e-6f, "x rides along");
            Parameter gw = parameter(model, "head_a", "gate", "weight");
            Parameter gb = parameter(model, "head_a", "gate", "bias");
            NDArray gate =
                    x.matMul(gw.getArray().transpose()).add(gb.getArray()).softmax(1); // (7, 3)
            float[] sums = gate.sum(new int[] {1}).toFloatArray();
            for (float s : sums) {
                assertEquals(1f, s, 1e-5f);
            }
            NDArray mixed = experts.mul(gate.expandDims(2)).sum(new int[] {1});
            NDArray expected =
                    child(child(model, "head_a"), "tower")
                            .forward(ps, new NDList(mixed), false)
                            .singletonOrThrow();
            assertArrayEquals(
                    expected.toFloatArray(), model.head(0, ps, z, false).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void cgcAndCrossStitchSplitSharedAndTaskParametersAsTheirPapersDo() {
        Engines.start(1, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            // CGC: 2 shared experts 6->5; each task: 1 own expert 6->5, gate 6->3, tower 5->4->1
            MultiTaskModel cgc =
                    new MultiTaskModel(
                            new ModelSpec(
                                    6,
                                    List.of(),
                                    1,
                                    MlpSpec.of(5),
                                    MlpSpec.of(4),
                                    new Architecture.Cgc(2, 1)),
                            tasks());
            cgc.initialize(m);
            assertEquals(2 * (6 * 5 + 5), count(cgc.sharedParameters()));
            assertEquals(
                    (6 * 5 + 5) + (6 * 3 + 3) + (5 * 4 + 4) + (4 + 1),
                    count(cgc.taskParameters(1)));
            // cross-stitch: one encoder copy per task (6->5->5: two layers, one 2x2 unit after
            // each layer's activation)
            MultiTaskModel cs =
                    new MultiTaskModel(
                            new ModelSpec(
                                    6,
                                    List.of(),
                                    1,
                                    MlpSpec.of(5, 5),
                                    MlpSpec.of(4),
                                    new Architecture.CrossStitch(0.9)),
                            tasks());
            cs.initialize(m);
            long alphas = 0;
            for (var p : cs.getParameters()) {
                if (p.getKey().contains("alpha_")) {
                    alphas++;
                    assertArrayEquals(
                            new float[] {0.9f, 0.1f, 0.1f, 0.9f},
                            p.getValue().getArray().toFloatArray(),
                            1e-6f,
                            "paper's initialisation");
                }
            }
            assertEquals(2, alphas, "one cross-stitch unit per layer");
            assertEquals(2 * (6 * 5 + 5 + 5 * 5 + 5) + alphas * 4, count(cs.sharedParameters()));
            assertEquals((5 * 4 + 4) + (4 + 1), count(cs.taskParameters(0)));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(3, 6));
            NDArray z =
                    cs.encode(
                            ps,
                            new NDList(
                                    x,
                                    m.zeros(
                                            new ai.djl.ndarray.types.Shape(3, 0),
                                            ai.djl.ndarray.types.DataType.INT64)),
                            false);
            assertEquals(new ai.djl.ndarray.types.Shape(3, 10), z.getShape(), "T x D");
        }
    }

    @Test
    void dselectKSmoothStepAndSparseGates() {
        Engines.start(1, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = m.create(new float[] {-3f, -0.5f, -0.25f, 0f, 0.25f, 0.5f, 3f});
            float[] s = DSelectGateHead.smoothStep(t, 1.0).toFloatArray();
            // 0 below -gamma/2, 1 above gamma/2, cubic -2t^3 + 1.5t + 0.5 between
            assertArrayEquals(new float[] {0f, 0f, 0.15625f, 0.5f, 0.84375f, 1f, 1f}, s, 1e-6f);
            MultiTaskModel model =
                    new MultiTaskModel(
                            new ModelSpec(
                                    6,
                                    List.of(),
                                    1,
                                    MlpSpec.of(5),
                                    MlpSpec.of(),
                                    new Architecture.DselectK(8, 2, 1.0)),
                            tasks());
            model.initialize(m);
            DSelectGateHead head = (DSelectGateHead) child(model, "head_a");
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(5, 6));
            NDArray g = head.gate(ps, x, false);
            assertEquals(new ai.djl.ndarray.types.Shape(5, 8), g.getShape());
            for (float v : g.sum(new int[] {1}).toFloatArray()) {
                assertEquals(1f, v, 1e-5f, "a distribution over the experts");
            }
            // saturate the selectors (weights 0, biases +-5): each selects exactly one expert,
            // so the gate has at most k = 2 non-zero entries per row
            for (var p : model.getParameters()) {
                if (p.getKey().contains("head_a") && p.getKey().contains("selectors")) {
                    NDArray a = p.getValue().getArray();
                    if (p.getKey().endsWith("weight")) {
                        a.set(new ai.djl.ndarray.index.NDIndex(":"), 0f);
                    } else {
                        a.set(
                                new ai.djl.ndarray.index.NDIndex(":"),
                                m.create(new float[] {5f, -5f, 5f, -5f, 5f, 5f}));
                    }
                }
            }
            float[] sparse = head.gate(ps, x, false).toFloatArray();
            for (int r = 0; r < 5; r++) {
                int nonZero = 0;
                for (int j = 0; j < 8; j++) {
                    nonZero += sparse[r * 8 + j] > 0 ? 1 : 0;
                }
                // selector 1: bits (1, 0, 1) -> expert 5; selector 2: bits (0, 1, 1) -> expert 6
                assertEquals(2, nonZero, "row " + r);
                assertTrue(sparse[r * 8 + 5] > 0 && sparse[r * 8 + 6] > 0, "row " + r);
            }
            assertThrows(IllegalArgumentException.class, () -> new Architecture.DselectK(6, 2, 1));
        }
    }

    @Test
    void softSharingPenaltyPullsTheCopiesTogether() throws Exception {
        double[] distance = new double[2];
        double[] penalties = {0.0, 1.0};
        for (int i = 0; i < 2; i++) {
            Experiment e =
                    Experiment.builder("soft")
                            .seed(5)
                            .threads(1)
                            .syntheticData(
                                    new SyntheticMmoe.Spec(2, 0.2, 400, 8, 5, 1.0, 0.01, false))
                            .task(Task.of("y0", new TaskType.Regression(1)))
                            .task(Task.of("y1", new TaskType.Regression(1)))
                            .architecture(new Architecture.SoftSharing(penalties[i]))
                            .encoder(MlpSpec.of(6))
                            .head(MlpSpec.of())
                            .trainer(org.mtl4j.train.TrainerSpec.defaults(15, 32, 0.05))
                            .build();
            Path run = tmp.resolve("soft" + i);
            e.train(run, new TrainingListener() {});
            try (org.mtl4j.run.Predictor p = org.mtl4j.run.Predictor.load(run.resolve("model"))) {
                distance[i] = copyDistance(p.model());
            }
        }
        // the copies start from different random values; the penalty must shrink their distance
        assertTrue(
                distance[1] < 0.5 * distance[0],
                "distance between the encoder copies: without penalty "
                        + distance[0]
                        + ", with penalty "
                        + distance[1]);
    }

    /** ‖θ_copy0 − θ_copy1‖ over corresponding encoder parameters. */
    private static double copyDistance(MultiTaskModel model) {
        java.util.Map<String, float[]> byName = new java.util.HashMap<>();
        double sq = 0;
        int pairs = 0;
        for (var p : model.getParameters()) {
            String key = p.getKey();
            if (!key.contains("copy_")) {
                continue;
            }
            String norm = key.replaceFirst(".*copy_\\d+_", "");
            float[] v = p.getValue().getArray().toFloatArray();
            float[] other = byName.put(norm, v);
            if (other != null) {
                for (int i = 0; i < v.length; i++) {
                    sq += (v[i] - other[i]) * (double) (v[i] - other[i]);
                }
                pairs++;
            }
        }
        assertTrue(pairs >= 2, "corresponding parameters found: " + pairs);
        return Math.sqrt(sq);
    }

    @Test
    void pleOfOneLevelIsCgcAndHigherLevelsShareTheLowerTaskExperts() {
        Engines.start(1, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskModel cgc = model(m, new Architecture.Cgc(2, 1));
            MultiTaskModel ple1 = model(m, new Architecture.Ple(1, 2, 1));
            assertEquals(count(cgc.sharedParameters()), count(ple1.sharedParameters()));
            assertEquals(count(cgc.taskParameters(0)), count(ple1.taskParameters(0)));
            // two levels, experts 6 -> 5 at level 1 and 5 -> 5 at level 2; 2 tasks
            MultiTaskModel ple2 = model(m, new Architecture.Ple(2, 2, 1));
            long level1 =
                    2 * (6 * 5 + 5)
                            + 2 * (6 * 5 + 5) // shared and the two tasks' experts
                            + 2 * (6 * 3 + 3) // task gates over 1 own + 2 shared experts
                            + (6 * 4 + 4); // shared gate over 2 shared + 2 task experts
            long level2Shared = 2 * (5 * 5 + 5);
            assertEquals(level1 + level2Shared, count(ple2.sharedParameters()));
            // head: own level-2 expert 5 -> 5, gate 5 -> 3, tower 5 -> 4 -> 1
            assertEquals(
                    (5 * 5 + 5) + (5 * 3 + 3) + (5 * 4 + 4) + (4 + 1),
                    count(ple2.taskParameters(1)));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(3, 6));
            NDArray z =
                    ple2.encode(
                            ps,
                            new NDList(
                                    x,
                                    m.zeros(
                                            new ai.djl.ndarray.types.Shape(3, 0),
                                            ai.djl.ndarray.types.DataType.INT64)),
                            false);
            assertEquals(new ai.djl.ndarray.types.Shape(3, 2 * 5 + 2 * 5), z.getShape());
        }
    }

    private static MultiTaskModel model(NDManager m, Architecture a) {
        MultiTaskModel model =
                new MultiTaskModel(
                        new ModelSpec(6, List.of(), 1, MlpSpec.of(5), MlpSpec.of(4), a), tasks());
        model.initialize(m);
        return model;
    }

    @Test
    void crossStitchMixesTheCopiesWithItsMatrixAndSoftSharingCopiesBelongToTheirTask() {
        Engines.start(1, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            // one layer 6 -> 5: Z = alpha · [relu(copy_0(x)), relu(copy_1(x))]
            MultiTaskModel cs = model(m, new Architecture.CrossStitch(0.7));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(3, 6));
            NDList in =
                    new NDList(
                            x,
                            m.zeros(
                                    new ai.djl.ndarray.types.Shape(3, 0),
                                    ai.djl.ndarray.types.DataType.INT64));
            NDArray z = cs.encode(ps, in, false);
            float[][] copies = new float[2][];
            for (int t = 0; t < 2; t++) {
                ai.djl.nn.Block copy = child(child(cs, "shared"), "copy_" + t);
                copies[t] =
                        copy.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            }
            float[] expected = new float[30];
            for (int r = 0; r < 3; r++) {
                for (int j = 0; j < 5; j++) {
                    float u = copies[0][r * 5 + j];
                    float v = copies[1][r * 5 + j];
                    expected[r * 10 + j] = 0.7f * u + 0.3f * v;
                    expected[r * 10 + 5 + j] = 0.3f * u + 0.7f * v;
                }
            }
            assertArrayEquals(expected, z.toFloatArray(), 1e-5f);
            // soft sharing: numeric input only, so nothing is shared; each head has its copy
            MultiTaskModel soft = model(m, new Architecture.SoftSharing(0.1));
            assertEquals(0, count(soft.sharedParameters()));
            assertEquals((6 * 5 + 5) + (5 * 4 + 4) + (4 + 1), count(soft.taskParameters(0)));
        }
    }

    @Test
    void mtanAttendsOverEveryEncoderLayerWithTaskModules() {
        Engines.start(1, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskModel mtan =
                    new MultiTaskModel(
                            new ModelSpec(
                                    6,
                                    List.of(),
                                    1,
                                    MlpSpec.of(5, 3),
                                    MlpSpec.of(),
                                    new Architecture.Mtan()),
                            tasks());
            mtan.initialize(m);
            // shared: the encoder only; Z = [h_1 (5), h_2 (3)]
            assertEquals((6 * 5 + 5) + (5 * 3 + 3), count(mtan.sharedParameters()));
            // head: layer 1 attention 5->5->5; layer 2: adapt 5->3, attention [3+3]->3->3; tower
            // 3->1
            assertEquals(
                    (5 * 5 + 5) * 2 + (5 * 3 + 3) + (6 * 3 + 3) + (3 * 3 + 3) + (3 + 1),
                    count(mtan.taskParameters(0)));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray z =
                    mtan.encode(
                            ps,
                            new NDList(
                                    m.randomNormal(new ai.djl.ndarray.types.Shape(4, 6)),
                                    m.zeros(
                                            new ai.djl.ndarray.types.Shape(4, 0),
                                            ai.djl.ndarray.types.DataType.INT64)),
                            false);
            assertEquals(new ai.djl.ndarray.types.Shape(4, 8), z.getShape());
            assertEquals(
                    new ai.djl.ndarray.types.Shape(4, 1), mtan.head(0, ps, z, false).getShape());
            // over a ResNet: feature maps 28x28 (stem), 28x28 and 14x14 (blocks), then the
            // pooled vector; adapt pools 28 -> 14
            MultiTaskModel res =
                    new MultiTaskModel(
                            new ModelSpec(
                                    784,
                                    List.of(),
                                    1,
                                    new ResNetSpec(List.of(4, 8), 1, 0),
                                    MlpSpec.of(),
                                    new Architecture.Mtan()),
                            tasks());
            res.initialize(m);
            NDArray zr =
                    res.encode(
                            ps,
                            new NDList(
                                    m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(2, 784)),
                                    m.zeros(
                                            new ai.djl.ndarray.types.Shape(2, 0),
                                            ai.djl.ndarray.types.DataType.INT64)),
                            true);
            assertEquals(4 * 28 * 28 * 2 + 8 * 14 * 14 + 8, zr.getShape().get(1));
            assertEquals(
                    new ai.djl.ndarray.types.Shape(2, 1), res.head(1, ps, zr, true).getShape());
        }
    }

    /**
     * Every trainable parameter of every architecture receives a gradient from the summed task
     * losses, including edge cases where a block holds a single array (one expert, one task, one
     * encoder layer), which DJL's concat would detach.
     */
    @Test
    void everyParameterOfEveryArchitectureGetsAGradient() {
        Engines.start(1, 9);
        List<Object[]> cases =
                List.of(
                        new Object[] {new Architecture.Mmoe(2), 2},
                        new Object[] {new Architecture.Cgc(1, 1), 2},
                        new Object[] {new Architecture.Ple(2, 1, 1), 2},
                        new Object[] {new Architecture.Ple(3, 2, 1), 3},
                        new Object[] {new Architecture.CrossStitch(0.9), 1},
                        new Object[] {new Architecture.CrossStitch(0.9), 3},
                        new Object[] {new Architecture.DselectK(4, 2, 1.0), 2},
                        new Object[] {new Architecture.SoftSharing(0.1), 2},
                        new Object[] {new Architecture.Mtan(), 2},
                        new Object[] {new Architecture.Aitm(0.5), 2},
                        new Object[] {new Architecture.Esmm(), 2},
                        new Object[] {new Architecture.HardSharing(), 1});
        for (Object[] c : cases) {
            Architecture arch = (Architecture) c[0];
            int n = (Integer) c[1];
            List<Task> ts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ts.add(Task.of("t" + i, new TaskType.Binary()));
            }
            try (NDManager m = NDManager.newBaseManager()) {
                MultiTaskModel model =
                        new MultiTaskModel(
                                new ModelSpec(6, List.of(), 1, MlpSpec.of(5), MlpSpec.of(3), arch),
                                ts);
                model.initialize(m);
                ParameterStore ps = new ParameterStore(m, false);
                org.mtl4j.train.Autograd.setRecording(true);
                try {
                    NDArray z =
                            model.encode(
                                    ps,
                                    new NDList(
                                            m.randomNormal(new ai.djl.ndarray.types.Shape(8, 6)),
                                            m.zeros(
                                                    new ai.djl.ndarray.types.Shape(8, 0),
                                                    ai.djl.ndarray.types.DataType.INT64)),
                                    true);
                    NDArray total = null;
                    for (int i = 0; i < n; i++) {
                        NDArray o = model.head(i, ps, z, true).square().sum();
                        total = total == null ? o : total.add(o);
                    }
                    org.mtl4j.train.Autograd.backward(total, false);
                } finally {
                    org.mtl4j.train.Autograd.setRecording(false);
                }
                for (var p : model.getParameters()) {
                    if (!p.getValue().requiresGradient()) {
                        continue;
                    }
                    float g = p.getValue().getArray().getGradient().abs().sum().getFloat();
                    assertTrue(
                            g > 0,
                            arch + " with " + n + " tasks: no gradient reaches " + p.getKey());
                }
            }
        }
    }

    /** A child block by name (DJL prefixes child names with their index, e.g. 03head_a). */
    private static ai.djl.nn.Block child(ai.djl.nn.Block parent, String name) {
        for (var c : parent.getChildren()) {
            if (c.getKey().endsWith(name)) {
                return c.getValue();
            }
        }
        throw new AssertionError("no child " + name + " in " + parent.getChildren().keys());
    }

    private static long count(List<Parameter> ps) {
        long n = 0;
        for (Parameter p : ps) {
            n += p.getArray().getShape().size();
        }
        return n;
    }

    private static Parameter parameter(MultiTaskModel model, String... path) {
        // names look like 03head_a_01gate_weight: child indices prefix each block name
        String suffix = path[1] + "_" + path[2];
        for (var p : model.getParameters()) {
            if (p.getKey().contains(path[0] + "_") && p.getKey().endsWith(suffix)) {
                return p.getValue();
            }
        }
        throw new AssertionError(
                "no parameter " + String.join("/", path) + " in " + model.getParameters().keys());
    }

    @Test
    void everyArchitectureTrainsUnderEveryFamilySingleAndMultiInput() throws Exception {
        List<Architecture> archs =
                List.of(
                        new Architecture.Mmoe(3),
                        new Architecture.Cgc(2, 1),
                        new Architecture.CrossStitch(0.9),
                        new Architecture.DselectK(4, 2, 1.0),
                        new Architecture.SoftSharing(0.01),
                        new Architecture.Ple(2, 2, 1),
                        new Architecture.Mtan());
        for (Architecture arch : archs) {
            for (String spec : List.of("ew", "uw", "pcgrad", "mgda/representation", "upgrad")) {
                for (boolean multi : List.of(false, true)) {
                    String method = spec.split("/")[0];
                    Map<String, Object> opts =
                            spec.contains("/") ? Map.of("mode", spec.split("/")[1]) : Map.of();
                    List<double[]> losses = new ArrayList<>();
                    Experiment e =
                            Experiment.builder("mmoe")
                                    .seed(3)
                                    .threads(1)
                                    .syntheticData(
                                            new SyntheticMmoe.Spec(
                                                    2, 0.5, 600, 12, 5, 1.0, 0.01, multi))
                                    .task(tasks().get(0))
                                    .task(tasks().get(1))
                                    .architecture(arch)
                                    .encoder(MlpSpec.of(16))
                                    .head(MlpSpec.of(8))
                                    .balancer(method, opts)
                                    .epochs(3)
                                    .batchSize(32)
                                    .build();
                    Path run = tmp.resolve(arch.typeName() + spec.replace('/', '_') + multi);
                    RunResult r;
                    try {
                        r =
                                e.train(
                                        run,
                                        new TrainingListener() {
                                            @Override
                                            public void onEpoch(Epoch ep) {
                                                losses.add(ep.trainLosses());
                                            }
                                        });
                    } catch (RuntimeException ex) {
                        throw new AssertionError(arch + " " + spec + " multi=" + multi, ex);
                    }
                    for (int t = 0; t < 2; t++) {
                        assertTrue(
                                losses.get(2)[t] < losses.get(0)[t],
                                spec
                                        + " multi="
                                        + multi
                                        + " task "
                                        + t
                                        + ": "
                                        + losses.get(0)[t]
                                        + " -> "
                                        + losses.get(2)[t]);
                    }
                    assertTrue(Double.isFinite(r.metrics().get("a").get("mse")));
                    var model = Json.read(run.resolve("model/model.json")).get("model");
                    assertEquals(
                            arch.describe(),
                            Json.mapper().convertValue(model.get("architecture"), Map.class));
                }
            }
        }
    }

    @Test
    void configErrorsNameTheArchitectureField() throws Exception {
        Path cfg = tmp.resolve("bad.yaml");
        String base =
                String.join(
                        "\n",
                        "name: bad",
                        "data: {synthetic: {tasks: 2, rows: 200}}",
                        "tasks:",
                        "  - {name: y0, type: regression}",
                        "  - {name: y1, type: regression}",
                        "model: {architecture: ARCH}",
                        "");
        Files.writeString(cfg, base.replace("ARCH", "{type: mmoe, experts: 0}"));
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> Experiment.fromYaml(cfg));
        assertTrue(
                e.getMessage().contains("bad.yaml") && e.getMessage().contains("experts"),
                e.getMessage());
        Files.writeString(cfg, base.replace("ARCH", "moe"));
        e = assertThrows(Mtl4jException.class, () -> Experiment.fromYaml(cfg));
        assertTrue(
                e.getMessage().contains("architecture") && e.getMessage().contains("mmoe"),
                e.getMessage());
        Files.writeString(cfg, base.replace("ARCH", "{type: mmoe, experts: 2, gates: 3}"));
        e = assertThrows(Mtl4jException.class, () -> Experiment.fromYaml(cfg));
        assertTrue(e.getMessage().contains("gates"), e.getMessage());
        Files.writeString(cfg, base.replace("ARCH", "mmoe"));
        assertEquals(
                new Architecture.Mmoe(4),
                Experiment.fromYaml(cfg).config().model().architecture(),
                "a plain name takes the default of 4 experts");
    }
}
