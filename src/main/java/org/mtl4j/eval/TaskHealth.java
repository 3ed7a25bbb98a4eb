package org.mtl4j.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/**
 * Watches a multi-task training for tasks that are not learning, and says so while it runs
 * (engine-free; fed from the gradient diagnostics and the validation metrics):
 *
 * <ul>
 *   <li><b>dominated</b>: on most diagnosed steps (at least {@value #MIN_DIAGNOSED}), another
 *       task's gradient on the shared parameters is more than {@value #RATIO}× this task's, so the
 *       shared layers learn almost only for the other task;
 *   <li><b>dead</b>: the task's gradient on the shared parameters is exactly 0 on {@value
 *       #DEAD_STEPS} consecutive diagnosed steps (a head whose units are all off, or saturated);
 *   <li><b>trivial</b>: on {@value #TRIVIAL_EPOCHS} consecutive validation epochs the task's
 *       validation metric is no better than the best constant prediction (majority class for
 *       classifiers, the mean for regression, constant label sets for multilabel tasks).
 * </ul>
 *
 * Each kind of warning is given once per task.
 */
public final class TaskHealth {
    static final double RATIO = 100;
    static final int MIN_DIAGNOSED = 4;
    static final int DEAD_STEPS = 3;
    static final int TRIVIAL_EPOCHS = 3;
    private static final double TRIVIAL_MARGIN = 0.005;

    /** One warning: which task, which kind (dominated, dead, trivial) and what to do. */
    public record Warning(String task, String kind, String message) {}

    /**
     * What the best constant prediction scores on the validation rows: {@code metric} (accuracy,
     * macro_f1 or r2) reaches {@code value}; {@code what} names that prediction.
     */
    public record Baseline(String metric, double value, String what) {

        /** The baseline of {@code task} on labels (rows × label width), or null if none applies. */
        public static Baseline of(Task task, float[] labels, boolean[] observed) {
            TaskType type = task.type();
            int n = 0;
            for (boolean o : observed) {
                n += o ? 1 : 0;
            }
            if (n == 0) {
                return null;
            }
            if (type instanceof TaskType.Binary || type instanceof TaskType.Multiclass) {
                int k = type instanceof TaskType.Multiclass mc ? mc.classes() : 2;
                int[] count = new int[k];
                for (int r = 0; r < observed.length; r++) {
                    int c = Math.round(labels[r]);
                    if (observed[r] && c >= 0 && c < k) {
                        count[c]++;
                    }
                }
                int best = 0;
                for (int c = 1; c < k; c++) {
                    best = count[c] > count[best] ? c : best;
                }
                String cls =
                        task.dimNames().size() == k
                                ? task.dimNames().get(best)
                                : String.valueOf(best);
                return new Baseline("accuracy", count[best] / (double) n, "always class " + cls);
            }
            if (type instanceof TaskType.Multilabel ml) {
                // per label, the better constant is "always on" (F1 2p/(1+p)); "always off" has F1
                // 0
                int w = ml.labelWidth();
                double sum = 0;
                for (int l = 0; l < w; l++) {
                    int pos = 0;
                    for (int r = 0; r < observed.length; r++) {
                        pos += observed[r] && labels[r * w + l] > 0.5f ? 1 : 0;
                    }
                    double p = pos / (double) n;
                    sum += 2 * p / (1 + p);
                }
                return new Baseline("macro_f1", sum / w, "the same label set for every row");
            }
            return new Baseline("r2", 0, "the training mean");
        }
    }

    private final List<String> tasks;
    private final List<Baseline> baselines;
    private final int[] diagnosed;
    private final int[][] dominatedBy;
    private final int[] zeroRun;
    private final int[] trivialRun;
    private final Set<String> given = new HashSet<>();

