package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared part of a mixture-of-experts model: E expert networks on the same input x (B, n),
 * output [f_1(x), …, f_E(x), x] concatenated, shape (B, E·D + n), where D is an expert's output
 * width. The gates downstream read x from the tail of that vector.
 */
final class MixtureExperts extends AbstractBlock {
    private final List<Block> experts = new ArrayList<>();

    MixtureExperts(List<Block> blocks) {
        for (int i = 0; i < blocks.size(); i++) {
            experts.add(addChildBlock("expert_" + i, blocks.get(i)));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList parts = new NDList(experts.size() + 1);
        for (Block e : experts) {
            parts.add(e.forward(ps, new NDList(x), training).singletonOrThrow());
        }
        parts.add(x);
        return new NDList(Cat.of(parts, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        long d = experts.get(0).getOutputShapes(new Shape[] {x})[0].get(1);
        return new Shape[] {new Shape(x.get(0), experts.size() * d + x.get(1))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        for (Block e : experts) {
            e.initialize(manager, dataType, shapes[0]);
        }
    }
}
