package org.mtl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** The blocks of {@link Architecture.Esmm}. */
final class EsmmBlocks {
    private EsmmBlocks() {}

    /** Shared part: z = encoder(x) and the CTR tower's logit a = ctr(z); output [z, a]. */
    static final class Shared extends AbstractBlock {
        private final Block encoder;
        private final Block ctr;

        Shared(Block encoder, Block ctr) {
            this.encoder = addChildBlock("encoder", encoder);
            this.ctr = addChildBlock("ctr_tower", ctr);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray z = encoder.forward(ps, inputs, training).singletonOrThrow();
            NDArray a = ctr.forward(ps, new NDList(z), training).singletonOrThrow();
            return new NDList(Cat.of(new NDList(z, a), 1));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape z = encoder.getOutputShapes(inputShapes)[0];
            return new Shape[] {new Shape(z.get(0), z.get(1) + 1)};
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType dataType, Shape... shapes) {
            encoder.initialize(m, dataType, shapes);
            ctr.initialize(m, dataType, encoder.getOutputShapes(shapes));
        }
    }

    /** The CTR task's output: the shared CTR logit (no parameters of its own). */
    static final class CtrHead extends AbstractBlock {
        private final int width;

        CtrHead(int width) {
            this.width = width;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray z = inputs.singletonOrThrow();
            return new NDList(z.get(":, " + width + ":" + (width + 1)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
        }
    }

    /**
     * The CTCVR task's output: the logit of pCTCVR = σ(a)·σ(b), with a the shared CTR logit and b
     * this task's CVR tower on z: log p = log σ(a) + log σ(b), logit = log p − log(1 − p).
     */
    static final class CtcvrHead extends AbstractBlock {
        private final int width;
        private final Block cvr;

        CtcvrHead(int width, Block cvr) {
            this.width = width;
            this.cvr = addChildBlock("cvr_tower", cvr);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray zc = inputs.singletonOrThrow();
            NDArray z = zc.get(":, 0:" + width);
            NDArray a = zc.get(":, " + width + ":" + (width + 1));
            NDArray b = cvr.forward(ps, new NDList(z), training).singletonOrThrow();
            // p/(1 − p) = 1/(e^−a + e^−b + e^−a−b): logit(p) = −logsumexp(−a, −b, −a−b), exact
            NDArray terms = Cat.of(new NDList(a.neg(), b.neg(), a.add(b).neg()), 1);
            NDArray max = terms.max(new int[] {1}, true).stopGradient();
            NDArray lse = terms.sub(max).exp().sum(new int[] {1}, true).log().add(max);
            return new NDList(lse.neg());
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType dataType, Shape... shapes) {
            cvr.initialize(m, dataType, new Shape(shapes[0].get(0), width));
        }

        /** pCVR = σ(b) for representations z (B, width): the quantity ESMM is built to estimate. */
        NDArray cvrProbability(ParameterStore ps, NDArray zc) {
            NDArray z = zc.get(":, 0:" + width);
            return ai.djl.nn.Activation.sigmoid(
                    cvr.forward(ps, new NDList(z), false).singletonOrThrow());
        }
    }
}
