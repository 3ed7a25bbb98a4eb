package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.balance.Balancer;
import org.mtl4j.data.Dataset;
import org.mtl4j.eval.Metrics;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/**
 * mtl4j's training loop: epochs of balanced multi-task steps, validation after every epoch,
 * best-epoch selection, early stopping and periodic checkpoints. At the end the model holds the
 * parameters of the best epoch.
 *
 * <p>Reproducible: with the engine seeded before the model is initialised and the same {@code seed}
 * here, two runs on CPU produce the same metrics.
 */
public final class Trainer {
    /** Outcome of {@link #fit}. */
    public record Result(
            int bestEpoch,
            int epochsRun,
            boolean earlyStopped,
            Evaluator.Evaluation bestValidation,
            long steps,
            double seconds,
            int diagnosedSteps,
            double diagnosticsSeconds,
            long skippedSteps,
            List<String> skipReasons) {}

    /** Training stops when this many steps in a row had to be skipped. */
    static final int MAX_CONSECUTIVE_SKIPS = 50;

    private final TrainerSpec spec;
    private final Balancer balancer;

    public Trainer(TrainerSpec spec, Balancer balancer) {
        this.spec = spec;
        this.balancer = balancer;
    }

    /**
     * Trains {@code model} (already initialised) on {@code train}.
     *
     * @param validation rows for validation and best-epoch selection, or null (last epoch is kept)
     */
    public Result fit(
            MultiTaskModel model,
            NDManager base,
            BatchSource train,
            Dataset validation,
            long seed,
            TrainingListener listener) {
        return fit(model, base, train, validation, seed, listener, null);
    }

