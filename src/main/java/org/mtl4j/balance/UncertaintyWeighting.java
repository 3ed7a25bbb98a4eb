package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Uncertainty weighting (UW): Kendall, Gal and Cipolla, "Multi-Task Learning Using Uncertainty to
 * Weigh Losses for Scene Geometry and Semantics", CVPR 2018, Eq. 7. With learnable s_t = log σ_t²,
 * the objective is Σ_t ( exp(−s_t)·L_t / 2 + s_t / 2 ). The s_t start at 0 and are trained by the
 * same optimiser as the model. The reported weight of task t is exp(−s_t)/2.
 *
 * <p>The s_t are its only state: a learnable array, saved by the trainer, so {@link #state()} is
 * empty.
 */
public final class UncertaintyWeighting implements LossWeighting {
    private NDArray logVariance;
    private int tasks;

    @Override
    public String name() {
        return "uw";
    }

    @Override
    public void init(int taskCount, long seed) {
        tasks = taskCount;
    }

    @Override
    public List<NDArray> createLearnables(NDManager manager) {
        logVariance = manager.zeros(new ai.djl.ndarray.types.Shape(tasks));
        logVariance.setRequiresGradient(true);
        return List.of(logVariance);
    }

    /** s_t belongs to task t: a batch without labels for t leaves it (and its moments) alone. */
    @Override
    public boolean learnablesPerTask() {
        return true;
    }

    @Override
    public double[] weights(double[] losses, boolean[] present) {
        float[] s = logVariance.toFloatArray();
        double[] w = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            w[t] = Math.exp(-s[t]) / 2;
        }
        return w;
    }

    @Override
    public Combined combine(NDArray[] losses, double[] lossValues, boolean[] present) {
        double[] w = weights(lossValues, present);
        NDArray total = null;
        for (int t = 0; t < losses.length; t++) {
            if (!present[t]) {
                continue;
            }
            NDArray s = logVariance.get(t);
            s.attach(losses[t].getManager()); // keep per-step results out of the long-lived manager
            NDArray term =
                    losses[t].mul(s.neg().exp()).add(s).div(org.mtl4j.train.Scalars.of(s, 2));
            total = total == null ? term : total.add(term);
        }
        return new Combined(total, w);
    }
}
