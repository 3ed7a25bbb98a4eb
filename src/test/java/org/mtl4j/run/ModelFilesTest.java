package org.mtl4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.balance.BalancerRegistry;
import org.mtl4j.config.Options;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.model.Activation;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.model.ModelSpec;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.model.Norm;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.BatchSource;
import org.mtl4j.train.Evaluator;
import org.mtl4j.train.Listeners;
import org.mtl4j.train.Trainer;
import org.mtl4j.train.TrainerSpec;

/** The model held in memory at the end of training predicts exactly what a new JVM loads. */
class ModelFilesTest {
    @TempDir Path dir;

    @Test
    void trainedModelAndModelLoadedInAFreshJvmPredictIdentically() throws Exception {
        List<TaskConfig> tasks =
                List.of(
                        TaskConfig.of(Task.of("value", new TaskType.Regression(1))),
                        TaskConfig.of(Task.of("high", new TaskType.Binary())));
        Dataset data =
                SyntheticMmoe.generate(
                        new SyntheticMmoe.Spec(2, 0.5, 300, 6, 3, 1, 0.01, false), 2);
        List<String> names = List.of("x0", "x1", "x2", "x3", "x4", "x5");
        // batch norm and dropout: inference must use running statistics and no dropout
        ModelSpec spec =
                new ModelSpec(
                        6,
                        List.of(),
                        2,
                        new MlpSpec(List.of(16, 8), Activation.GELU, 0.3, Norm.BATCH),
                        MlpSpec.of(4));
        Path modelDir = dir.resolve("model");
        List<String> expected = new ArrayList<>();
        Engines.start(1, 5);
        try (NDManager base = NDManager.newBaseManager()) {
            MultiTaskModel model =
                    new MultiTaskModel(spec, tasks.stream().map(TaskConfig::task).toList());
            model.initialize(base);
            new Trainer(
                            TrainerSpec.defaults(3, 32, 1e-2),
                            BalancerRegistry.create("ew", Options.of("t", Map.of())))
                    .fit(model, base, BatchSource.single(data, 32, 1), null, 1, Listeners.none());
            float[][] raw = Evaluator.predict(model, base, data.features(), 64);
            for (int r = 0; r < data.rows(); r++) {
                List<String> cells = new ArrayList<>();
                for (int t = 0; t < tasks.size(); t++) {
                    cells.addAll(PredictionFormat.cells(tasks.get(t), raw[t], r));
                }
                expected.add(String.join(",", cells));
            }
            ModelFiles.save(modelDir, model, new ModelFiles.Description(tasks, spec, null, names));
        }
        Path input = dir.resolve("x.csv");
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", names));
        float[] x = data.features().numeric();
        for (int r = 0; r < data.rows(); r++) {
            List<String> row = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                row.add(Float.toString(x[r * 6 + k]));
            }
            lines.add(String.join(",", row));
        }
        Files.write(input, lines);
        Path output = dir.resolve("y.csv");
        Process p =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "org.mtl4j.cli.Main",
                                "predict",
                                modelDir.toString(),
                                "--input",
                                input.toString(),
                                "--output",
                                output.toString(),
                                "--threads",
                                "1")
                        .redirectErrorStream(true)
                        .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        List<String> got = Files.readAllLines(output);
        assertEquals("value,high,high_prob", got.get(0));
        assertEquals(expected, got.subList(1, got.size()));
    }
}