    /**
     * @param tasks task names in model order
     * @param baselines per task, its constant-prediction baseline on the validation rows (null
     *     entries, or a null list, where there is none)
     */
    public TaskHealth(List<String> tasks, List<Baseline> baselines) {
        this.tasks = List.copyOf(tasks);
        this.baselines = baselines == null ? null : new ArrayList<>(baselines);
        int t = tasks.size();
        diagnosed = new int[t];
        dominatedBy = new int[t][t];
        zeroRun = new int[t];
        trivialRun = new int[t];
    }

    /**
     * A diagnosed step: {@code norms[k]} is the gradient norm on the shared parameters of task
     * {@code present[k]}.
     */
    public List<Warning> onDiagnostics(int[] present, double[] norms) {
        List<Warning> out = new ArrayList<>();
        for (int k = 0; k < present.length; k++) {
            int t = present[k];
            diagnosed[t]++;
            zeroRun[t] = norms[k] == 0 ? zeroRun[t] + 1 : 0;
            for (int l = 0; l < present.length; l++) {
                if (l != k && norms[l] > RATIO * norms[k] && norms[k] > 0) {
                    dominatedBy[t][present[l]]++;
                }
            }
        }
        for (int k = 0; k < present.length; k++) {
            int t = present[k];
            if (zeroRun[t] >= DEAD_STEPS) {
                give(
                        out,
                        t,
                        "dead",
                        String.format(
                                Locale.ROOT,
                                "task \"%s\": its gradient on the shared layers was exactly 0 on"
                                        + " %d diagnosed steps in a row, so it no longer learns"
                                        + " (its head's units are all off or saturated): lower"
                                        + " trainer.lr, use a head activation other than relu, or"
                                        + " check its labels",
                                tasks.get(t),
                                zeroRun[t]));
            }
            for (int o = 0; o < tasks.size(); o++) {
                int n = dominatedBy[t][o];
                if (diagnosed[t] >= MIN_DIAGNOSED && 2 * n > diagnosed[t]) {
                    give(
                            out,
                            t,
                            "dominated",
                            String.format(
                                    Locale.ROOT,
                                    "task \"%s\": on %d of %d diagnosed steps, task \"%s\"'s"
                                            + " gradient on the shared layers is over %.0f× this"
                                            + " task's, so the shared layers learn almost only for"
                                            + " \"%s\": keep regression targets standardised"
                                            + " (scale: standard), or use a balancer that evens out"
                                            + " gradient sizes (e.g. balancer: gradnorm, imtl_g or"
                                            + " nash_mtl)",
                                    tasks.get(t),
                                    n,
                                    diagnosed[t],
                                    tasks.get(o),
                                    RATIO,
                                    tasks.get(o)));
                }
            }
        }
        return out;
    }

    /** A validation epoch: per task its metrics (an empty map where it has no validation rows). */
    public List<Warning> onValidation(List<Map<String, Double>> metrics) {
        List<Warning> out = new ArrayList<>();
        if (baselines == null) {
            return out;
        }
        for (int t = 0; t < tasks.size() && t < metrics.size(); t++) {
            Baseline b = baselines.get(t);
            Double v = b == null ? null : metrics.get(t).get(b.metric());
            if (v == null || Double.isNaN(v)) {
                trivialRun[t] = 0;
                continue;
            }
            trivialRun[t] = v <= b.value() + TRIVIAL_MARGIN ? trivialRun[t] + 1 : 0;
            if (trivialRun[t] >= TRIVIAL_EPOCHS) {
                give(
                        out,
                        t,
                        "trivial",
                        String.format(
                                Locale.ROOT,
                                "task \"%s\": validation %s has stayed at %.4f for %d epochs, no"
                                        + " better than %s (%.4f): the task is not learning."
                                        + " Standardise regression targets (scale: standard),"
                                        + " give this task more weight, or try balancer: uw or"
                                        + " gradnorm",
                                tasks.get(t),
                                b.metric(),
                                v,
                                trivialRun[t],
                                b.what(),
                                b.value()));
            }
        }
        return out;
    }

    private void give(List<Warning> out, int t, String kind, String message) {
        if (given.add(t + "/" + kind)) {
            out.add(new Warning(tasks.get(t), kind, message));
        }
    }
}
