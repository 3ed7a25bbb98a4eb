package org.mtl4j.model;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import java.util.List;
import java.util.Objects;

/**
 * A multi-layer perceptron: for each width in {@code hidden}, Linear → (norm) → activation →
 * (dropout). Used for shared encoders and for task heads (a head appends a final Linear to its
 * output width).
 *
 * <p>Input (B, in); output (B, hidden.last), or (B, in) unchanged when {@code hidden} is empty.
 */
public record MlpSpec(List<Integer> hidden, Activation activation, double dropout, Norm norm)
        implements EncoderSpec {

    public MlpSpec {
        hidden = List.copyOf(Objects.requireNonNull(hidden, "hidden"));
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("layer width must be at least 1, got " + h);
            }
        }
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(norm, "norm");
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** ReLU layers of the given widths, no dropout, no normalisation. */
    public static MlpSpec of(Integer... widths) {
        return new MlpSpec(List.of(widths), Activation.RELU, 0, Norm.NONE);
    }

    /** Width of the output for an input of width {@code in}. */
    public int outputWidth(int in) {
        return hidden.isEmpty() ? in : hidden.get(hidden.size() - 1);
    }

    @Override
    public String typeName() {
        return "mlp";
    }

    @Override
    public Block buildEncoder() {
        return build(0);
    }

    @Override
    public java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", typeName());
        m.put("hidden", hidden);
        m.put("activation", activation.configName());
        m.put("dropout", dropout);
        m.put("norm", norm.configName());
        return m;
    }

    @Override
    public boolean usesBatchNorm() {
        return norm == Norm.BATCH;
    }

    @Override
    public java.util.List<Integer> layerEnds() {
        java.util.List<Integer> ends = new java.util.ArrayList<>();
        int index = -1;
        for (int i = 0; i < hidden.size(); i++) {
            index += 2 + (norm == Norm.NONE ? 0 : 1) + (dropout > 0 ? 1 : 0);
            ends.add(index);
        }
        return ends;
    }

    /** Builds the layers; {@code finalLinear > 0} appends a plain Linear of that width. */
    public Block build(int finalLinear) {
        SequentialBlock seq = new SequentialBlock();
        for (int h : hidden) {
            seq.add(Linear.builder().setUnits(h).build());
            if (norm == Norm.BATCH) {
                seq.add(BatchNorm.builder().build());
            } else if (norm == Norm.LAYER) {
                seq.add(LayerNorm.builder().build());
            }
            seq.add(
                    new LambdaBlock(
                            l ->
                                    new ai.djl.ndarray.NDList(
                                            activation.function().apply(l.singletonOrThrow())),
                            "activation"));
            if (dropout > 0) {
                seq.add(Dropout.builder().optRate((float) dropout).build());
            }
        }
        if (finalLinear > 0) {
            seq.add(Linear.builder().setUnits(finalLinear).build());
        }
        return seq;
    }
}
