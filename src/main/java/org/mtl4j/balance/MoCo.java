package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MoCo, multi-objective gradient correction: Fernando et al., "Mitigating Gradient Bias in
 * Multi-objective Learning: A Provably Convergent Approach", ICLR 2023, Algorithm 1. Stochastic
 * MGDA is biased because the min-norm weights are computed from noisy gradients; MoCo instead
 * tracks each task's gradient, y_t ← y_t − β_k·(y_t − g_t), updates the weights by one projected
 * gradient step on the min-norm objective, λ ← Π_Δ(λ − γ_k·(YᵀY + ρI)·λ), and moves along Σ_t
 * λ_t·y_t. The step sizes decay with the step k as β_k = β/k^{σ_β} and γ_k = γ/k^{σ_γ} (the paper's
 * analysis uses decaying steps; the exponents 0.5 are those of the authors' code as released in
 * LibMTL). Tracked gradients start at the first gradient of each task.
 *
 * <p>Deviation: YᵀY is divided by its largest diagonal entry before the λ step, so that γ does not
 * depend on the scale of the gradients (the authors' code instead rescales every gradient to norm
 * L_t before tracking it). Tasks absent from a batch keep their λ; the step is taken on the present
 * tasks' weights rescaled to the simplex. The reported weights are λ (over the tracked gradients,
 * not the current ones).
 *
 * <p>Parameters mode only: the tracked gradients must live in the same space at every step, which
 * the representation gradients (of different batch rows each step) do not.
 *
 * <p>State ({@link #state()}): the step count k, the weights λ and the tracked gradients y_t.
 */
public final class MoCo implements GradientAggregator {
    private final double beta;
    private final double betaDecay;
    private final double gamma;
    private final double gammaDecay;
    private final double rho;
    private long step;
    private final TaskState tracked = new TaskState();
    private double[] lambda;

    /**
     * @param beta tracking rate β ∈ (0, 1]
     * @param betaDecay σ_β ≥ 0
     * @param gamma step size γ &gt; 0 of the weight update
     * @param gammaDecay σ_γ ≥ 0
     * @param rho regularisation ρ ≥ 0
     */
    public MoCo(double beta, double betaDecay, double gamma, double gammaDecay, double rho) {
        if (!(beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException("moco beta must be in (0, 1], got " + beta);
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("moco gamma must be > 0, got " + gamma);
        }
        if (!(rho >= 0) || Double.isInfinite(rho)) {
            throw new IllegalArgumentException("moco rho must be >= 0, got " + rho);
        }
        if (!(betaDecay >= 0 && betaDecay <= 10 && gammaDecay >= 0 && gammaDecay <= 10)) {
            throw new IllegalArgumentException(
                    "moco beta_sigma and gamma_sigma must be in [0, 10], got "
                            + betaDecay
                            + " and "
                            + gammaDecay);
        }
        this.beta = beta;
        this.betaDecay = betaDecay;
        this.gamma = gamma;
        this.gammaDecay = gammaDecay;
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
        step = 0;
    }

    @Override
    public List<NDArray> createLearnables(NDManager manager) {
        tracked.attach(manager);
        return List.of();
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("step", step);
        s.put("lambda", lambda.clone());
        tracked.save(s, "tracked");
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        double[] lam = s.doubles("lambda", lambda.length);
        if (lam == null) {
            throw s.misfit("\"lambda\" is null");
        }
        long k = s.getLong("step");
        tracked.restore(s, "tracked", lambda.length);
        lambda = lam;
        step = k;
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
        step++;
        double b = beta / Math.pow(step, betaDecay);
        double gk = gamma / Math.pow(step, gammaDecay);
        NDList ys = new NDList(n);
        for (int k = 0; k < n; k++) {
            int t = g.tasks()[k];
            NDArray gradK = m.get(k);
            NDArray y;
            if (tracked.seen(t)) {
                NDArray old = tracked.get(t, s);
                y = old.sub(old.sub(gradK).mul(org.mtl4j.train.Scalars.of(old, b)));
            } else {
                y = gradK;
            }
            tracked.set(t, y);
            ys.add(y);
        }
        NDArray yMat = NDArrays.stack(ys);
        // the Gram matrix is normalised below, so compute it on Y scaled by its largest entry
        NDArray yMax = yMat.abs().max();
        NDArray yScaled = yMat.div(yMax.add(org.mtl4j.train.Scalars.of(yMax, 1e-38)));
        float[] f = yScaled.matMul(yScaled.transpose()).toFloatArray();
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
            next[i] = lam[i] - gk * gi;
        }
        next = Simplex.project(next);
        // write back with the mass the present tasks had (all of it when every task is present);
        // a subset whose weights had all fallen to 0 gets its share 1/T per task back
        double mass = n == lambda.length ? 1 : sum > 0 ? sum : (double) n / lambda.length;
        for (int k = 0; k < n; k++) {
            lambda[g.tasks()[k]] = next[k] * mass;
        }
        return GradientAggregator.linear(yMat, next);
    }
}
