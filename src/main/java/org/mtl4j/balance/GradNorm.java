package org.mtl4j.balance;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GradNorm: Chen, Badrinarayanan, Lee and Rabinovich, "GradNorm: Gradient Normalization for
 * Adaptive Loss Balancing in Deep Multitask Networks", ICML 2018, §3. Learnable task weights w_t
 * (starting at 1) scale the task gradients; with G_t = w_t·‖g_t‖, Ḡ their mean, the inverse
 * training rate r_t = (L_t/L_t(0)) / mean_s(L_s/L_s(0)) and the asymmetry α, the weights follow the
 * gradient of L_grad = Σ_t |G_t − Ḡ·r_t^α| (Eq. 2) with the targets Ḡ·r_t^α held constant, i.e.
 * ∂L_grad/∂w_t = sign(G_t − Ḡ r_t^α)·‖g_t‖, and are renormalised to Σ_t w_t = T over all T tasks
 * after every step (Algorithm 1). With missing labels only the tasks present in the batch take a
 * step (Ḡ and the mean rate are over them), but the renormalisation still covers every task, so the
 * sum stays T and an absent task's weight keeps its share. The update of the shared parameters is
 * Σ_t w_t·g_t with the weights before their own update.
 *
 * <p>The paper measures ‖g_t‖ on the last shared layer; here it is measured on the gradients of the
 * chosen mode: all shared parameters ({@link GradientMode#PARAMETERS}) or the shared representation
 * ({@link GradientMode#REPRESENTATION}, cheaper). The weights take multiplicative sign steps along
 * that gradient, w_t ← w_t·exp(−lr·sign(G_t − Ḡ r_t^α)), which keep them positive and make the step
 * size independent of the model's gradient scale (the paper instead trains w with the network's
 * optimiser). L_t(0) is each task's first observed loss.
 *
 * <p>State ({@link #state()}): the weights w_t and the initial losses L_t(0) (NaN until seen).
 */
public final class GradNorm implements GradientAggregator {
    private final GradientMode mode;
    private final double alpha;
    private final double lr;
    private double[] w;
    private double[] initialLoss;

    /**
     * @param alpha the asymmetry α ≥ 0 (paper: 1.5 on NYUv2; 0 forces equal gradient norms)
     * @param lr relative step of the weights' sign updates (&gt; 0; mtl4j's default 0.01)
     */
    public GradNorm(GradientMode mode, double alpha, double lr) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("gradnorm alpha must be >= 0, got " + alpha);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("gradnorm lr must be > 0, got " + lr);
        }
        this.mode = mode;
        this.alpha = alpha;
        this.lr = lr;
    }

    @Override
    public String name() {
        return "gradnorm";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {
        w = new double[taskCount];
        Arrays.fill(w, 1.0);
        initialLoss = new double[taskCount];
        Arrays.fill(initialLoss, Double.NaN);
    }

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        // without task indices (direct use): the rows are tasks 0..n-1
        int[] idx = new int[gram.length];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = k;
        }
        return coefficients(gram, losses, idx);
    }

    /** The coefficients for the present tasks {@code tasks}, then one step on the weights. */
    double[] coefficients(double[][] gram, double[] losses, int[] tasks) {
        int n = gram.length;
        double[] c = new double[n];
        double[] norm = new double[n];
        double[] ratio = new double[n];
        double meanG = 0;
        double meanRatio = 0;
        for (int k = 0; k < n; k++) {
            int t = tasks[k];
            c[k] = w[t];
            norm[k] = Math.sqrt(Math.max(gram[k][k], 0));
            if (Double.isNaN(initialLoss[t]) && losses[k] > 0 && Double.isFinite(losses[k])) {
                initialLoss[t] = losses[k];
            }
            ratio[k] = initialLoss[t] > 0 ? losses[k] / initialLoss[t] : 1.0;
            meanG += w[t] * norm[k] / n;
            meanRatio += ratio[k] / n;
        }
        if (n > 1 && meanG > 0 && meanRatio > 0) {
            double[] next = w.clone();
            for (int k = 0; k < n; k++) {
                int t = tasks[k];
                double target = meanG * Math.pow(ratio[k] / meanRatio, alpha);
                // multiplicative sign step on dL_grad/dw_t = sign(G_t - target_t)·|g_t|
                next[t] = w[t] * Math.exp(-lr * Math.signum(w[t] * norm[k] - target));
            }
            // Σ_t w_t = T over all tasks (the paper's renormalisation), absent ones included
            double sum = 0;
            for (double v : next) {
                sum += v;
            }
            for (int t = 0; t < w.length; t++) {
                w[t] = next[t] * w.length / sum;
            }
        }
        return c;
    }

    @Override
    public Direction combine(Gradients g) {
        return GradientAggregator.linear(g.matrix(), coefficients(g.gram(), g.losses(), g.tasks()));
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("weights", w.clone());
        s.put("initial_loss", initialLoss.clone());
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        double[] ww = s.doubles("weights", w.length);
        double[] l0 = s.doubles("initial_loss", w.length);
        if (ww == null || l0 == null) {
            throw s.misfit("\"weights\" and \"initial_loss\" must not be null");
        }
        w = ww;
        initialLoss = l0;
    }

    /** The current task weights (a copy). */
    double[] weights() {
        return w.clone();
    }
}
