package org.mtl4j.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.train.Checkpoint;
import org.mtl4j.train.TrainingListener;

/**
 * Records a training run in its directory: one JSON line per logged step and per epoch in {@code
 * metrics.jsonl}, and periodic checkpoints under {@code checkpoints/} (the two newest are kept;
 * each is written atomically).
 */
public final class RunRecorder implements TrainingListener, AutoCloseable {
    private static final int KEEP_CHECKPOINTS = 2;
    private final Path dir;
    private final ModelFiles.Description description;
    private final BufferedWriter metrics;
    private final List<Path> checkpoints = new ArrayList<>();
    private List<String> tasks = List.of();

    public RunRecorder(Path dir, ModelFiles.Description description) {
        this(dir, description, -1, -1);
    }

    /**
     * A recorder that continues a run resumed from the checkpoint at step {@code resumedStep}:
     * {@code metrics.jsonl} is cut back to the {@code metricsBytes} it had at that checkpoint (what
     * was logged after it is logged again), newer or half-written checkpoints are removed. With
     * {@code metricsBytes < 0} a fresh run: {@code metrics.jsonl} starts empty.
     */
    public RunRecorder(
            Path dir, ModelFiles.Description description, long metricsBytes, long resumedStep) {
        this.dir = dir;
        this.description = description;
        Path file = dir.resolve("metrics.jsonl");
        try {
            if (metricsBytes < 0) {
                metrics = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            } else {
                try (var ch =
                        java.nio.channels.FileChannel.open(
                                file,
                                java.nio.file.StandardOpenOption.CREATE,
                                java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(metricsBytes);
                }
                metrics =
                        Files.newBufferedWriter(
                                file,
                                StandardCharsets.UTF_8,
                                java.nio.file.StandardOpenOption.APPEND);
                keepCheckpointsUpTo(resumedStep);
            }
        } catch (IOException e) {
            throw new Mtl4jException(
                    "cannot write " + dir.resolve("metrics.jsonl") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onStart(int epochs, int stepsPerEpoch, List<String> taskNames) {
        tasks = taskNames;
    }

    @Override
    public void onStep(Step s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "step");
        m.put("epoch", s.epoch());
        m.put("step", s.globalStep());
        m.put("lr", s.learningRate());
        m.put("loss", byTask(s.losses()));
        m.put("weight", byTask(s.weights()));
        m.put("rows_per_second", s.rowsPerSecond());
        write(m);
    }

    @Override
    public void onEpoch(Epoch e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "epoch");
        m.put("epoch", e.epoch());
        m.put("train_loss", byTask(e.trainLosses()));
        if (e.validationLosses().length > 0) {
            m.put("validation_loss", byTask(e.validationLosses()));
            Map<String, Object> v = new LinkedHashMap<>();
            for (int t = 0; t < tasks.size(); t++) {
                v.put(tasks.get(t), e.validationMetrics().get(t));
            }
            m.put("validation", v);
        }
        m.put("select", e.selectValue());
        m.put("best", e.best());
        m.put("seconds", e.seconds());
        write(m);
    }

    /**
     * One line per diagnosed step: each present task's gradient norm on the shared parameters, and
     * for each pair of them the cosine similarity and the norm ratio (first over second).
     */
    @Override
    public void onDiagnostics(Diagnostics d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "diagnostics");
        m.put("epoch", d.epoch());
        m.put("step", d.globalStep());
        Map<String, Object> norms = new LinkedHashMap<>();
        for (int k = 0; k < d.tasks().length; k++) {
            norms.put(tasks.get(d.tasks()[k]), d.norm(k));
        }
        m.put("grad_norm", norms);
        List<Map<String, Object>> pairs = new ArrayList<>();
        for (int k = 0; k < d.tasks().length; k++) {
            for (int l = k + 1; l < d.tasks().length; l++) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("a", tasks.get(d.tasks()[k]));
                p.put("b", tasks.get(d.tasks()[l]));
                p.put("cosine", finiteOrNull(d.cosine(k, l)));
                p.put("norm_ratio", finiteOrNull(d.norm(k) / d.norm(l)));
                pairs.add(p);
            }
        }
        m.put("pairs", pairs);
        m.put("seconds", d.seconds());
        write(m);
    }

