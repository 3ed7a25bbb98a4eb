package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * DJL's 2-D convolution, computed with whole channel blocks so that its gradients are exact and
 * reproducible on CPU (see {@link ChannelBlocks}). Parameters, shapes, saved files and results are
 * those of DJL's {@code Conv2d}; the class keeps its simple name so parameter names stay the same.
 *
 * <p>Input (N, C, H, W), output (N, filters, H', W').
 */
public final class Conv2d extends ai.djl.nn.convolutional.Conv2d {

    private Conv2d(ai.djl.nn.convolutional.Conv2d.Builder builder) {
        super(builder);
    }

    /** The block described by DJL's builder (kernel, filters, stride, padding, bias). */
    public static Conv2d of(ai.djl.nn.convolutional.Conv2d.Builder builder) {
        return new Conv2d(builder);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return new NDList(ChannelBlocks.convolve(x, w, b, stride, padding, dilation, groups));
    }
}
