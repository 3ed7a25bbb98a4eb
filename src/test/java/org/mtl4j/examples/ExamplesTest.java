package org.mtl4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.config.ExperimentConfig;
import org.mtl4j.data.TrainingData;

/** Every example config is valid, and the shipped tabular data sets load and train. */
class ExamplesTest {
    @TempDir Path tmp;

    @Test
    void everyExampleConfigParses() throws IOException {
        List<Path> yamls;
        try (Stream<Path> s = Files.walk(Path.of("examples"))) {
            yamls = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(yamls.size() >= 8, "example configs: " + yamls);
        for (Path y : yamls) {
            ExperimentConfig c = Experiment.fromYaml(y).config();
            assertTrue(c.tasks().size() >= 2, y + " is a multi-task example");
        }
    }

    @Test
    void incomeHasItsTwoCensusTasksAndTrains() {
        Experiment e = Experiment.fromYaml(Path.of("examples/income/income.yaml"));
        TrainingData d = e.loadData();
        int rows = d.train().get(0).rows() + d.validation().rows() + d.test().rows();
        assertEquals(8993, rows, "every respondent of kernlab's income data");
        assertEquals(
                List.of("income_50k", "never_married"),
                e.config().tasks().stream().map(t -> t.task().name()).toList());
        RunResult r = oneEpoch(e, d, "income");
        double auc = r.metrics().get("income_50k").get("auc");
        assertTrue(auc > 0.7, "one epoch already separates incomes: auc " + auc);
    }

    @Test
    void buildingHasThreeEnergyTargetsAndTrains() {
        Experiment e = Experiment.fromYaml(Path.of("examples/building/building.yaml"));
        TrainingData d = e.loadData();
        assertEquals(2104, d.test().rows());
        assertEquals(3, e.config().tasks().size());
        RunResult r = oneEpoch(e, d, "building");
        for (String t : List.of("y1", "y2", "y3")) {
            double mse = r.metrics().get(t).get("mse");
            assertTrue(Double.isFinite(mse) && mse < 1, t + " mse " + mse);
        }
    }

    /**
     * The spoken-words example on clips made by scripts/data/make-spoken-words.py (CI makes a small
     * set with espeak-ng: --repeats 2); skipped where the clips were not generated.
     */
    @Test
    void spokenWordsReadsTheGeneratedClipsAndTrains() throws IOException {
        Path labels = Path.of("runs/data/spoken-words/labels.csv");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.exists(labels),
                "no spoken-words clips; generate them with python3 scripts/data/make-spoken-words.py");
        Experiment e = Experiment.fromYaml(Path.of("examples/spoken-words/spoken-words.yaml"));
        TrainingData d = e.loadData();
        long clips = Files.readAllLines(labels).size() - 1;
        assertEquals(clips, d.train().get(0).rows() + d.validation().rows() + d.test().rows());
        assertEquals(138 * 40, d.numericWidth(), "1.4 s: 138 frames of 40 mel bands");
        RunResult r = oneEpoch(e, d, "spoken-words");
        for (String t : List.of("word", "voice", "speed")) {
            double loss = r.metrics().get(t).get("loss");
            assertTrue(Double.isFinite(loss), t + " loss " + loss);
        }
        assertTrue(
                Files.readString(tmp.resolve("spoken-words/model/model.json"))
                        .contains("\"max_hz\""),
                "the audio settings are saved with the model");
    }

    private RunResult oneEpoch(Experiment e, TrainingData d, String name) {
        ExperimentConfig c = e.config();
        ExperimentConfig one =
                new ExperimentConfig(
                        c.name(),
                        c.seed(),
                        c.data(),
                        c.tasks(),
                        c.model(),
                        c.balancer(),
                        c.balancerOptions(),
                        c.trainer().withEpochs(1),
                        1);
        return new Experiment(one)
                .train(d, tmp.resolve(name), new org.mtl4j.train.TrainingListener() {});
    }
}
