package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;
import org.mtl4j.train.Scalars;

/**
 * GradDrop, gradient sign dropout: Chen et al., "Just Pick a Sign: Optimizing Deep Multitask Models
 * with Gradient Sign Dropout", NeurIPS 2020, Eqs. 1–3. Per element of the gradient, the sign purity
 * P = ½(1 + Σ_t ∇_t / Σ_t |∇_t|) ∈ [0, 1] measures how much the tasks agree; with one uniform draw
 * U per element, task t keeps its gradient there if it is positive and P &gt; U, or negative and P
 * &lt; U, and drops it otherwise: the combined gradient keeps only one sign per element, chosen
 * with probability equal to that sign's share. With {@code leak} k ∈ [0, 1] each task keeps k of
 * its gradient regardless (k = 1 is the plain sum).
 *
 * <p>In {@link GradientMode#REPRESENTATION} mode — where the paper applies it, at the shared
 * activations — the gradients are first summed over the batch rows to compute P, as the paper does
 * for batch-separated gradients, and the mask is then applied to every row. In {@link
 * GradientMode#PARAMETERS} mode P is computed per parameter. The reported weight of a task is the
 * fraction of its gradient's squared norm that was kept.
 *
 * <p>The uniform draws are made in the JVM from a generator that {@link #beginStep} re-creates from
 * the run seed and the step index (not by the engine's global generator), so the draws of a step
 * depend only on (seed, step) and the method has no state to save.
 */
public final class GradDrop implements GradientAggregator {
    private final GradientMode mode;
    private final double leak;
    private final StepRandom random = new StepRandom(0x47447270L);

    /**
     * @param leak k ∈ [0, 1] (the paper's default: 0)
     */
    public GradDrop(GradientMode mode, double leak) {
        if (!(leak >= 0 && leak <= 1)) {
            throw new IllegalArgumentException("graddrop leak must be in [0, 1], got " + leak);
        }
        this.mode = mode;
        this.leak = leak;
    }

    @Override
    public String name() {
        return "graddrop";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {
        random.init(seed);
    }

    @Override
    public void beginStep(long globalStep) {
        random.begin(globalStep);
    }

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        throw new UnsupportedOperationException("graddrop works on the gradient vectors");
    }

    @Override
    public Direction combine(Gradients g) {
        NDArray m = g.matrix(); // (T', d)
        int n = (int) m.getShape().get(0);
        long d = m.getShape().get(1);
        NDManager s = m.getManager();
        boolean batched = mode == GradientMode.REPRESENTATION && g.shape().length == 2;
        NDArray signal = m; // what the sign decision is made on, one row per task
        long rows = 1;
        if (batched) {
            rows = g.shape()[0];
            NDArray perRow = m.reshape(n, rows, d / rows);
            if (g.representation() != null) {
                // the paper weights each row's gradient by the sign of its activation
                perRow = perRow.mul(g.representation().sign().reshape(1, rows, d / rows));
            }
            signal = perRow.sum(new int[] {1}); // (T', width): summed over the batch rows
        }
        NDArray sum = signal.sum(new int[] {0});
        NDArray abs = signal.abs().sum(new int[] {0});
        NDArray purity =
                sum.div(abs.add(Scalars.of(abs, 1e-30)))
                        .add(Scalars.of(sum, 1))
                        .mul(Scalars.of(sum, 0.5));
        NDArray u = uniform(s, purity.getShape());
        NDArray positiveWins = purity.gt(u);
        // task t keeps its gradient where its (summed) sign is the winning one
        NDArray keep =
                signal.gt(Scalars.of(signal, 0))
                        .logicalAnd(positiveWins)
                        .logicalOr(
                                signal.lt(Scalars.of(signal, 0))
                                        .logicalAnd(positiveWins.logicalNot()))
                        .toType(m.getDataType(), false);
        if (batched) {
            // the same decision for every row: (T', width) -> (T', rows, width) -> (T', d)
            keep =
                    keep.reshape(n, 1, d / rows)
                            .broadcast(new ai.djl.ndarray.types.Shape(n, rows, d / rows))
                            .reshape(n, d);
        }
        if (leak > 0) {
            keep = keep.mul(Scalars.of(keep, 1 - leak)).add(Scalars.of(keep, leak));
        }
        NDArray kept = m.mul(keep);
        NDArray direction = kept.sum(new int[] {0});
        // fraction of each task's squared norm kept, on rows scaled by their largest entry so
        // the squares cannot overflow single precision
        NDArray rowMax = m.abs().max(new int[] {1}, true);
        NDArray r = m.div(rowMax.add(Scalars.of(rowMax, 1e-38)));
        float[] keptSq = r.mul(keep).square().sum(new int[] {1}).toFloatArray();
        float[] totalSq = r.square().sum(new int[] {1}).toFloatArray();
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
            w[k] = totalSq[k] > 0 ? keptSq[k] / (double) totalSq[k] : 0;
        }
        return new Direction(direction, w);
    }

    /** Independent draws from U[0, 1) in single precision, one per element of {@code shape}. */
    private NDArray uniform(NDManager s, ai.djl.ndarray.types.Shape shape) {
        long size = shape.size();
        if (size > Integer.MAX_VALUE) {
            throw new IllegalStateException("graddrop: " + size + " gradient entries per task");
        }
        SplittableRandom r = random.get();
        float[] u = new float[(int) size];
        for (int i = 0; i < u.length; i++) {
            u[i] = (r.nextInt() >>> 8) * 0x1.0p-24f; // 24 random bits: exact in a float
        }
        return s.create(u, shape);
    }
}
