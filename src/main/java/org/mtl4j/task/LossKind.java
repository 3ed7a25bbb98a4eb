package org.mtl4j.task;

import java.util.Locale;

/** Per-task training losses. All are averaged over the observed (labelled) rows of a batch. */
public enum LossKind {
    /** Sigmoid + binary cross-entropy on logits, averaged over rows and labels. */
    BCE("bce"),
    /** Log-softmax + negative log-likelihood of the labelled class. */
    SOFTMAX_CE("softmax_ce"),
    /** Squared error, averaged over rows and dimensions. */
    MSE("mse"),
    /** Absolute error, averaged over rows and dimensions. */
    L1("l1");

    private final String configName;

    LossKind(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Parses a config name; returns null when unknown. */
    public static LossKind parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (LossKind k : values()) {
            if (k.configName.equals(n)) {
                return k;
            }
        }
        return null;
    }
}
