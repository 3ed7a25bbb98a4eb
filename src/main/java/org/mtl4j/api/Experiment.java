package org.mtl4j.api;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.balance.Balancer;
import org.mtl4j.balance.BalancerRegistry;
import org.mtl4j.config.ConfigLoader;
import org.mtl4j.config.ConfigWriter;
import org.mtl4j.config.ExperimentConfig;
import org.mtl4j.config.Options;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.data.DataLoader;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.TrainingData;
import org.mtl4j.eval.DeltaM;
import org.mtl4j.model.ModelSpec;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.run.AtomicFiles;
import org.mtl4j.run.Engines;
import org.mtl4j.run.Json;
import org.mtl4j.run.ModelFiles;
import org.mtl4j.run.RunRecorder;
import org.mtl4j.run.Versions;
import org.mtl4j.task.Task;
import org.mtl4j.train.BatchSource;
import org.mtl4j.train.Checkpoint;
import org.mtl4j.train.Evaluator;
import org.mtl4j.train.Listeners;
import org.mtl4j.train.Trainer;
import org.mtl4j.train.TrainingListener;

/**
 * A multi-task experiment: data, tasks, model, balancer and trainer, ready to train into a run
 * directory or to compare against single-task baselines. The CLI is a thin layer over this class.
 *
 * <pre>{@code
 * Experiment exp = Experiment.builder("demo")
 *     .syntheticData(SyntheticMmoe.Spec.defaults(2, 0.8, 4000))
 *     .task(Task.of("a", new TaskType.Regression(1)))
 *     .task(Task.of("b", new TaskType.Regression(1)))
 *     .balancer("pcgrad")
 *     .epochs(10)
 *     .build();
 * RunResult r = exp.train(Path.of("runs/demo"), Listeners.none());
 * }</pre>
 */
public final class Experiment {
    private final ExperimentConfig config;

    public Experiment(ExperimentConfig config) {
        this.config = config;
    }

    public static ExperimentBuilder builder(String name) {
        return new ExperimentBuilder(name);
    }

    /** Reads and validates a YAML config. */
    public static Experiment fromYaml(Path file) {
        return new Experiment(ConfigLoader.load(file));
    }

    public ExperimentConfig config() {
        return config;
    }

    /** Reads, splits and preprocesses the data (starts the engine first). */
    public TrainingData loadData() {
        Engines.start(config.threads(), config.seed());
        return DataLoader.load(config.data(), config.tasks(), config.seed());
    }

    /** Loads the data and trains into {@code runDir}. */
    public RunResult train(Path runDir, TrainingListener listener) {
        return train(loadData(), runDir, listener);
    }

    /** Trains on already loaded data into {@code runDir}. */
    public RunResult train(TrainingData data, Path runDir, TrainingListener listener) {
        ExperimentConfig fitted = withTargetScales(config, data);
        if (fitted != config) {
            return new Experiment(fitted).train(data, runDir, listener);
        }
        List<Task> tasks = config.tasks().stream().map(TaskConfig::task).toList();
        Trainer.checkSelect(config.trainer().selectMetric(), tasks);
        Balancer balancer = balancer();
        BatchSource source = batches(data);
        prepare(runDir);
        AtomicFiles.writeString(runDir.resolve("config.yaml"), ConfigWriter.toYaml(config));
        Json.write(runDir.resolve("manifest.json"), manifest(data));
        Engines.start(config.threads(), config.seed());
        ModelSpec spec = modelSpec(data);
        ModelFiles.Description description =
                new ModelFiles.Description(
                        config.tasks(),
                        spec,
                        data.preprocessor(),
                        data.numericNames(),
                        data.audio());
        try (NDManager base = NDManager.newBaseManager();
                RunRecorder recorder = new RunRecorder(runDir, description)) {
            MultiTaskModel model = new MultiTaskModel(spec, tasks);
            try {
                model.initialize(base);
            } catch (IllegalArgumentException e) {
                // a layout the architecture cannot build (e.g. feature map sizes)
                throw new Mtl4jException("model: " + e.getMessage(), e);
            } catch (ai.djl.engine.EngineException | OutOfMemoryError e) {
                throw new Mtl4jException(
                        "cannot create the model ("
                                + e.getMessage()
                                + "); make model.encoder.hidden / model.head.hidden smaller",
                        e);
            }
            requireSpace(runDir, model, source);
            Trainer.Result r =
                    new Trainer(config.trainer(), balancer)
                            .fit(
                                    model,
                                    base,
                                    source,
                                    data.validation(),
                                    config.seed(),
                                    Listeners.withHealth(
                                            health(data), Listeners.of(recorder, listener)));
            return finish(data, runDir, base, model, description, r);
        }
    }

