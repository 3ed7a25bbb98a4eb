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
        List<String> dimNames) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");

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
