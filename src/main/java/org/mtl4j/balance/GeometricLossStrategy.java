package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import org.mtl4j.train.Scalars;

/**
 * Geometric loss strategy (GLS): Chennupati, Sistu, Yogamani and Rawashdeh, "MultiNet++:
 * Multi-Stream Feature Aggregation and Geometric Loss Strategy for Multi-Task Learning", CVPR
 * Workshops 2019, Eq. 4: the objective is the geometric mean of the task losses, L = (Π_t
 * L_t)^{1/T}, computed as exp(mean_t log L_t) over the tasks present in the batch. Its gradient is
 * Σ_t (L / (T·L_t))·∇L_t, so a task's effective weight L/(T·L_t) — the weight reported — is
 * inversely proportional to its own loss: the method is invariant to each task's loss scale.
 *
 * <p>Losses are floored at 1e-12 before the logarithm, so a task fitted exactly does not produce an
 * infinite gradient.
 */
public final class GeometricLossStrategy implements LossWeighting {
    private static final double FLOOR = 1e-12;

    @Override
    public String name() {
        return "gls";
    }

    @Override
    public void init(int taskCount, long seed) {}

    @Override
    public double[] weights(double[] losses, boolean[] present) {
        int n = 0;
        double logSum = 0;
        for (int t = 0; t < losses.length; t++) {
            if (present[t]) {
                logSum += Math.log(Math.max(losses[t], FLOOR));
                n++;
            }
        }
        double[] w = new double[losses.length];
        if (n == 0) {
            return w;
        }
        double geo = Math.exp(logSum / n);
        for (int t = 0; t < losses.length; t++) {
            w[t] = present[t] ? geo / (n * Math.max(losses[t], FLOOR)) : 0;
        }
        return w;
    }

    @Override
    public Combined combine(NDArray[] losses, double[] lossValues, boolean[] present) {
        NDArray logSum = null;
        int n = 0;
        for (int t = 0; t < losses.length; t++) {
            if (!present[t]) {
                continue;
            }
            NDArray l = losses[t].maximum(Scalars.of(losses[t], FLOOR)).log();
            logSum = logSum == null ? l : logSum.add(l);
            n++;
        }
        if (logSum == null) {
            return new Combined(null, new double[losses.length]);
        }
        NDArray total = logSum.div(Scalars.of(logSum, n)).exp();
        return new Combined(total, weights(lossValues, present));
    }
}
