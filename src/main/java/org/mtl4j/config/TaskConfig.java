package org.mtl4j.config;

import java.nio.file.Path;
import java.util.List;
import org.mtl4j.task.Task;

/**
 * A task and where its labels are.
 *
 * @param labelColumns CSV columns holding the label (one, or k for multilabel, dims for
 *     regression); empty for synthetic data
 * @param classNames optional names of classes in label cells (multiclass, binary)
 * @param train the task's own training file (multi-input problems), or null
 * @param validation the task's own validation file, or null
 * @param test the task's own test file, or null
 */
public record TaskConfig(
        Task task,
        List<String> labelColumns,
        List<String> classNames,
        Path train,
        Path validation,
        Path test) {
    public TaskConfig {
        labelColumns = List.copyOf(labelColumns);
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
    }

    /** The same task configuration holding {@code t} (e.g. with its target scale fitted). */
    public TaskConfig withTask(Task t) {
        return new TaskConfig(t, labelColumns, classNames, train, validation, test);
    }

    /** A task with no file information (synthetic or in-memory data). */
    public static TaskConfig of(Task task) {
        return new TaskConfig(task, List.of(), List.of(), null, null, null);
    }
}
