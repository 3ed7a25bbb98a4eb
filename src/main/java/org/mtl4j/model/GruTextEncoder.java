package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
 * (the W terms carry the biases). The input terms of all words are computed in one product, then a
 * loop runs over the positions. At a padding position the state is carried unchanged, so a
 * right-padded text's final state is its state after the last real word. Bidirectional: a second
 * GRU with its own weights reads the reversed sequence (with the reversed mask, so it starts at
 * each row's last real word), and the two states at each position are concatenated.
 *
 * <p>Inputs: word embeddings (B, k, dim) and a mask (B, k), 1 at real words and 0 at padding.
 * Output (B, hidden × directions): per {@link TextPooling.Pool pool}, the mean or element-wise
 * maximum of the states at real words, or the last states (forward after the last real word,
 * backward after the first). A row without words gives zeros.
 *
 * <p>Written from {@link Linear} layers and array operations rather than DJL's recurrent blocks so
 * that backward passes over a retained graph (one per task for gradient balancing) work.
 */
public final class GruTextEncoder extends AbstractBlock {
    private final TextPooling.Gru settings;
    private final List<Direction> directions = new ArrayList<>();

    /** One direction's weights: W (3 × hidden, with bias), U_r and U_z, U. */
    private record Direction(Linear input, Linear gates, Linear candidate) {}

    public GruTextEncoder(TextPooling.Gru settings) {
        this.settings = settings;
        int h = settings.hidden();
        for (String name : settings.bidirectional() ? List.of("fw", "bw") : List.of("fw")) {
            directions.add(
                    new Direction(
                            addChildBlock(
                                    name + "_input", Linear.builder().setUnits(3L * h).build()),
                            addChildBlock(
                                    name + "_gates",
                                    Linear.builder().setUnits(2L * h).optBias(false).build()),
                            addChildBlock(
                                    name + "_candidate",
                                    Linear.builder().setUnits(h).optBias(false).build())));
        }
    }

    /** Width of the output vector. */
    public int outputWidth() {
        return settings.hidden() * directions.size();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        NDList last = new NDList();
        NDList states = new NDList();
        for (int d = 0; d < directions.size(); d++) {
            boolean reverse = d == 1;
            List<NDArray> s =
                    run(
                            ps,
                            directions.get(d),
                            reverse ? x.flip(1) : x,
                            reverse ? mask.flip(1) : mask,
                            training);
            last.add(s.get(s.size() - 1));
            if (settings.pool() != TextPooling.Pool.LAST) {
                if (reverse) {
                    Collections.reverse(s); // state of the backward GRU at each original position
                }
                states.add(NDArrays.stack(new NDList(s), 1)); // (B, k, hidden)
            }
        }
        NDArray out =
                switch (settings.pool()) {
                    case LAST -> Cat.of(last, 1);
                    case MEAN -> MaskedPool.mean(Cat.of(states, 2), mask);
                    default -> MaskedPool.max(Cat.of(states, 2), mask);
                };
        return new NDList(out);
    }

    /** The states after each of the k positions, each (B, hidden). */
    private List<NDArray> run(
            ParameterStore ps, Direction dir, NDArray x, NDArray mask, boolean training) {
        int h = settings.hidden();
        int k = (int) x.getShape().get(1);
        NDArray wx = dir.input().forward(ps, new NDList(x), training).singletonOrThrow();
        NDList gateInputs = wx.get(":, :, :" + 2 * h).split(k, 1); // k × (B, 1, 2h)
        NDList candidateInputs = wx.get(":, :, " + 2 * h + ":").split(k, 1); // k × (B, 1, h)
        NDList masks = mask.split(k, 1); // k × (B, 1)
        NDArray state = x.getManager().zeros(new Shape(x.getShape().get(0), h), x.getDataType());
        List<NDArray> out = new ArrayList<>(k);
        for (int t = 0; t < k; t++) {
            NDArray u = dir.gates().forward(ps, new NDList(state), training).singletonOrThrow();
            NDArray rz = Activation.sigmoid(gateInputs.get(t).squeeze(1).add(u));
            NDArray r = rz.get(":, :" + h);
            NDArray z = rz.get(":, " + h + ":");
            NDArray uc =
                    dir.candidate()
                            .forward(ps, new NDList(r.mul(state)), training)
                            .singletonOrThrow();
            NDArray candidate = Activation.tanh(candidateInputs.get(t).squeeze(1).add(uc));
            // z * h + (1 - z) * h~ = h~ + z * (h - h~)
            NDArray next = candidate.add(z.mul(state.sub(candidate)));
            // carried unchanged (exactly: h + 0 * ...) through padding
            state = state.add(masks.get(t).mul(next.sub(state)));
            out.add(state);
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputWidth())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        long batch = shapes[0].get(0);
        int h = settings.hidden();
        for (Direction d : directions) {
            d.input().initialize(manager, dataType, shapes[0]);
            d.gates().initialize(manager, dataType, new Shape(batch, h));
            d.candidate().initialize(manager, dataType, new Shape(batch, h));
        }
    }
}
