package org.mtl4j.balance;

import org.mtl4j.balance.solver.CaGradSolver;

/**
 * CAGrad, conflict-averse gradient descent: Liu et al., "Conflict-Averse Gradient Descent for
 * Multi-task Learning", NeurIPS 2021, Eq. 5 and its dual. The update maximises the worst local
 * improvement min_t g_t·d within a ball of radius c·‖g_0‖ around the mean gradient g_0; c = 0 is
 * the mean gradient, larger c moves towards MGDA. The dual over the simplex is solved in the JVM by
 * {@link CaGradSolver}, with the authors' rescaling options (none, 1/(1+c²), 1/(1+c)).
 */
public final class CaGrad implements GradientAggregator {
    private final GradientMode mode;
    private final double c;
    private final CaGradSolver.Rescale rescale;

    public CaGrad(GradientMode mode, double c, CaGradSolver.Rescale rescale) {
        if (!(c >= 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("cagrad c must be >= 0, got " + c);
        }
        this.mode = mode;
        this.c = c;
        this.rescale = rescale;
    }

    @Override
    public String name() {
        return "cagrad";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {}

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        return CaGradSolver.solve(gram, c, rescale).weights();
    }
}
