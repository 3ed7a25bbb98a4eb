package org.mtl4j.balance;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FAMO, fast adaptive multitask optimisation: Liu, Feng, Stone and Liu, "FAMO: Fast Adaptive
 * Multitask Optimization", NeurIPS 2023, Algorithm 1. Task weights z = softmax(ξ) over logits ξ;
 * the update follows Σ_t z_t·∇log L_t normalised, i.e. the loss gradient Σ_t w_t·∇L_t with w_t =
 * (z_t/L_t) / Σ_s (z_s/L_s) (the weights reported; they sum to 1, where equal weighting's sum to
 * T). After the update the same batch's losses L_t' are measured and the logits take one Adam step
 * (learning rate β; weight decay γ added to the logits' gradient) along the gradient Jᵀδ of the
 * softmax, δ_t = log L_t − log L_t': tasks whose loss fell faster lose weight, so all losses fall
 * at the same rate. This costs one forward pass without gradients per step, in training mode as in
 * the authors' code (so dropout is active, and batch norm, if the model has it, updates its running
 * statistics in that pass too).
 *
 * <p>L_t is floored at 1e-8 (the paper subtracts a known minimum loss, 0 for the losses mtl4j
 * uses). Tasks absent from a batch are left out of that step's weights and logit update.
 *
 * <p>State ({@link #state()}): the logits ξ, their Adam moments and Adam's step count.
 */
public final class Famo implements LossWeighting {
    private static final double FLOOR = 1e-8;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private final double lr;
    private final double decay;
    private double[] logits;
    private double[] m;
    private double[] v;
    private long step;

    /**
     * @param lr β, the logits' learning rate (paper: 0.025)
     * @param decay γ, the logits' weight decay (paper: 0.001)
     */
    public Famo(double lr, double decay) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("famo lr must be > 0, got " + lr);
        }
        if (!(decay >= 0) || Double.isInfinite(decay)) {
            throw new IllegalArgumentException("famo decay must be >= 0, got " + decay);
        }
        this.lr = lr;
        this.decay = decay;
    }

    @Override
    public String name() {
        return "famo";
    }

    @Override
    public void init(int taskCount, long seed) {
        logits = new double[taskCount];
        m = new double[taskCount];
        v = new double[taskCount];
        step = 0;
    }

    /** softmax(ξ) over the present tasks, 0 elsewhere. */
    double[] taskWeights(boolean[] present) {
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < logits.length; t++) {
            if (present[t]) {
                max = Math.max(max, logits[t]);
            }
        }
        double[] z = new double[logits.length];
        double sum = 0;
        for (int t = 0; t < z.length; t++) {
            if (present[t]) {
                z[t] = Math.exp(logits[t] - max);
                sum += z[t];
            }
        }
        for (int t = 0; t < z.length; t++) {
            z[t] = sum > 0 ? z[t] / sum : 0;
        }
        return z;
    }

    @Override
    public double[] weights(double[] losses, boolean[] present) {
        double[] z = taskWeights(present);
        double c = 0;
        for (int t = 0; t < z.length; t++) {
            if (present[t]) {
                c += z[t] / Math.max(losses[t], FLOOR);
            }
        }
        double[] w = new double[z.length];
        for (int t = 0; t < z.length; t++) {
            if (present[t] && c > 0) {
                w[t] = z[t] / (c * Math.max(losses[t], FLOOR));
            }
        }
        return w;
    }

    @Override
    public boolean needsLossAfterUpdate() {
        return true;
    }

    @Override
    public void afterUpdate(double[] before, double[] after) {
        boolean[] present = new boolean[logits.length];
        for (int t = 0; t < present.length; t++) {
            present[t] = Double.isFinite(before[t]) && Double.isFinite(after[t]);
        }
        double[] z = taskWeights(present);
        double[] delta = new double[logits.length];
        double mean = 0;
        for (int t = 0; t < delta.length; t++) {
            if (present[t]) {
                delta[t] =
                        Math.log(Math.max(before[t], FLOOR)) - Math.log(Math.max(after[t], FLOOR));
                mean += z[t] * delta[t];
            }
        }
        step++;
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (int t = 0; t < logits.length; t++) {
            if (!present[t]) {
                continue;
            }
            double g = z[t] * (delta[t] - mean) + decay * logits[t];
            m[t] = BETA1 * m[t] + (1 - BETA1) * g;
            v[t] = BETA2 * v[t] + (1 - BETA2) * g * g;
            logits[t] -= lr * (m[t] / c1) / (Math.sqrt(v[t] / c2) + EPS);
        }
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("logits", logits.clone());
        s.put("adam_m", m.clone());
        s.put("adam_v", v.clone());
        s.put("step", step);
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        int t = logits.length;
        double[] xi = s.doubles("logits", t);
        double[] mm = s.doubles("adam_m", t);
        double[] vv = s.doubles("adam_v", t);
        if (xi == null || mm == null || vv == null) {
            throw s.misfit("\"logits\", \"adam_m\" and \"adam_v\" must not be null");
        }
        long k = s.getLong("step");
        logits = xi;
        m = mm;
        v = vv;
        step = k;
    }

    /** The current logits ξ (a copy). */
    double[] logits() {
        return Arrays.copyOf(logits, logits.length);
    }
}
