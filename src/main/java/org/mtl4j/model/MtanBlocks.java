package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/** The blocks of {@link Architecture.Mtan}. */
final class MtanBlocks {
    private MtanBlocks() {}

    /** Shapes (batch 1) of the encoder's outputs at its layer ends, for an input of width n. */
    static List<Shape> layerShapes(EncoderSpec encoder, int inputWidth) {
        Block enc = encoder.buildEncoder();
        List<Block> children = new ArrayList<>();
        if (enc instanceof SequentialBlock seq) {
            seq.getChildren().values().forEach(children::add);
        } else {
            children.add(enc);
        }
        List<Integer> ends = encoder.layerEnds();
        List<Shape> out = new ArrayList<>();
        Shape s = new Shape(1, inputWidth);
        for (int k = 0; k < children.size(); k++) {
            s = children.get(k).getOutputShapes(new Shape[] {s})[0];
            if (ends.contains(k) || (ends.isEmpty() && k == children.size() - 1)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Shared block: the encoder, output Z = its layer-end outputs, flattened and concatenated. */
    static final class Shared extends AbstractBlock {
        private final Block encoder;
        private final List<Block> children = new ArrayList<>();
        private final List<Integer> ends;

        Shared(EncoderSpec spec) {
            this.encoder = addChildBlock("encoder", spec.buildEncoder());
            if (encoder instanceof SequentialBlock seq) {
                seq.getChildren().values().forEach(children::add);
            } else {
                children.add(encoder);
            }
            List<Integer> e = spec.layerEnds();
            this.ends = e.isEmpty() ? List.of(children.size() - 1) : e;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray h = inputs.singletonOrThrow();
            NDList parts = new NDList(ends.size());
            for (int k = 0; k < children.size(); k++) {
                h = children.get(k).forward(ps, new NDList(h), training).singletonOrThrow();
                if (ends.contains(k)) {
                    parts.add(h.reshape(h.getShape().get(0), -1));
                }
            }
            return new NDList(Cat.of(parts, 1));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            long width = 0;
            Shape s = inputShapes[0];
            for (int k = 0; k < children.size(); k++) {
                s = children.get(k).getOutputShapes(new Shape[] {s})[0];
                if (ends.contains(k)) {
                    width += s.size() / s.get(0);
                }
            }
            return new Shape[] {new Shape(inputShapes[0].get(0), width)};
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType dataType, Shape... shapes) {
            encoder.initialize(m, dataType, shapes);
        }
    }

    /**
     * Task t's attention modules and tower: at layer j, mask a_j = σ(W2·ReLU(W1·[h_j ;
     * adapt(g_{j−1})])) (1×1 convolutions on feature maps, linear maps on vectors), task feature
     * g_j = a_j ⊙ h_j; adapt maps the previous task feature to layer j's shape (1×1 convolution and
     * average pooling, or flatten and a linear map). The tower reads g_K.
     */
    static final class Head extends AbstractBlock {
        private final List<Shape> shapes; // batch-1 shapes of h_1..h_K
        private final List<Block> first = new ArrayList<>();
        private final List<Block> second = new ArrayList<>();
        private final List<Block> adapt = new ArrayList<>(); // index j-1 for layer j >= 1
        private final List<Integer> pools = new ArrayList<>();
        private final Block tower;

        Head(List<Shape> shapes, Block tower) {
            this.shapes = List.copyOf(shapes);
            for (int j = 0; j < shapes.size(); j++) {
                Shape s = shapes.get(j);
                boolean map = s.dimension() == 4;
                long c = s.get(1);
                first.add(addChildBlock("att" + j + "_1", map ? conv1x1(c) : linear(c)));
                second.add(addChildBlock("att" + j + "_2", map ? conv1x1(c) : linear(c)));
                if (j > 0) {
                    Shape prev = shapes.get(j - 1);
                    if (map && prev.dimension() != 4) {
                        throw new IllegalArgumentException(
                                "mtan: a feature map after a vector layer is not supported");
                    }
                    int pool = 1;
                    if (map) {
                        long ratio = prev.get(2) / s.get(2);
                        if (prev.get(2) % s.get(2) != 0
                                || prev.get(3) != prev.get(2) * s.get(3) / s.get(2)) {
                            throw new IllegalArgumentException(
                                    "mtan: layer sizes "
                                            + prev
                                            + " -> "
                                            + s
                                            + " are not an integer reduction");
                        }
                        pool = (int) ratio;
                    }
                    pools.add(pool);
                    adapt.add(addChildBlock("adapt" + j, map ? conv1x1(c) : linear(c)));
                }
            }
            this.tower = addChildBlock("tower", tower);
        }

        private static Block conv1x1(long channels) {
            return Conv2d.of(
                    ai.djl.nn.convolutional.Conv2d.builder()
                            .setKernelShape(new Shape(1, 1))
                            .setFilters((int) channels));
        }

        private static Block linear(long units) {
            return Linear.builder().setUnits(units).build();
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray z = inputs.singletonOrThrow();
            long b = z.getShape().get(0);
            long offset = 0;
            NDArray g = null;
            for (int j = 0; j < shapes.size(); j++) {
                Shape s = shapes.get(j);
                long size = s.size();
                long[] dims = s.getShape().clone();
                dims[0] = b;
                NDArray h = z.get(":, " + offset + ":" + (offset + size)).reshape(new Shape(dims));
                offset += size;
                NDArray in = h;
                if (g != null) {
                    NDArray prev = g;
                    if (s.dimension() == 4 && pools.get(j - 1) > 1) {
                        int k = pools.get(j - 1);
                        prev =
                                ai.djl.nn.pooling.Pool.avgPool2d(
                                        prev,
                                        new Shape(k, k),
                                        new Shape(k, k),
                                        new Shape(0, 0),
                                        false,
                                        true);
                    } else if (s.dimension() == 2 && prev.getShape().dimension() > 2) {
                        prev = prev.reshape(b, -1);
                    }
                    NDArray a =
                            adapt.get(j - 1)
                                    .forward(ps, new NDList(prev), training)
                                    .singletonOrThrow();
                    in = Cat.of(new NDList(h, a), 1);
                }
                NDArray hidden =
                        ai.djl.nn.Activation.relu(
                                first.get(j)
                                        .forward(ps, new NDList(in), training)
                                        .singletonOrThrow());
                NDArray mask =
                        ai.djl.nn.Activation.sigmoid(
                                second.get(j)
                                        .forward(ps, new NDList(hidden), training)
                                        .singletonOrThrow());
                g = mask.mul(h);
            }
            return tower.forward(ps, new NDList(g.reshape(b, -1)), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape last = shapes.get(shapes.size() - 1);
            return tower.getOutputShapes(
                    new Shape[] {new Shape(inputShapes[0].get(0), last.size())});
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType dataType, Shape... in) {
            long b = in[0].get(0);
            for (int j = 0; j < shapes.size(); j++) {
                Shape s = withBatch(shapes.get(j), b);
                long c = s.get(1);
                Shape input = s;
                if (j > 0) {
                    Shape prev = withBatch(shapes.get(j - 1), b);
                    Shape adaptIn = prev;
                    if (s.dimension() == 4 && pools.get(j - 1) > 1) {
                        int k = pools.get(j - 1);
                        adaptIn = new Shape(b, prev.get(1), prev.get(2) / k, prev.get(3) / k);
                    } else if (s.dimension() == 2 && prev.dimension() > 2) {
                        adaptIn = new Shape(b, prev.size() / b);
                    }
                    adapt.get(j - 1).initialize(m, dataType, adaptIn);
                    long[] dims = s.getShape().clone();
                    dims[1] = 2 * c;
                    input = new Shape(dims);
                }
                first.get(j).initialize(m, dataType, input);
                second.get(j).initialize(m, dataType, s);
            }
            tower.initialize(m, dataType, new Shape(b, shapes.get(shapes.size() - 1).size()));
        }

        private static Shape withBatch(Shape s, long b) {
            long[] dims = s.getShape().clone();
            dims[0] = b;
            return new Shape(dims);
        }
    }
}
