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
import java.util.ArrayList;
import java.util.List;

/**
 * The shared block of {@link Architecture.Ple}: the extraction layers below the top one, plus the
 * top layer's shared experts. Output Z = [top shared experts (E_s·D), u_1, …, u_T], where u_t is
 * task t's output of the layer below the top (x itself when there is a single layer); each task's
 * head then runs the top layer's own experts and gate on u_t.
 *
 * <p>In a lower layer ℓ, with inputs u_s (shared) and u_t (per task): shared experts run on u_s,
 * task t's experts on u_t; task t's gate (softmax of a linear map of u_t) mixes its own and the
 * shared experts into the next u_t, and the shared gate (on u_s) mixes all experts into the next
 * u_s (Tang et al. 2020, §4.3.2, Eq. 5).
 */
final class PleShared extends AbstractBlock {
    private final int tasks;
    private final int shared;
    private final int own;
    private final int width;
    private final int inputWidth;
    private final int levels;
    private final List<List<Block>> sharedExperts = new ArrayList<>(); // [level][e]
    private final List<List<List<Block>>> taskExperts = new ArrayList<>(); // [level][t][e]
    private final List<List<Block>> taskGates = new ArrayList<>(); // [level][t]
    private final List<Block> sharedGates = new ArrayList<>(); // [level]

    /**
     * @param first builds a first-layer expert (input x); {@code upper} builds an expert of a
     *     higher layer (input of width {@code width})
     */
    PleShared(
            int tasks,
            int levels,
            int shared,
            int own,
            int width,
            int inputWidth,
            java.util.function.Supplier<Block> first,
            java.util.function.Supplier<Block> upper) {
        this.tasks = tasks;
        this.levels = levels;
        this.shared = shared;
        this.own = own;
        this.width = width;
        this.inputWidth = inputWidth;
        for (int l = 0; l < levels; l++) {
            java.util.function.Supplier<Block> make = l == 0 ? first : upper;
            List<Block> s = new ArrayList<>();
            for (int e = 0; e < shared; e++) {
                s.add(addChildBlock("l" + l + "_shared_" + e, make.get()));
            }
            sharedExperts.add(s);
            if (l == levels - 1) {
                break; // the top layer's task experts and gates are in the heads
            }
            List<List<Block>> perTask = new ArrayList<>();
            List<Block> gates = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                List<Block> mine = new ArrayList<>();
                for (int e = 0; e < own; e++) {
                    mine.add(addChildBlock("l" + l + "_task" + t + "_" + e, make.get()));
                }
                perTask.add(mine);
                gates.add(
                        addChildBlock(
                                "l" + l + "_gate" + t,
                                Linear.builder().setUnits(own + shared).build()));
            }
            taskExperts.add(perTask);
            taskGates.add(gates);
            sharedGates.add(
                    addChildBlock(
                            "l" + l + "_gate_shared",
                            Linear.builder().setUnits(shared + (long) tasks * own).build()));
        }
    }

    private static NDArray run(
            List<Block> experts, ParameterStore ps, NDArray in, boolean training) {
        NDList out = new NDList(experts.size());
        for (Block e : experts) {
            out.add(e.forward(ps, new NDList(in), training).singletonOrThrow().expandDims(1));
        }
        return Cat.of(out, 1); // (B, E, D)
    }

    private static NDArray mix(
            NDArray experts, Block gate, ParameterStore ps, NDArray in, boolean t) {
        NDArray g = gate.forward(ps, new NDList(in), t).singletonOrThrow().softmax(1);
        return experts.mul(g.expandDims(2)).sum(new int[] {1});
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray us = x;
        List<NDArray> ut = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            ut.add(x);
        }
        for (int l = 0; l < levels - 1; l++) {
            NDArray s = run(sharedExperts.get(l), ps, us, training);
            NDList all = new NDList();
            all.add(s);
            List<NDArray> next = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                NDArray o = run(taskExperts.get(l).get(t), ps, ut.get(t), training);
                all.add(o);
                next.add(
                        mix(
                                Cat.of(new NDList(o, s), 1),
                                taskGates.get(l).get(t),
                                ps,
                                ut.get(t),
                                training));
            }
            us = mix(Cat.of(all, 1), sharedGates.get(l), ps, us, training);
            ut = next;
        }
        NDArray top = run(sharedExperts.get(levels - 1), ps, us, training);
        NDList out = new NDList(tasks + 1);
        out.add(top.reshape(top.getShape().get(0), -1));
        out.addAll(new NDList(ut));
        return new NDList(Cat.of(out, 1));
    }

    /** Width of each task's input to the top layer (x for one layer, else an expert's output). */
    int topInputWidth() {
        return levels == 1 ? inputWidth : width;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, (long) shared * width + (long) tasks * topInputWidth())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        long b = shapes[0].get(0);
        Shape x = new Shape(b, inputWidth);
        Shape u = new Shape(b, width);
        for (int l = 0; l < levels; l++) {
            Shape in = l == 0 ? x : u;
            for (Block e : sharedExperts.get(l)) {
                e.initialize(manager, dataType, in);
            }
            if (l == levels - 1) {
                break;
            }
            for (int t = 0; t < tasks; t++) {
                for (Block e : taskExperts.get(l).get(t)) {
                    e.initialize(manager, dataType, in);
                }
                taskGates.get(l).get(t).initialize(manager, dataType, in);
            }
            sharedGates.get(l).initialize(manager, dataType, in);
        }
    }
}
