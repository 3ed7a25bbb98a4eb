package org.mtl4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.run.Engines;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.TrainingListener;

/** AITM (Xi et al. 2021): information transfer between funnel steps and the calibrator. */
class AitmTest {
    @TempDir Path tmp;

    @Test
    void layoutAndCalibratorValue() {
        Engines.start(1, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            List<Task> tasks =
                    List.of(
                            Task.of("click", new TaskType.Binary()),
                            Task.of("buy", new TaskType.Binary()));
            MultiTaskModel model =
                    new MultiTaskModel(
                            new ModelSpec(
                                    5,
                                    List.of(),
                                    1,
                                    MlpSpec.of(6),
                                    MlpSpec.of(),
                                    new Architecture.Aitm(0.5)),
                            tasks);
            model.initialize(m);
            // heads: one linear 6 -> 1 each; everything else (towers, transfer, attention) shared
            assertEquals(2, model.taskParameters(1).size());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray z =
                    model.encode(
                            ps,
                            new NDList(
                                    m.randomNormal(new Shape(4, 5)),
                                    m.zeros(new Shape(4, 0), DataType.INT64)),
                            false);
            assertEquals(new Shape(4, 12), z.getShape(), "z_1 and z_2 of width 6");
            // calibrator: 0.5 * sum over labelled rows of max(sigmoid(o2) - sigmoid(o1), 0), as
            // the authors' code (a mean would divide the weight by the 3 labelled rows)
            NDArray o1 = m.create(new float[] {0f, 0f, 2f, 0f}, new Shape(4, 1));
            NDArray o2 = m.create(new float[] {1f, -1f, 0f, 3f}, new Shape(4, 1));
            NDArray mask = m.create(new float[] {1f, 1f, 1f, 0f});
            double expected = 0.5 * (Math.max(sig(1) - 0.5, 0) + 0 + Math.max(0.5 - sig(2), 0));
            Architecture.Aitm aitm = new Architecture.Aitm(0.5);
            assertEquals(
                    expected, aitm.extraLoss(1, new NDArray[] {o1, o2}, mask, 3).getFloat(), 1e-6);
            assertNull(aitm.extraLoss(0, new NDArray[] {o1, o2}, mask, 3), "no step before");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> aitm.check(List.of(Task.of("click", new TaskType.Binary()))));
        }
    }

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void trainsOnAFunnelUnderLossAndGradientBalancing() throws Exception {
        Random r = new Random(5);
        StringBuilder csv = new StringBuilder("x0,x1,x2,click,buy\n");
        for (int i = 0; i < 800; i++) {
            double x0 = r.nextGaussian();
            double x1 = r.nextGaussian();
            boolean click = r.nextDouble() < 1 / (1 + Math.exp(-2 * x0));
            boolean buy = click && r.nextDouble() < 1 / (1 + Math.exp(-2 * x1));
            csv.append(
                    String.format(
                            java.util.Locale.ROOT,
                            "%.4f,%.4f,%.4f,%d,%d%n",
                            x0,
                            x1,
                            r.nextGaussian(),
                            click ? 1 : 0,
                            buy ? 1 : 0));
        }
        Files.writeString(tmp.resolve("funnel.csv"), csv);
        for (String balancer : List.of("ew", "pcgrad", "{method: mgda, mode: representation}")) {
            String yaml =
                    String.join(
                            "\n",
                            "name: aitm",
                            "seed: 2",
                            "threads: 1",
                            "data: {train: funnel.csv, validation_fraction: 0.2, test_fraction: 0.2,"
                                    + " numeric: [x0, x1, x2]}",
                            "tasks:",
                            "  - {name: click, type: binary, label: click}",
                            "  - {name: buy, type: binary, label: buy}",
                            "model: {architecture: {type: aitm, calibration: 0.6}, encoder: {hidden: [16]},"
                                    + " head: {hidden: []}}",
                            "balancer: " + balancer,
                            "trainer: {epochs: 6, batch_size: 32, lr: 0.01}",
                            "");
            Path cfg = tmp.resolve("aitm.yaml");
            Files.writeString(cfg, yaml);
            List<double[]> losses = new ArrayList<>();
            var result =
                    Experiment.fromYaml(cfg)
                            .train(
                                    tmp.resolve("run-" + losses.hashCode() + balancer.length()),
                                    new TrainingListener() {
                                        @Override
                                        public void onEpoch(Epoch e) {
                                            losses.add(e.trainLosses());
                                        }
                                    });
            for (int t = 0; t < 2; t++) {
                assertTrue(
                        losses.get(5)[t] < losses.get(0)[t],
                        balancer
                                + " task "
                                + t
                                + ": "
                                + losses.get(0)[t]
                                + " -> "
                                + losses.get(5)[t]);
            }
            assertTrue(
                    result.metrics().get("buy").get("auc") > 0.7,
                    balancer + ": " + result.metrics());
        }
    }
}
