package org.mtl4j.balance;

import org.mtl4j.balance.solver.UpGradSolver;

/**
 * UPGrad: Quinton and Rey, "Jacobian Descent for Multi-Objective Optimization", 2024
 * (arXiv:2406.16232). Every task gradient is projected onto the dual cone of all task gradients
 * (the directions that make no task worse) and the projections are averaged; solved exactly on the
 * Gram matrix by {@link UpGradSolver}. The result has a non-negative inner product with every task
 * gradient, and equals the mean gradient when no two gradients conflict.
 */
public final class UpGrad implements GradientAggregator {
    private final GradientMode mode;

    public UpGrad(GradientMode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return "upgrad";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {}

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        return UpGradSolver.solve(gram).weights();
    }
}
