package org.mtl4j.balance.solver;

import java.util.Arrays;
import java.util.Objects;

/** Argument checks shared by the Gram-matrix solvers; every message names the offending value. */
final class SolverArguments {

    private SolverArguments() {}

    /**
     * @throws IllegalArgumentException if {@code maxIterations} is negative
     */
    static void requireMaxIterations(int maxIterations) {
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations = " + maxIterations + " is negative");
        }
    }

    /**
     * @throws IllegalArgumentException unless {@code value} is finite and at least 0
     */
    static void requireNonNegativeFinite(String name, double value) {
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " = " + value + " must be finite and >= 0");
        }
    }

    /**
     * Checks that {@code vector} has {@code length} finite entries, all non-negative if {@code
     * nonNegative}.
     *
     * @throws NullPointerException if {@code vector} is null
     * @throws IllegalArgumentException naming the entry otherwise
     */
    static void requireVector(String name, double[] vector, int length, boolean nonNegative) {
        Objects.requireNonNull(vector, name);
        if (vector.length != length) {
            throw new IllegalArgumentException(
                    name + " has " + vector.length + " entries, expected " + length);
        }
        for (int t = 0; t < length; t++) {
            double x = vector[t];
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException(name + "[" + t + "] = " + x + " is not finite");
            }
            if (nonNegative && x < 0.0) {
                throw new IllegalArgumentException(name + "[" + t + "] = " + x + " is negative");
            }
        }
    }

    /** The vector with every entry 1/n. */
    static double[] uniform(int n) {
        double[] out = new double[n];
        Arrays.fill(out, 1.0 / n);
        return out;
    }
}
