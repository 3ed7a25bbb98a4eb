package org.mtl4j.balance;

import java.util.SplittableRandom;

/**
 * Random loss weighting (RLW): Lin et al., "Reasonable Effectiveness of Random Weighting: A Litmus
 * Test for Multi-Task Learning", TMLR 2022. Each step draws λ̃ ~ N(0, I_T) and uses λ = softmax(λ̃)
 * (their Eq. 3 with the standard-normal distribution), so the weights sum to 1.
 *
 * <p>The draws of a step depend only on the run seed and the step index ({@link #beginStep}
 * re-creates the generator), so the method has no state to save.
 */
public final class RandomLossWeighting implements LossWeighting {
    private final StepRandom random = new StepRandom(0x524c57L);
    private int tasks;

    @Override
    public String name() {
        return "rlw";
    }

    @Override
    public void init(int taskCount, long seed) {
        tasks = taskCount;
        random.init(seed);
    }

    @Override
    public void beginStep(long globalStep) {
        random.begin(globalStep);
    }

    @Override
    public double[] weights(double[] losses, boolean[] present) {
        double[] z = new double[tasks];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < tasks; t++) {
            z[t] = gaussian();
            max = Math.max(max, z[t]);
        }
        double sum = 0;
        for (int t = 0; t < tasks; t++) {
            z[t] = Math.exp(z[t] - max);
            sum += z[t];
        }
        for (int t = 0; t < tasks; t++) {
            z[t] /= sum;
        }
        return z;
    }

    private double gaussian() {
        // Box–Muller; SplittableRandom has no nextGaussian on Java 17.
        SplittableRandom r = random.get();
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
