package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.task.Task;

/**
 * A multi-task model: a shared input layer and shared block, then one head per task, laid out by
 * its {@link Architecture} (hard parameter sharing, Caruana 1997, by default; or a mixture of
 * experts).
 *
 * <p>Inputs: numeric (B, n) float32 and categorical ids (B, c) int64. Outputs: one array per task,
 * in task order, of shape (B, task output width): logits or regression values.
 *
 * <p>Children are named {@code input}, {@code shared} and {@code head_<task>}. The parameters of
 * {@code input} and {@code shared} are the shared parameters that gradient balancers act on; the
 * encoder output is the shared representation.
 */
public final class MultiTaskModel extends AbstractBlock {
    private final ModelSpec spec;
    private final List<Task> tasks;
    private final FeatureInput input;
    private final Block shared;
    private final List<Block> heads = new ArrayList<>();

    public MultiTaskModel(ModelSpec spec, List<Task> tasks) {
        this.spec = spec;
        this.tasks = List.copyOf(tasks);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one task");
        }
        input =
                addChildBlock(
                        "input",
                        new FeatureInput(
                                spec.numericWidth(),
                                spec.vocabularySizes(),
                                spec.slots(),
                                spec.embeddingDim(),
                                spec.pooling()));
        Architecture arch = spec.architecture();
        arch.check(this.tasks);
        shared =
                addChildBlock(
                        "shared",
                        arch.buildShared(
                                spec.encoder(), spec.head(), spec.inputWidth(), tasks.size()));
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            heads.add(
                    addChildBlock(
                            "head_" + t.name(),
                            arch.buildHead(
                                    spec.head(),
                                    t.type().outputWidth(),
                                    spec.encoder(),
                                    spec.inputWidth(),
                                    i)));
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    public List<Task> tasks() {
        return tasks;
    }

    /** Initialises all parameters (seed the engine first for reproducible values). */
    public void initialize(NDManager manager) {
        initialize(
                manager,
                DataType.FLOAT32,
                new Shape(1, spec.numericWidth()),
                new Shape(1, spec.categoricalWidth()));
    }

    /** The shared representation, shape (B, width of the architecture's shared block). */
    public NDArray encode(ParameterStore ps, NDList inputs, boolean training) {
        NDList x = input.forward(ps, inputs, training);
        return shared.forward(ps, x, training).singletonOrThrow();
    }

    /** Task {@code t}'s head applied to a representation. */
    public NDArray head(int t, ParameterStore ps, NDArray z, boolean training) {
        return heads.get(t).forward(ps, new NDList(z), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = encode(ps, inputs, training);
        NDList out = new NDList(heads.size());
        for (int t = 0; t < heads.size(); t++) {
            out.add(head(t, ps, z, training));
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return tasks.stream().map(t -> new Shape(b, t.type().outputWidth())).toArray(Shape[]::new);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        input.initialize(manager, dataType, shapes);
        Shape x = input.getOutputShapes(shapes)[0];
        shared.initialize(manager, dataType, x);
        Shape z = shared.getOutputShapes(new Shape[] {x})[0];
        for (Block h : heads) {
            h.initialize(manager, dataType, z);
        }
    }

    /**
     * Trainable parameters of the input layer and shared encoder, in a fixed order (batch-norm
     * running statistics are parameters without gradients and are left out).
     */
    public List<Parameter> sharedParameters() {
        List<Parameter> out = trainable(input);
        out.addAll(trainable(shared));
        return out;
    }

    /** Trainable parameters of task {@code t}'s head. */
    public List<Parameter> taskParameters(int t) {
        return trainable(heads.get(t));
    }

    private static List<Parameter> trainable(Block b) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : b.getParameters().values()) {
            if (p.requiresGradient()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Total number of scalar parameters. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : getParameters().values()) {
            n += p.getArray().getShape().size();
        }
        return n;
    }
}
