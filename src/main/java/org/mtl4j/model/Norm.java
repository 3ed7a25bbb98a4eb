package org.mtl4j.model;

import java.util.Arrays;
import java.util.Locale;

/** Normalisation inserted after each hidden linear layer of an MLP. */
public enum Norm {
    NONE("none"),
    BATCH("batch"),
    LAYER("layer");

    private final String configName;

    Norm(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Parses a config name; null when unknown. */
    public static Norm parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.configName.equals(n)).findFirst().orElse(null);
    }
}
