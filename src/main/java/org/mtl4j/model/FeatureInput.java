package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a row of tabular features into one vector: the numeric features followed by one learned
 * embedding per categorical column.
 *
 * <p>Inputs: numeric (B, n) float32 and categorical ids (B, Σ slots) int64 (id 0 = unknown value).
 * A multi-valued column (several slots, padded with its last id) becomes the mean of the embeddings
 * of its non-padding ids, or, for a text column, what its {@link TextPooling} makes of them (a
 * maximum, a convolutional, recurrent or Transformer encoder). Output: (B, n + Σ widths), e.g. (B,
 * n + c·embeddingDim) for c mean-pooled categorical columns.
 */
public final class FeatureInput extends AbstractBlock {
    private final int numericWidth;
    private final int embeddingDim;
    private final List<IdEmbedding> embeddings = new ArrayList<>();
    private final List<Integer> slots;
    private final List<Integer> sizes;
    private final List<TextPooling> pooling;

    /** Per column, the convolutions of a cnn pooling (one per window width), else empty. */
    private final List<List<Conv1d>> convolutions = new ArrayList<>();

    /** Per column, its gru or transformer encoder, else null. */
    private final List<AbstractBlock> sequenceEncoders = new ArrayList<>();

    /**
     * @param vocabularySizes per categorical column, the number of ids including the unknown slot
     */
    public FeatureInput(int numericWidth, List<Integer> vocabularySizes, int embeddingDim) {
        this(
                numericWidth,
                vocabularySizes,
                java.util.Collections.nCopies(vocabularySizes.size(), 1),
                embeddingDim);
    }

    /**
     * @param vocabularySizes per categorical column, the number of ids including the unknown slot
     *     (and, for a multi-valued column, the padding id, the last one)
     * @param slots per categorical column, its number of ids per row
     */
    public FeatureInput(
            int numericWidth,
            List<Integer> vocabularySizes,
            List<Integer> slots,
            int embeddingDim) {
        this(numericWidth, vocabularySizes, slots, embeddingDim, null);
    }

    /**
     * @param pooling per categorical column, how its values' embeddings are combined (null: mean)
     */
    public FeatureInput(
            int numericWidth,
            List<Integer> vocabularySizes,
            List<Integer> slots,
            int embeddingDim,
            List<TextPooling> pooling) {
        this.pooling =
                pooling == null
                        ? java.util.Collections.nCopies(vocabularySizes.size(), TextPooling.mean())
                        : List.copyOf(pooling);
        this.numericWidth = numericWidth;
        this.embeddingDim = embeddingDim;
        this.slots = List.copyOf(slots);
        this.sizes = List.copyOf(vocabularySizes);
        for (int i = 0; i < vocabularySizes.size(); i++) {
            IdEmbedding e =
                    new IdEmbedding.Builder()
                            .setDictionarySize(vocabularySizes.get(i))
                            .setEmbeddingSize(embeddingDim)
                            .build();
            embeddings.add(addChildBlock("embedding_" + i, e));
            List<Conv1d> convs = new ArrayList<>();
            TextPooling p = this.pooling.get(i);
            if (p.kind() == TextPooling.Kind.CNN) {
                for (int w : p.widths()) {
                    Conv1d c =
                            Conv1d.of(
                                    ai.djl.nn.convolutional.Conv1d.builder()
                                            .setKernelShape(new Shape(w))
                                            .setFilters(p.filters()));
                    convs.add(addChildBlock("text_cnn_" + i + "_w" + w, c));
                }
            }
            convolutions.add(convs);
            sequenceEncoders.add(
                    switch (p.kind()) {
                        case GRU -> addChildBlock("text_gru_" + i, new GruTextEncoder(p.gru()));
                        case TRANSFORMER ->
                                addChildBlock(
                                        "text_transformer_" + i,
                                        new TransformerTextEncoder(p.transformer(), embeddingDim));
                        default -> null;
                    });
        }
    }

