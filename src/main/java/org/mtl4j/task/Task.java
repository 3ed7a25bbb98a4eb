package org.mtl4j.task;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One prediction task: a name, its type, its loss, the metrics reported for it and those that enter
 * Δm, and the names of its output dimensions (class names, label names or regression targets; used
 * for per-dimension metrics and prediction columns).
 */
public record Task(
        String name,
        TaskType type,
        LossKind loss,
        List<String> metrics,
        List<String> deltaMetrics,
        List<String> dimNames,
        TargetScale targetScale) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");

    /** A task whose targets get the default scaling of its type (regression: standard). */
    public Task(
            String name,
            TaskType type,
            LossKind loss,
            List<String> metrics,
            List<String> deltaMetrics,
            List<String> dimNames) {
        this(name, type, loss, metrics, deltaMetrics, dimNames, null);
    }

    public Task {
        Objects.requireNonNull(name, "task name");
        Objects.requireNonNull(type, "task type");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "task name \""
                            + name
                            + "\" must start with a letter and contain only letters, digits, '_', '.', '-'");
        }
        if (loss == null) {
            loss = type.defaultLoss();
        }
        if (!type.allowedLosses().contains(loss)) {
            throw new IllegalArgumentException(
                    "task \""
                            + name
                            + "\": loss "
                            + loss.configName()
                            + " does not apply to a "
                            + type.typeName()
                            + " task (allowed: "
                            + type.allowedLosses().stream().map(LossKind::configName).toList()
                            + ")");
        }
        metrics =
                metrics == null || metrics.isEmpty() ? type.defaultMetrics() : List.copyOf(metrics);
        deltaMetrics =
                deltaMetrics == null || deltaMetrics.isEmpty()
                        ? type.defaultDeltaMetrics()
                        : List.copyOf(deltaMetrics);
        dimNames = dimNames == null ? defaultDimNames(type) : List.copyOf(dimNames);
        if (targetScale == null) {
            targetScale =
                    type instanceof TaskType.Regression
                            ? TargetScale.standard()
                            : TargetScale.none();
        }
        if (targetScale.standardize() && !(type instanceof TaskType.Regression)) {
            throw new IllegalArgumentException(
                    "task \""
                            + name
                            + "\": scale: standard applies to regression targets only, not to a "
                            + type.typeName()
                            + " task");
        }
        if (targetScale.mean() != null && targetScale.mean().length != type.outputWidth()) {
            throw new IllegalArgumentException(
                    "task \""
                            + name
                            + "\": target scale for "
                            + targetScale.mean().length
                            + " dimensions, the task has "
                            + type.outputWidth());
        }
        if (dimNames.size() != type.outputWidth()) {
            throw new IllegalArgumentException(
                    "task \""
                            + name
                            + "\": "
                            + dimNames.size()
                            + " dimension names for an output of width "
                            + type.outputWidth());
        }
    }

    /** This task with its target scale fitted on training labels (rows × width, row-major). */
    public Task withTargetScaleFitted(float[] values, boolean[] observed) {
        return withTargetScale(targetScale.fit(values, observed, type.outputWidth()));
    }

    /** This task with another target scale. */
    public Task withTargetScale(TargetScale scale) {
        return new Task(name, type, loss, metrics, deltaMetrics, dimNames, scale);
    }

    /** A task with the default loss, metrics and dimension names of its type. */
    public static Task of(String name, TaskType type) {
        return new Task(name, type, null, null, null, null);
    }

    private static List<String> defaultDimNames(TaskType type) {
        int w = type.outputWidth();
        String[] names = new String[w];
        for (int i = 0; i < w; i++) {
            names[i] = w == 1 ? "y" : String.valueOf(i);
        }
        return List.of(names);
    }
}
