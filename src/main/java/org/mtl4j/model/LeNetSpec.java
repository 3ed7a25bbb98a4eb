package org.mtl4j.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * The LeNet-style encoder used by the MultiMNIST / Multi-Fashion benchmarks (Sener and Koltun,
 * NeurIPS 2018; LeCun et al. 1998): conv 1→{@code channels1} 5×5, max-pool 2, ReLU, conv {@code
 * channels1}→{@code channels2} 5×5, max-pool 2, ReLU, flatten ({@code channels2}·4·4), fully
 * connected → {@code hidden}, ReLU.
 *
 * <p>Input (B, 784): 28×28 grey images, row-major, values in [0, 1]. Output (B, hidden).
 */
public record LeNetSpec(int channels1, int channels2, int hidden) implements EncoderSpec {

    /** Pixels per image. */
    public static final int SIDE = 28;

    public LeNetSpec {
        if (channels1 < 1 || channels2 < 1 || hidden < 1) {
            throw new IllegalArgumentException(
                    "lenet channels and hidden width must be at least 1, got ["
                            + channels1
                            + ", "
                            + channels2
                            + "] and "
                            + hidden);
        }
    }

    /** The benchmark setting: channels 10 and 20, fully connected 320 → 50. */
    public static LeNetSpec standard() {
        return new LeNetSpec(10, 20, 50);
    }

    @Override
    public String typeName() {
        return "lenet";
    }

    @Override
    public Block buildEncoder() {
        SequentialBlock seq = new SequentialBlock();
        seq.add(
                new LambdaBlock(
                        l -> new NDList(l.singletonOrThrow().reshape(-1, 1, SIDE, SIDE)),
                        "to_image"));
        seq.add(
                Conv2d.of(
                        ai.djl.nn.convolutional.Conv2d.builder()
                                .setKernelShape(new Shape(5, 5))
                                .setFilters(channels1)));
        seq.add(Pool.maxPool2dBlock(new Shape(2, 2)));
        seq.add(
                new LambdaBlock(
                        l -> new NDList(ai.djl.nn.Activation.relu(l.singletonOrThrow())), "relu"));
        seq.add(
                Conv2d.of(
                        ai.djl.nn.convolutional.Conv2d.builder()
                                .setKernelShape(new Shape(5, 5))
                                .setFilters(channels2)));
        seq.add(Pool.maxPool2dBlock(new Shape(2, 2)));
        seq.add(
                new LambdaBlock(
                        l -> new NDList(ai.djl.nn.Activation.relu(l.singletonOrThrow())), "relu"));
        seq.add(Blocks.batchFlattenBlock());
        seq.add(Linear.builder().setUnits(hidden).build());
        seq.add(
                new LambdaBlock(
                        l -> new NDList(ai.djl.nn.Activation.relu(l.singletonOrThrow())), "relu"));
        return seq;
    }

    @Override
    public int outputWidth(int in) {
        return hidden;
    }

    @Override
    public java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", typeName());
        m.put("channels", java.util.List.of(channels1, channels2));
        m.put("hidden", hidden);
        return m;
    }

    @Override
    public boolean usesBatchNorm() {
        return false;
    }

    /** After each ReLU: conv block 1, conv block 2, the fully connected layer. */
    @Override
    public java.util.List<Integer> layerEnds() {
        return java.util.List.of(3, 6, 9);
    }

    @Override
    public int requiredInputWidth() {
        return SIDE * SIDE;
    }
}
