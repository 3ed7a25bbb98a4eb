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
 * the shared experts' outputs (B, E, D) and x (B, n), runs the task's own experts (if any, as in
 * CGC) on x, computes the gate softmax(W·x + b) over all E + E_own experts, mixes the experts with
 * it and applies the tower.
 */
final class MixtureGateHead extends AbstractBlock {
    private final int experts;
    private final int width;
    private final int inputWidth;
    private final long inputOffset;
    private final Block gate;
    private final Block tower;
    private final java.util.List<Block> own = new java.util.ArrayList<>();

    MixtureGateHead(int experts, int width, int inputWidth, Block tower) {
        this(experts, width, inputWidth, tower, java.util.List.of());
    }

    MixtureGateHead(
            int experts, int width, int inputWidth, Block tower, java.util.List<Block> ownExperts) {
        this(experts, width, (long) experts * width, inputWidth, tower, ownExperts);
    }

    /**
     * A gate whose input (and own experts' input) is the slice of width {@code inputWidth} at
     * {@code inputOffset} of Z, rather than the tail after the shared experts (as for PLE, where
     * each task reads its own output of the level below).
     */
    MixtureGateHead(
            int experts,
            int width,
            long inputOffset,
            int inputWidth,
            Block tower,
            java.util.List<Block> ownExperts) {
        this.experts = experts;
        this.width = width;
        this.inputOffset = inputOffset;
        this.inputWidth = inputWidth;
        this.gate =
                addChildBlock(
                        "gate", Linear.builder().setUnits(experts + ownExperts.size()).build());
        this.tower = addChildBlock("tower", tower);
        for (int i = 0; i < ownExperts.size(); i++) {
            own.add(addChildBlock("expert_" + i, ownExperts.get(i)));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();
        long split = (long) experts * width;
        NDArray f = z.get(":, 0:" + split).reshape(-1, experts, width);
        NDArray x = z.get(":, " + inputOffset + ":" + (inputOffset + inputWidth));
        if (!own.isEmpty()) {
            NDList parts = new NDList(own.size() + 1);
            parts.add(f);
            for (Block e : own) {
                parts.add(e.forward(ps, new NDList(x), training).singletonOrThrow().expandDims(1));
            }
            f = Cat.of(parts, 1);
        }
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
        if (shapes[0].get(1) < inputOffset + inputWidth) {
            throw new IllegalStateException(
                    "mixture head expects at least width "
                            + (inputOffset + inputWidth)
                            + ", got "
                            + shapes[0]);
        }
        gate.initialize(manager, dataType, new Shape(b, inputWidth));
        tower.initialize(manager, dataType, new Shape(b, width));
        for (Block e : own) {
            e.initialize(manager, dataType, new Shape(b, inputWidth));
        }
    }
}
