package org.mtl4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.Experiment;
import org.mtl4j.run.Engines;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.TrainingListener;

/** ESMM (Ma et al. 2018): pCTCVR = pCTR · pCVR over the entire impression space. */
class EsmmTest {
    @TempDir Path tmp;

    @Test
    void ctcvrIsTheProductOfCtrAndCvrAndNeverExceedsCtr() {
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
                                    MlpSpec.of(4),
                                    new Architecture.Esmm()),
                            tasks);
            model.initialize(m);
            assertTrue(model.taskParameters(0).isEmpty(), "the CTR tower is shared");
            assertEquals(
                    4,
                    model.taskParameters(1).size(),
                    "the CVR tower 6->4->1: two weights, two biases");
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(0, 3, new Shape(64, 5), DataType.FLOAT32);
            NDArray z =
                    model.encode(
                            ps, new NDList(x, m.zeros(new Shape(64, 0), DataType.INT64)), false);
            float[] ctr = ai.djl.nn.Activation.sigmoid(model.head(0, ps, z, false)).toFloatArray();
            float[] ctcvr =
                    ai.djl.nn.Activation.sigmoid(model.head(1, ps, z, false)).toFloatArray();
            EsmmBlocks.CtcvrHead head = null;
            for (var c : model.getChildren()) {
                if (c.getValue() instanceof EsmmBlocks.CtcvrHead h) {
                    head = h;
                }
            }
            float[] cvr = head.cvrProbability(ps, z).toFloatArray();
            for (int i = 0; i < 64; i++) {
                assertEquals(ctr[i] * cvr[i], ctcvr[i], 1e-5f, "row " + i);
                assertTrue(ctcvr[i] <= ctr[i] + 1e-6f);
            }
        }
    }

    @Test
    void trainsOnClicksAndConversionsAndRejectsOtherTasks() throws Exception {
        // impressions: a click depends on x0, a purchase (only after a click) on x1
        Random r = new Random(3);
        StringBuilder csv = new StringBuilder("x0,x1,x2,click,buy\n");
        for (int i = 0; i < 800; i++) {
            double x0 = r.nextGaussian();
            double x1 = r.nextGaussian();
            double x2 = r.nextGaussian();
            boolean click = r.nextDouble() < 1 / (1 + Math.exp(-2 * x0));
            boolean buy = click && r.nextDouble() < 1 / (1 + Math.exp(-2 * x1));
            csv.append(
                    String.format(
                            java.util.Locale.ROOT,
                            "%.4f,%.4f,%.4f,%d,%d%n",
                            x0,
                            x1,
                            x2,
                            click ? 1 : 0,
                            buy ? 1 : 0));
        }
        Files.writeString(tmp.resolve("imp.csv"), csv);
        String yaml =
                String.join(
                        "\n",
                        "name: esmm",
                        "seed: 2",
                        "threads: 1",
                        "data: {train: imp.csv, validation_fraction: 0.2, test_fraction: 0.2, numeric: [x0, x1, x2]}",
                        "tasks:",
                        "  - {name: click, type: binary, label: click}",
                        "  - {name: buy, type: binary, label: buy}",
                        "model: {architecture: esmm, encoder: {hidden: [16]}, head: {hidden: [8]}}",
                        "trainer: {epochs: 8, batch_size: 32, lr: 0.01}",
                        "");
        Path cfg = tmp.resolve("esmm.yaml");
        Files.writeString(cfg, yaml);
        List<double[]> losses = new ArrayList<>();
        var result =
                Experiment.fromYaml(cfg)
                        .train(
                                tmp.resolve("run"),
                                new TrainingListener() {
                                    @Override
                                    public void onEpoch(Epoch e) {
                                        losses.add(e.trainLosses());
                                    }
                                });
        assertTrue(
                losses.get(7)[1] < losses.get(0)[1],
                "ctcvr loss falls: " + losses.get(0)[1] + " -> " + losses.get(7)[1]);
        assertTrue(result.metrics().get("click").get("auc") > 0.7, result.metrics().toString());
        Files.writeString(
                cfg,
                yaml.replace(
                        "{name: buy, type: binary, label: buy}",
                        "{name: buy, type: regression, label: buy}"));
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> Experiment.fromYaml(cfg));
        assertTrue(e.getMessage().contains("esmm needs exactly two binary tasks"), e.getMessage());
    }
}
