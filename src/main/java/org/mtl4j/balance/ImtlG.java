package org.mtl4j.balance;

import org.mtl4j.balance.solver.ImtlGSolver;

/**
 * IMTL-G, the gradient part of impartial multi-task learning: Liu et al., "Towards Impartial
 * Multi-task Learning", ICLR 2021, §3.1. The update Σ_t α_t·g_t (Σ_t α_t = 1) has equal projections
 * onto every unit task gradient, so no task is favoured by the magnitude of its gradient; solved in
 * closed form on the Gram matrix by {@link ImtlGSolver} (pseudo-inverse when the gradients are
 * linearly dependent).
 */
public final class ImtlG implements GradientAggregator {
    private final GradientMode mode;

    public ImtlG(GradientMode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return "imtl_g";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {}

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        return ImtlGSolver.solve(gram).weights();
    }
}
