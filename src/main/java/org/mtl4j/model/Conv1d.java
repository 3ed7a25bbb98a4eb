package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.LayoutType;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * DJL's 1-D convolution, computed with whole channel blocks so that its gradients are exact and
 * reproducible on CPU (see {@link ChannelBlocks}). Parameters, shapes and saved files are those of
 * DJL's {@code Conv1d}; the class keeps its simple name so parameter names stay the same.
 *
 * <p>Input (N, C, W), output (N, filters, W').
 */
public final class Conv1d extends Convolution {
    private static final LayoutType[] LAYOUT = {
        LayoutType.BATCH, LayoutType.CHANNEL, LayoutType.WIDTH
    };

    private Conv1d(ai.djl.nn.convolutional.Conv1d.Builder builder) {
        super(builder);
    }

    /** The block described by DJL's builder (kernel, filters, stride, padding, bias). */
    public static Conv1d of(ai.djl.nn.convolutional.Conv1d.Builder builder) {
        return new Conv1d(builder);
    }

    @Override
    protected LayoutType[] getExpectedLayout() {
        return LAYOUT.clone();
    }

    @Override
    protected String getStringLayout() {
        return "NCW";
    }

    @Override
    protected int numDimensions() {
        return 3;
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
