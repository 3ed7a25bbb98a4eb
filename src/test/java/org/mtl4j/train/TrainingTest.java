package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.balance.Balancer;
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

class TrainingTest {
    @TempDir Path tmp;

    private static Experiment small(long seed, String balancer, boolean separateInputs) {
        return small(seed, balancer, Map.of(), separateInputs);
    }

    private static Experiment small(
            long seed, String balancer, Map<String, Object> options, boolean separateInputs) {
        return Experiment.builder("small")
                .seed(seed)
                .threads(1)
                .syntheticData(
                        new SyntheticMmoe.Spec(2, 0.8, 600, 12, 5, 1.0, 0.01, separateInputs))
                .task(Task.of("a", new TaskType.Regression(1)))
                .task(Task.of("b", new TaskType.Binary()))
                .encoder(
                        new MlpSpec(
                                List.of(16),
                                org.mtl4j.model.Activation.RELU,
                                0.2,
                                org.mtl4j.model.Norm.NONE))
                .head(MlpSpec.of(8))
                .balancer(balancer, options)
                .epochs(3)
                .batchSize(32)
                .build();
    }

    @Test
    void sameSeedGivesIdenticalMetricsAndAnotherSeedDoesNot() {
        RunResult a = small(5, "ew", false).train(tmp.resolve("a"), Listeners.none());
        RunResult b = small(5, "ew", false).train(tmp.resolve("b"), Listeners.none());
        RunResult c = small(6, "ew", false).train(tmp.resolve("c"), Listeners.none());
        assertEquals(a.metrics(), b.metrics(), "same seed, same metrics (dropout included)");
        assertNotEquals(a.metrics(), c.metrics());
    }

    /**
     * Garbage collection at any moment must not change a run: nothing the autograd graph keeps may
     * live in memory that the collector can free.
     */
    @Test
    void resultsDoNotDependOnGarbageCollectionTiming() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stop =
                new java.util.concurrent.atomic.AtomicBoolean();
        Thread collector =
                new Thread(
                        () -> {
                            while (!stop.get()) {
                                System.gc();
                                try {
                                    Thread.sleep(2);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        });
        collector.setDaemon(true);
        collector.start();
        try {
            List<Map<String, Map<String, Double>>> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                seen.add(
                        small(8, "uw", false)
                                .train(tmp.resolve("gc" + i), Listeners.none())
                                .metrics());
            }
            assertEquals(seen.get(0), seen.get(1));
            assertEquals(seen.get(0), seen.get(2));
        } finally {
            stop.set(true);
            collector.join();
        }
    }

    /** Every registered method in each mode it supports, e.g. "pcgrad/representation". */
    static List<String> everyMethodAndMode() {
        List<String> out = new ArrayList<>();
        for (BalancerRegistry.Entry e : BalancerRegistry.entries()) {
            if (e.modes().equals("loss")) {
                out.add(e.name());
            } else {
                for (String mode : e.modes().split(",\\s*")) {
                    out.add(e.name() + "/" + mode);
                }
            }
        }
        return out;
    }

    @Test
    void everyBalancerTrainsSingleAndMultiInput() {
        List<String> all = everyMethodAndMode();
        assertTrue(all.size() >= 20, "registry lists " + all);
        for (String spec : all) {
            String method = spec.split("/")[0];
            Map<String, Object> options =
                    spec.contains("/")
                            ? Map.of("mode", spec.split("/")[1])
                            : method.equals("fixed")
                                    ? Map.of("weights", List.of(0.7, 1.3))
                                    : Map.of();
            for (boolean multi : List.of(false, true)) {
                List<double[]> trainLoss = new ArrayList<>();
                TrainingListener epochs =
                        new TrainingListener() {
                            @Override
                            public void onEpoch(Epoch e) {
                                trainLoss.add(e.trainLosses());
                            }
                        };
                RunResult r =
                        small(1, method, options, multi)
                                .train(tmp.resolve(spec.replace('/', '_') + multi), epochs);
                String what = spec + " multi=" + multi;
                double mse = r.metrics().get("a").get("mse");
                assertTrue(Double.isFinite(mse) && mse > 0, what + ": mse " + mse);
                assertEquals(3, trainLoss.size());
                // every task's mean training loss fell from the first epoch to the last
                for (int t = 0; t < 2; t++) {
                    assertTrue(
                            trainLoss.get(2)[t] < trainLoss.get(0)[t],
                            what
                                    + " task "
                                    + t
                                    + ": "
                                    + trainLoss.get(0)[t]
                                    + " -> "
                                    + trainLoss.get(2)[t]);
                }
            }
        }
    }

