package org.mtl4j.balance;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.balance.solver.NashMtlSolver;

/**
 * Nash-MTL: Navon et al., "Multi-Task Learning as a Bargaining Game", ICML 2022. The update is the
 * Nash bargaining solution d = Σ_t α_t·g_t with Gᵀ G α = 1/α element-wise (their Eq. 4), so that
 * every task's utility g_t·d is inversely proportional to its weight; solved exactly in the JVM by
 * {@link NashMtlSolver} (the paper approximates it by a sequence of convex programs).
 *
 * <p>As in the authors' code, the weights can be recomputed only every {@code updateEvery} steps
 * (reused in between), and the norm of the combined shared gradient is capped at {@code maxNorm}
 * (their default 1.0; 0 turns it off). The cached weights belong to the set of tasks they were
 * solved for: a step whose present tasks differ (missing labels) solves afresh, since weights
 * solved for tasks {0, 1} say nothing about tasks {1, 2}. Unlike their code, the task heads receive
 * their plain gradients (mtl4j's rule for every gradient method), not α_t times them.
 *
 * <p>State ({@link #state()}): the number of calls so far, the last computed weights (null before
 * the first; one per task present at that step) and the tasks they were solved for.
 */
public final class NashMtl implements GradientAggregator {
    private final GradientMode mode;
    private final int updateEvery;
    private final double maxNorm;
    private double[] last;
    private int[] lastTasks;
    private long step;
    private int tasks;

    public NashMtl(GradientMode mode, int updateEvery, double maxNorm) {
        if (updateEvery < 1) {
            throw new IllegalArgumentException(
                    "nash_mtl update_every must be >= 1, got " + updateEvery);
        }
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException(
                    "nash_mtl max_norm must be >= 0 (0: no cap), got " + maxNorm);
        }
        this.mode = mode;
        this.updateEvery = updateEvery;
        this.maxNorm = maxNorm;
    }

    @Override
    public String name() {
        return "nash_mtl";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {
        tasks = taskCount;
        last = null;
        lastTasks = null;
        step = 0;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("last_weights", last == null ? null : last.clone());
        s.put("last_tasks", lastTasks == null ? null : lastTasks.clone());
        s.put("step", step);
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        double[] w = s.doubles("last_weights");
        if (w != null && (w.length < 1 || w.length > tasks)) {
            throw s.misfit(
                    "\"last_weights\" has "
                            + w.length
                            + " values where this run has "
                            + tasks
                            + " tasks (was the checkpoint written for another number of tasks?)");
        }
        long k = s.getLong("step");
        if (k < 0) {
            throw s.misfit("\"step\" is " + k);
        }
        int[] ts = null;
        if (s.has("last_tasks")) { // absent from checkpoints of earlier versions: solve afresh
            long[] saved = s.longs("last_tasks");
            ts = new int[saved.length];
            for (int i = 0; i < ts.length; i++) {
                if (saved[i] < 0 || saved[i] >= tasks) {
                    throw s.misfit("\"last_tasks\" holds task " + saved[i]);
                }
                ts[i] = (int) saved[i];
            }
        }
        last = w;
        lastTasks = w != null && ts != null && ts.length == w.length ? ts : null;
        step = k;
    }

    /** Without task indices (direct use): the rows are tasks 0..n-1. */
    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        int[] all = new int[gram.length];
        for (int k = 0; k < all.length; k++) {
            all[k] = k;
        }
        return coefficients(gram, all);
    }

    /**
     * The weights for the present tasks {@code present} (increasing task indices): the cached ones
     * when they were solved for the same tasks less than {@code updateEvery} steps ago.
     */
    private double[] coefficients(double[][] gram, int[] present) {
        if (last == null || !Arrays.equals(lastTasks, present) || step % updateEvery == 0) {
            last = NashMtlSolver.solve(gram).weights();
            lastTasks = present.clone();
        }
        step++;
        return NormCap.cap(last, gram, maxNorm);
    }

    @Override
    public Direction combine(Gradients g) {
        return GradientAggregator.linear(g.matrix(), coefficients(g.gram(), g.tasks()));
    }
}