    /** Width of the output vector. */
    public int outputWidth() {
        int w = numericWidth;
        for (TextPooling p : pooling) {
            w += p.outputWidth(embeddingDim);
        }
        return w;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray numeric = inputs.get(0);
        if (embeddings.isEmpty()) {
            return new NDList(numeric);
        }
        NDArray ids = inputs.get(1);
        NDList parts = new NDList(embeddings.size() + 1);
        if (numericWidth > 0) {
            parts.add(numeric);
        }
        int offset = 0;
        for (int i = 0; i < embeddings.size(); i++) {
            int k = slots.get(i);
            TextPooling.Kind kind = pooling.get(i).kind();
            if (k == 1 && (kind == TextPooling.Kind.MEAN || kind == TextPooling.Kind.MAX)) {
                NDArray column = ids.get(":, " + offset);
                parts.add(
                        embeddings
                                .get(i)
                                .forward(ps, new NDList(column), training)
                                .singletonOrThrow());
            } else {
                NDArray columns = ids.get(":, " + offset + ":" + (offset + k)); // (B, k)
                NDArray e =
                        embeddings
                                .get(i)
                                .forward(ps, new NDList(columns), training)
                                .singletonOrThrow(); // (B, k, dim)
                NDArray mask =
                        columns.neq(
                                        org.mtl4j.train.Scalars.of(
                                                columns, sizes.get(i) - 1)) // not padding
                                .toType(e.getDataType(), false);
                parts.add(pool(i, ps, e, mask, training));
            }
            offset += k;
        }
        return new NDList(parts.size() == 1 ? parts.get(0) : Cat.of(parts, 1));
    }

    /** Column i's word embeddings e (B, k, dim) with their padding mask (B, k), pooled. */
    private NDArray pool(int i, ParameterStore ps, NDArray e, NDArray mask, boolean training) {
        NDArray masked = e.mul(mask.expandDims(2)); // padding positions are zeros
        return switch (pooling.get(i).kind()) {
            case MEAN -> MaskedPool.mean(masked, mask);
            case MAX -> MaskedPool.max(masked, mask);
            case CNN -> {
                NDArray x = masked.transpose(0, 2, 1); // (B, dim, k)
                NDList pooled = new NDList();
                for (Conv1d c : convolutions.get(i)) {
                    NDArray y = c.forward(ps, new NDList(x), training).singletonOrThrow();
                    pooled.add(ai.djl.nn.Activation.relu(y).max(new int[] {2}));
                }
                yield Cat.of(pooled, 1);
            }
            case GRU, TRANSFORMER -> {
                // positions that are padding in every row change nothing: leave them out
                long used = usedPositions(mask);
                NDArray x = used < mask.getShape().get(1) ? masked.get(":, :" + used) : masked;
                NDArray m = used < mask.getShape().get(1) ? mask.get(":, :" + used) : mask;
                yield sequenceEncoders
                        .get(i)
                        .forward(ps, new NDList(x, m), training)
                        .singletonOrThrow();
            }
        };
    }

    /** 1 + the last position that is not padding in some row (at least 1). */
    private static long usedPositions(NDArray mask) {
        float[] any = mask.max(new int[] {0}).toFloatArray(); // (k)
        int used = any.length;
        while (used > 1 && any[used - 1] == 0) {
            used--;
        }
        return used;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputWidth())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        Shape column = new Shape(shapes[0].get(0));
        for (IdEmbedding e : embeddings) {
            e.initialize(manager, dataType, column);
        }
        long batch = shapes[0].get(0);
        for (int i = 0; i < convolutions.size(); i++) {
            for (Conv1d c : convolutions.get(i)) {
                c.initialize(manager, dataType, new Shape(batch, embeddingDim, slots.get(i)));
            }
            if (sequenceEncoders.get(i) != null) {
                sequenceEncoders
                        .get(i)
                        .initialize(
                                manager,
                                dataType,
                                new Shape(batch, slots.get(i), embeddingDim),
                                new Shape(batch, slots.get(i)));
            }
        }
    }
}
