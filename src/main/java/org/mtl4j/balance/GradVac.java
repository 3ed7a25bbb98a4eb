package org.mtl4j.balance;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.balance.solver.GradVacSolver;

/**
 * GradVac, gradient vaccine: Wang et al., "Gradient Vaccine: Investigating and Improving Multi-task
 * Optimization in Massively Multilingual Models", ICLR 2021. Like PCGrad, but every pair of task
 * gradients is steered towards a target cosine similarity φ̂_ij, an exponential moving average
 * (rate β) of the cosines observed during training, instead of only to orthogonality when they
 * conflict. Other tasks are visited in a random order drawn each step. Solved on the Gram matrix by
 * {@link GradVacSolver}; the targets persist across steps (a batch without some tasks updates only
 * the present pairs).
 *
 * <p>State ({@link #state()}): the T×T targets, row after row. The visiting orders of a step depend
 * only on the run seed and the step index ({@link #beginStep} re-creates the generator).
 */
public final class GradVac implements GradientAggregator {
    private final GradientMode mode;
    private final double beta;
    private GradVacSolver solver;
    private final StepRandom random = new StepRandom(0x47726156L);

    public GradVac(GradientMode mode, double beta) {
        if (!(beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException("gradvac beta must be in (0, 1], got " + beta);
        }
        this.mode = mode;
        this.beta = beta;
    }

    @Override
    public String name() {
        return "gradvac";
    }

    @Override
    public GradientMode mode() {
        return mode;
    }

    @Override
    public void init(int taskCount, long seed) {
        solver = new GradVacSolver(beta, new double[taskCount][taskCount]);
        random.init(seed);
    }

    @Override
    public void beginStep(long globalStep) {
        random.begin(globalStep);
    }

    @Override
    public Map<String, Object> state() {
        double[][] targets = solver.targets();
        int t = targets.length;
        double[] flat = new double[t * t];
        for (int i = 0; i < t; i++) {
            System.arraycopy(targets[i], 0, flat, i * t, t);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("targets", flat); // row after row
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        int t = solver.tasks();
        double[] flat = s.doubles("targets");
        if (flat == null) {
            throw s.misfit("\"targets\" is null");
        }
        if (flat.length != t * t) {
            long saved = Math.round(Math.sqrt(flat.length));
            throw s.misfit(
                    "\"targets\" has "
                            + flat.length
                            + " values"
                            + (saved * saved == flat.length ? " (" + saved + " tasks)" : "")
                            + " where this run has "
                            + t
                            + " tasks, "
                            + t * t
                            + " targets");
        }
        double[][] targets = new double[t][t];
        for (int i = 0; i < t; i++) {
            System.arraycopy(flat, i * t, targets[i], 0, t);
        }
        try {
            solver = new GradVacSolver(beta, targets);
        } catch (IllegalArgumentException e) {
            throw s.misfit(e.getMessage());
        }
    }

    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        return solver.step(gram, StepRandom.permutation(random.get(), gram.length)).weights();
    }

    @Override
    public Direction combine(Gradients g) {
        int n = g.tasks().length;
        int all = solver.tasks();
        if (n == all) {
            return GradientAggregator.linear(g.matrix(), coefficients(g.gram(), g.losses()));
        }
        // some tasks are absent: step on the present pairs' targets, then write them back
        double[][] full = solver.targets();
        double[][] sub = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sub[i][j] = full[g.tasks()[i]][g.tasks()[j]];
            }
        }
        GradVacSolver part = new GradVacSolver(beta, sub);
        double[] c = part.step(g.gram(), StepRandom.permutation(random.get(), n)).weights();
        double[][] updated = part.targets();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                full[g.tasks()[i]][g.tasks()[j]] = updated[i][j];
            }
        }
        solver = new GradVacSolver(beta, full);
        return GradientAggregator.linear(g.matrix(), c);
    }
}
