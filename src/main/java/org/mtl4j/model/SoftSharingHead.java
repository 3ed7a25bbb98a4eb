package org.mtl4j.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Task t's own copy of the encoder (child {@code copy_<t>}, the name the soft-sharing penalty pairs
 * copies by) followed by its tower. See {@link Architecture.SoftSharing}.
 */
final class SoftSharingHead extends AbstractBlock {
    private final Block copy;
    private final Block tower;

    SoftSharingHead(int task, Block encoder, Block tower) {
        this.copy = addChildBlock("copy_" + task, encoder);
        this.tower = addChildBlock("tower", tower);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return tower.forward(ps, copy.forward(ps, inputs, training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return tower.getOutputShapes(copy.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        copy.initialize(manager, dataType, shapes);
        tower.initialize(manager, dataType, copy.getOutputShapes(shapes));
    }
}
