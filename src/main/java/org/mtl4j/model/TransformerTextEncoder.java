package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.train.Scalars;

/**
 * A small Transformer encoder over word embeddings, after Vaswani et al., "Attention Is All You
 * Need", NeurIPS 2017. The embeddings are scaled by sqrt(dim) and the sinusoidal positional
 * encoding of section 3.5 is added (PE(pos, 2i) = sin(pos / 10000<sup>2i/dim</sup>), PE(pos, 2i+1)
 * = cos(…)), followed by dropout; then {@code layers} pre-norm {@link TransformerLayer encoder
 * layers} (self-attention that ignores padding, position-wise feed-forward) and a final layer
 * normalisation. The model width is the embedding width {@code dim}, which {@code heads} must
 * divide.
 *
 * <p>Inputs: word embeddings (B, k, dim) and a mask (B, k), 1 at real words and 0 at padding.
 * Output (B, dim): per {@link TextPooling.Pool pool}, the mean of the outputs at real words, or the
 * output at the first word. A row without words gives zeros. The sinusoidal encoding has no
 * parameters, so the encoder reads texts of any length.
 */
public final class TransformerTextEncoder extends AbstractBlock {
    private final TextPooling.Transformer settings;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final LayerNorm norm;

    public TransformerTextEncoder(TextPooling.Transformer settings, int dim) {
        this.settings = settings;
        if (dim % settings.heads() != 0) {
            throw new IllegalArgumentException(
                    settings.heads()
                            + " heads do not divide the width "
                            + dim
                            + " of the word embeddings");
        }
        for (int i = 0; i < settings.layers(); i++) {
            layers.add(
                    addChildBlock(
                            "layer_" + i,
                            new TransformerLayer(
                                    dim,
                                    settings.heads(),
                                    settings.ff(),
                                    (float) settings.dropout())));
        }
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray e = inputs.get(0);
        NDArray mask = inputs.get(1);
        Shape s = e.getShape();
        NDArray x =
                e.mul(Scalars.of(e, Math.sqrt(s.get(2))))
                        .add(positions(e.getManager(), (int) s.get(1), (int) s.get(2)));
        x = Dropout.dropout(x, (float) settings.dropout(), training).singletonOrThrow();
        for (TransformerLayer layer : layers) {
            x = layer.forward(ps, new NDList(x, mask), training).singletonOrThrow();
        }
        x = norm.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray out =
                settings.pool() == TextPooling.Pool.FIRST
                        ? x.get(":, 0, :").mul(mask.get(":, 0:1")) // zeros for an empty row
                        : MaskedPool.mean(x, mask);
        return new NDList(out);
    }

    /** The sinusoidal positional encoding of positions 0..k-1, shape (1, k, dim). */
    static NDArray positions(NDManager manager, int k, int dim) {
        float[] pe = new float[k * dim];
        for (int pos = 0; pos < k; pos++) {
            for (int j = 0; j < dim; j++) {
                double angle = pos / Math.pow(10000, (j - j % 2) / (double) dim);
                pe[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return manager.create(pe, new Shape(1, k, dim));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(2))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        for (TransformerLayer layer : layers) {
            layer.initialize(manager, dataType, shapes);
        }
        norm.initialize(manager, dataType, shapes[0]);
    }
}
