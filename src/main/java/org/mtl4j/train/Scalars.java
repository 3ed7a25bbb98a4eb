package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar constants for operations that are recorded for backward.
 *
 * <p>DJL's {@code array.mul(2f)} (and {@code div}, {@code add}, {@code maximum} with a number)
 * wraps the number in a tensor that borrows a Java direct buffer, runs the operation, and closes
 * that tensor at once. Autograd keeps the scalar for the backward pass, and once the garbage
 * collector frees the buffer the backward pass reads freed memory: gradients then depend on GC
 * timing (non-reproducible runs, occasional NaN or infinite gradients). Constants made here are
 * allocated by the engine and live in the caller's per-step manager until the step ends.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-dimensional array holding {@code value}, owned by {@code like}'s manager. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }
}
