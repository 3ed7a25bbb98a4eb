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
     * A price in dollars beside three grade classifiers, with no extra config: the price is
     * standardised for the loss, every grade beats its majority class, the price is predicted in
     * dollars, and no task is reported as not learning. With {@code scale: none} the price's
     * gradient swamps the grades' and training warns about it.
     */
    @Test
    void gemsPriceInDollarsBesideGradesTrainsEveryTask() throws IOException {
        Experiment e = Experiment.fromYaml(Path.of("examples/gems/gems.yaml"));
        TrainingData d = e.loadData();
        List<org.mtl4j.eval.TaskHealth.Warning> warnings = new java.util.ArrayList<>();
        org.mtl4j.train.TrainingListener collect =
                new org.mtl4j.train.TrainingListener() {
                    @Override
                    public void onWarning(org.mtl4j.eval.TaskHealth.Warning w) {
                        warnings.add(w);
                    }
                };
        RunResult r = e.train(d, tmp.resolve("gems"), collect);
        for (int t = 1; t < 4; t++) {
            String name = e.config().tasks().get(t).task().name();
            org.mtl4j.data.TaskLabels l = d.test().labels().get(t);
            double majority =
                    org.mtl4j.eval.TaskHealth.Baseline.of(
                                    e.config().tasks().get(t).task(), l.values(), l.observed())
                            .value();
            double acc = r.metrics().get(name).get("accuracy");
            assertTrue(
                    acc > majority + 0.05, name + ": accuracy " + acc + ", majority " + majority);
        }
        double r2 = r.metrics().get("price").get("r2");
        double mae = r.metrics().get("price").get("mae");
        assertTrue(r2 > 0.8, "price r2 " + r2);
        assertTrue(mae > 100 && mae < 2000, "price mae in dollars: " + mae);
        assertTrue(warnings.isEmpty(), warnings.toString());
        com.fasterxml.jackson.databind.JsonNode scale =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(tmp.resolve("gems/model/model.json").toFile())
                        .path("tasks")
                        .get(0)
                        .path("target_scale");
        assertEquals("standard", scale.path("type").asText(), scale.toString());
        double mean = scale.path("mean").get(0).asDouble();
        assertTrue(mean > 3000 && mean < 6000, "training mean price in dollars: " + mean);

        Path none = tmp.resolve("gems-none.yaml");
        Files.writeString(
                none,
                Files.readString(Path.of("examples/gems/gems.yaml"))
                        .replace("label: price}", "label: price, scale: none}")
                        .replace(
                                "train: gems.csv",
                                "train: " + Path.of("examples/gems/gems.csv").toAbsolutePath()));
        warnings.clear();
        Experiment.fromYaml(none).train(tmp.resolve("gems-none"), collect);
        String jsonl = Files.readString(tmp.resolve("gems-none/metrics.jsonl"));
        assertTrue(jsonl.contains("\"type\":\"warning\""), "warnings are recorded");
        Path html = tmp.resolve("gems-none/report.html");
        org.mtl4j.report.Report.write(List.of(tmp.resolve("gems-none")), html, false);
        String page = Files.readString(html);
        assertTrue(
                page.contains("<b>Warning</b>: task &quot;cut&quot;")
                        || page.contains("<b>Warning</b>: task \"cut\""),
                "the report's findings repeat the warning");
        assertTrue(
                warnings.stream()
                        .anyMatch(
                                w ->
                                        w.kind().equals("dominated")
                                                && w.message().contains("\"price\"")),
                warnings.toString());
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
