package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * IMTL-L, the loss part of impartial multi-task learning: Liu et al., "Towards Impartial Multi-task
 * Learning", ICLR 2021, §3.2, Eq. 3: with a learnable scale parameter s_t per task the objective is
 * Σ_t (e^{s_t}·L_t − s_t). Minimising over s_t drives e^{s_t}·L_t towards 1, so every task's scaled
 * loss stays at a constant level (scale-invariance across tasks). The s_t start at 0 and are
 * trained by the same optimiser as the model; the reported weight is e^{s_t}.
 *
 * <p>The s_t are its only state: a learnable array, saved by the trainer, so {@link #state()} is
 * empty.
 */
public final class ImpartialLossWeighting implements LossWeighting {
    private NDArray scale;
    private int tasks;

    @Override
    public String name() {
        return "imtl_l";
    }

    @Override
    public void init(int taskCount, long seed) {
        tasks = taskCount;
    }

    @Override
    public List<NDArray> createLearnables(NDManager manager) {
        scale = manager.zeros(new Shape(tasks));
        scale.setRequiresGradient(true);
        return List.of(scale);
    }

    /** s_t belongs to task t: a batch without labels for t leaves it (and its moments) alone. */
    @Override
    public boolean learnablesPerTask() {
        return true;
    }

    @Override
    public double[] weights(double[] losses, boolean[] present) {
        float[] s = scale.toFloatArray();
        double[] w = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            w[t] = Math.exp(s[t]);
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
            NDArray s = scale.get(t);
            s.attach(losses[t].getManager()); // per-step result, freed with the step
            NDArray term = losses[t].mul(s.exp()).sub(s);
            total = total == null ? term : total.add(term);
        }
        return new Combined(total, w);
    }
}
