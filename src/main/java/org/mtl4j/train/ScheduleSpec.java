package org.mtl4j.train;

import java.util.Locale;

/**
 * Learning-rate schedule, as a factor of the base rate at each optimiser step: linear warm-up over
 * {@code warmupSteps} steps, then {@code constant}, {@code step} (multiply by {@code gamma} every
 * {@code stepEvery} steps) or {@code cosine} (from 1 down to {@code minFactor} at the last step;
 * Loshchilov and Hutter 2017, without restarts).
 */
public record ScheduleSpec(
        Kind kind, int warmupSteps, int stepEvery, double gamma, double minFactor) {

    /** Schedule family. */
    public enum Kind {
        CONSTANT,
        STEP,
        COSINE;

        /** Parses constant, step, cosine; null when unknown. */
        public static Kind parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "constant" -> CONSTANT;
                case "step" -> STEP;
                case "cosine" -> COSINE;
                default -> null;
            };
        }
    }

    public ScheduleSpec {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmup steps must be >= 0, got " + warmupSteps);
        }
        if (kind == Kind.STEP && stepEvery < 1) {
            throw new IllegalArgumentException(
                    "step schedule needs step_every >= 1, got " + stepEvery);
        }
        if (kind == Kind.STEP && !(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
        }
        if (!(minFactor >= 0 && minFactor <= 1)) {
            throw new IllegalArgumentException("min factor must be in [0, 1], got " + minFactor);
        }
    }

    public static ScheduleSpec constant() {
        return new ScheduleSpec(Kind.CONSTANT, 0, 1000, 0.1, 0);
    }

    /** The factor for step {@code step} (0-based) of {@code totalSteps}. */
    public double factor(long step, long totalSteps) {
        if (step < warmupSteps) {
            return (step + 1) / (double) warmupSteps;
        }
        long s = step - warmupSteps;
        long span = Math.max(1, totalSteps - warmupSteps - 1);
        return switch (kind) {
            case CONSTANT -> 1;
            case STEP -> Math.pow(gamma, s / stepEvery);
            case COSINE ->
                    minFactor
                            + (1 - minFactor)
                                    * 0.5
                                    * (1 + Math.cos(Math.PI * Math.min(1.0, s / (double) span)));
        };
    }
}
