package org.mtl4j.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Task t's tower on the t-th slice of width D of the shared representation (B, T·D). */
final class SliceHead extends AbstractBlock {
    private final int width;
    private final int task;
    private final Block tower;

    SliceHead(int width, int task, Block tower) {
        this.width = width;
        this.task = task;
        this.tower = addChildBlock("tower", tower);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        long from = (long) task * width;
        return tower.forward(
                ps,
                new NDList(inputs.singletonOrThrow().get(":, " + from + ":" + (from + width))),
                training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return tower.getOutputShapes(new Shape[] {new Shape(inputShapes[0].get(0), width)});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        tower.initialize(manager, dataType, new Shape(shapes[0].get(0), width));
    }
}
