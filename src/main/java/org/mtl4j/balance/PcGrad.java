package org.mtl4j.balance;

import java.util.SplittableRandom;
import org.mtl4j.balance.solver.PcGradSolver;

/**
 * PCGrad: Yu et al., "Gradient Surgery for Multi-Task Learning", NeurIPS 2020, Algorithm 1. Each
 * task gradient is projected onto the normal plane of every other task gradient it conflicts with
 * (negative inner product), in a random order drawn each step, and the projected gradients are
 * summed. Solved on the Gram matrix by {@link PcGradSolver}.
 */
public final class PcGrad implements GradientAggregator {
    private final GradientMode mode;
    private SplittableRandom random;

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
        random = new SplittableRandom(seed ^ 0x50434772L);
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
            double[] row = PcGradSolver.projectedCoefficients(gram, permutation(n))[i];
            for (int k = 0; k < n; k++) {
                sum[k] += row[k];
            }
        }
        return sum;
    }

    private int[] permutation(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }
}
