package org.mtl4j.eval;

import java.util.List;
import java.util.Objects;
import org.mtl4j.task.TaskType;

/**
 * Facts about metric names: which direction is better, and which names {@link TaskMetrics} can
 * compute for each task type.
 *
 * <p>A metric name may carry a per-dimension suffix, {@code name + ":" + dimName} (for example
 * {@code "mse:depth"}), as produced by {@link TaskMetrics} for multi-dimensional regression.
 */
public final class Metrics {

    private static final List<String> BINARY =
            List.of("accuracy", "f1", "macro_f1", "auc", "log_loss");
    private static final List<String> MULTICLASS = List.of("accuracy", "macro_f1", "log_loss");
    private static final List<String> MULTILABEL =
            List.of("accuracy", "subset_accuracy", "macro_f1", "auc", "log_loss");
    private static final List<String> REGRESSION = List.of("mse", "mae", "r2");

    private static final List<String> HIGHER_BETTER =
            List.of("accuracy", "subset_accuracy", "f1", "macro_f1", "auc", "r2");
    private static final List<String> LOWER_BETTER = List.of("log_loss", "mse", "mae", "loss");

    private Metrics() {}

    /**
     * Whether a larger value of {@code metric} means a better model. Any {@code ":dim"} suffix is
     * ignored (everything from the first {@code ':'} on).
     *
     * @throws IllegalArgumentException if the base name is not a known metric
     */
    public static boolean higherIsBetter(String metric) {
        Objects.requireNonNull(metric, "metric");
        String base = baseName(metric);
        if (HIGHER_BETTER.contains(base)) {
            return true;
        }
        if (LOWER_BETTER.contains(base)) {
            return false;
        }
        throw new IllegalArgumentException(
                "unknown metric \""
                        + metric
                        + "\" (known: "
                        + HIGHER_BETTER
                        + " higher is better, "
                        + LOWER_BETTER
                        + " lower is better)");
    }

    /** The metric names {@link TaskMetrics#compute} supports for {@code type}, unmodifiable. */
    public static List<String> knownFor(TaskType type) {
        Objects.requireNonNull(type, "type");
        if (type instanceof TaskType.Binary) {
            return BINARY;
        }
        if (type instanceof TaskType.Multiclass) {
            return MULTICLASS;
        }
        if (type instanceof TaskType.Multilabel) {
            return MULTILABEL;
        }
        if (type instanceof TaskType.Regression) {
            return REGRESSION;
        }
        throw new IllegalStateException("no metrics defined for task type " + type);
    }

    /** {@code metric} without its {@code ":dim"} suffix, if any. */
    static String baseName(String metric) {
        int colon = metric.indexOf(':');
        return colon < 0 ? metric : metric.substring(0, colon);
    }
}
