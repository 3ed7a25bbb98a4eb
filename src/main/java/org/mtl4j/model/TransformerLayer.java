package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mtl4j.train.Scalars;

/**
 * One pre-norm Transformer encoder layer (Vaswani et al., "Attention Is All You Need", NeurIPS
 * 2017, section 3; layer normalisation moved in front of each sub-layer as in Xiong et al., "On
 * Layer Normalization in the Transformer Architecture", ICML 2020):
 *
 * <pre>
 * y   = x + Dropout(MultiHead(LN(x)))                 self-attention, eq. 1 and section 3.2.2
 * out = y + Dropout(W_2 ReLU(W_1 LN(y) + b_1) + b_2)  position-wise feed-forward, eq. 2
 * </pre>
 *
 * Attention(Q, K, V) = softmax(Q K<sup>T</sup> / sqrt(d_k)) V per head, with d_k = dim / heads;
 * padding keys get −1e9 before the softmax, so no position attends to padding.
 *
 * <p>Inputs: x (B, k, dim) and a mask (B, k), 1 at real words and 0 at padding. Output (B, k, dim).
 */
final class TransformerLayer extends AbstractBlock {
    private final int heads;
    private final float dropout;
    private final LayerNorm attentionNorm;
    private final Linear qkv;
    private final Linear projection;
    private final LayerNorm feedForwardNorm;
    private final Linear expand;
    private final Linear contract;

    TransformerLayer(int dim, int heads, int ff, float dropout) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException(
                    heads + " heads do not divide the width " + dim + " of the word embeddings");
        }
        this.heads = heads;
        this.dropout = dropout;
        attentionNorm = addChildBlock("attention_norm", LayerNorm.builder().axis(2).build());
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dim).build());
        projection = addChildBlock("projection", Linear.builder().setUnits(dim).build());
        feedForwardNorm = addChildBlock("ff_norm", LayerNorm.builder().axis(2).build());
        expand = addChildBlock("ff_1", Linear.builder().setUnits(ff).build());
        contract = addChildBlock("ff_2", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        NDArray a = attention(ps, apply(attentionNorm, ps, x, training), mask, training);
        NDArray y = x.add(Dropout.dropout(a, dropout, training).singletonOrThrow());
        NDArray normed = apply(feedForwardNorm, ps, y, training);
        NDArray f =
                apply(contract, ps, Activation.relu(apply(expand, ps, normed, training)), training);
        return new NDList(y.add(Dropout.dropout(f, dropout, training).singletonOrThrow()));
    }

    /** Multi-head self-attention of x (B, k, dim) over its real positions. */
    private NDArray attention(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long k = s.get(1);
        long dim = s.get(2);
        long dk = dim / heads;
        NDList qkvs = apply(qkv, ps, x, training).split(3, 2); // 3 × (B, k, dim)
        NDArray q =
                qkvs.get(0)
                        .div(Scalars.of(x, Math.sqrt(dk))) // scaled here: fewer values than Q K^T
                        .reshape(b, k, heads, dk)
                        .transpose(0, 2, 1, 3); // (B, h, k, dk)
        NDArray key = qkvs.get(1).reshape(b, k, heads, dk).transpose(0, 2, 3, 1); // (B, h, dk, k)
        NDArray v = qkvs.get(2).reshape(b, k, heads, dk).transpose(0, 2, 1, 3);
        NDArray keyPenalty =
                mask.sub(Scalars.of(mask, 1))
                        .mul(Scalars.of(mask, 1e9))
                        .reshape(b, 1, 1, k); // 0 at real keys, -1e9 at padding
        NDArray scores = q.matMul(key).add(keyPenalty); // (B, h, k, k)
        NDArray context = scores.softmax(3).matMul(v); // (B, h, k, dk)
        return apply(projection, ps, context.transpose(0, 2, 1, 3).reshape(b, k, dim), training);
    }

    private static NDArray apply(
            AbstractBlock block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        Shape x = shapes[0];
        attentionNorm.initialize(manager, dataType, x);
        qkv.initialize(manager, dataType, x);
        projection.initialize(manager, dataType, x);
        feedForwardNorm.initialize(manager, dataType, x);
        expand.initialize(manager, dataType, x);
        contract.initialize(manager, dataType, expand.getOutputShapes(new Shape[] {x})[0]);
    }
}
