package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/** Activation functions available in MLP encoders and heads. */
public enum Activation {
    RELU("relu", ai.djl.nn.Activation::relu),
    GELU("gelu", ai.djl.nn.Activation::gelu),
    TANH("tanh", ai.djl.nn.Activation::tanh),
    SIGMOID("sigmoid", ai.djl.nn.Activation::sigmoid),
    LEAKY_RELU("leaky_relu", x -> ai.djl.nn.Activation.leakyRelu(x, 0.01f)),
    SILU("silu", x -> x.mul(ai.djl.nn.Activation.sigmoid(x)));

    private final String configName;
    private final Function<NDArray, NDArray> fn;

    Activation(String configName, Function<NDArray, NDArray> fn) {
        this.configName = configName;
        this.fn = fn;
    }

    public String configName() {
        return configName;
    }

    Function<NDArray, NDArray> function() {
        return fn;
    }

    /** Parses a config name; null when unknown. */
    public static Activation parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.configName.equals(n)).findFirst().orElse(null);
    }

    /** Names accepted by {@link #parse}. */
    public static String names() {
        return Arrays.stream(values()).map(Activation::configName).toList().toString();
    }
}
