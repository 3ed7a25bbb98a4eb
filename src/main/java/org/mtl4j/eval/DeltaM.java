package org.mtl4j.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.mtl4j.task.Task;

/**
 * Δm, the average relative improvement of a multi-task model over single-task baselines, in
 * percent. Positive means multi-task learning helped.
 *
 * <p>Formula (Maninis, Radosavovic and Kokkinos, "Attentive Single-Tasking of Multiple Tasks", CVPR
 * 2019; Vandenhende et al., "Multi-Task Learning for Dense Prediction Tasks: A Survey", TPAMI 2021;
 * as reported by LibMTL):
 *
 * <pre>
 *   Δm = (1/T) Σ_t (1/M_t) Σ_m (−1)^{b_{t,m}} (N_{t,m} − B_{t,m}) / |B_{t,m}| × 100
 * </pre>
 *
 * where T is the number of tasks, M_t the number of Δm metrics of task t ({@link
 * Task#deltaMetrics()}), N the multi-task value, B the single-task baseline, and b = 0 when a
 * higher value is better, 1 when lower is better ({@link Metrics#higherIsBetter}).
 *
 * <p>The published formula divides by B; this implementation divides by |B|, which is identical for
 * positive baselines (the only case in the cited papers) and keeps "positive = better" when a
 * baseline is negative (e.g. an r2 below 0).
 *
 * <p>A metric whose baseline is 0 or non-finite, or whose multi-task value is non-finite, is
 * skipped for that task and recorded in {@link Result#skipped()}; M_t then counts only the metrics
 * used. A task with all its metrics skipped is left out of T and of {@link Result#perTask()}. When
 * nothing is left, Δm is NaN.
 */
public final class DeltaM {

    private DeltaM() {}

    /**
     * The outcome of {@link #compute}.
     *
     * @param overall Δm in percent, NaN when no metric could be used
     * @param perTask task name → that task's term (1/M_t) Σ_m ... × 100, in the order of the tasks;
     *     tasks with every metric skipped are absent
     * @param skipped one entry per skipped metric, {@code "task/metric: reason"}
     */
    public record Result(
            double overall, LinkedHashMap<String, Double> perTask, List<String> skipped) {

        public Result {
            perTask = new LinkedHashMap<>(Objects.requireNonNull(perTask, "perTask"));
            skipped = List.copyOf(skipped);
        }

        /** A defensive copy of the per-task values. */
        @Override
        public LinkedHashMap<String, Double> perTask() {
            return new LinkedHashMap<>(perTask);
        }
    }

    /**
     * Computes Δm of {@code multiTask} against {@code baselines}.
     *
     * @param tasks the tasks, each with distinct names; their {@link Task#deltaMetrics()} are used
     * @param multiTask task name → metric name → multi-task value
     * @param baselines task name → metric name → single-task baseline value
     * @throws IllegalArgumentException when a task or one of its Δm metrics is missing from either
     *     map, a metric's direction is unknown, or two tasks share a name
     */
    public static Result compute(
            List<Task> tasks,
            Map<String, ? extends Map<String, Double>> multiTask,
            Map<String, ? extends Map<String, Double>> baselines) {
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(multiTask, "multiTask");
        Objects.requireNonNull(baselines, "baselines");
        checkDistinctNames(tasks);
        LinkedHashMap<String, Double> perTask = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        double total = 0;
        for (Task t : tasks) {
            Map<String, Double> n = resultsOf(multiTask, "multi-task results", t);
            Map<String, Double> b = resultsOf(baselines, "baselines", t);
            double term = taskTerm(t, n, b, skipped);
            if (!Double.isNaN(term)) {
                perTask.put(t.name(), term);
                total += term;
            }
        }
        double overall = perTask.isEmpty() ? Double.NaN : total / perTask.size();
        return new Result(overall, perTask, skipped);
    }

    /**
     * (1/M_t) Σ_m (−1)^b (N − B) / |B| × 100 over the usable metrics of task t; NaN if none is
     * usable. Skipped metrics are appended to {@code skipped}.
     */
    private static double taskTerm(
            Task t, Map<String, Double> n, Map<String, Double> b, List<String> skipped) {
        double sum = 0;
        int used = 0;
        for (String m : t.deltaMetrics()) {
            boolean higher = direction(t, m);
            double nv = valueOf(n, "multi-task results", t, m);
            double bv = valueOf(b, "baselines", t, m);
            String reason = skipReason(nv, bv);
            if (reason != null) {
                skipped.add(t.name() + "/" + m + ": " + reason);
                continue;
            }
            double rel = (nv - bv) / Math.abs(bv) * 100.0;
            sum += higher ? rel : -rel;
            used++;
        }
        return used == 0 ? Double.NaN : sum / used;
    }

    /** Why a metric cannot enter Δm, or null if it can. */
    private static String skipReason(double n, double b) {
        if (!Double.isFinite(b)) {
            return "baseline is " + b;
        }
        if (b == 0) {
            return "baseline is 0";
        }
        if (!Double.isFinite(n)) {
            return "multi-task value is " + n;
        }
        return null;
    }

    private static boolean direction(Task t, String metric) {
        try {
            return Metrics.higherIsBetter(metric);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "task \"" + t.name() + "\": Δm metric \"" + metric + "\": " + e.getMessage(),
                    e);
        }
    }

    private static Map<String, Double> resultsOf(
            Map<String, ? extends Map<String, Double>> all, String what, Task t) {
        Map<String, Double> r = all.get(t.name());
        if (r == null) {
            throw new IllegalArgumentException(
                    what
                            + " have no entry for task \""
                            + t.name()
                            + "\" (tasks present: "
                            + all.keySet()
                            + ")");
        }
        return r;
    }

    private static double valueOf(Map<String, Double> r, String what, Task t, String metric) {
        Double v = r.get(metric);
        if (v == null) {
            throw new IllegalArgumentException(
                    what
                            + " of task \""
                            + t.name()
                            + "\" have no metric \""
                            + metric
                            + "\" (metrics present: "
                            + r.keySet()
                            + ")");
        }
        return v;
    }

    private static void checkDistinctNames(List<Task> tasks) {
        Set<String> seen = new HashSet<>();
        for (Task t : tasks) {
            if (!seen.add(Objects.requireNonNull(t, "task").name())) {
                throw new IllegalArgumentException("task \"" + t.name() + "\" is listed twice");
            }
        }
    }
}
