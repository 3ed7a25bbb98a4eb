package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.train.Scalars;

/**
 * The shared block of {@link Architecture.Aitm}: the encoder, one tower per task, the transfer
 * layers and the attention units. Output Z = [z_1, …, z_T] (B, T·D), where z_1 = q_1 and, for later
 * steps, z_t = AIT(p_{t−1}, q_t) with p_{t−1} = transfer(z_{t−1}) (Xi et al. 2021, Eq. 1–4).
 */
final class AitmShared extends AbstractBlock {
    private final int tasks;
    private final int width;
    private final Block encoder;
    private final List<Block> towers = new ArrayList<>();
    private final List<Block> transfers = new ArrayList<>();
    private final List<Block[]> attention = new ArrayList<>(); // h1, h2, h3 per step t >= 1

    AitmShared(Block encoder, int tasks, int width) {
        this.tasks = tasks;
        this.width = width;
        this.encoder = addChildBlock("encoder", encoder);
        for (int t = 0; t < tasks; t++) {
            towers.add(addChildBlock("tower_" + t, MlpSpec.of(width).buildEncoder()));
            if (t > 0) {
                transfers.add(
                        addChildBlock("transfer_" + t, Linear.builder().setUnits(width).build()));
                Block[] h = new Block[3];
                for (int k = 0; k < 3; k++) {
                    h[k] =
                            addChildBlock(
                                    "ait_" + t + "_h" + (k + 1),
                                    Linear.builder().setUnits(width).build());
                }
                attention.add(h);
            }
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z0 = encoder.forward(ps, inputs, training).singletonOrThrow();
        NDList out = new NDList(tasks);
        NDArray previous = null;
        for (int t = 0; t < tasks; t++) {
            NDArray q = towers.get(t).forward(ps, new NDList(z0), training).singletonOrThrow();
            NDArray z = q;
            if (t > 0) {
                NDArray p =
                        transfers
                                .get(t - 1)
                                .forward(ps, new NDList(previous), training)
                                .singletonOrThrow();
                z = attend(ps, attention.get(t - 1), p, q, training);
            }
            out.add(z);
            previous = z;
        }
        return new NDList(Cat.of(out, 1));
    }

    /** Σ_i w_i·h3(u_i), w = softmax_i(⟨h1(u_i), h2(u_i)⟩ / √D) over u ∈ {p, q}. */
    private NDArray attend(ParameterStore ps, Block[] h, NDArray p, NDArray q, boolean training) {
        NDArray u = NDArrays.stack(new NDList(p, q), 1); // (B, 2, D)
        NDArray a = h[0].forward(ps, new NDList(u), training).singletonOrThrow();
        NDArray b = h[1].forward(ps, new NDList(u), training).singletonOrThrow();
        NDArray v = h[2].forward(ps, new NDList(u), training).singletonOrThrow();
        NDArray score = a.mul(b).sum(new int[] {2}).div(Scalars.of(a, Math.sqrt(width))); // (B, 2)
        NDArray w = score.softmax(1).expandDims(2);
        return v.mul(w).sum(new int[] {1});
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), (long) tasks * width)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        encoder.initialize(manager, dataType, shapes);
        long b = shapes[0].get(0);
        Shape z = new Shape(b, width);
        for (Block t : towers) {
            t.initialize(manager, dataType, z);
        }
        for (Block t : transfers) {
            t.initialize(manager, dataType, z);
        }
        for (Block[] h : attention) {
            for (Block x : h) {
                x.initialize(manager, dataType, new Shape(b, 2, width));
            }
        }
    }
}
