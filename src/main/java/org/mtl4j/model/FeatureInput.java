package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
 * <p>Inputs: numeric (B, n) float32 and categorical ids (B, c) int64 (id 0 = unknown value).
 * Output: (B, n + c·embeddingDim).
 */
public final class FeatureInput extends AbstractBlock {
    private final int numericWidth;
    private final int embeddingDim;
    private final List<IdEmbedding> embeddings = new ArrayList<>();

    /**
     * @param vocabularySizes per categorical column, the number of ids including the unknown slot
     */
    public FeatureInput(int numericWidth, List<Integer> vocabularySizes, int embeddingDim) {
        this.numericWidth = numericWidth;
        this.embeddingDim = embeddingDim;
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
        for (int i = 0; i < embeddings.size(); i++) {
            NDArray column = ids.get(":, " + i);
            parts.add(
                    embeddings.get(i).forward(ps, new NDList(column), training).singletonOrThrow());
        }
        return new NDList(parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1));
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
