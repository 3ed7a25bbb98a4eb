package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.config.ConfigLoader;
import org.mtl4j.run.Json;
import org.mtl4j.testing.TestData;

/**
 * One row whose regression label is 1e30 makes the squared-error loss overflow on every batch that
 * holds it (once per epoch). With {@code on_non_finite: stop} training stops naming the task and
 * leaves a readable checkpoint; with {@code skip} exactly those steps are skipped and counted, and
 * the run finishes with finite metrics.
 */
class NonFiniteStepTest {
    @TempDir Path tmp;

    private Path poisonedConfig(String policy) throws Exception {
        Path csv = TestData.customersCsv(tmp, 200, 11);
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        String[] cells = lines.get(1).split(",", -1);
        cells[6] = "1e30"; // price of the first row
        lines.set(1, String.join(",", cells));
        Files.write(csv, lines);
        Path cfg = TestData.customersConfig(tmp, csv, "ew", 3);
        Files.writeString(
                cfg,
                Files.readString(cfg)
                        // unscaled, so that the huge label overflows the loss
                        .replace("label: price}", "label: price, scale: none}")
                        .replace("  log_every: 5", "  log_every: 5\n  on_non_finite: " + policy)
                        .replace("  validation_fraction: 0.2", "  validation_fraction: 0.0")
                        .replace("  test_fraction: 0.2", "  test_fraction: 0.0"));
        return cfg;
    }

    @Test
    void stopNamesTheTaskAndKeepsACheckpoint() throws Exception {
        Path cfg = poisonedConfig("stop");
        Path run = tmp.resolve("stop");
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () -> Experiment.fromYaml(cfg).train(run, Listeners.none()));
        assertTrue(e.getMessage().contains("task \"price\": loss is"), e.getMessage());
        assertTrue(e.getMessage().contains("checkpoints/"), e.getMessage());
        try (Stream<Path> cps = Files.list(run.resolve("checkpoints"))) {
            Path cp = cps.findFirst().orElseThrow();
            assertTrue(
                    Files.isRegularFile(cp.resolve("model").resolve("parameters.bin")),
                    cp.toString());
            Checkpoint.read(cp);
        }
    }

    @Test
    void skipCountsExactlyThePoisonedSteps() throws Exception {
        Path cfg = poisonedConfig("skip");
        assertEquals(TrainerSpec.NonFinite.SKIP, ConfigLoader.load(cfg).trainer().onNonFinite());
        Path run = tmp.resolve("skip");
        RunResult r = Experiment.fromYaml(cfg).train(run, Listeners.none());
        JsonNode summary = Json.read(run.resolve("summary.json"));
        assertEquals(3, summary.get("skipped_steps").asInt(), "one batch per epoch holds the row");
        assertTrue(summary.get("skipped_first").get(0).asText().contains("task \"price\""));
        long logged =
                Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                        .filter(l -> l.contains("\"type\":\"skipped\""))
                        .count();
        assertEquals(3, logged);
        double acc = r.metrics().get("buy").get("accuracy");
        assertTrue(Double.isFinite(acc) && acc > 0.5, "trained despite the skips: " + acc);
    }

    /**
     * Labels of 3e18: the loss (about 1e37) and every gradient entry are finite, but the squared
     * gradient norm overflows single precision; that is not a non-finite step, and clipping (in
     * double precision) still works.
     */
    @Test
    void largeButFiniteGradientsAreNotTakenForNonFinite() throws Exception {
        Path csv = TestData.customersCsv(tmp, 200, 11);
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (!cells[6].isEmpty()) {
                cells[6] = "3e18";
            }
            lines.set(i, String.join(",", cells));
        }
        Files.write(csv, lines);
        Path cfg = TestData.customersConfig(tmp, csv, "ew", 1);
        Files.writeString(
                cfg,
                Files.readString(cfg)
                        .replace("  log_every: 5", "  log_every: 5\n  clip_norm: 1.0"));
        RunResult r = Experiment.fromYaml(cfg).train(tmp.resolve("large"), Listeners.none());
        assertEquals(
                0,
                Json.read(tmp.resolve("large").resolve("summary.json"))
                        .get("skipped_steps")
                        .asInt());
        assertTrue(r.steps() > 0);
    }

    @Test
    void unknownPolicyIsRefusedNamingTheKey() throws Exception {
        Path cfg = poisonedConfig("ignore");
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> ConfigLoader.load(cfg));
        assertTrue(
                e.getMessage().contains("trainer.on_non_finite")
                        && e.getMessage().contains("use stop or skip"),
                e.getMessage());
    }
}
