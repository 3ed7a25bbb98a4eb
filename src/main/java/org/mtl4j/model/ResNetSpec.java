package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small residual network for 28×28 grey images, after He et al., "Deep Residual Learning for
 * Image Recognition", CVPR 2016 (the basic two-layer block of their §3 / Fig. 2 and the CIFAR-style
 * stage layout of their §4.2).
 *
 * <p>Layers: a stem (conv 3×3, 1→{@code channels[0]}, batch norm, ReLU); then one stage per entry
 * of {@code channels}, each with {@code blocks} basic blocks (conv 3×3 – BN – ReLU – conv 3×3 – BN,
 * added to the shortcut, ReLU). Every stage after the first halves the resolution with stride 2 in
 * its first block, whose shortcut is then a 1×1 strided convolution with batch norm (projection
 * shortcut, option B of the paper); other shortcuts are the identity. Global average pooling gives
 * a {@code channels[last]}-wide vector; with {@code hidden > 0} a fully connected layer and ReLU
 * map it to {@code hidden}.
 *
 * <p>Input (B, 784): 28×28 images, row-major, values in [0, 1]. Output (B, {@link
 * #outputWidth(int)}). Convolutions have no bias (the batch norm that follows has one). Batch
 * statistics are used in training, so batches need at least two rows.
 */
public record ResNetSpec(List<Integer> channels, int blocks, int hidden) implements EncoderSpec {

    public ResNetSpec {
        channels = List.copyOf(channels);
        if (channels.isEmpty() || channels.size() > 4) {
            throw new IllegalArgumentException(
                    "resnet channels: give 1 to 4 stage widths (28x28 input allows at most 3"
                            + " halvings), e.g. [16, 32, 64]; got "
                            + channels);
        }
        for (int c : channels) {
            if (c < 1 || c > 4096) {
                throw new IllegalArgumentException(
                        "resnet channels must be in [1, 4096], got " + channels);
            }
        }
        if (blocks < 1 || blocks > 64) {
            throw new IllegalArgumentException(
                    "resnet blocks (residual blocks per stage) must be in [1, 64], got " + blocks);
        }
        if (hidden < 0) {
            throw new IllegalArgumentException(
                    "resnet hidden must be 0 (no fully connected layer) or positive, got "
                            + hidden);
        }
    }

    /** Three stages of widths 16, 32, 64, one block each, no extra fully connected layer. */
    public static ResNetSpec standard() {
        return new ResNetSpec(List.of(16, 32, 64), 1, 0);
    }

    @Override
    public String typeName() {
        return "resnet";
    }

    @Override
    public Block buildEncoder() {
        SequentialBlock seq = new SequentialBlock();
        seq.add(
                new LambdaBlock(
                        l ->
                                new NDList(
                                        l.singletonOrThrow()
                                                .reshape(-1, 1, LeNetSpec.SIDE, LeNetSpec.SIDE)),
                        "to_image"));
        seq.add(conv(channels.get(0), 3, 1));
        seq.add(BatchNorm.builder().build());
        seq.add(relu());
        int in = channels.get(0);
        for (int s = 0; s < channels.size(); s++) {
            int out = channels.get(s);
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                seq.add(basicBlock(in, out, stride));
                in = out;
            }
        }
        seq.add(Pool.globalAvgPool2dBlock());
        seq.add(Blocks.batchFlattenBlock());
        if (hidden > 0) {
            seq.add(Linear.builder().setUnits(hidden).build());
            seq.add(relu());
        }
        return seq;
    }

    private static Block basicBlock(int in, int out, int stride) {
        SequentialBlock main = new SequentialBlock();
        main.add(conv(out, 3, stride));
        main.add(BatchNorm.builder().build());
        main.add(relu());
        main.add(conv(out, 3, 1));
        main.add(BatchNorm.builder().build());
        Block shortcut;
        if (stride != 1 || in != out) {
            SequentialBlock proj = new SequentialBlock();
            proj.add(conv(out, 1, stride));
            proj.add(BatchNorm.builder().build());
            shortcut = proj;
        } else {
            shortcut = Blocks.identityBlock();
        }
        SequentialBlock block = new SequentialBlock();
        block.add(
                new ParallelBlock(
                        outputs -> {
                            NDArray sum =
                                    outputs.get(0)
                                            .singletonOrThrow()
                                            .add(outputs.get(1).singletonOrThrow());
                            return new NDList(sum);
                        },
                        List.of(main, shortcut)));
        block.add(relu());
        return block;
    }

    private static Block conv(int filters, int kernel, int stride) {
        return Conv2d.of(
                ai.djl.nn.convolutional.Conv2d.builder()
                        .setKernelShape(new Shape(kernel, kernel))
                        .optPadding(new Shape(kernel / 2, kernel / 2))
                        .optStride(new Shape(stride, stride))
                        .optBias(false)
                        .setFilters(filters));
    }

    /** A ReLU block (shared with the other convolutional encoders). */
    static Block relu() {
        return new LambdaBlock(
                l -> new NDList(ai.djl.nn.Activation.relu(l.singletonOrThrow())), "relu");
    }

    @Override
    public int outputWidth(int in) {
        return hidden > 0 ? hidden : channels.get(channels.size() - 1);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", typeName());
        m.put("channels", new ArrayList<>(channels));
        m.put("blocks", blocks);
        m.put("hidden", hidden);
        return m;
    }

    @Override
    public boolean usesBatchNorm() {
        return true;
    }

    /** After the stem, after every residual block, and at the end (pooling or fc). */
    @Override
    public List<Integer> layerEnds() {
        List<Integer> ends = new ArrayList<>();
        ends.add(3); // to_image, conv, batch norm, relu
        int index = 3;
        for (int i = 0; i < channels.size() * blocks; i++) {
            ends.add(++index);
        }
        index += 2; // global pooling, flatten
        if (hidden > 0) {
            index += 2; // linear, relu
        }
        ends.add(index);
        return ends;
    }

    @Override
    public int requiredInputWidth() {
        return LeNetSpec.SIDE * LeNetSpec.SIDE;
    }
}
