package org.mtl4j.balance;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dynamic weight average (DWA): Liu, Johns and Davison, "End-to-End Multi-Task Learning with
 * Attention", CVPR 2019, Eq. 7: w_k(t) = T·exp(r_k(t−1)/τ) / Σ_i exp(r_i(t−1)/τ) with r_k(t−1) =
 * L_k(t−1)/L_k(t−2), the ratio of the task's mean training losses over the last two epochs. The
 * first two epochs use w_k = 1.
 *
 * <p>State ({@link #state()}): the mean losses of the last two epochs ({@code previous}, {@code
 * before_previous}; null until seen) and the current weights.
 */
public final class DynamicWeightAverage implements LossWeighting {
    private final double temperature;
    private int tasks;
    private double[] previous;
    private double[] beforePrevious;
    private double[] current;

    /**
     * @param temperature τ (the paper uses 2)
     */
    public DynamicWeightAverage(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("dwa temperature must be > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    @Override
    public String name() {
        return "dwa";
    }

    @Override
    public void init(int taskCount, long seed) {
        tasks = taskCount;
        current = new double[tasks];
        Arrays.fill(current, 1.0);
    }

    @Override
    public void onEpochEnd(int epoch, double[] meanTrainLosses) {
        beforePrevious = previous;
        previous = meanTrainLosses.clone();
        if (beforePrevious == null) {
            return;
        }
        double[] e = new double[tasks];
        double sum = 0;
        for (int t = 0; t < tasks; t++) {
            double r = previous[t] / beforePrevious[t];
            if (!Double.isFinite(r)) {
                r = 1.0; // a task unseen in an epoch, or a zero loss: treat as unchanged
            }
            e[t] = Math.exp(r / temperature);
            sum += e[t];
        }
        for (int t = 0; t < tasks; t++) {
            current[t] = tasks * e[t] / sum;
        }
    }

    @Override
    public double[] weights(double[] losses, boolean[] present) {
        return current.clone();
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("previous", previous == null ? null : previous.clone());
        s.put("before_previous", beforePrevious == null ? null : beforePrevious.clone());
        s.put("current", current.clone());
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        double[] c = s.doubles("current", tasks);
        if (c == null) {
            throw s.misfit("\"current\" is null");
        }
        previous = s.doubles("previous", tasks);
        beforePrevious = s.doubles("before_previous", tasks);
        current = c;
    }
}