    /**
     * Trains {@code model}, or continues a run from {@code resume} (a checkpoint of a run with the
     * same config, data and seed; {@code model} then already holds the checkpoint's parameters). A
     * resumed run ends exactly as the uninterrupted one would have: every step's random draws
     * depend on (seed, step) only, and the checkpoint holds the optimiser, balancer, batch order
     * and best-epoch state.
     */
    public Result fit(
            MultiTaskModel model,
            NDManager base,
            BatchSource train,
            Dataset validation,
            long seed,
            TrainingListener listener,
            Checkpoint.Resume resume) {
        List<Task> tasks = model.tasks();
        int t = tasks.size();
        Selector selector = Selector.parse(spec.selectMetric(), tasks);
        balancer.init(t, seed);
        List<NDArray> learnables = balancer.createLearnables(base);
        long start = System.nanoTime();
        try (ParamOptimizer opt = new ParamOptimizer(spec.optimizer(), base)) {
            StepRunner runner = new StepRunner(model, balancer, opt, spec.clipNorm(), learnables);
            runner.onNonFinite(spec.onNonFinite());
            int steps = train.stepsPerEpoch();
            long total = (long) steps * spec.epochs();
            State st = new State(t);
            if (resume != null) {
                st.restore(resume, base, model, opt, learnables, balancer, steps, t);
                for (int e = 0; e < st.epochsDone; e++) {
                    train.skipEpoch();
                }
            }
            listener.onStart(spec.epochs(), steps, tasks.stream().map(Task::name).toList());
            while (st.epochsDone < spec.epochs() && !st.stopped) {
                int epoch = st.epochsDone + 1;
                long epochStart = System.nanoTime();
                long windowStart = System.nanoTime();
                long windowRows = 0;
                List<Dataset> batches = train.nextEpoch();
                for (int i = st.stepInEpoch; i < batches.size(); i++) {
                    double lr =
                            spec.optimizer().learningRate()
                                    * spec.schedule().factor(st.global, total);
                    boolean diagnose =
                            spec.diagnoseEvery() > 0 && st.global % spec.diagnoseEvery() == 0;
                    seedStep(seed, st.global);
                    balancer.beginStep(st.global);
                    StepRunner.Result r;
                    try {
                        r = runner.run(base, batches.get(i), lr, st.global, diagnose);
                    } catch (StepRunner.NonFiniteStep e) {
                        listener.onCheckpoint(
                                st.checkpoint(model, opt, learnables, balancer, start));
                        throw new Mtl4jException(
                                e.getMessage()
                                        + ". Training stopped; the parameters before this step are"
                                        + " saved in the run directory's checkpoints/ (to skip"
                                        + " such steps instead, set trainer.on_non_finite: skip"
                                        + " in the config and train again)",
                                e);
                    }
                    st.global++;
                    st.stepInEpoch = i + 1;
                    if (r.skipped() != null) {
                        st.skipped++;
                        st.skippedInARow++;
                        if (st.skipReasons.size() < 5) {
                            st.skipReasons.add("step " + st.global + ": " + r.skipped());
                        }
                        listener.onSkippedStep(st.global, r.skipped());
                        if (st.skippedInARow >= MAX_CONSECUTIVE_SKIPS) {
                            listener.onCheckpoint(
                                    st.checkpoint(model, opt, learnables, balancer, start));
                            throw new Mtl4jException(
                                    "the last "
                                            + MAX_CONSECUTIVE_SKIPS
                                            + " steps all had a non-finite loss or gradient and"
                                            + " were skipped; training stopped (latest: "
                                            + r.skipped()
                                            + ")");
                        }
                    } else {
                        st.skippedInARow = 0;
                    }
                    if (r.diagnosed() != null) {
                        StepRunner.Diagnosed d = r.diagnosed();
                        st.diagnosedSteps++;
                        st.diagnosticsNanos += d.nanos();
                        listener.onDiagnostics(
                                new TrainingListener.Diagnostics(
                                        epoch, st.global, d.tasks(), d.gram(), d.nanos() / 1e9));
                    }
                    windowRows += r.rows();
                    for (int k = 0; k < t; k++) {
                        if (!Double.isNaN(r.losses()[k])) {
                            st.sum[k] += r.losses()[k];
                            st.count[k]++;
                        }
                    }
                    if (st.global % spec.logEvery() == 0 || i == batches.size() - 1) {
                        double secs = (System.nanoTime() - windowStart) / 1e9;
                        listener.onStep(
                                new TrainingListener.Step(
                                        epoch,
                                        i + 1,
                                        batches.size(),
                                        st.global,
                                        r.losses(),
                                        r.weights(),
                                        lr,
                                        windowRows / Math.max(secs, 1e-9)));
                        windowStart = System.nanoTime();
                        windowRows = 0;
                    }
                    if (spec.checkpointEvery() > 0
                            && st.global % spec.checkpointEvery() == 0
                            && i < batches.size() - 1) {
                        listener.onCheckpoint(
                                st.checkpoint(model, opt, learnables, balancer, start));
                    }
                }
                double[] trainLoss = new double[t];
                for (int k = 0; k < t; k++) {
                    trainLoss[k] = st.count[k] == 0 ? Double.NaN : st.sum[k] / st.count[k];
                }
                balancer.onEpochEnd(epoch, trainLoss);
                Evaluator.Evaluation eval =
                        validation == null
                                ? null
                                : Evaluator.evaluate(model, base, validation, spec.evalBatchSize());
                double value = eval == null ? epoch : selector.value(eval);
                boolean best =
                        eval == null
                                || st.bestParams == null
                                || selector.better(value, st.bestValue);
                if (best) {
                    st.bestValue = value;
                    st.bestEpoch = epoch;
                    st.bestEval = eval;
                    if (st.bestParams != null) {
                        st.bestParams.forEach(NDArray::close);
                    }
                    st.bestParams = snapshot(model, base);
                    st.sinceBest = 0;
                } else {
                    st.sinceBest++;
                }
                listener.onEpoch(
                        new TrainingListener.Epoch(
                                epoch,
                                trainLoss,
                                eval == null ? new double[0] : eval.losses(),
                                eval == null ? List.of() : eval.metrics(),
                                value,
                                best,
                                (System.nanoTime() - epochStart) / 1e9));
                st.stopped = spec.patience() > 0 && st.sinceBest >= spec.patience();
                st.epochsDone = epoch;
                st.stepInEpoch = 0;
                java.util.Arrays.fill(st.sum, 0);
                java.util.Arrays.fill(st.count, 0);
                // every epoch ends with a checkpoint: a killed run loses at most one epoch
                // (or checkpoint_every steps)
                listener.onCheckpoint(st.checkpoint(model, opt, learnables, balancer, start));
            }
            restore(model, st.bestParams);
            st.bestParams.forEach(NDArray::close);
            listener.onEnd(st.stopped, st.bestEpoch);
            return new Result(
                    st.bestEpoch,
                    st.epochsDone,
                    st.stopped,
                    st.bestEval,
                    st.global,
                    st.elapsedBefore + (System.nanoTime() - start) / 1e9,
                    st.diagnosedSteps,
                    st.diagnosticsNanos / 1e9,
                    st.skipped,
                    List.copyOf(st.skipReasons));
        }
    }

