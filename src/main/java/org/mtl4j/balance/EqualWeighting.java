package org.mtl4j.balance;

import java.util.Arrays;

/** Equal weighting (EW): every task's loss with weight 1, i.e. the plain sum of the losses. */
public final class EqualWeighting implements LossWeighting {
    private int tasks;

    @Override
    public String name() {
        return "ew";
    }

    @Override
    public void init(int taskCount, long seed) {
        tasks = taskCount;
    }

    @Override
    public double[] weights(double[] losses, boolean[] present) {
        double[] w = new double[tasks];
        Arrays.fill(w, 1.0);
        return w;
    }
}
