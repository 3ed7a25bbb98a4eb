package org.mtl4j.task;

import java.util.List;

/**
 * What kind of prediction a task makes. Each variant knows the width of its head output, the width
 * of its label row, its default loss and its default metrics.
 *
 * <p>Label encoding (per row): {@link Binary}: one value, 0 or 1; {@link Multiclass}: one value,
 * the class index 0..k-1; {@link Multilabel}: k values, each 0 or 1; {@link Regression}: {@code
 * dims} real values. Head outputs are raw: logits for the classification variants, values for
 * regression.
 */
public sealed interface TaskType
        permits TaskType.Binary, TaskType.Multiclass, TaskType.Multilabel, TaskType.Regression {

    /** Number of outputs of this task's head. */
    int outputWidth();

    /** Number of label values stored per row. */
    int labelWidth();

    /** The loss used when the config names none. */
    LossKind defaultLoss();

    /** Metrics reported for this task, in display order. */
    List<String> defaultMetrics();

    /** Metrics that enter Δm by default (a subset of {@link #defaultMetrics()}). */
    List<String> defaultDeltaMetrics();

    /** Short name as written in configs: binary, multiclass, multilabel, regression. */
    String typeName();

    /** Losses allowed for this type. */
    List<LossKind> allowedLosses();

    /** Two classes, one logit; label 0 or 1. */
    record Binary() implements TaskType {
        public int outputWidth() {
            return 1;
        }

        public int labelWidth() {
            return 1;
        }

        public LossKind defaultLoss() {
            return LossKind.BCE;
        }

        public List<String> defaultMetrics() {
            return List.of("accuracy", "f1", "auc", "log_loss");
        }

        public List<String> defaultDeltaMetrics() {
            return List.of("accuracy", "auc");
        }

        public String typeName() {
            return "binary";
        }

        public List<LossKind> allowedLosses() {
            return List.of(LossKind.BCE);
        }
    }

    /** One of {@code classes} mutually exclusive classes; label is the class index. */
    record Multiclass(int classes) implements TaskType {
        public Multiclass {
            if (classes < 2) {
                throw new IllegalArgumentException(
                        "multiclass task needs at least 2 classes, got " + classes);
            }
        }

        public int outputWidth() {
            return classes;
        }

        public int labelWidth() {
            return 1;
        }

        public LossKind defaultLoss() {
            return LossKind.SOFTMAX_CE;
        }

        public List<String> defaultMetrics() {
            return List.of("accuracy", "macro_f1", "log_loss");
        }

        public List<String> defaultDeltaMetrics() {
            return List.of("accuracy", "macro_f1");
        }

        public String typeName() {
            return "multiclass";
        }

        public List<LossKind> allowedLosses() {
            return List.of(LossKind.SOFTMAX_CE);
        }
    }

    /** {@code labels} independent yes/no labels per row. */
    record Multilabel(int labels) implements TaskType {
        public Multilabel {
            if (labels < 1) {
                throw new IllegalArgumentException(
                        "multilabel task needs at least 1 label, got " + labels);
            }
        }

        public int outputWidth() {
            return labels;
        }

        public int labelWidth() {
            return labels;
        }

        public LossKind defaultLoss() {
            return LossKind.BCE;
        }

        public List<String> defaultMetrics() {
            return List.of("accuracy", "macro_f1", "auc", "log_loss");
        }

        public List<String> defaultDeltaMetrics() {
            return List.of("macro_f1", "auc");
        }

        public String typeName() {
            return "multilabel";
        }

        public List<LossKind> allowedLosses() {
            return List.of(LossKind.BCE);
        }
    }

    /** {@code dims} real-valued targets. */
    record Regression(int dims) implements TaskType {
        public Regression {
            if (dims < 1) {
                throw new IllegalArgumentException(
                        "regression task needs at least 1 dim, got " + dims);
            }
        }

        public int outputWidth() {
            return dims;
        }

        public int labelWidth() {
            return dims;
        }

        public LossKind defaultLoss() {
            return LossKind.MSE;
        }

        public List<String> defaultMetrics() {
            return List.of("mse", "mae", "r2");
        }

        public List<String> defaultDeltaMetrics() {
            return List.of("mse", "mae");
        }

        public String typeName() {
            return "regression";
        }

        public List<LossKind> allowedLosses() {
            return List.of(LossKind.MSE, LossKind.L1);
        }
    }
}
