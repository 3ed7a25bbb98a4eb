package org.mtl4j.balance;

import org.mtl4j.balance.solver.ConFigSolver;

/**
 * ConFIG, conflict-free inverse gradients: Liu, Chu and Thuerey, "ConFIG: Towards Conflict-free
 * Training of Physics Informed Neural Networks", ICLR 2025 (arXiv:2408.11104). The direction is the
 * one with equal positive cosine to every task gradient (the pseudo-inverse of the unit gradients
 * applied to the ones vector), and its length is the sum of the task gradients' projections on it;
 * computed on the Gram matrix by {@link ConFigSolver}.
 */
public final class ConFig implements GradientAggregator {
    private final GradientMode mode;

    public ConFig(GradientMode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return "config";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {}

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        return ConFigSolver.solve(gram).weights();
    }
}
