package org.mtl4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.data.CsvTable;
import org.mtl4j.run.Engines;
import org.mtl4j.run.Json;
import org.mtl4j.run.ModelFiles;
import org.mtl4j.run.Predictor;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.Listeners;

/**
 * The gru and transformer text encoders in whole models: they learn what a bag of embeddings cannot
 * (word order), train under gradient methods, and are saved and reloaded exactly.
 */
class TextEncoderTrainingTest {
    private static final String GRU = "{type: gru, hidden: 16, pool: last}";
    private static final String TRANSFORMER =
            "{type: transformer, layers: 1, heads: 2, ff: 32, dropout: 0.0}";

    @TempDir Path tmp;

    @Test
    void aGruLearnsWordOrder() throws Exception {
        double auc = orderAuc(GRU);
        assertTrue(auc > 0.95, "gru auc " + auc);
    }

    @Test
    void aTransformerLearnsWordOrder() throws Exception {
        double auc = orderAuc(TRANSFORMER);
        assertTrue(auc > 0.95, "transformer auc " + auc);
    }

    @Test
    void aBagOfEmbeddingsCannotLearnWordOrder() throws Exception {
        double auc = orderAuc("mean");
        assertTrue(auc > 0.35 && auc < 0.65, "mean auc " + auc);
    }

    /** Test AUC of task "before" after training with {@code encoder}. */
    private double orderAuc(String encoder) throws Exception {
        RunResult r =
                Experiment.fromYaml(config(encoder, "ew", 20))
                        .train(tmp.resolve("run"), Listeners.none());
        double contains = r.metrics().get("contains").get("auc");
        assertTrue(contains > 0.95, encoder + ": the order-free task is learned, auc " + contains);
        return r.metrics().get("before").get("auc");
    }

    @Test
    void gradientMethodsTrainThroughBothEncoders() throws Exception {
        for (String[] c :
                List.of(
                        new String[] {GRU, "{method: pcgrad, mode: parameters}"},
                        new String[] {
                            "{type: gru, hidden: 8, bidirectional: true, pool: mean}",
                            "{method: mgda, mode: representation}"
                        },
                        new String[] {TRANSFORMER, "{method: cagrad, mode: parameters}"})) {
            Path run = tmp.resolve("run-" + c[1].hashCode() + "-" + c[0].hashCode());
            RunResult r = Experiment.fromYaml(config(c[0], c[1], 2)).train(run, Listeners.none());
            assertEquals(2, r.epochsRun(), c[0] + " " + c[1]);
            int losses = 0;
            for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
                JsonNode j = Json.mapper().readTree(line);
                for (String key : List.of("loss", "train_loss", "validation_loss")) {
                    for (JsonNode loss : j.path(key)) {
                        assertTrue(
                                loss.isNumber() && Double.isFinite(loss.asDouble()),
                                c[0] + " " + c[1] + ": " + line);
                        losses++;
                    }
                }
            }
            assertTrue(losses > 0, "losses recorded in " + run.resolve("metrics.jsonl"));
        }
    }

    @Test
    void modelsWithEitherEncoderReloadWithIdenticalPredictions() throws Exception {
        for (TextPooling p :
                List.of(
                        TextPooling.gru(6, true, TextPooling.Pool.MAX),
                        TextPooling.transformer(2, 2, 16, 0.1, TextPooling.Pool.FIRST))) {
            List<TaskConfig> tasks = List.of(TaskConfig.of(Task.of("y", new TaskType.Binary())));
            ModelSpec spec =
                    new ModelSpec(
                            1,
                            List.of(12),
                            8,
                            MlpSpec.of(8),
                            MlpSpec.of(),
                            new Architecture.HardSharing(),
                            List.of(5),
                            List.of(p));
            long[] ids = {3, 1, 4, 11, 11, 5, 9, 2, 6, 5, 11, 11, 11, 11, 11};
            Path dir = tmp.resolve("model-" + p.kind());
            float[] before;
            Engines.start(1, 8);
            try (NDManager m = NDManager.newBaseManager()) {
                MultiTaskModel model = new MultiTaskModel(spec, List.of(tasks.get(0).task()));
                model.initialize(m);
                before = forward(model, m, ids);
                ModelFiles.save(
                        dir, model, new ModelFiles.Description(tasks, spec, null, List.of("x")));
            }
            assertEquals(spec, ModelFiles.describe(dir).spec(), "model.json holds the encoder");
            try (NDManager m = NDManager.newBaseManager()) {
                assertArrayEquals(before, forward(ModelFiles.load(dir, m), m, ids), p.toString());
            }
        }
    }

    private static float[] forward(MultiTaskModel model, NDManager m, long[] ids) {
        int rows = ids.length / 5;
        float[] x = new float[rows];
        java.util.Arrays.fill(x, 0.5f);
        return model.forward(
                        new ParameterStore(m, false),
                        new NDList(
                                m.create(x, new Shape(rows, 1)), m.create(ids, new Shape(rows, 5))),
                        false)
                .singletonOrThrow()
                .toFloatArray();
    }

    /** A trained gru model predicts raw text the same in this JVM and through a new one's CLI. */
    @Test
    void rawTextPredictionsMatchAcrossJvms() throws Exception {
        Path run = tmp.resolve("gru-run");
        Experiment.fromYaml(config(GRU, "ew", 2)).train(run, Listeners.none());
        Path out = tmp.resolve("here.csv");
        try (Predictor p = Predictor.load(run.resolve("model"))) {
            p.writeCsv(CsvTable.read(tmp.resolve("order.csv")), out);
        }
        Path there = tmp.resolve("there.csv");
        Process proc =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "org.mtl4j.cli.Main",
                                "predict",
                                run.resolve("model").toString(),
                                "--input",
                                tmp.resolve("order.csv").toString(),
                                "--output",
                                there.toString(),
                                "--threads",
                                "1")
                        .redirectErrorStream(true)
                        .start();
        String log = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue(), log);
        assertEquals(Files.readAllLines(out), Files.readAllLines(there));
    }

    /**
     * 800 texts of two different words out of eight; task "before": the first word comes earlier in
     * the list than the second (so "b a" has the opposite label of "a b"); task "contains": one of
     * the words is "apple".
     */
    private Path config(String encoder, String balancer, int epochs) throws Exception {
        String[] words = {"apple", "brick", "cloud", "drum", "egg", "fern", "gate", "harp"};
        Random r = new Random(6);
        List<String> lines = new ArrayList<>(List.of("doc,before,contains"));
        for (int i = 0; i < 800; i++) {
            int a = r.nextInt(words.length);
            int b = (a + 1 + r.nextInt(words.length - 1)) % words.length;
            lines.add(
                    words[a]
                            + " "
                            + words[b]
                            + ","
                            + (a < b ? 1 : 0)
                            + ","
                            + (a == 0 || b == 0 ? 1 : 0));
        }
        Files.write(tmp.resolve("order.csv"), lines);
        Path cfg = tmp.resolve("order.yaml");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "name: order",
                        "seed: 3",
                        "threads: 1",
                        "data: {train: order.csv, validation_fraction: 0.2, test_fraction: 0.2,"
                                + " text: [doc]}",
                        "tasks:",
                        "  - {name: before, type: binary, label: before}",
                        "  - {name: contains, type: binary, label: contains}",
                        "model:",
                        "  embedding_dim: 8",
                        "  text_encoder: " + encoder,
                        "  encoder: {hidden: [16]}",
                        "balancer: " + balancer,
                        "trainer: {epochs: " + epochs + ", batch_size: 32, lr: 0.01}",
                        ""));
        return cfg;
    }
}
