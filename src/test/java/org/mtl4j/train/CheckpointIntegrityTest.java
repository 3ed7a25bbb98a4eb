package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.run.Json;
import org.mtl4j.run.RunRecorder;
import org.mtl4j.testing.TestData;

/**
 * A resume trusts neither a checkpoint file changed on disk nor a metrics.jsonl cut or deleted: a
 * checkpoint whose file no longer matches its checksum is skipped with a warning for the older one,
 * and the history is restored from the checkpoint's copy. Each run still ends exactly as the
 * uninterrupted one, with its whole log.
 */
class CheckpointIntegrityTest {
    @TempDir static Path tmp;
    static Path cfg;
    static Path reference;
    static Path finished;

    @BeforeAll
    static void train() throws Exception {
        Path csv = TestData.customersCsv(tmp, 400, 5);
        cfg = TestData.customersConfig(tmp, csv, "dwa", 4);
        Files.writeString(
                cfg,
                Files.readString(cfg)
                        .replace("  log_every: 5", "  log_every: 5\n  checkpoint_every: 3"));
        reference = tmp.resolve("reference");
        Experiment.fromYaml(cfg).train(reference, Listeners.none());
        finished = tmp.resolve("finished");
        Experiment.fromYaml(cfg).train(finished, Listeners.none());
    }

    /** A copy of the finished run as if killed at the end (no summary). */
    static Path killed(String name) throws IOException {
        Path run = tmp.resolve(name);
        try (Stream<Path> s = Files.walk(finished)) {
            for (Path p : s.toList()) {
                Path to = run.resolve(finished.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Files.delete(run.resolve("summary.json"));
        return run;
    }

    /** Resumes {@code run}; returns what it printed on stderr. */
    static String resume(Path run) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(e);
            Experiment.fromYaml(cfg).resume(run, Listeners.none());
        } finally {
            System.setErr(old);
        }
        String s = err.toString(StandardCharsets.UTF_8);
        System.out.println(run.getFileName() + ": " + s);
        return s;
    }

    /** The same final metrics and the same log, line for line (timings aside). */
    static void assertSameAsReference(Path run) throws IOException {
        assertEquals(
                Json.read(reference.resolve("summary.json")).get("metrics"),
                Json.read(run.resolve("summary.json")).get("metrics"));
        List<String> want = Files.readAllLines(reference.resolve("metrics.jsonl"));
        List<String> got = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(want.size(), got.size(), "metrics.jsonl lines");
        for (int i = 0; i < want.size(); i++) {
            var a =
                    (com.fasterxml.jackson.databind.node.ObjectNode)
                            Json.mapper().readTree(want.get(i));
            var b =
                    (com.fasterxml.jackson.databind.node.ObjectNode)
                            Json.mapper().readTree(got.get(i));
            for (var n : List.of(a, b)) {
                n.remove(List.of("seconds", "rows_per_second"));
            }
            assertEquals(a, b, "metrics.jsonl line " + (i + 1));
        }
    }

    /** Overwrites 4 bytes of {@code f}, 16 bytes before its end, with the float 1.0 (same size). */
    static void overwrite(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        int at = b.length - 16;
        byte[] one = {0x3F, (byte) 0x80, 0, 0};
        for (int i = 0; i < 4; i++) {
            b[at + i] = b[at + i] == one[i] ? (byte) 0x40 : one[i];
        }
        Files.write(f, b);
    }

    @Test
    void aCheckpointFileChangedOnDiskIsSkippedForTheOlderOne() throws Exception {
        for (String file : new String[] {"optimizer.bin", "model/parameters.bin"}) {
            Path run = killed("changed-" + file.replace('/', '-'));
            List<Path> cps = RunRecorder.checkpoints(run);
            Path newest = cps.get(cps.size() - 1);
            overwrite(newest.resolve(file));
            String err = resume(run);
            assertTrue(
                    err.contains("warning: skipping checkpoint " + newest)
                            && err.contains(
                                    file.substring(file.indexOf('/') + 1) + ": checksum mismatch"),
                    err);
            assertTrue(err.contains("from " + cps.get(cps.size() - 2).getFileName()), err);
            assertSameAsReference(run);
        }
    }

    @Test
    void aCutOrDeletedMetricsLogIsRestoredFromTheCheckpoint() throws Exception {
        Path cut = killed("cut-log");
        byte[] log = Files.readAllBytes(cut.resolve("metrics.jsonl"));
        Files.write(cut.resolve("metrics.jsonl"), java.util.Arrays.copyOf(log, log.length / 3));
        String err = resume(cut);
        assertTrue(err.contains("restored its history from the checkpoint's copy"), err);
        assertSameAsReference(cut);

        Path gone = killed("deleted-log");
        Files.delete(gone.resolve("metrics.jsonl"));
        err = resume(gone);
        assertTrue(err.contains("metrics.jsonl is missing"), err);
        assertSameAsReference(gone);
    }
}