    /**
     * Continues the run in {@code runDir} (written by {@link #train} with this experiment's config)
     * from its newest readable checkpoint, and ends it exactly as the uninterrupted run would have
     * ended. A run with no checkpoint yet is trained from the start.
     *
     * @throws Mtl4jException when the run has already finished, or is not a run of this config
     */
    public RunResult resume(Path runDir, TrainingListener listener) {
        if (Files.exists(runDir.resolve("summary.json"))) {
            throw new Mtl4jException(
                    runDir + ": this run has finished (summary.json exists); nothing to resume");
        }
        if (!Files.exists(runDir.resolve("manifest.json"))) {
            throw new Mtl4jException(
                    runDir + ": not an mtl4j run directory (no manifest.json); nothing to resume");
        }
        TrainingData data = loadData();
        ExperimentConfig fitted = withTargetScales(config, data);
        if (fitted != config) {
            return new Experiment(fitted).resume(runDir, listener);
        }
        List<Path> cps = new ArrayList<>(RunRecorder.checkpoints(runDir));
        java.util.Collections.reverse(cps);
        Checkpoint.Resume resume = null;
        Path from = null;
        for (Path cp : cps) {
            try {
                Engines.ensureStarted(config.threads());
                org.mtl4j.run.Checksums.verify(cp); // no file changed since it was written
                try (NDManager scratch = NDManager.newBaseManager()) {
                    ModelFiles.load(cp.resolve("model"), scratch); // every file must decode
                }
                resume = Checkpoint.read(cp);
                from = cp;
                break;
            } catch (Mtl4jException e) {
                System.err.println("warning: skipping checkpoint " + cp + ": " + e.getMessage());
            }
        }
        if (resume == null) {
            System.err.println(
                    "warning: "
                            + runDir
                            + " has no usable checkpoint yet; training from the start");
            return train(data, runDir, listener);
        }
        List<Task> tasks = config.tasks().stream().map(TaskConfig::task).toList();
        Balancer balancer = balancer();
        BatchSource source = batches(data);
        Engines.start(config.threads(), config.seed());
        ModelSpec spec = modelSpec(data);
        ModelFiles.Description description =
                new ModelFiles.Description(
                        config.tasks(),
                        spec,
                        data.preprocessor(),
                        data.numericNames(),
                        data.audio());
        long bytes = resume.extra("metrics_bytes").asLong(-1);
        if (bytes < 0) {
            throw new Mtl4jException(from + ": checkpoint without its metrics.jsonl position");
        }
        String history = RunRecorder.restoreMetrics(runDir, from, bytes);
        if (history != null) {
            System.err.println("warning: " + history);
        }
        try (NDManager base = NDManager.newBaseManager();
                RunRecorder recorder =
                        new RunRecorder(runDir, description, bytes, resume.globalStep())) {
            // a model set up for training as in train(), then given the checkpoint's values
            MultiTaskModel model = new MultiTaskModel(spec, tasks);
            model.initialize(base);
            try (NDManager scratch = NDManager.newBaseManager()) {
                MultiTaskModel saved = ModelFiles.load(from.resolve("model"), scratch);
                var to = model.getParameters();
                var values = saved.getParameters();
                if (to.size() != values.size()
                        || !saved.tasks().stream()
                                .map(Task::name)
                                .toList()
                                .equals(tasks.stream().map(Task::name).toList())) {
                    throw new Mtl4jException(
                            from
                                    + ": checkpoint of another model or other tasks than the config's");
                }
                for (int i = 0; i < to.size(); i++) {
                    to.get(i)
                            .getValue()
                            .getArray()
                            .set(
                                    new ai.djl.ndarray.index.NDIndex("..."),
                                    values.get(i).getValue().getArray());
                }
            }
            requireSpace(runDir, model, source);
            System.err.println(
                    "resuming "
                            + runDir
                            + " from "
                            + from.getFileName()
                            + " (step "
                            + resume.globalStep()
                            + ")");
            Trainer.Result r =
                    new Trainer(config.trainer(), balancer)
                            .fit(
                                    model,
                                    base,
                                    source,
                                    data.validation(),
                                    config.seed(),
                                    Listeners.withHealth(
                                            health(data), Listeners.of(recorder, listener)),
                                    resume);
            return finish(data, runDir, base, model, description, r);
        }
    }

