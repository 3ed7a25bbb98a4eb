package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.run.Json;
import org.mtl4j.run.RunRecorder;
import org.mtl4j.testing.TestData;

/**
 * A run whose newest checkpoint has a damaged optimiser file resumes from the older one (the
 * damaged one is removed) and still ends exactly as the uninterrupted run.
 */
class DamagedCheckpointResumeTest {
    @TempDir Path tmp;

    @Test
    void aDamagedNewestCheckpointFallsBackToTheOlderOne() throws Exception {
        Path csv = TestData.customersCsv(tmp, 400, 5);
        Path cfg = TestData.customersConfig(tmp, csv, "dwa", 4);
        Files.writeString(
                cfg,
                Files.readString(cfg)
                        .replace("  log_every: 5", "  log_every: 5\n  checkpoint_every: 3"));
        Path reference = tmp.resolve("reference");
        Experiment.fromYaml(cfg).train(reference, Listeners.none());

        Path run = tmp.resolve("run");
        Experiment.fromYaml(cfg).train(run, Listeners.none());
        // as if killed at the end: no summary, newest checkpoint's optimiser state cut in half
        Files.delete(run.resolve("summary.json"));
        List<Path> cps = RunRecorder.checkpoints(run);
        Path newest = cps.get(cps.size() - 1);
        Path opt = newest.resolve("optimizer.bin");
        byte[] bytes = Files.readAllBytes(opt);
        Files.write(opt, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Experiment.fromYaml(cfg).resume(run, Listeners.none());
        assertEquals(
                Json.read(reference.resolve("summary.json")).get("metrics"),
                Json.read(run.resolve("summary.json")).get("metrics"));
        assertFalse(
                Files.readString(run.resolve("metrics.jsonl")).isEmpty(), "the log was continued");
    }
}
