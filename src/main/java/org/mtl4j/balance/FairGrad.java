package org.mtl4j.balance;

import org.mtl4j.balance.solver.FairGradSolver;

/**
 * FairGrad: Ban and Ji, "Fair Resource Allocation in Multi-Task Learning", ICML 2024. The update d
 * = Σ_t w_t·g_t allocates the shared improvement α-fairly among the tasks: the weights solve Gᵀ G w
 * = w^{−1/α} element-wise (α = 1 is Nash-MTL's bargaining solution, α → ∞ approaches max-min
 * fairness); solved exactly in the JVM by {@link FairGradSolver}. As in the authors' code the norm
 * of the combined shared gradient is capped at {@code maxNorm} (0 turns it off).
 */
public final class FairGrad implements GradientAggregator {
    private final GradientMode mode;
    private final double alpha;
    private final double maxNorm;

    public FairGrad(GradientMode mode, double alpha, double maxNorm) {
        if (!(alpha >= FairGradSolver.MIN_ALPHA && alpha <= FairGradSolver.MAX_ALPHA)) {
            throw new IllegalArgumentException(
                    "fairgrad alpha must be in ["
                            + FairGradSolver.MIN_ALPHA
                            + ", "
                            + FairGradSolver.MAX_ALPHA
                            + "], got "
                            + alpha);
        }
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException(
                    "fairgrad max_norm must be >= 0 (0: no cap), got " + maxNorm);
        }
        this.mode = mode;
        this.alpha = alpha;
        this.maxNorm = maxNorm;
    }

    @Override
    public String name() {
        return "fairgrad";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {}

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        return NormCap.cap(FairGradSolver.solve(gram, alpha).weights(), gram, maxNorm);
    }
}