    private void requireSpace(Path runDir, MultiTaskModel model, BatchSource source) {
        var t = config.trainer();
        org.mtl4j.run.DiskSpace.require(
                runDir,
                org.mtl4j.run.DiskSpace.estimate(
                        model.parameterCount(),
                        (long) source.stepsPerEpoch() * t.epochs(),
                        t.logEvery(),
                        t.diagnoseEvery()));
    }

    private Balancer balancer() {
        return BalancerRegistry.create(
                config.balancer(),
                Options.of("balancer", new LinkedHashMap<>(config.balancerOptions())));
    }

    private ModelSpec modelSpec(TrainingData data) {
        org.mtl4j.model.EncoderSpec encoder = config.model().encoder();
        if (encoder instanceof org.mtl4j.model.AudioCnnSpec a) {
            if (data.audio() == null) {
                throw new Mtl4jException(
                        "model.encoder: audio_cnn reads log-mel spectrograms of WAV files; use it"
                                + " with data.audio (or choose mlp, lenet or resnet)");
            }
            if (a.bands() != 0 && a.bands() != data.audio().bands()) {
                throw new Mtl4jException(
                        "model.encoder.bands is "
                                + a.bands()
                                + " but data.audio.bands is "
                                + data.audio().bands()
                                + "; leave model.encoder.bands out to take it from the data");
            }
            encoder = a.withBands(data.audio().bands());
        }
        org.mtl4j.model.EncoderSpec enc = encoder;
        try {
            return modelSpec(data, enc);
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException("model: " + e.getMessage(), e);
        }
    }

    private ModelSpec modelSpec(TrainingData data, org.mtl4j.model.EncoderSpec encoder) {
        return new ModelSpec(
                data.numericWidth(),
                data.vocabularySizes(),
                config.model().embeddingDim(),
                encoder,
                config.model().head(),
                config.model().architecture(),
                data.preprocessor() == null
                        ? java.util.Collections.nCopies(data.vocabularySizes().size(), 1)
                        : java.util.Arrays.stream(data.preprocessor().slots()).boxed().toList(),
                data.preprocessor() == null
                        ? null
                        : data.preprocessor().state().categorical().stream()
                                .map(
                                        c ->
                                                data.preprocessor().state().text().containsKey(c)
                                                        ? config.model().textPooling()
                                                        : org.mtl4j.model.TextPooling.mean())
                                .toList());
    }

    /**
     * {@code c} with every standardised regression target's mean and std fitted on the labelled
     * training rows of {@code data} (the same rows give the same statistics, so a resumed run fits
     * what the first run fitted); {@code c} itself when nothing is left to fit.
     */
    static ExperimentConfig withTargetScales(ExperimentConfig c, TrainingData data) {
        if (c.tasks().stream().allMatch(t -> t.task().targetScale().fitted())) {
            return c;
        }
        List<TaskConfig> out = new ArrayList<>();
        for (int t = 0; t < c.tasks().size(); t++) {
            TaskConfig tc = c.tasks().get(t);
            if (tc.task().targetScale().fitted()) {
                out.add(tc);
                continue;
            }
            org.mtl4j.data.TaskLabels l =
                    data.multiInput()
                            ? data.train().get(t).labels().get(t)
                            : data.train().get(0).labels().get(t);
            out.add(tc.withTask(tc.task().withTargetScaleFitted(l.values(), l.observed())));
        }
        return c.withTasks(c.name(), out, c.balancer(), c.balancerOptions());
    }

    /**
     * The task-health watcher of a training on {@code data} (baselines from its validation rows).
     */
    private org.mtl4j.eval.TaskHealth health(TrainingData data) {
        List<Task> tasks = config.tasks().stream().map(TaskConfig::task).toList();
        List<org.mtl4j.eval.TaskHealth.Baseline> baselines = null;
        if (data.validation() != null) {
            baselines = new ArrayList<>();
            for (int t = 0; t < tasks.size(); t++) {
                org.mtl4j.data.TaskLabels l = data.validation().labels().get(t);
                baselines.add(
                        org.mtl4j.eval.TaskHealth.Baseline.of(
                                tasks.get(t), l.values(), l.observed()));
            }
        }
        return new org.mtl4j.eval.TaskHealth(tasks.stream().map(Task::name).toList(), baselines);
    }

