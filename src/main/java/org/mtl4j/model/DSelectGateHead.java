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
import org.mtl4j.train.Scalars;

/**
 * One task's DSelect-k gate and tower over the output of {@link MixtureExperts} (see {@link
 * Architecture.DselectK}). Per example, each of the k selectors maps x to m = log2(E) logits z,
 * passes them through the smooth-step S_γ, and selects expert j with weight Π_l (S(z_l) if bit l of
 * j is 1, else 1 − S(z_l)); a softmax over k further logits of x weighs the selectors.
 */
final class DSelectGateHead extends AbstractBlock {
    private final int experts;
    private final int bits;
    private final int k;
    private final double gamma;
    private final int width;
    private final int inputWidth;
    private final Block selectors;
    private final Block mixing;
    private final Block tower;

    DSelectGateHead(int experts, int k, double gamma, int width, int inputWidth, Block tower) {
        this.experts = experts;
        this.bits = Integer.numberOfTrailingZeros(experts);
        this.k = k;
        this.gamma = gamma;
        this.width = width;
        this.inputWidth = inputWidth;
        this.selectors =
                addChildBlock("selectors", Linear.builder().setUnits((long) k * bits).build());
        // as in the authors' code: small selector logits, so the smooth-steps start in their
        // sloped region (with the default initialisation most start flat, with zero gradient)
        selectors.setInitializer(
                new ai.djl.training.initializer.UniformInitializer((float) (gamma / 100)),
                ai.djl.nn.Parameter.Type.WEIGHT);
        selectors.setInitializer(
                new ai.djl.training.initializer.UniformInitializer((float) (gamma / 100)),
                ai.djl.nn.Parameter.Type.BIAS);
        this.mixing = addChildBlock("mixing", Linear.builder().setUnits(k).build());
        this.tower = addChildBlock("tower", tower);
    }

    /** The smooth-step of Hazimeh et al., Eq. 1: cubic on [−γ/2, γ/2], 0 and 1 outside. */
    static NDArray smoothStep(NDArray t, double gamma) {
        NDArray c = t.maximum(Scalars.of(t, -gamma / 2)).minimum(Scalars.of(t, gamma / 2));
        return c.pow(Scalars.of(c, 3))
                .mul(Scalars.of(c, -2 / (gamma * gamma * gamma)))
                .add(c.mul(Scalars.of(c, 3 / (2 * gamma))))
                .add(Scalars.of(c, 0.5));
    }

    /** Gate weights (B, E) for inputs x (B, n); each row sums to 1. */
    NDArray gate(ParameterStore ps, NDArray x, boolean training) {
        long b = x.getShape().get(0);
        NDArray z = selectors.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray s = smoothStep(z.reshape(b, k, 1, bits), gamma); // (B, k, 1, m)
        float[] code = new float[experts * bits];
        for (int j = 0; j < experts; j++) {
            for (int l = 0; l < bits; l++) {
                code[j * bits + l] = (j >> l & 1) == 1 ? 1f : 0f;
            }
        }
        NDArray bitsOn = x.getManager().create(code, new Shape(1, 1, experts, bits));
        NDArray one = Scalars.of(s, 1);
        // bit on: S(z_l); bit off: 1 − S(z_l)
        NDArray factor = bitsOn.mul(s).add(one.sub(bitsOn).mul(one.sub(s))); // (B, k, E, m)
        NDArray single = factor.prod(new int[] {3}); // (B, k, E)
        NDArray weights = mixing.forward(ps, new NDList(x), training).singletonOrThrow().softmax(1);
        return single.mul(weights.expandDims(2)).sum(new int[] {1}); // (B, E)
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();
        long split = (long) experts * width;
        NDArray f = z.get(":, 0:" + split).reshape(-1, experts, width);
        NDArray x = z.get(":, " + split + ":");
        NDArray mixed = f.mul(gate(ps, x, training).expandDims(2)).sum(new int[] {1});
        return tower.forward(ps, new NDList(mixed), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return tower.getOutputShapes(new Shape[] {new Shape(inputShapes[0].get(0), width)});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        long b = shapes[0].get(0);
        selectors.initialize(manager, dataType, new Shape(b, inputWidth));
        mixing.initialize(manager, dataType, new Shape(b, inputWidth));
        tower.initialize(manager, dataType, new Shape(b, width));
    }
}
