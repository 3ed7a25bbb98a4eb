package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.train.Scalars;

/**
 * DB-MTL, dual-balancing multi-task learning: Lin et al., "Dual-Balancing Multi-Task Learning",
 * 2023 (arXiv:2308.12029), §3. Loss-scale balancing: each task contributes the gradient of its
 * log-loss, ∇log L_t = g_t / L_t. Gradient-magnitude balancing: an exponential moving average ĝ_t ←
 * β_k·ĝ_t + (1 − β_k)·∇log L_t with β_k = β / k^σ at step k (starting from zero), and the update
 * Σ_t α_t·ĝ_t with α_t = max_s ‖ĝ_s‖ / ‖ĝ_t‖, so every task's averaged gradient enters with the
 * largest magnitude among them. The reported weight is α_t / L_t, the coefficient of the current
 * gradient g_t inside the average's newest term, up to (1 − β_k).
 *
 * <p>Parameters mode only: the moving averages must live in the same space at every step, which the
 * representation gradients (of different batch rows each step) do not. Losses are floored at 1e-8.
 *
 * <p>State ({@link #state()}): the step count k and the moving averages ĝ_t.
 */
public final class DualBalancing implements GradientAggregator {
    private final double beta;
    private final double sigma;
    private final TaskState average = new TaskState();
    private int tasks;
    private long step;

    /**
     * @param beta β ∈ [0, 1)
     * @param sigma σ ≥ 0, the decay of β_k with the step
     */
    public DualBalancing(double beta, double sigma) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("db_mtl beta must be in [0, 1), got " + beta);
        }
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("db_mtl sigma must be >= 0, got " + sigma);
        }
        this.beta = beta;
        this.sigma = sigma;
    }

    @Override
    public String name() {
        return "db_mtl";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.PARAMETERS;
    }

    @Override
    public void init(int taskCount, long seed) {
        tasks = taskCount;
        step = 0;
    }

    @Override
    public List<NDArray> createLearnables(NDManager manager) {
        average.attach(manager);
        return List.of();
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("step", step);
        average.save(s, "average");
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        long k = s.getLong("step");
        average.restore(s, "average", tasks);
        step = k;
    }

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        throw new UnsupportedOperationException("db_mtl works on averaged gradient vectors");
    }

    @Override
    public Direction combine(Gradients g) {
        NDArray m = g.matrix();
        NDManager s = m.getManager();
        int n = g.tasks().length;
        average.ensure(tasks, m.getShape().get(1));
        step++;
        double b = beta / Math.pow(step, sigma);
        NDList avg = new NDList(n);
        for (int k = 0; k < n; k++) {
            int t = g.tasks()[k];
            NDArray logGrad = m.get(k).div(Scalars.of(m, Math.max(g.losses()[k], 1e-8)));
            NDArray old = average.get(t, s);
            NDArray a = old.mul(Scalars.of(old, b)).add(logGrad.mul(Scalars.of(old, 1 - b)));
            average.set(t, a);
            avg.add(a);
        }
        NDArray mat = NDArrays.stack(avg);
        double[] norms = RowNorms.of(mat);
        double maxNorm = 0;
        for (double v : norms) {
            maxNorm = Math.max(maxNorm, v);
        }
        double[] alpha = new double[n];
        double[] reported = new double[n];
        for (int k = 0; k < n; k++) {
            double norm = norms[k];
            alpha[k] = norm > 0 ? maxNorm / norm : 0;
            reported[k] = alpha[k] / Math.max(g.losses()[k], 1e-8);
        }
        // Σ_k α_k·ĝ_k = maxNorm · Σ_k ĝ_k/‖ĝ_k‖, computed on unit rows so that no coefficient
        // overflows single precision when the norms differ by many orders of magnitude
        float[] inv = new float[n];
        for (int k = 0; k < n; k++) {
            inv[k] = norms[k] > 0 ? (float) (1 / norms[k]) : 0f;
        }
        NDArray unit = mat.mul(s.create(inv, new ai.djl.ndarray.types.Shape(n, 1)));
        NDArray direction = unit.sum(new int[] {0}).mul(Scalars.of(mat, maxNorm));
        return new Direction(direction, reported);
    }
}