    /**
     * Seeds the engine's generators (dropout) for step {@code step} of a run seeded with {@code
     * seed}, so a step's draws depend on (seed, step) only.
     */
    static void seedStep(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) (z & 0x7FFFFFFF));
    }

    /** The mutable bookkeeping of a run: what a checkpoint saves besides arrays. */
    private static final class State {
        long global;
        int epochsDone;
        int stepInEpoch;
        final double[] sum;
        final int[] count;
        int bestEpoch;
        int sinceBest;
        double bestValue = Double.NaN;
        Evaluator.Evaluation bestEval;
        List<NDArray> bestParams;
        boolean stopped;
        int diagnosedSteps;
        long diagnosticsNanos;
        long skipped;
        int skippedInARow;
        final List<String> skipReasons = new ArrayList<>();
        double elapsedBefore;

        State(int tasks) {
            sum = new double[tasks];
            count = new int[tasks];
        }

        Checkpoint checkpoint(
                MultiTaskModel model,
                ParamOptimizer opt,
                List<NDArray> learnables,
                Balancer balancer,
                long start) {
            var json = Checkpoint.json();
            com.fasterxml.jackson.databind.node.ObjectNode s = json.createObjectNode();
            s.put("format", Checkpoint.FORMAT);
            s.put("global_step", global);
            s.put("epochs_done", epochsDone);
            s.put("step_in_epoch", stepInEpoch);
            s.set("loss_sums", json.valueToTree(sum));
            s.set("loss_counts", json.valueToTree(count));
            s.put("best_epoch", bestEpoch);
            s.put("since_best", sinceBest);
            s.put("best_value", bestValue);
            if (bestEval != null) {
                s.set("best_losses", json.valueToTree(bestEval.losses()));
                s.set("best_metrics", json.valueToTree(bestEval.metrics()));
            }
            s.put("stopped", stopped);
            s.put("diagnosed_steps", diagnosedSteps);
            s.put("diagnostics_nanos", diagnosticsNanos);
            s.put("skipped", skipped);
            s.put("skipped_in_a_row", skippedInARow);
            s.set("skip_reasons", json.valueToTree(skipReasons));
            s.put("elapsed_seconds", elapsedBefore + (System.nanoTime() - start) / 1e9);
            s.put("balancer", balancer.name());
            s.set("balancer_state", json.valueToTree(balancer.state()));
            s.set("optimizer_updates", json.valueToTree(opt.updateCounts()));
            return new Checkpoint(
                    model,
                    s,
                    opt.encodeState(),
                    Checkpoint.encode(learnables),
                    bestParams == null ? null : Checkpoint.encode(bestParams));
        }

        void restore(
                Checkpoint.Resume r,
                NDManager base,
                MultiTaskModel model,
                ParamOptimizer opt,
                List<NDArray> learnables,
                Balancer balancer,
                int stepsPerEpoch,
                int tasks) {
            com.fasterxml.jackson.databind.JsonNode s = r.state;
            if (!balancer.name().equals(s.path("balancer").asText())) {
                throw new Mtl4jException(
                        "checkpoint: written by balancer "
                                + s.path("balancer").asText()
                                + ", the config uses "
                                + balancer.name());
            }
            global = s.path("global_step").asLong();
            epochsDone = s.path("epochs_done").asInt();
            stepInEpoch = s.path("step_in_epoch").asInt();
            if (stepInEpoch > stepsPerEpoch || s.path("loss_sums").size() != tasks) {
                throw new Mtl4jException(
                        "checkpoint: "
                                + stepInEpoch
                                + " steps into an epoch of "
                                + stepsPerEpoch
                                + " and "
                                + s.path("loss_sums").size()
                                + " tasks; it belongs to other data or tasks");
            }
            for (int k = 0; k < tasks; k++) {
                sum[k] = number(s.path("loss_sums").get(k));
                count[k] = s.path("loss_counts").get(k).asInt();
            }
            bestEpoch = s.path("best_epoch").asInt();
            sinceBest = s.path("since_best").asInt();
            bestValue = number(s.path("best_value"));
            if (s.has("best_losses")) {
                double[] losses = new double[tasks];
                for (int k = 0; k < tasks; k++) {
                    losses[k] = number(s.path("best_losses").get(k));
                }
                List<java.util.Map<String, Double>> metrics = new ArrayList<>();
                for (com.fasterxml.jackson.databind.JsonNode m : s.path("best_metrics")) {
                    java.util.Map<String, Double> mm = new java.util.LinkedHashMap<>();
                    m.fields().forEachRemaining(e -> mm.put(e.getKey(), number(e.getValue())));
                    metrics.add(mm);
                }
                bestEval = new Evaluator.Evaluation(losses, metrics);
            }
            stopped = s.path("stopped").asBoolean();
            diagnosedSteps = s.path("diagnosed_steps").asInt();
            diagnosticsNanos = s.path("diagnostics_nanos").asLong();
            skipped = s.path("skipped").asLong();
            skippedInARow = s.path("skipped_in_a_row").asInt();
            s.path("skip_reasons").forEach(n -> skipReasons.add(n.asText()));
            elapsedBefore = s.path("elapsed_seconds").asDouble();
            opt.restoreState(r.optimizer, Checkpoint.counts(s.path("optimizer_updates")));
            List<NDArray> saved = Checkpoint.Resume.decode(base, r.learnables);
            if (saved.size() != learnables.size()) {
                throw new Mtl4jException(
                        "checkpoint: "
                                + saved.size()
                                + " balancer weights saved, the balancer has "
                                + learnables.size());
            }
            for (int i = 0; i < saved.size(); i++) {
                learnables.get(i).set(new NDIndex("..."), saved.get(i));
            }
            balancer.restoreState(
                    new org.mtl4j.balance.BalancerState(balancer.name(), s.path("balancer_state")));
            if (r.best != null) {
                bestParams = Checkpoint.Resume.decode(base, r.best);
                if (bestParams.size() != model.getParameters().size()) {
                    throw new Mtl4jException("checkpoint: best parameters do not match the model");
                }
            }
        }

        private static double number(com.fasterxml.jackson.databind.JsonNode n) {
            if (n.isTextual()) {
                return switch (n.asText()) {
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> Double.NaN;
                };
            }
            return n.asDouble();
        }
    }

    /** Copies of all parameters (incl. batch-norm statistics), owned by {@code manager}. */
    private static List<NDArray> snapshot(MultiTaskModel model, NDManager manager) {
        List<NDArray> out = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray copy = p.getValue().getArray().duplicate();
            copy.attach(manager);
            out.add(copy);
        }
        return out;
    }

    /** Writes the snapshot back in place, so the trainer's references stay valid. */
    private static void restore(MultiTaskModel model, List<NDArray> values) {
        int i = 0;
        for (Pair<String, Parameter> p : model.getParameters()) {
            p.getValue().getArray().set(new NDIndex("..."), values.get(i++));
        }
    }

    /**
     * Checks a best-epoch selection quantity ({@code loss} or {@code <task>/<metric>}) against the
     * tasks; throws {@link Mtl4jException} naming what is accepted.
     */
    public static void checkSelect(String select, List<Task> tasks) {
        Selector.parse(select, tasks);
    }

    /**
     * {@code trainer.select} value for the geometric mean of the tasks' validation losses (as in
     * the scale-free objective of Chennupati et al., "MultiNet++", CVPR Workshops 2019, used here
     * only to pick the epoch).
     */
    public static final String GEOMETRIC = "geometric_loss";

    /** The validation quantity that picks the best epoch. */
    private record Selector(int task, String metric, boolean higherBetter) {
        static Selector parse(String s, List<Task> tasks) {
            if (s.equals("loss")) {
                return new Selector(-1, "loss", false);
            }
            if (s.equals(GEOMETRIC)) {
                return new Selector(-2, GEOMETRIC, false);
            }
            int slash = s.indexOf('/');
            if (slash > 0) {
                String name = s.substring(0, slash);
                String metric = s.substring(slash + 1);
                for (int t = 0; t < tasks.size(); t++) {
                    if (tasks.get(t).name().equals(name)) {
                        if (!metric.equals("loss") && !reports(tasks.get(t), metric)) {
                            throw new Mtl4jException(
                                    "select metric \""
                                            + s
                                            + "\": task "
                                            + name
                                            + " reports "
                                            + tasks.get(t).metrics()
                                            + " and loss"
                                            + (tasks.get(t).type() instanceof TaskType.Regression r
                                                            && r.dims() > 1
                                                    ? ", and per target e.g. "
                                                            + tasks.get(t).metrics().get(0)
                                                            + ":"
                                                            + tasks.get(t).dimNames().get(0)
                                                    : ""));
                        }
                        return new Selector(
                                t,
                                metric,
                                !metric.equals("loss") && Metrics.higherIsBetter(metric));
                    }
                }
            }
            throw new Mtl4jException(
                    "select metric \""
                            + s
                            + "\": use loss, geometric_loss or <task>/<metric>, e.g. "
                            + tasks.get(0).name()
                            + "/"
                            + tasks.get(0).metrics().get(0));
        }

        /**
         * Whether the task's evaluation has this metric (per-target keys for multi-target
         * regression).
         */
        private static boolean reports(Task task, String metric) {
            String[] parts = metric.split(":", 2);
            if (!task.metrics().contains(parts[0])) {
                return false;
            }
            return parts.length == 1
                    || task.type() instanceof TaskType.Regression r
                            && r.dims() > 1
                            && task.dimNames().contains(parts[1]);
        }

        double value(Evaluator.Evaluation e) {
            if (task == -2) {
                // geometric mean: each task's relative change counts the same, whatever its scale
                double logs = 0;
                int n = 0;
                for (double l : e.losses()) {
                    if (!Double.isNaN(l)) {
                        logs += Math.log(Math.max(l, 1e-12));
                        n++;
                    }
                }
                return n == 0 ? Double.NaN : Math.exp(logs / n);
            }
            if (task < 0) {
                double sum = 0;
                for (double l : e.losses()) {
                    if (!Double.isNaN(l)) {
                        sum += l;
                    }
                }
                return sum;
            }
            if (metric.equals("loss")) {
                return e.losses()[task];
            }
            Map<String, Double> m = e.metrics().get(task);
            return m.getOrDefault(metric, Double.NaN);
        }

        boolean better(double v, double best) {
            if (Double.isNaN(v)) {
                return false;
            }
            if (Double.isNaN(best)) {
                return true;
            }
            return higherBetter ? v > best : v < best;
        }
    }
}
