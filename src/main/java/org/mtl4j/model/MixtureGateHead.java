package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One task's gate and tower over the output of {@link MixtureExperts}: splits Z (B, E·D + n) into
 * the experts' outputs (B, E, D) and x (B, n), computes the gate softmax(W·x + b) (B, E), mixes the
 * experts with it and applies the tower.
 */
final class MixtureGateHead extends AbstractBlock {
    private final int experts;
    private final int width;
    private final int inputWidth;
    private final Block gate;
    private final Block tower;

    MixtureGateHead(int experts, int width, int inputWidth, Block tower) {
        this.experts = experts;
        this.width = width;
        this.inputWidth = inputWidth;
        this.gate = addChildBlock("gate", Linear.builder().setUnits(experts).build());
        this.tower = addChildBlock("tower", tower);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();
        long split = (long) experts * width;
        NDArray f = z.get(":, 0:" + split).reshape(-1, experts, width);
        NDArray x = z.get(":, " + split + ":");
        NDArray g = gate.forward(ps, new NDList(x), training).singletonOrThrow().softmax(1);
        NDArray mixed = f.mul(g.expandDims(2)).sum(new int[] {1});
        return tower.forward(ps, new NDList(mixed), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return tower.getOutputShapes(new Shape[] {new Shape(inputShapes[0].get(0), width)});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        long b = shapes[0].get(0);
        if (shapes[0].get(1) != (long) experts * width + inputWidth) {
            throw new IllegalStateException(
                    "mixture head expects width "
                            + ((long) experts * width + inputWidth)
                            + ", got "
                            + shapes[0]);
        }
        gate.initialize(manager, dataType, new Shape(b, inputWidth));
        tower.initialize(manager, dataType, new Shape(b, width));
    }
}
