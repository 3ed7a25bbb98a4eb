package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;

/**
 * MoCo, multi-objective gradient correction: Fernando et al., "Mitigating Gradient Bias in
 * Multi-objective Learning: A Provably Convergent Approach", ICLR 2023, Algorithm 1. Stochastic
 * MGDA is biased because the min-norm weights are computed from noisy gradients; MoCo instead
 * tracks each task's gradient, y_t ← y_t − β·(y_t − g_t), updates the weights by one projected
 * gradient step on the min-norm objective, λ ← Π_Δ(λ − γ·(YᵀY + ρI)·λ), and moves along Σ_t
 * λ_t·y_t. Tracked gradients start at the first gradient of each task.
 *
 * <p>Deviation: YᵀY is divided by its largest diagonal entry before the λ step, so that γ does not
 * depend on the scale of the gradients. Tasks absent from a batch keep their λ; the step is taken
 * on the present tasks' weights rescaled to the simplex. The reported weights are λ (over the
 * tracked gradients, not the current ones).
 *
 * <p>Parameters mode only: the tracked gradients must live in the same space at every step, which
 * the representation gradients (of different batch rows each step) do not.
 */
public final class MoCo implements GradientAggregator {
    private final double beta;
    private final double gamma;
    private final double rho;
    private final TaskState tracked = new TaskState();
    private double[] lambda;

    /**
     * @param beta tracking rate β ∈ (0, 1]
     * @param gamma step size γ &gt; 0 of the weight update
     * @param rho regularisation ρ ≥ 0
     */
    public MoCo(double beta, double gamma, double rho) {
        if (!(beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException("moco beta must be in (0, 1], got " + beta);
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("moco gamma must be > 0, got " + gamma);
        }
        if (!(rho >= 0) || Double.isInfinite(rho)) {
            throw new IllegalArgumentException("moco rho must be >= 0, got " + rho);
        }
        this.beta = beta;
        this.gamma = gamma;
        this.rho = rho;
    }

    @Override
    public String name() {
        return "moco";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.PARAMETERS;
    }

    @Override
    public void init(int taskCount, long seed) {
        lambda = new double[taskCount];
        Arrays.fill(lambda, 1.0 / taskCount);
    }

    @Override
    public List<NDArray> createLearnables(NDManager manager) {
        tracked.attach(manager);
        return List.of();
    }

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        throw new UnsupportedOperationException("moco works on tracked gradient vectors");
    }

    @Override
    public Direction combine(Gradients g) {
        NDArray m = g.matrix();
        NDManager s = m.getManager();
        int n = g.tasks().length;
        tracked.ensure(lambda.length, m.getShape().get(1));
        NDList ys = new NDList(n);
        for (int k = 0; k < n; k++) {
            int t = g.tasks()[k];
            NDArray gk = m.get(k);
            NDArray y;
            if (tracked.seen(t)) {
                NDArray old = tracked.get(t, s);
                y = old.sub(old.sub(gk).mul(org.mtl4j.train.Scalars.of(old, beta)));
            } else {
                y = gk;
            }
            tracked.set(t, y);
            ys.add(y);
        }
        NDArray yMat = NDArrays.stack(ys);
        float[] f = yMat.matMul(yMat.transpose()).toFloatArray();
        double max = 0;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, f[k * n + k]);
        }
        double scale = max > 0 ? 1 / max : 1;
        double[] lam = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            lam[k] = lambda[g.tasks()[k]];
            sum += lam[k];
        }
        for (int k = 0; k < n; k++) {
            lam[k] = sum > 0 ? lam[k] / sum : 1.0 / n;
        }
        double[] next = new double[n];
        for (int i = 0; i < n; i++) {
            double gi = rho * lam[i];
            for (int j = 0; j < n; j++) {
                gi += 0.5 * (f[i * n + j] + f[j * n + i]) * scale * lam[j];
            }
            next[i] = lam[i] - gamma * gi;
        }
        next = Simplex.project(next);
        for (int k = 0; k < n; k++) {
            lambda[g.tasks()[k]] = next[k] * (n == lambda.length ? 1 : sum);
        }
        return GradientAggregator.linear(yMat, next);
    }
}
