package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * T copies of an encoder run side by side; with {@code stitch}, after each of the encoder's layers
 * ({@link EncoderSpec#layerEnds}) the copies' activations are mixed by a learnable T×T cross-stitch
 * matrix (without, the copies are independent, as soft parameter sharing needs). Output: the
 * copies' final outputs concatenated, (B, T·D). See {@link Architecture.CrossStitch} and {@link
 * Architecture.SoftSharing}.
 */
final class CrossStitchBlock extends AbstractBlock {
    private final int tasks;
    private final List<List<Block>> layers = new ArrayList<>(); // [copy][layer]
    private final List<Parameter> alphas = new ArrayList<>();
    private final java.util.Map<Integer, Integer> stitchAfter = new java.util.HashMap<>();

    CrossStitchBlock(EncoderSpec encoder, int tasks, double selfWeight, boolean stitch) {
        this.tasks = tasks;
        for (int t = 0; t < tasks; t++) {
            Block copy = addChildBlock("copy_" + t, encoder.buildEncoder());
            List<Block> ls = new ArrayList<>();
            if (copy instanceof SequentialBlock seq) {
                seq.getChildren().values().forEach(ls::add);
            } else {
                ls.add(copy);
            }
            layers.add(ls);
        }
        double other = tasks > 1 ? (1 - selfWeight) / (tasks - 1) : 0;
        List<Integer> ends = encoder.layerEnds();
        for (int k = 0; stitch && k < layers.get(0).size(); k++) {
            if (!ends.contains(k)) {
                continue;
            }
            stitchAfter.put(k, alphas.size());
            alphas.add(
                    addParameter(
                            Parameter.builder()
                                    .setName("alpha_" + k)
                                    .setType(Parameter.Type.WEIGHT)
                                    .optShape(new Shape(tasks, tasks))
                                    .optInitializer(
                                            (manager, shape, dataType) -> {
                                                float[] a = new float[tasks * tasks];
                                                for (int i = 0; i < tasks; i++) {
                                                    for (int j = 0; j < tasks; j++) {
                                                        a[i * tasks + j] =
                                                                (float)
                                                                        (i == j
                                                                                ? selfWeight
                                                                                : other);
                                                    }
                                                }
                                                return manager.create(a, shape)
                                                        .toType(dataType, false);
                                            })
                                    .build()));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        List<NDArray> acts = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            acts.add(x);
        }
        for (int k = 0; k < layers.get(0).size(); k++) {
            NDList outs = new NDList(tasks);
            for (int t = 0; t < tasks; t++) {
                outs.add(
                        layers.get(t)
                                .get(k)
                                .forward(ps, new NDList(acts.get(t)), training)
                                .singletonOrThrow());
            }
            acts.clear();
            Integer unit = stitchAfter.get(k);
            if (unit == null) {
                acts.addAll(outs);
                continue;
            }
            NDArray stacked = NDArrays.stack(outs); // (T, B, ...)
            Shape shape = stacked.getShape();
            NDArray alpha = ps.getValue(alphas.get(unit), x.getDevice(), training);
            // the product lands in the parameter's (long-lived) manager: move it to the step's
            NDArray product = alpha.matMul(stacked.reshape(tasks, -1));
            product.attach(stacked.getManager());
            NDArray mixed = product.reshape(shape);
            for (int t = 0; t < tasks; t++) {
                acts.add(mixed.get(t));
            }
        }
        return new NDList(Cat.of(new NDList(acts), 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        for (Block b : layers.get(0)) {
            s = b.getOutputShapes(new Shape[] {s})[0];
        }
        return new Shape[] {new Shape(s.get(0), tasks * s.get(1))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        for (ai.djl.util.Pair<String, Block> c : getChildren()) {
            c.getValue().initialize(manager, dataType, shapes);
        }
    }
}
