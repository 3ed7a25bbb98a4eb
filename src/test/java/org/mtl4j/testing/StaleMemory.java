package org.mtl4j.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Leaves NaN bit patterns in memory the engine has just freed, so that the next allocations of
 * similar sizes start from NaN instead of from whatever the process happened to free before. A
 * computation that reads memory it never wrote then fails at once and every time, instead of rarely
 * and at random.
 */
public final class StaleMemory {
    private StaleMemory() {}

    /** Allocates NaN-filled blocks of 64 to 262,144 floats and frees them again. */
    public static void poison(NDManager manager) {
        for (long n = 64; n <= 1 << 18; n *= 2) {
            try (NDArray junk = manager.full(new Shape(n), Float.NaN)) {
                junk.getShape(); // allocated and filled by the engine; freed on close
            }
        }
    }
}