    /** Final evaluation, model and summary of a trained run. */
    private RunResult finish(
            TrainingData data,
            Path runDir,
            NDManager base,
            MultiTaskModel model,
            ModelFiles.Description description,
            Trainer.Result r) {
        List<Task> tasks = config.tasks().stream().map(TaskConfig::task).toList();
        String on =
                data.test() != null ? "test" : data.validation() != null ? "validation" : "train";
        Dataset evalData =
                data.test() != null
                        ? data.test()
                        : data.validation() != null ? data.validation() : concat(data.train());
        Evaluator.Evaluation e =
                Evaluator.evaluate(model, base, evalData, config.trainer().evalBatchSize());
        ModelFiles.save(runDir.resolve("model"), model, description);
        RunResult result =
                new RunResult(
                        config.name(),
                        runDir,
                        r.bestEpoch(),
                        r.epochsRun(),
                        e.byTask(tasks),
                        on,
                        r.steps(),
                        r.seconds(),
                        r.steps() / Math.max(r.seconds(), 1e-9),
                        model.parameterCount(),
                        r.diagnosedSteps(),
                        r.diagnosticsSeconds());
        Json.write(runDir.resolve("summary.json"), summary(result, r));
        return result;
    }

    private BatchSource batches(TrainingData data) {
        int batch = config.trainer().batchSize();
        if (!data.multiInput()) {
            return BatchSource.single(data.train().get(0), batch, config.seed());
        }
        try {
            return BatchSource.perTask(
                    data.train(), batch, config.trainer().sampler(), config.seed());
        } catch (IllegalArgumentException e) {
            throw new Mtl4jException(
                    "trainer.batch_size: "
                            + e.getMessage()
                            + "; every step holds rows of every task, so use a batch size of at"
                            + " least "
                            + data.train().size(),
                    e);
        }
    }

    /**
     * Trains the multi-task model and one single-task model per task (same encoder, head, epochs
     * and data; equal weighting), and computes Δm. Writes {@code dir/mtl}, {@code dir/stl-<task>}
     * and {@code dir/compare.json}.
     */
    public CompareResult compare(
            Path dir, java.util.function.Function<String, TrainingListener> listeners) {
        TrainingData data = loadData();
        RunResult mtl =
                train(
                        data,
                        dir.resolve("mtl"),
                        listeners.apply("multi-task (" + config.balancer() + ")"));
        Map<String, RunResult> stl = new LinkedHashMap<>();
        List<Task> tasks = config.tasks().stream().map(TaskConfig::task).toList();
        for (int t = 0; t < tasks.size(); t++) {
            String n = tasks.get(t).name();
            ExperimentConfig single =
                    config.withTasks(
                            config.name() + "-stl-" + n,
                            List.of(config.tasks().get(t)),
                            "ew",
                            Map.of());
            // a selection on another task's metric means nothing for this baseline: use its loss
            String select = config.trainer().selectMetric();
            if (!select.startsWith(n + "/")) {
                single = single.withTrainer(single.trainer().withSelect("loss"));
            }
            stl.put(
                    n,
                    new Experiment(single)
                            .train(
                                    forTask(data, t),
                                    dir.resolve("stl-" + n),
                                    listeners.apply("single-task " + n)));
        }
        Map<String, Map<String, Double>> base = new LinkedHashMap<>();
        stl.forEach((n, r) -> base.put(n, r.metrics().get(n)));
        DeltaM.Result dm = DeltaM.compute(tasks, mtl.metrics(), base);
        CompareResult result =
                new CompareResult(mtl, stl, dm, tasks.stream().map(Task::name).toList(), dir);
        Json.write(dir.resolve("compare.json"), compareJson(result));
        return result;
    }

    /** The data of task {@code t} alone: its labelled rows, its labels only. */
    static TrainingData forTask(TrainingData d, int t) {
        List<Dataset> train = new ArrayList<>();
        if (d.multiInput()) {
            train.add(only(d.train().get(t), t));
        } else {
            train.add(only(d.train().get(0), t));
        }
        return new TrainingData(
                train,
                d.validation() == null ? null : only(d.validation(), t),
                d.test() == null ? null : only(d.test(), t),
                d.preprocessor(),
                d.numericNames(),
                d.vocabularySizes(),
                d.audio());
    }

