package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.train.Scalars;

/**
 * ExcessMTL: He et al., "Robust Multi-Task Learning with Excess Risks", ICML 2024. Tasks are
 * weighted by their <em>excess</em> risk (the distance of their loss from its optimum), not by the
 * loss itself, so a task with noisy labels and a high irreducible loss does not take over. The
 * excess risk of task t is estimated by the second-order approximation ½·g_tᵀ H_t⁻¹ g_t with a
 * diagonal H_t from the task's accumulated squared gradients (as in AdaGrad: H_t = √(Σ_k g_t,k²) +
 * ε), and the weights follow exponentiated gradient ascent, w_t ← w_t·exp(η·e_t) for the tasks
 * present in the batch, then all T weights are renormalised to Σ_t w_t = T (absent tasks included,
 * so their weights keep their share); the update is Σ_t w_t·g_t over the present tasks.
 *
 * <p>As in the authors' code, e_t is divided by its value at the task's first step, so η does not
 * depend on the scale of each task's gradients. Parameters mode only: the accumulated squares must
 * live in the same space at every step, which the representation gradients (of different batch rows
 * each step) do not.
 *
 * <p>State ({@link #state()}): the weights w_t, the first excess risks (NaN until measured) and the
 * accumulated squared gradients.
 */
public final class ExcessRisk implements GradientAggregator {
    private static final double EPS = 1e-8;
    private final double stepSize;
    private final TaskState squares = new TaskState();
    private double[] w;
    private double[] firstExcess;

    /**
     * @param stepSize η &gt; 0
     */
    public ExcessRisk(double stepSize) {
        if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
            throw new IllegalArgumentException("excess_mtl step_size must be > 0, got " + stepSize);
        }
        this.stepSize = stepSize;
    }

    @Override
    public String name() {
        return "excess_mtl";
    }

    @Override
    public GradientMode mode() {
        return GradientMode.PARAMETERS;
    }

    @Override
    public void init(int taskCount, long seed) {
        w = new double[taskCount];
        Arrays.fill(w, 1.0);
        firstExcess = new double[taskCount];
        Arrays.fill(firstExcess, Double.NaN);
    }

    @Override
    public List<NDArray> createLearnables(NDManager manager) {
        squares.attach(manager);
        return List.of();
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("weights", w.clone());
        s.put("first_excess", firstExcess.clone());
        squares.save(s, "squares");
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        double[] ww = s.doubles("weights", w.length);
        double[] first = s.doubles("first_excess", w.length);
        if (ww == null || first == null) {
            throw s.misfit("\"weights\" and \"first_excess\" must not be null");
        }
        squares.restore(s, "squares", w.length);
        w = ww;
        firstExcess = first;
    }

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        throw new UnsupportedOperationException("excess_mtl works on gradient vectors");
    }

    @Override
    public Direction combine(Gradients g) {
        NDArray m = g.matrix();
        NDManager s = m.getManager();
        int n = g.tasks().length;
        squares.ensure(w.length, m.getShape().get(1));
        double[] c = new double[n];
        for (int k = 0; k < n; k++) {
            int t = g.tasks()[k];
            NDArray gk = m.get(k);
            NDArray sq = gk.square();
            NDArray acc = squares.get(t, s).add(sq);
            squares.set(t, acc);
            double excess = 0.5 * sq.div(acc.sqrt().add(Scalars.of(acc, EPS))).sum().getFloat();
            if (Double.isNaN(firstExcess[t]) && excess > 0 && Double.isFinite(excess)) {
                firstExcess[t] = excess;
            }
            double r = firstExcess[t] > 0 ? excess / firstExcess[t] : 0;
            if (Double.isFinite(r)) {
                w[t] *= Math.exp(Math.min(stepSize * r, 50));
            }
        }
        double total = 0;
        for (double v : w) {
            total += v;
        }
        for (int t = 0; t < w.length; t++) {
            // Σ_t w_t = T over all tasks, absent ones included (as the authors' code)
            w[t] = total > 0 && Double.isFinite(total) ? w[t] * w.length / total : 1;
        }
        for (int k = 0; k < n; k++) {
            c[k] = w[g.tasks()[k]];
        }
        return GradientAggregator.linear(m, c);
    }
}
