package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.train.Scalars;

/**
 * Smooth Tchebycheff scalarisation (STCH): Lin et al., "Smooth Tchebycheff Scalarization for
 * Multi-Objective Optimization", ICML 2024, Eq. 7: g_μ(x) = μ·log Σ_t exp((f_t(x) − z_t)/μ), a
 * smooth upper bound of the Tchebycheff scalarisation max_t (f_t − z_t) that tends to it as μ → 0
 * and to the mean (plus a constant) as μ grows, so the update concentrates on the worst-off task.
 *
 * <p>Task losses of different scales are put on a common one as in the paper's multi-task
 * experiments: f_t − z_t = log(L_t / r_t), where r_t is the task's reference loss from the first
 * {@code warmupEpochs} epochs, which minimise Σ_t log L_t (with no warm-up, r_t = 1). By default
 * ({@link Reference#WARMUP_MEAN}) r_t is the mean of the task's epoch-mean training losses over all
 * warm-up epochs, as the paper describes; {@link Reference#LAST_WARMUP_EPOCH} uses the last warm-up
 * epoch's mean training loss only, as the authors' code (STCH_MTL, which averages the batch losses
 * of its final warm-up epoch). The objective is multiplied by the number of tasks present so its
 * scale matches equal weighting. The weight reported for a task is the coefficient of ∇L_t in the
 * update, T·softmax_t(f/μ)/L_t.
 *
 * <p>State ({@link #state()}): the number of epochs done, the references r_t, and the sum and count
 * of each task's warm-up epoch losses.
 */
public final class SmoothTchebycheff implements LossWeighting {
    private static final double FLOOR = 1e-12;
    private final double mu;
    private final int warmupEpochs;
    private final Reference mode;
    private int tasks;
    private int epochsDone;
    private double[] reference;
    private double[] warmupSum;
    private double[] warmupCount;

    /** Which warm-up losses make the references r_t. */
    public enum Reference {
        /** The mean over all warm-up epochs of each epoch's mean training loss (the paper). */
        WARMUP_MEAN("warmup_mean"),
        /** The last warm-up epoch's mean training loss (the authors' code). */
        LAST_WARMUP_EPOCH("last_warmup_epoch");

        private final String configName;

        Reference(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        /** The reference for a config name, or null. */
        public static Reference parse(String s) {
            for (Reference r : values()) {
                if (r.configName.equals(s)) {
                    return r;
                }
            }
            return null;
        }
    }

    /** With references averaged over all warm-up epochs ({@link Reference#WARMUP_MEAN}). */
    public SmoothTchebycheff(double mu, int warmupEpochs) {
        this(mu, warmupEpochs, Reference.WARMUP_MEAN);
    }

    /**
     * @param mu the smoothing parameter μ &gt; 0
     * @param warmupEpochs epochs minimising Σ log L_t that fix the loss references r_t (≥ 0; the
     *     authors use 4)
     * @param mode which warm-up losses make the references
     */
    public SmoothTchebycheff(double mu, int warmupEpochs, Reference mode) {
        if (!(mu > 0) || Double.isInfinite(mu)) {
            throw new IllegalArgumentException("stch mu must be > 0, got " + mu);
        }
        if (warmupEpochs < 0) {
            throw new IllegalArgumentException(
                    "stch warmup_epochs must be >= 0, got " + warmupEpochs);
        }
        this.mu = mu;
        this.warmupEpochs = warmupEpochs;
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
    }

    @Override
    public String name() {
        return "stch";
    }

