package org.mtl4j.train;

import java.util.Locale;

/**
 * Optimiser and its hyper-parameters.
 *
 * <ul>
 *   <li>{@code adam}: Kingma and Ba 2015; weight decay added to the gradient (L2).
 *   <li>{@code adamw}: Loshchilov and Hutter 2019; decoupled weight decay.
 *   <li>{@code sgd}: with heavy-ball momentum (0 = plain SGD) and L2 weight decay.
 * </ul>
 */
public record OptimizerSpec(
        Kind kind,
        double learningRate,
        double weightDecay,
        double beta1,
        double beta2,
        double epsilon,
        double momentum) {

    /** Optimiser family. */
    public enum Kind {
        ADAM,
        ADAMW,
        SGD;

        /** Parses adam, adamw, sgd; null when unknown. */
        public static Kind parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "adam" -> ADAM;
                case "adamw" -> ADAMW;
                case "sgd" -> SGD;
                default -> null;
            };
        }
    }

    public OptimizerSpec {
        check(learningRate > 0, "learning rate must be > 0", learningRate);
        check(weightDecay >= 0, "weight decay must be >= 0", weightDecay);
        check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1)", beta1);
        check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1)", beta2);
        check(epsilon > 0, "epsilon must be > 0", epsilon);
        check(momentum >= 0 && momentum < 1, "momentum must be in [0, 1)", momentum);
    }

    private static void check(boolean ok, String what, double value) {
        if (!ok || Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + ", got " + value);
        }
    }

    /** Adam with the given learning rate and the paper's defaults. */
    public static OptimizerSpec adam(double lr) {
        return new OptimizerSpec(Kind.ADAM, lr, 0, 0.9, 0.999, 1e-8, 0);
    }
}
