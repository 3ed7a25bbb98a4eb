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
import org.mtl4j.model.MultiTaskModel;
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
        this.dir = dir;
        this.description = description;
        try {
            metrics = Files.newBufferedWriter(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8);
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

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    @Override
    public void onCheckpoint(long globalStep, int epoch, MultiTaskModel model) {
        Path cp = dir.resolve("checkpoints").resolve(String.format("step-%08d", globalStep));
        ModelFiles.save(cp, model, description);
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