    @Override
    public void init(int taskCount, long seed) {
        tasks = taskCount;
        epochsDone = 0;
        reference = new double[tasks];
        Arrays.fill(reference, 1.0);
        warmupSum = new double[tasks];
        warmupCount = new double[tasks];
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("epochs_done", epochsDone);
        s.put("reference", reference.clone());
        s.put("warmup_sum", warmupSum.clone());
        s.put("warmup_count", warmupCount.clone());
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        double[] r = s.doubles("reference", tasks);
        long e = s.getLong("epochs_done");
        if (r == null) {
            throw s.misfit("\"reference\" is null");
        }
        if (e < 0 || e > Integer.MAX_VALUE) {
            throw s.misfit("\"epochs_done\" is " + e);
        }
        epochsDone = (int) e;
        reference = r;
        // checkpoints of earlier versions have no sums: the mean restarts from the next epoch
        double[] sum = s.has("warmup_sum") ? s.doubles("warmup_sum", tasks) : null;
        double[] count = s.has("warmup_count") ? s.doubles("warmup_count", tasks) : null;
        warmupSum = sum == null ? new double[tasks] : sum;
        warmupCount = count == null ? new double[tasks] : count;
    }

    private boolean warmingUp() {
        return epochsDone < warmupEpochs;
    }

    @Override
    public void onEpochEnd(int epoch, double[] meanTrainLosses) {
        if (warmingUp()) {
            for (int t = 0; t < tasks; t++) {
                double l = meanTrainLosses[t];
                if (Double.isFinite(l) && l > FLOOR) {
                    warmupSum[t] += l;
                    warmupCount[t]++;
                    reference[t] =
                            mode == Reference.WARMUP_MEAN ? warmupSum[t] / warmupCount[t] : l;
                }
            }
        }
        epochsDone++;
    }

    @Override
    public double[] weights(double[] losses, boolean[] present) {
        double[] w = new double[losses.length];
        int n = 0;
        for (boolean p : present) {
            n += p ? 1 : 0;
        }
        if (warmingUp()) {
            for (int t = 0; t < w.length; t++) {
                w[t] = present[t] ? 1 / Math.max(losses[t], FLOOR) : 0;
            }
            return w;
        }
        double max = Double.NEGATIVE_INFINITY;
        double[] f = new double[losses.length];
        for (int t = 0; t < f.length; t++) {
            if (present[t]) {
                f[t] = Math.log(Math.max(losses[t], FLOOR) / reference[t]) / mu;
                max = Math.max(max, f[t]);
            }
        }
        double sum = 0;
        for (int t = 0; t < f.length; t++) {
            if (present[t]) {
                sum += Math.exp(f[t] - max);
            }
        }
        for (int t = 0; t < f.length; t++) {
            if (present[t]) {
                w[t] = n * Math.exp(f[t] - max) / sum / Math.max(losses[t], FLOOR);
            }
        }
        return w;
    }

    @Override
    public Combined combine(NDArray[] losses, double[] lossValues, boolean[] present) {
        if (warmingUp()) {
            NDArray total = null;
            for (int t = 0; t < losses.length; t++) {
                if (present[t]) {
                    NDArray l = losses[t].maximum(Scalars.of(losses[t], FLOOR)).log();
                    total = total == null ? l : total.add(l);
                }
            }
            return new Combined(total, weights(lossValues, present));
        }
        // log-sum-exp shifted by the largest term (a constant: it does not change the gradient)
        double max = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (int t = 0; t < losses.length; t++) {
            if (present[t]) {
                n++;
                max = Math.max(max, Math.log(Math.max(lossValues[t], FLOOR) / reference[t]) / mu);
            }
        }
        NDArray sum = null;
        for (int t = 0; t < losses.length; t++) {
            if (!present[t]) {
                continue;
            }
            NDArray f =
                    losses[t]
                            .maximum(Scalars.of(losses[t], FLOOR))
                            .div(Scalars.of(losses[t], reference[t]))
                            .log()
                            .div(Scalars.of(losses[t], mu))
                            .sub(Scalars.of(losses[t], max))
                            .exp();
            sum = sum == null ? f : sum.add(f);
        }
        if (sum == null) {
            return new Combined(null, new double[losses.length]);
        }
        NDArray total = sum.log().add(Scalars.of(sum, max)).mul(Scalars.of(sum, mu * n));
        return new Combined(total, weights(lossValues, present));
    }
}
