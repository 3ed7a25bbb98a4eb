package org.mtl4j.balance;

import org.mtl4j.balance.solver.PcGradSolver;

/**
 * PCGrad: Yu et al., "Gradient Surgery for Multi-Task Learning", NeurIPS 2020, Algorithm 1. Each
 * task gradient is projected onto the normal plane of every other task gradient it conflicts with
 * (negative inner product), in a random order drawn each step, and the projected gradients are
 * summed. Solved on the Gram matrix by {@link PcGradSolver}.
 *
 * <p>The orders of a step depend only on the run seed and the step index ({@link #beginStep}
 * re-creates the generator), so the method has no state to save.
 */
public final class PcGrad implements GradientAggregator {
    private final GradientMode mode;
    private final StepRandom random = new StepRandom(0x50434772L);

    public PcGrad(GradientMode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return "pcgrad";
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

    /**
     * Each task's projected gradient is built with its own random order of the other tasks, as in
     * Algorithm 1 of the paper ("for g_j in G_PC in random order").
     */
    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        int n = gram.length;
        double[] sum = new double[n];
        for (int i = 0; i < n; i++) {
            double[] row =
                    PcGradSolver.projectedCoefficients(
                            gram, StepRandom.permutation(random.get(), n))[i];
            for (int k = 0; k < n; k++) {
                sum[k] += row[k];
            }
        }
        return sum;
    }
}
