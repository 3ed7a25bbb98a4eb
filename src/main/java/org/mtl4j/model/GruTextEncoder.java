package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.train.Scalars;

/**
 * A text encoder of gated recurrent units, Cho et al., "Learning Phrase Representations using RNN
 * Encoder-Decoder for Statistical Machine Translation", EMNLP 2014, section 2.3. For each word
 * embedding x<sub>t</sub>, with state h<sub>t-1</sub> (zeros before the first word):
 *
 * <pre>
 * r  = sigmoid(W_r x_t + U_r h_{t-1})          reset gate
 * z  = sigmoid(W_z x_t + U_z h_{t-1})          update gate
 * h~ = tanh(W x_t + U (r * h_{t-1}))           candidate state
 * h_t = z * h_{t-1} + (1 - z) * h~
 * </pre>
 *
 * (the W terms carry the biases). At a padding position the state is carried unchanged, so a
 * right-padded text's final state is its state after the last real word. Bidirectional: a second
 * GRU with its own weights reads the reversed sequence (with the reversed mask, so it starts at
 * each row's last real word), and the two states at each position are concatenated.
 *
 * <p>Inputs: word embeddings (B, k, dim) and a mask (B, k), 1 at real words and 0 at padding.
 * Output (B, hidden × directions): per {@link TextPooling.Pool pool}, the mean or element-wise
 * maximum of the states at real words, or the last states (forward after the last real word,
 * backward after the first). A row without words gives zeros.
 *
 * <p>Written from a {@link Linear} layer and array operations rather than DJL's recurrent blocks,
 * so that backward passes over a retained graph (one per task for gradient balancing) work. The
 * input terms of all words and both directions are one product; a loop then runs over the k
 * positions with both directions stacked on a leading axis (U as (directions, hidden, ·) arrays, a
 * batched product per step). Parameters: {@code input} (W of each direction, rows [W_r; W_z; W] per
 * direction, Xavier-initialised), {@code gates} (U_r and U_z, (directions, hidden, 2 hidden)) and
 * {@code candidate} (U, (directions, hidden, hidden)), both uniform in ±1/sqrt(hidden).
 */
public final class GruTextEncoder extends AbstractBlock {
    private final TextPooling.Gru settings;
    private final int directions;
    private final Linear input;
    private final Parameter gates;
    private final Parameter candidate;

    public GruTextEncoder(TextPooling.Gru settings) {
        this.settings = settings;
        int h = settings.hidden();
        directions = settings.bidirectional() ? 2 : 1;
        input = addChildBlock("input", Linear.builder().setUnits(3L * h * directions).build());
        UniformInitializer recurrent = new UniformInitializer((float) (1 / Math.sqrt(h)));
        gates =
                addParameter(
                        Parameter.builder()
                                .setName("gates")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(directions, h, 2L * h))
                                .optInitializer(recurrent)
                                .build());
        candidate =
                addParameter(
                        Parameter.builder()
                                .setName("candidate")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(directions, h, h))
                                .optInitializer(recurrent)
                                .build());
    }

    /** Width of the output vector. */
    public int outputWidth() {
        return settings.hidden() * directions;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        long b = x.getShape().get(0);
        long k = x.getShape().get(1);
        int h = settings.hidden();
        // (B, k, D·3h) → (D, B, k, 3h), the backward direction in reversed word order
        NDArray wx =
                input.forward(ps, new NDList(x), training)
                        .singletonOrThrow()
                        .reshape(b, k, directions, 3L * h)
                        .transpose(2, 0, 1, 3);
        NDArray masks = mask.expandDims(0);
        if (directions == 2) {
            NDList fb = wx.split(2, 0);
            wx = NDArrays.concat(new NDList(fb.get(0), fb.get(1).flip(2)), 0);
            masks = NDArrays.concat(new NDList(masks, masks.flip(2)), 0);
        }
        List<NDArray> states = run(ps, wx, masks.expandDims(3), training);
        NDArray out =
                switch (settings.pool()) {
                    case LAST -> // (D, B, h) → (B, D·h)
                            states.get(states.size() - 1).transpose(1, 0, 2).reshape(b, -1);
                    case MEAN -> MaskedPool.mean(byPosition(states), mask);
                    default -> MaskedPool.max(byPosition(states), mask);
                };
        return new NDList(out);
    }

    /**
     * The states after each of the k positions, each (D, B, h), from the input terms wx (D, B, k,
     * 3h) and the mask (D, B, k, 1) in each direction's reading order.
     */
    private List<NDArray> run(ParameterStore ps, NDArray wx, NDArray masks, boolean training) {
        int h = settings.hidden();
        int k = (int) wx.getShape().get(2);
        NDArray u = ps.getValue(gates, wx.getDevice(), training);
        NDArray uc = ps.getValue(candidate, wx.getDevice(), training);
        NDList gateInputs = wx.get(":, :, :, :" + 2 * h).split(k, 2); // k × (D, B, 1, 2h)
        NDList candidateInputs = wx.get(":, :, :, " + 2 * h + ":").split(k, 2); // k × (D, B, 1, h)
        NDList m = masks.split(k, 2); // k × (D, B, 1, 1)
        NDArray one = Scalars.of(wx, 1);
        Shape s = wx.getShape();
        NDArray state = wx.getManager().zeros(new Shape(s.get(0), s.get(1), h), wx.getDataType());
        List<NDArray> out = new ArrayList<>(k);
        for (int t = 0; t < k; t++) {
            NDArray rz = Activation.sigmoid(gateInputs.get(t).squeeze(2).add(state.batchMatMul(u)));
            NDArray r = rz.get(":, :, :" + h);
            NDArray z = rz.get(":, :, " + h + ":");
            NDArray c =
                    Activation.tanh(
                            candidateInputs.get(t).squeeze(2).add(r.mul(state).batchMatMul(uc)));
            // h_t = h + (1 - z) * (h~ - h); at padding (mask 0) exactly h
            state = state.add(c.sub(state).mul(one.sub(z)).mul(m.get(t).squeeze(2)));
            out.add(state);
        }
        return out;
    }

    /** The states at each original position, (B, k, D·h). */
    private NDArray byPosition(List<NDArray> states) {
        NDArray all = NDArrays.stack(new NDList(states), 2); // (D, B, k, h)
        NDList d = all.split(directions, 0);
        NDList parts = new NDList(d.get(0).squeeze(0));
        if (directions == 2) {
            parts.add(d.get(1).squeeze(0).flip(1));
        }
        return Cat.of(parts, 2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputWidth())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        input.initialize(manager, dataType, shapes[0]);
    }
}
