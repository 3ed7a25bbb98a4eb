package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Concatenation that keeps autograd history. DJL's {@link NDArrays#concat(NDList, int)} returns a
 * detached copy ({@code duplicate()}) when given a single array, which would silently cut the
 * gradient to everything before it (e.g. a PLE layer with one expert, or cross-stitch with one
 * task).
 */
final class Cat {
    private Cat() {}

    static NDArray of(NDList parts, int axis) {
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, axis);
    }
}
