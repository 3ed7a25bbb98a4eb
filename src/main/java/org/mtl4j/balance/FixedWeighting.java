package org.mtl4j.balance;

import java.util.Arrays;

/** Fixed, user-given loss weights w_t (a grid-searched static weighting). */
public final class FixedWeighting implements LossWeighting {
    private final double[] configured;

    /**
     * @param weights one non-negative weight per task, in task order
     */
    public FixedWeighting(double[] weights) {
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(
                        "fixed weights must be finite and >= 0, got " + w);
            }
        }
        this.configured = weights.clone();
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public void init(int taskCount, long seed) {
        if (taskCount != configured.length) {
            throw new IllegalArgumentException(
                    "fixed weighting has "
                            + configured.length
                            + " weights "
                            + Arrays.toString(configured)
                            + " but there are "
                            + taskCount
                            + " tasks; give one weight per task, in task order");
        }
    }

    @Override
    public double[] weights(double[] losses, boolean[] present) {
        return configured.clone();
    }
}