    /** With one task every aggregator's combination is the task gradient itself: same as EW. */
    @Test
    void aggregatorsWithOneTaskMatchEqualWeightingInBothModes() {
        List<List<float[]>> results = new ArrayList<>();
        List<String> names =
                List.of("ew", "pcgrad", "pcgrad/representation", "mgda", "mgda/representation");
        for (String n : names) {
            String[] parts = n.split("/");
            Map<String, Object> opts = parts.length > 1 ? Map.of("mode", parts[1]) : Map.of();
            results.add(
                    trainSteps(BalancerRegistry.create(parts[0], Options.of("test", opts)), 1, 5));
        }
        for (int k = 1; k < results.size(); k++) {
            for (int i = 0; i < results.get(0).size(); i++) {
                assertArrayEquals(
                        results.get(0).get(i),
                        results.get(k).get(i),
                        1e-5f,
                        names.get(k) + " param " + i);
            }
        }
        // and training did move the parameters, so the comparison is not vacuous
        List<float[]> untrained =
                trainSteps(BalancerRegistry.create("ew", Options.of("t", Map.of())), 1, 0);
        assertTrue(maxDiff(untrained, results.get(0)) > 1e-3);
    }

    /** After training the model holds the best epoch's parameters, and early stopping stops. */
    @Test
    void bestEpochIsRestoredAndEarlyStoppingStops() {
        Engines.start(1, 4);
        try (NDManager base = NDManager.newBaseManager()) {
            MultiTaskModel model = model(2);
            model.initialize(base);
            Dataset all =
                    SyntheticMmoe.generate(
                            new SyntheticMmoe.Spec(2, 0.5, 300, 8, 3, 1, 0.01, false), 3);
            int[] trainIdx = java.util.stream.IntStream.range(0, 60).toArray();
            int[] valIdx = java.util.stream.IntStream.range(60, 300).toArray();
            Dataset train = all.select(trainIdx);
            Dataset val = all.select(valIdx);
            TrainerSpec d = TrainerSpec.defaults(1, 8, 0.05);
            // a high learning rate on 60 rows over-fits: validation loss rises after a few epochs
            TrainerSpec spec =
                    new TrainerSpec(
                            40,
                            8,
                            d.optimizer(),
                            d.schedule(),
                            0,
                            "loss",
                            4,
                            0,
                            50,
                            d.sampler(),
                            64,
                            0,
                            TrainerSpec.NonFinite.STOP);
            Trainer.Result r =
                    new Trainer(spec, BalancerRegistry.create("ew", Options.of("t", Map.of())))
                            .fit(
                                    model,
                                    base,
                                    BatchSource.single(train, 8, 1),
                                    val,
                                    1,
                                    Listeners.none());
            assertTrue(r.earlyStopped(), "stopped after 4 epochs without improvement");
            assertEquals(r.bestEpoch() + 4, r.epochsRun());
            Evaluator.Evaluation now = Evaluator.evaluate(model, base, val, 64);
            assertArrayEquals(r.bestValidation().losses(), now.losses(), 1e-6);
        }
    }

    @Test
    void liveArrayCountStaysFlatOver500Steps() {
        for (String method : List.of("pcgrad", "uw")) {
            Engines.start(1, 3);
            try (NDManager base = NDManager.newBaseManager()) {
                MultiTaskModel model = model(2);
                model.initialize(base);
                Dataset data =
                        SyntheticMmoe.generate(
                                new SyntheticMmoe.Spec(2, 0.5, 256, 8, 3, 1, 0.01, false), 1);
                Balancer b = BalancerRegistry.create(method, Options.of("t", Map.of()));
                TrainerSpec spec = TrainerSpec.defaults(1, 32, 1e-3);
                int[] counts = new int[2];
                TrainingListener counter =
                        new TrainingListener() {
                            @Override
                            public void onStep(Step s) {
                                if (s.globalStep() == 50) {
                                    counts[0] = live();
                                } else if (s.globalStep() == 550) {
                                    counts[1] = live();
                                }
                            }
                        };
                spec =
                        new TrainerSpec(
                                69,
                                32,
                                spec.optimizer(),
                                spec.schedule(),
                                1.0,
                                "loss",
                                0,
                                0,
                                50,
                                spec.sampler(),
                                256,
                                0,
                                TrainerSpec.NonFinite.STOP);
                new Trainer(spec, b)
                        .fit(model, base, BatchSource.single(data, 32, 1), null, 1, counter);
                assertTrue(counts[0] > 0);
                assertEquals(
                        counts[0], counts[1], method + ": live arrays after step 50 vs step 550");
            }
        }
    }

