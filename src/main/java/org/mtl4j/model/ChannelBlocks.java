package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Convolutions whose output channels are computed in whole SIMD blocks.
 *
 * <p>The CPU engine (libtorch 2.7.1 with oneDNN 3.7) runs float32 convolutions in a blocked layout
 * of 16 channels. When the number of output channels is not a multiple of 16, the backward pass
 * reads the padded lanes of buffers it never initialised: the gradient with respect to the input
 * multiplies zeros by them, and so, in training, did the gradients of a first layer reading the
 * data (with that layer left unpadded, seeded trainings still stopped on NaN gradients). Where that
 * memory last held a NaN or infinite bit pattern, whole regions of the input gradient come out NaN;
 * otherwise the product is zero and the result is exact. Which memory a buffer gets depends on what
 * the process freed before, so the failure is rare, random, more frequent on a busy machine, and
 * not reproducible from a seed.
 *
 * <p>Computing {@code 16·⌈F/16⌉} output channels, with zero weights and biases for the extra ones,
 * and keeping the first F leaves no padded lane: the result is the same convolution, with the same
 * parameters, and its gradients no longer depend on stale memory. Padding a multiple of 16 is free;
 * a layer of 10 channels computes 16.
 */
final class ChannelBlocks {
    /** Channels per block: 16 float32 lanes (AVX-512); also a multiple of the AVX2 block of 8. */
    static final int BLOCK = 16;

    private ChannelBlocks() {}

    /** Output channels actually computed for {@code filters}. */
    static int computed(int filters) {
        return (filters + BLOCK - 1) / BLOCK * BLOCK;
    }

    /**
     * The convolution of {@code input} (N, C, spatial…) with {@code weight} (F, C/groups, kernel…)
     * and optional {@code bias} (F), shape (N, F, spatial'…), computed with whole channel blocks.
     */
    static NDArray convolve(
            NDArray input,
            NDArray weight,
            NDArray bias,
            Shape stride,
            Shape padding,
            Shape dilation,
            int groups) {
        int filters = Math.toIntExact(weight.getShape().get(0));
        int extra = computed(filters) - filters;
        if (extra == 0 || groups != 1) {
            return conv(input, weight, bias, stride, padding, dilation, groups);
        }
        NDManager step = input.getManager();
        NDArray w = padded(step, weight, extra);
        NDArray b = bias == null ? null : padded(step, bias, extra);
        NDArray y = conv(input, w, b, stride, padding, dilation, groups);
        return y.get(":, :" + filters);
    }

    private static NDArray conv(
            NDArray input,
            NDArray weight,
            NDArray bias,
            Shape stride,
            Shape padding,
            Shape dilation,
            int groups) {
        return input.getNDArrayInternal()
                .convolution(input, weight, bias, stride, padding, dilation, groups)
                .singletonOrThrow();
    }

    /**
     * {@code p} with {@code extra} zero rows appended on axis 0, owned by {@code step} (a
     * parameter's results otherwise land in the model's long-lived manager).
     */
    private static NDArray padded(NDManager step, NDArray p, int extra) {
        Shape s = p.getShape();
        NDArray zeros = step.zeros(new Shape(extra).addAll(s.slice(1)), p.getDataType());
        NDArray out = NDArrays.concat(new NDList(p, zeros), 0);
        out.attach(step);
        return out;
    }
}
