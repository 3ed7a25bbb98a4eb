package org.mtl4j.balance;

import java.util.Locale;

/** Which per-task gradients a {@link GradientAggregator} receives. */
public enum GradientMode {
    /** Gradients of each task's loss with respect to all shared parameters (a T×P matrix). */
    PARAMETERS("parameters"),
    /**
     * Gradients with respect to the shared representation (T × B·D): the heads are back-propagated
     * once per task, the encoder once in all (Sener & Koltun 2018, §3.3).
     */
    REPRESENTATION("representation");

    private final String configName;

    GradientMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /**
     * Parses a config name ({@code parameters}/{@code params}, {@code representation}/{@code rep}).
     */
    public static GradientMode parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "parameters":
            case "params":
                return PARAMETERS;
            case "representation":
            case "rep":
                return REPRESENTATION;
            default:
                return null;
        }
    }
}
