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
        List<Task> tasks = model.tasks();
        int t = tasks.size();
        Selector selector = Selector.parse(spec.selectMetric(), tasks);
        balancer.init(t, seed);
        List<NDArray> learnables = balancer.createLearnables(base);
        long start = System.nanoTime();
        try (ParamOptimizer opt = new ParamOptimizer(spec.optimizer(), base)) {
            StepRunner runner = new StepRunner(model, balancer, opt, spec.clipNorm(), learnables);
            runner.onNonFinite(spec.onNonFinite());
            long skipped = 0;
            int skippedInARow = 0;
            List<String> skipReasons = new ArrayList<>();
            int steps = train.stepsPerEpoch();
            long total = (long) steps * spec.epochs();
            listener.onStart(spec.epochs(), steps, tasks.stream().map(Task::name).toList());
            long global = 0;
            int diagnosedSteps = 0;
            long diagnosticsNanos = 0;
            int bestEpoch = 0;
            int sinceBest = 0;
            double bestValue = Double.NaN;
            Evaluator.Evaluation bestEval = null;
            List<NDArray> bestParams = null;
            int epoch = 0;
            boolean stopped = false;
            while (epoch < spec.epochs() && !stopped) {
                epoch++;
                long epochStart = System.nanoTime();
                double[] sum = new double[t];
                int[] count = new int[t];
                long windowStart = System.nanoTime();
                long windowRows = 0;
                List<Dataset> batches = train.nextEpoch();
                for (int i = 0; i < batches.size(); i++) {
                    double lr =
                            spec.optimizer().learningRate() * spec.schedule().factor(global, total);
                    boolean diagnose =
                            spec.diagnoseEvery() > 0 && global % spec.diagnoseEvery() == 0;
                    StepRunner.Result r;
                    try {
                        r = runner.run(base, batches.get(i), lr, global, diagnose);
                    } catch (StepRunner.NonFiniteStep e) {
                        listener.onCheckpoint(global, epoch, model);
                        throw new Mtl4jException(
                                e.getMessage()
                                        + ". Training stopped; the parameters before this step are"
                                        + " saved in the run directory's checkpoints/ (or set"
                                        + " trainer.on_non_finite: skip to skip such steps)",
                                e);
                    }
                    global++;
                    if (r.skipped() != null) {
                        skipped++;
                        skippedInARow++;
                        if (skipReasons.size() < 5) {
                            skipReasons.add("step " + global + ": " + r.skipped());
                        }
                        listener.onSkippedStep(global, r.skipped());
                        if (skippedInARow >= MAX_CONSECUTIVE_SKIPS) {
                            listener.onCheckpoint(global, epoch, model);
                            throw new Mtl4jException(
                                    "the last "
                                            + MAX_CONSECUTIVE_SKIPS
                                            + " steps all had a non-finite loss or gradient and"
                                            + " were skipped; training stopped (latest: "
                                            + r.skipped()
                                            + ")");
                        }
                    } else {
                        skippedInARow = 0;
                    }
                    if (r.diagnosed() != null) {
                        StepRunner.Diagnosed d = r.diagnosed();
                        diagnosedSteps++;
                        diagnosticsNanos += d.nanos();
                        listener.onDiagnostics(
                                new TrainingListener.Diagnostics(
                                        epoch, global, d.tasks(), d.gram(), d.nanos() / 1e9));
                    }
                    windowRows += r.rows();
                    for (int k = 0; k < t; k++) {
                        if (!Double.isNaN(r.losses()[k])) {
                            sum[k] += r.losses()[k];
                            count[k]++;
                        }
                    }
                    if (global % spec.logEvery() == 0 || i == batches.size() - 1) {
                        double secs = (System.nanoTime() - windowStart) / 1e9;
                        listener.onStep(
                                new TrainingListener.Step(
                                        epoch,
                                        i + 1,
                                        batches.size(),
                                        global,
                                        r.losses(),
                                        r.weights(),
                                        lr,
                                        windowRows / Math.max(secs, 1e-9)));
                        windowStart = System.nanoTime();
                        windowRows = 0;
                    }
                    if (spec.checkpointEvery() > 0 && global % spec.checkpointEvery() == 0) {
                        listener.onCheckpoint(global, epoch, model);
                    }
                }
                double[] trainLoss = new double[t];
                for (int k = 0; k < t; k++) {
                    trainLoss[k] = count[k] == 0 ? Double.NaN : sum[k] / count[k];
                }
                balancer.onEpochEnd(epoch, trainLoss);
                Evaluator.Evaluation eval =
                        validation == null
                                ? null
                                : Evaluator.evaluate(model, base, validation, spec.evalBatchSize());
                double value = eval == null ? epoch : selector.value(eval);
                boolean best =
                        eval == null || bestParams == null || selector.better(value, bestValue);
                if (best) {
                    bestValue = value;
                    bestEpoch = epoch;
                    bestEval = eval;
                    if (bestParams != null) {
                        bestParams.forEach(NDArray::close);
                    }
                    bestParams = snapshot(model, base);
                    sinceBest = 0;
                } else {
                    sinceBest++;
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
                stopped = spec.patience() > 0 && sinceBest >= spec.patience();
            }
            restore(model, bestParams);
            bestParams.forEach(NDArray::close);
            listener.onEnd(stopped, bestEpoch);
            return new Result(
                    bestEpoch,
                    epoch,
                    stopped,
                    bestEval,
                    global,
                    (System.nanoTime() - start) / 1e9,
                    diagnosedSteps,
                    diagnosticsNanos / 1e9,
                    skipped,
                    List.copyOf(skipReasons));
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

    /** The validation quantity that picks the best epoch. */
    private record Selector(int task, String metric, boolean higherBetter) {
        static Selector parse(String s, List<Task> tasks) {
            if (s.equals("loss")) {
                return new Selector(-1, "loss", false);
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
                            + "\": use loss or <task>/<metric>, e.g. "
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
