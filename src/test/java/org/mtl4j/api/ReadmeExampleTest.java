package org.mtl4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.data.TrainingData;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.run.Predictor;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.Listeners;

/** The Java example of the README, at a smaller size, runs and gives sensible results. */
class ReadmeExampleTest {
    @TempDir Path tmp;

    @Test
    void readmeJavaExample() {
        Experiment exp =
                Experiment.builder("demo")
                        .threads(1)
                        .syntheticData(SyntheticMmoe.Spec.defaults(2, 0.8, 4000))
                        .task(Task.of("a", new TaskType.Regression(1)))
                        .task(Task.of("b", new TaskType.Binary()))
                        .encoder(MlpSpec.of(64, 32))
                        .head(MlpSpec.of(16))
                        .balancer("mgda", Map.of("mode", "representation"))
                        .epochs(10)
                        .batchSize(32)
                        .build();
        RunResult run = exp.train(tmp.resolve("demo"), Listeners.none());
        // better than predicting the mean, and than chance
        assertTrue(run.metrics().get("a").get("r2") > 0.2, run.metrics().toString());
        assertTrue(run.metrics().get("b").get("auc") > 0.7, run.metrics().toString());

        CompareResult cmp = exp.compare(tmp.resolve("demo-compare"), label -> Listeners.none());
        assertEquals(2, cmp.singleTask().size());
        assertTrue(Double.isFinite(cmp.deltaM().overall()));
        // the compare's multi-task run is the same experiment with the same seed
        assertEquals(run.metrics(), cmp.multiTask().metrics());

        TrainingData data = exp.loadData();
        FeatureMatrix features = data.test().features();
        try (Predictor p = Predictor.load(tmp.resolve("demo"))) {
            float[][] outputs = p.predictRaw(features);
            assertEquals(2, outputs.length);
            assertEquals(features.rows(), outputs[0].length);
        }
    }
}
