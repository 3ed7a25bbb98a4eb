package org.mtl4j.balance;

import java.util.SplittableRandom;
import org.mtl4j.balance.solver.GradVacSolver;

/**
 * GradVac, gradient vaccine: Wang et al., "Gradient Vaccine: Investigating and Improving Multi-task
 * Optimization in Massively Multilingual Models", ICLR 2021. Like PCGrad, but every pair of task
 * gradients is steered towards a target cosine similarity φ̂_ij, an exponential moving average
 * (rate β) of the cosines observed during training, instead of only to orthogonality when they
 * conflict. Other tasks are visited in a random order drawn each step. Solved on the Gram matrix by
 * {@link GradVacSolver}; the targets persist across steps (a batch without some tasks updates only
 * the present pairs).
 */
public final class GradVac implements GradientAggregator {
    private final GradientMode mode;
    private final double beta;
    private GradVacSolver solver;
    private SplittableRandom random;

    public GradVac(GradientMode mode, double beta) {
        if (!(beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException("gradvac beta must be in (0, 1], got " + beta);
        }
        this.mode = mode;
        this.beta = beta;
    }

    @Override
    public String name() {
        return "gradvac";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {
        solver = new GradVacSolver(beta, new double[taskCount][taskCount]);
        random = new SplittableRandom(seed ^ 0x47726156L);
    }

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        return solver.step(gram, permutation(gram.length)).weights();
    }

    @Override
    public Direction combine(Gradients g) {
        int n = g.tasks().length;
        int all = solver.tasks();
        if (n == all) {
            return GradientAggregator.linear(g.matrix(), coefficients(g.gram(), g.losses()));
        }
        // some tasks are absent: step on the present pairs' targets, then write them back
        double[][] full = solver.targets();
        double[][] sub = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sub[i][j] = full[g.tasks()[i]][g.tasks()[j]];
            }
        }
        GradVacSolver part = new GradVacSolver(beta, sub);
        double[] c = part.step(g.gram(), permutation(n)).weights();
        double[][] updated = part.targets();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                full[g.tasks()[i]][g.tasks()[j]] = updated[i][j];
            }
        }
        solver = new GradVacSolver(beta, full);
        return GradientAggregator.linear(g.matrix(), c);
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
