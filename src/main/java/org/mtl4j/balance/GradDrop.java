package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
 */
public final class GradDrop implements GradientAggregator {
    private final GradientMode mode;
    private final double leak;

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
    public void init(int taskCount, long seed) {}

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
        NDArray signal = m;
        if (mode == GradientMode.REPRESENTATION && g.shape().length == 2) {
            long rows = g.shape()[0];
            // purity from gradients summed over the batch: (T', rows, width) -> (T', 1, width)
            signal = m.reshape(n, rows, d / rows).sum(new int[] {1}, true);
        }
        NDArray sum = signal.sum(new int[] {0});
        NDArray abs = signal.abs().sum(new int[] {0});
        NDArray purity =
                sum.div(abs.add(Scalars.of(abs, 1e-30)))
                        .add(Scalars.of(sum, 1))
                        .mul(Scalars.of(sum, 0.5));
        NDArray u = s.randomUniform(0f, 1f, purity.getShape());
        NDArray keepPositive = purity.gt(u); // where the positive sign wins
        if (signal != m) {
            long rows = g.shape()[0];
            keepPositive =
                    keepPositive
                            .broadcast(new ai.djl.ndarray.types.Shape(rows, d / rows))
                            .reshape(d);
        }
        NDArray positive = m.gt(Scalars.of(m, 0));
        NDArray negative = m.lt(Scalars.of(m, 0));
        NDArray mask =
                positive.logicalAnd(keepPositive)
                        .logicalOr(negative.logicalAnd(keepPositive.logicalNot()))
                        .toType(m.getDataType(), false);
        if (leak > 0) {
            mask = mask.mul(Scalars.of(mask, 1 - leak)).add(Scalars.of(mask, leak));
        }
        NDArray kept = m.mul(mask);
        NDArray direction = kept.sum(new int[] {0});
        float[] keptSq = kept.square().sum(new int[] {1}).toFloatArray();
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
            double total = g.gram()[k][k];
            w[k] = total > 0 ? keptSq[k] / total : 0;
        }
        return new Direction(direction, w);
    }
}