    /** Every architecture keeps the number of live engine arrays flat over training steps. */
    @Test
    void everyArchitectureKeepsLiveArraysFlat() {
        List<org.mtl4j.model.Architecture> archs =
                List.of(
                        new org.mtl4j.model.Architecture.Mmoe(2),
                        new org.mtl4j.model.Architecture.Cgc(1, 1),
                        new org.mtl4j.model.Architecture.Ple(2, 1, 1),
                        new org.mtl4j.model.Architecture.CrossStitch(0.9),
                        new org.mtl4j.model.Architecture.DselectK(2, 1, 1.0),
                        new org.mtl4j.model.Architecture.SoftSharing(0.1));
        for (org.mtl4j.model.Architecture arch : archs) {
            for (String method : List.of("ew", "mgda")) {
                Engines.start(1, 3);
                try (NDManager base = NDManager.newBaseManager()) {
                    List<Task> t =
                            List.of(
                                    Task.of("y0", new TaskType.Regression(1)),
                                    Task.of("y1", new TaskType.Regression(1)));
                    MultiTaskModel model =
                            new MultiTaskModel(
                                    new ModelSpec(
                                            8, List.of(), 2, MlpSpec.of(8), MlpSpec.of(4), arch),
                                    t);
                    model.initialize(base);
                    Dataset data =
                            SyntheticMmoe.generate(
                                    new SyntheticMmoe.Spec(2, 0.5, 256, 8, 3, 1, 0.01, false), 1);
                    Balancer b = BalancerRegistry.create(method, Options.of("t", Map.of()));
                    int[] counts = new int[2];
                    TrainingListener counter =
                            new TrainingListener() {
                                @Override
                                public void onStep(Step s) {
                                    if (s.globalStep() == 20) {
                                        counts[0] = live();
                                    } else if (s.globalStep() == 60) {
                                        counts[1] = live();
                                    }
                                }
                            };
                    TrainerSpec d = TrainerSpec.defaults(1, 32, 1e-3);
                    TrainerSpec spec =
                            new TrainerSpec(
                                    8,
                                    32,
                                    d.optimizer(),
                                    d.schedule(),
                                    1.0,
                                    "loss",
                                    0,
                                    0,
                                    20,
                                    d.sampler(),
                                    256,
                                    0,
                                    TrainerSpec.NonFinite.STOP);
                    new Trainer(spec, b)
                            .fit(model, base, BatchSource.single(data, 32, 1), null, 1, counter);
                    assertTrue(counts[0] > 0);
                    assertEquals(
                            counts[0],
                            counts[1],
                            arch + " " + method + ": live arrays after step 20 vs 60");
                }
            }
        }
    }

    private static int live() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    private static MultiTaskModel model(int tasks) {
        List<Task> t = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            t.add(Task.of("y" + i, new TaskType.Regression(1)));
        }
        return new MultiTaskModel(new ModelSpec(8, List.of(), 2, MlpSpec.of(16), MlpSpec.of(4)), t);
    }

    private static List<float[]> trainSteps(Balancer b, int tasks, int epochs) {
        Engines.start(1, 21);
        try (NDManager base = NDManager.newBaseManager()) {
            MultiTaskModel model = model(tasks);
            model.initialize(base);
            Dataset data =
                    SyntheticMmoe.generate(
                            new SyntheticMmoe.Spec(tasks, 0.5, 64, 8, 3, 1, 0.01, false), 2);
            if (epochs > 0) {
                TrainerSpec spec = TrainerSpec.defaults(epochs, 16, 1e-2);
                new Trainer(spec, b)
                        .fit(
                                model,
                                base,
                                BatchSource.single(data, 16, 1),
                                null,
                                1,
                                Listeners.none());
            }
            List<float[]> out = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                out.add(p.getValue().getArray().toFloatArray());
            }
            return out;
        }
    }

    private static double maxDiff(List<float[]> a, List<float[]> b) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int k = 0; k < a.get(i).length; k++) {
                m = Math.max(m, Math.abs(a.get(i)[k] - b.get(i)[k]));
            }
        }
        return m;
    }
}
