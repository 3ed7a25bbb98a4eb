package org.mtl4j.balance;

import org.mtl4j.balance.solver.DualProjSolver;

/**
 * DualProj: the projection of the mean gradient onto the dual cone of the task gradients (the
 * closest direction to the mean that makes no task worse), as defined by Quinton and Rey, "Jacobian
 * Descent for Multi-Objective Optimization", 2024, after the projection of GEM (Lopez-Paz and
 * Ranzato, NeurIPS 2017, Eq. 11); solved exactly on the Gram matrix by {@link DualProjSolver}.
 */
public final class DualProj implements GradientAggregator {
    private final GradientMode mode;

    public DualProj(GradientMode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return "dualproj";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {}

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        return DualProjSolver.solve(gram).weights();
    }
}
