package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The one place that calls PyTorch engine internals. DJL's public {@code GradientCollector} always
 * frees the graph after a backward pass and zeroes gradients by scanning every live array; per-task
 * gradients need a retained graph and cheap per-parameter zeroing, which only the engine's JNI
 * layer offers.
 */
public final class Autograd {
    private Autograd() {}

    /** Turns recording of operations for backward on or off for the calling thread. */
    public static void setRecording(boolean on) {
        JniUtils.setGradMode(on);
    }

    /** Whether operations are being recorded. */
    public static boolean isRecording() {
        return JniUtils.isGradMode();
    }

    /**
     * Back-propagates {@code seed} (same shape as {@code target}; ones for a scalar loss) from
     * {@code target}, accumulating into every leaf's {@code .grad}.
     *
     * @param keepGraph retain the graph so that another backward through it is possible
     */
    public static void backward(NDArray target, NDArray seed, boolean keepGraph) {
        JniUtils.backward((PtNDArray) target, (PtNDArray) seed, keepGraph, false);
    }

    /** Back-propagates a scalar loss. */
    public static void backward(NDArray scalarLoss, boolean keepGraph) {
        try (NDArray one = scalarLoss.onesLike()) {
            backward(scalarLoss, one, keepGraph);
        }
    }

    /** Sets {@code weight}'s accumulated gradient to zero, in place. */
    public static void zeroGrad(NDArray weight) {
        JniUtils.zeroGrad((PtNDArray) weight);
    }
}