    @Override
    public void onSkippedStep(long globalStep, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "skipped");
        m.put("step", globalStep);
        m.put("reason", reason);
        write(m);
    }

    @Override
    public void onWarning(org.mtl4j.eval.TaskHealth.Warning w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "warning");
        m.put("task", w.task());
        m.put("kind", w.kind());
        m.put("message", w.message());
        write(m);
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * Before resuming from checkpoint {@code cp}, at which {@code metrics.jsonl} held {@code bytes}
     * bytes: makes sure the run's {@code metrics.jsonl} still starts with that history. When it was
     * cut, deleted or changed, it is restored from the checkpoint's copy.
     *
     * @return a warning for the user, or null when the history was intact
     */
    public static String restoreMetrics(Path runDir, Path cp, long bytes) {
        Path file = runDir.resolve("metrics.jsonl");
        Path copy = cp.resolve("metrics.jsonl");
        try {
            long have = Files.exists(file) ? Files.size(file) : -1;
            boolean hasCopy = Files.isRegularFile(copy) && Files.size(copy) == bytes;
            if (have >= bytes && (!hasCopy || samePrefix(file, copy, bytes))) {
                return null;
            }
            String was =
                    have < 0
                            ? "is missing"
                            : have < bytes
                                    ? "holds " + have + " bytes"
                                    : "differs from the logged history";
            if (hasCopy) {
                AtomicFiles.write(file, out -> Files.copy(copy, out));
                return file
                        + " "
                        + was
                        + " where the checkpoint "
                        + cp.getFileName()
                        + " expects "
                        + bytes
                        + " bytes; restored its history from the checkpoint's copy";
            }
            return file
                    + " "
                    + was
                    + " where the checkpoint "
                    + cp.getFileName()
                    + " expects "
                    + bytes
                    + " bytes, and this checkpoint has no copy of it: the history before step "
                    + cp.getFileName().toString().substring(5).replaceFirst("^0+(?=.)", "")
                    + " is incomplete (report and export will miss it)";
        } catch (IOException e) {
            throw new Mtl4jException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean samePrefix(Path file, Path copy, long bytes) throws IOException {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes((int) Math.min(bytes, Integer.MAX_VALUE));
            return java.util.Arrays.equals(head, Files.readAllBytes(copy));
        }
    }

    /** The checkpoint directories of a run, oldest first (half-written ones are not listed). */
    public static List<Path> checkpoints(Path runDir) {
        Path d = runDir.resolve("checkpoints");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (var s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d{8,}"))
                    .sorted(
                            java.util.Comparator.comparingLong(
                                    p -> Long.parseLong(p.getFileName().toString().substring(5))))
                    .toList();
        } catch (IOException e) {
            throw new Mtl4jException("cannot list " + d + ": " + e.getMessage(), e);
        }
    }

    private void keepCheckpointsUpTo(long step) throws IOException {
        Path d = dir.resolve("checkpoints");
        if (!Files.isDirectory(d)) {
            return;
        }
        try (var s = Files.list(d)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.matches("step-\\d{8,}") || Long.parseLong(n.substring(5)) > step) {
                    AtomicFiles.deleteRecursively(p); // staging leftovers, or newer than resumed
                }
            }
        }
        checkpoints.addAll(checkpoints(dir));
    }

    /**
     * Writes {@code checkpoints/step-NNNNNNNN/}: {@code model/} and the training state, staged in a
     * hidden sibling and renamed into place, so a checkpoint on disk is always complete.
     */
    @Override
    public void onCheckpoint(Checkpoint checkpoint) {
        Path cp =
                dir.resolve("checkpoints")
                        .resolve(String.format("step-%08d", checkpoint.globalStep()));
        Path staging = cp.resolveSibling("." + cp.getFileName() + ".tmp");
        try {
            AtomicFiles.deleteRecursively(staging);
            Files.createDirectories(staging);
            ModelFiles.save(staging.resolve("model"), checkpoint.model(), description);
            metrics.flush();
            long logged = Files.size(dir.resolve("metrics.jsonl"));
            checkpoint.writeTo(staging, Map.of("metrics_bytes", logged));
            // the history so far, to restore a metrics.jsonl cut or lost before a resume
            Files.copy(dir.resolve("metrics.jsonl"), staging.resolve("metrics.jsonl"));
            Checksums.write(staging);
            if (Files.exists(cp)) {
                AtomicFiles.replaceDirectory(staging, cp);
            } else {
                Files.move(staging, cp, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new Mtl4jException(
                    "cannot write checkpoint "
                            + cp
                            + ": "
                            + e.getMessage()
                            + " (check free disk space)",
                    e);
        }
        checkpoints.remove(cp);
        checkpoints.add(cp);
        while (checkpoints.size() > KEEP_CHECKPOINTS) {
            try {
                AtomicFiles.deleteRecursively(checkpoints.remove(0));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    private Map<String, Object> byTask(double[] values) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size() && t < values.length; t++) {
            m.put(tasks.get(t), values[t]);
        }
        return m;
    }

    private void write(Map<String, Object> m) {
        try {
            metrics.write(Json.line(m));
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw new Mtl4jException(
                    "cannot append to " + dir.resolve("metrics.jsonl") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            metrics.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
