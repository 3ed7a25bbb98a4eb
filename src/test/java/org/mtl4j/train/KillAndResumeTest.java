package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.Experiment;
import org.mtl4j.run.Json;
import org.mtl4j.run.ModelFiles;
import org.mtl4j.run.RunRecorder;
import org.mtl4j.testing.TestData;

/**
 * Training processes killed with SIGKILL at random points (four times, including while checkpoints
 * or log lines are being written) and resumed with {@code train --resume} end with exactly the
 * metrics and the same metrics.jsonl (timings aside) as an uninterrupted run with the same seed;
 * after every kill each checkpoint on disk is complete and loads.
 */
class KillAndResumeTest {
    private static final int KILLS = 4;
    @TempDir Path tmp;

    private Path config(String balancer) throws Exception {
        Path csv = TestData.customersCsv(tmp, 900, 17);
        Path cfg = TestData.customersConfig(tmp, csv, balancer, 6);
        Files.writeString(
                cfg,
                Files.readString(cfg)
                        .replace("  log_every: 5", "  log_every: 1\n  checkpoint_every: 4")
                        .replace(
                                "  encoder: {hidden: [16]}",
                                "  encoder: {hidden: [32, 16], dropout: 0.2}"));
        return cfg;
    }

    @ParameterizedTest
    @ValueSource(strings = {"uw", "dwa", "pcgrad", "{method: pcgrad, mode: representation}"})
    void killedAndResumedRunEndsExactlyAsTheUninterruptedOne(String balancer) throws Exception {
        Path cfg = config(balancer);
        Path reference = tmp.resolve("reference");
        Experiment.fromYaml(cfg).train(reference, Listeners.none());
        List<String> expectedLog = withoutTimings(reference.resolve("metrics.jsonl"));
        int totalLines = expectedLog.size();

        Path run = tmp.resolve("killed");
        long seed = 4242 + balancer.hashCode();
        Random random = new Random(seed);
        List<Integer> killedAt = new ArrayList<>();
        int checked = 0;
        for (int attempt = 0; killedAt.size() < KILLS; attempt++) {
            if (attempt > 20) {
                fail("could not kill the run " + KILLS + " times; killed at lines " + killedAt);
            }
            int now = lines(run);
            int target = now + 2 + random.nextInt(Math.max(1, (totalLines - now) / 2));
            Process p = start(cfg, run, attempt > 0);
            while (p.isAlive() && lines(run) < target) {
                Thread.sleep(2);
            }
            if (!p.isAlive()) {
                break; // finished before the kill point: the final run below checks it
            }
            p.destroyForcibly(); // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);
            killedAt.add(lines(run));
            checked += checkCheckpointsLoad(run);
        }
        if (!Files.exists(run.resolve("summary.json"))) {
            Process last = start(cfg, run, true);
            if (!last.waitFor(300, TimeUnit.SECONDS)) {
                last.destroyForcibly();
                fail("the resumed run did not finish");
            }
            assertEquals(0, last.exitValue(), Files.readString(tmp.resolve("process.log")));
        }
        System.out.printf(
                "kill-and-resume (%s, seed %d): %d SIGKILLs at metrics.jsonl lines %s of %d;"
                        + " %d checkpoints checked after the kills%n",
                balancer, seed, killedAt.size(), killedAt, totalLines, checked);
        assertEquals(KILLS, killedAt.size(), "the run was killed " + KILLS + " times");
        assertEquals(
                Json.read(reference.resolve("summary.json")).get("metrics"),
                Json.read(run.resolve("summary.json")).get("metrics"),
                "same final metrics as the uninterrupted run");
        assertEquals(expectedLog, withoutTimings(run.resolve("metrics.jsonl")));
    }

    private Process start(Path cfg, Path run, boolean resume) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Xss4m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.mtl4j.cli.Main");
        cmd.add("train");
        if (resume) {
            cmd.add("--resume");
            cmd.add(run.toString());
        } else {
            cmd.add(cfg.toString());
            cmd.add("--out");
            cmd.add(run.toString());
        }
        cmd.add("--threads");
        cmd.add("1");
        cmd.add("--no-report");
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(tmp.resolve("process.log").toFile()))
                .start();
    }

    /** Every checkpoint directory on disk is complete: model and training state load. */
    private static int checkCheckpointsLoad(Path run) {
        int n = 0;
        for (Path cp : RunRecorder.checkpoints(run)) {
            Checkpoint.read(cp);
            try (NDManager m = NDManager.newBaseManager()) {
                ModelFiles.load(cp.resolve("model"), m);
            }
            n++;
        }
        return n;
    }

    private static int lines(Path run) throws Exception {
        Path f = run.resolve("metrics.jsonl");
        if (!Files.exists(f)) {
            return 0;
        }
        byte[] b = Files.readAllBytes(f);
        int n = 0;
        for (byte x : b) {
            n += x == '\n' ? 1 : 0;
        }
        return n;
    }

    private static List<String> withoutTimings(Path f) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            out.add(l.replaceAll("\"(rows_per_second|seconds)\":[-0-9.eE+]+", "\"$1\":_"));
        }
        assertTrue(!out.isEmpty());
        return out;
    }
}
