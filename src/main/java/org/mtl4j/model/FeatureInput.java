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
 * of its non-padding ids. Output: (B, n + c·embeddingDim) for c categorical columns.
 */
public final class FeatureInput extends AbstractBlock {
    private final int numericWidth;
    private final int embeddingDim;
    private final List<IdEmbedding> embeddings = new ArrayList<>();
    private final List<Integer> slots;
    private final List<Integer> sizes;

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
        }
    }

    /** Width of the output vector. */
    public int outputWidth() {
        return numericWidth + embeddings.size() * embeddingDim;
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
            if (k == 1) {
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
                NDArray count =
                        mask.sum(new int[] {1}, true)
                                .maximum(org.mtl4j.train.Scalars.of(e, 1)); // (B, 1)
                parts.add(e.mul(mask.expandDims(2)).sum(new int[] {1}).div(count));
            }
            offset += k;
        }
        return new NDList(parts.size() == 1 ? parts.get(0) : Cat.of(parts, 1));
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
    }
}