    private static Dataset only(Dataset d, int t) {
        boolean[] obs = d.labels().get(t).observed();
        int n = 0;
        for (boolean b : obs) {
            n += b ? 1 : 0;
        }
        int[] idx = new int[n];
        for (int r = 0, k = 0; r < obs.length; r++) {
            if (obs[r]) {
                idx[k++] = r;
            }
        }
        Dataset s = d.select(idx);
        return new Dataset(s.features(), List.of(s.labels().get(t)));
    }

    private static Dataset concat(List<Dataset> parts) {
        Dataset out = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            out = out.concat(parts.get(i));
        }
        return out;
    }

    private static void prepare(Path runDir) {
        try {
            if (Files.exists(runDir) && !Files.isDirectory(runDir)) {
                throw new Mtl4jException(
                        runDir + ": exists and is not a directory; choose another with --out");
            }
            if (Files.isDirectory(runDir)
                    && !Files.exists(runDir.resolve("manifest.json"))
                    && !isEmpty(runDir)) {
                throw new Mtl4jException(
                        runDir
                                + ": not empty and not an mtl4j run directory (no manifest.json);"
                                + " nothing was changed; choose a new or empty directory with --out");
            }
            Files.createDirectories(runDir);
            if (!Files.isWritable(runDir)) {
                throw new Mtl4jException(
                        runDir + ": run directory is not writable; choose another with --out");
            }
            // a run directory describes one run: clear what an earlier run left
            AtomicFiles.deleteRecursively(runDir.resolve("checkpoints"));
            AtomicFiles.deleteRecursively(runDir.resolve("model"));
            Files.deleteIfExists(runDir.resolve("summary.json"));
        } catch (IOException e) {
            throw new Mtl4jException(
                    "cannot create run directory "
                            + runDir
                            + " ("
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage()
                            + "); choose another with --out",
                    e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private Map<String, Object> manifest(TrainingData data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", config.name());
        m.put("created", Instant.now().toString());
        m.put("seed", config.seed());
        m.put("threads", Engines.threads());
        m.put("versions", Versions.all());
        m.put("tasks", config.tasks().stream().map(t -> t.task().name()).toList());
        m.put("balancer", config.balancer());
        m.put("multi_input", data.multiInput());
        m.put("train_rows", data.trainRows());
        m.put("validation_rows", data.validation() == null ? 0 : data.validation().rows());
        m.put("test_rows", data.test() == null ? 0 : data.test().rows());
        return m;
    }

    private Map<String, Object> summary(RunResult r, Trainer.Result tr) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("balancer", config.balancer());
        m.put("best_epoch", r.bestEpoch());
        m.put("epochs_run", r.epochsRun());
        m.put("early_stopped", tr.earlyStopped());
        m.put("evaluated_on", r.evaluatedOn());
        m.put("metrics", r.metrics());
        if (tr.bestValidation() != null) {
            m.put(
                    "validation_at_best",
                    tr.bestValidation()
                            .byTask(config.tasks().stream().map(TaskConfig::task).toList()));
        }
        m.put("steps", r.steps());
        m.put("seconds", r.seconds());
        m.put("steps_per_second", r.stepsPerSecond());
        m.put("parameters", r.parameterCount());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("every", config.trainer().diagnoseEvery());
        d.put("steps", r.diagnosedSteps());
        d.put("seconds", r.diagnosticsSeconds());
        d.put("percent_of_training", r.diagnosticsPercent());
        m.put("diagnostics", d);
        m.put("skipped_steps", tr.skippedSteps());
        if (tr.skippedSteps() > 0) {
            m.put("skipped_first", tr.skipReasons());
        }
        return m;
    }

    private static Map<String, Object> compareJson(CompareResult c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", c.taskNames());
        m.put("multi_task", c.multiTask().metrics());
        Map<String, Object> s = new LinkedHashMap<>();
        c.singleTask().forEach((n, r) -> s.put(n, r.metrics().get(n)));
        m.put("single_task", s);
        m.put("evaluated_on", c.multiTask().evaluatedOn());
        m.put("delta_m_percent", c.deltaM().overall());
        m.put("delta_m_per_task_percent", c.deltaM().perTask());
        m.put("delta_m_skipped", c.deltaM().skipped());
        return m;
    }
}
