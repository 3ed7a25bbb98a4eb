package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.mtl4j.Mtl4jException;
import org.mtl4j.balance.solver.GradVacSolver;

/**
 * GradVac, gradient vaccine: Wang et al., "Gradient Vaccine: Investigating and Improving Multi-task
 * Optimization in Massively Multilingual Models", ICLR 2021, §3.2 and Algorithm 1. Like PCGrad, but
 * every pair of task gradients is steered towards a target cosine similarity φ̂_ij, an exponential
 * moving average (rate β) of the cosines observed during training, instead of only to orthogonality
 * when they conflict. As in the paper and LibMTL, every task visits the other tasks in its own
 * random order, drawn afresh at each step. Solved on Gram matrices by {@link GradVacSolver}; the
 * targets persist across steps (a batch without some tasks updates only the present pairs).
 *
 * <p>Granularity ({@code group}): {@code whole} keeps one target per pair for the whole shared
 * model; {@code layer} (parameters mode only) keeps one per pair and per layer of the shared
 * parameters (a layer's weight and bias together; the paper applies GradVac per layer group, LibMTL
 * offers the same as {@code GradVac_group_type=1}), and adjusts each layer's slice of the gradients
 * separately. The reported weight of a task is then its coefficient averaged over the layers,
 * weighted by their sizes.
 *
 * <p>State ({@link #state()}): the number of groups G, the G×T×T targets, group after group, row
 * after row, and whether a step has been taken (until then G may still change). The visiting orders
 * of a step depend only on the run seed and the step index ({@link #beginStep} re-creates the
 * generator).
 */
public final class GradVac implements GradientAggregator {
    private final GradientMode mode;
    private final double beta;
    private final boolean byLayer;
    private double[][][] targets;
    private boolean started;
    private final StepRandom random = new StepRandom(0x47726156L);

    public GradVac(GradientMode mode, double beta) {
        this(mode, beta, false);
    }

    /**
     * @param byLayer one target per pair and per layer of the shared parameters (parameters mode
     *     only), else one for the whole model
     */
    public GradVac(GradientMode mode, double beta, boolean byLayer) {
        if (!(beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException("gradvac beta must be in (0, 1], got " + beta);
        }
        if (byLayer && mode != GradientMode.PARAMETERS) {
            throw new IllegalArgumentException(
                    "gradvac group: layer needs mode: parameters (layers are groups of shared"
                            + " parameters); use group: whole in representation mode");
        }
        this.mode = mode;
        this.beta = beta;
        this.byLayer = byLayer;
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
        targets = new double[1][taskCount][taskCount];
        started = false;
        random.init(seed);
    }

    @Override
    public void beginStep(long globalStep) {
        random.begin(globalStep);
    }

    @Override
    public Map<String, Object> state() {
        int t = targets[0].length;
        double[] flat = new double[targets.length * t * t];
        for (int g = 0; g < targets.length; g++) {
            for (int i = 0; i < t; i++) {
                System.arraycopy(targets[g][i], 0, flat, (g * t + i) * t, t);
            }
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("groups", targets.length);
        s.put("targets", flat); // group after group, row after row
        s.put("started", started);
        return s;
    }

    @Override
    public void restoreState(BalancerState s) {
        int t = targets[0].length;
        double[] flat = s.doubles("targets");
        if (flat == null) {
            throw s.misfit("\"targets\" is null");
        }
        // checkpoints of earlier versions hold one group and no count
        long groups = s.has("groups") ? s.getLong("groups") : 1;
        if (groups < 1 || flat.length != groups * t * t) {
            long saved = Math.round(Math.sqrt((double) flat.length / Math.max(groups, 1)));
            throw s.misfit(
                    "\"targets\" has "
                            + flat.length
                            + " values"
                            + (saved * saved * groups == flat.length
                                    ? " (" + saved + " tasks, " + groups + " groups)"
                                    : "")
                            + " where this run has "
                            + t
                            + " tasks, "
                            + groups * t * t
                            + " targets");
        }
        double[][][] restored = new double[(int) groups][t][t];
        for (int g = 0; g < restored.length; g++) {
            for (int i = 0; i < t; i++) {
                System.arraycopy(flat, (g * t + i) * t, restored[g][i], 0, t);
                for (double v : restored[g][i]) {
                    if (!(v >= -1 && v <= 1)) {
                        throw s.misfit("a target is " + v + ", not in [-1, 1]");
                    }
                }
            }
        }
        targets = restored;
        started = s.has("started") ? s.getBoolean("started") : restored.length > 1 || nonZero();
    }

    private boolean nonZero() {
        for (double[][] g : targets) {
            for (double[] row : g) {
                for (double v : row) {
                    if (v != 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whole-model GradVac on a Gram matrix whose rows are tasks 0..n-1 (direct use). */
    @Override
    public double[] coefficients(double[][] gram, double[] losses) {
        int[] all = new int[gram.length];
        for (int k = 0; k < all.length; k++) {
            all[k] = k;
        }
        return stepGroup(0, gram, all, orders(gram.length));
    }

    /** One visiting order per present task, each a permutation of 0..n-1 (Algorithm 1, line 4). */
    private int[][] orders(int n) {
        SplittableRandom r = random.get();
        int[][] orders = new int[n][];
        for (int i = 0; i < n; i++) {
            orders[i] = StepRandom.permutation(r, n);
        }
        return orders;
    }

    /** Steps group {@code g}'s targets of the present tasks; returns their coefficients. */
    private double[] stepGroup(int g, double[][] gram, int[] tasks, int[][] orders) {
        int n = tasks.length;
        double[][] sub = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sub[i][j] = targets[g][tasks[i]][tasks[j]];
            }
        }
        GradVacSolver part = new GradVacSolver(beta, sub);
        double[] c = part.step(gram, orders).weights();
        double[][] updated = part.targets();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                targets[g][tasks[i]][tasks[j]] = updated[i][j];
            }
        }
        started = true;
        return c;
    }

    @Override
    public Direction combine(Gradients g) {
        int n = g.tasks().length;
        int[][] orders = orders(n);
        long[] layers = byLayer ? g.layers() : null;
        if (layers == null || layers.length <= 1) {
            ensureGroups(1);
            return GradientAggregator.linear(g.matrix(), stepGroup(0, g.gram(), g.tasks(), orders));
        }
        ensureGroups(layers.length);
        NDList parts = new NDList(layers.length);
        double[] weights = new double[n];
        long total = 0;
        for (long size : layers) {
            total += size;
        }
        long offset = 0;
        for (int l = 0; l < layers.length; l++) {
            NDArray slice = g.matrix().get(":, " + offset + ":" + (offset + layers[l]));
            double[] c = stepGroup(l, gram(slice, n), g.tasks(), orders);
            parts.add(GradientAggregator.linear(slice, c).direction());
            for (int k = 0; k < n; k++) {
                weights[k] += c[k] * layers[l] / total;
            }
            offset += layers[l];
        }
        return new Direction(NDArrays.concat(parts), weights);
    }

    private void ensureGroups(int count) {
        if (targets.length == count) {
            return;
        }
        if (started) {
            throw new Mtl4jException(
                    "gradvac: the saved targets are for "
                            + targets.length
                            + " parameter groups, but this model's shared parameters form "
                            + count
                            + " (was the checkpoint written for another model or group setting?)");
        }
        int t = targets[0].length;
        targets = new double[count][t][t];
    }

    /** The Gram matrix of the n rows of {@code slice}, in double precision, symmetrised. */
    private static double[][] gram(NDArray slice, int n) {
        NDArray d = slice.toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
        double[] f = d.matMul(d.transpose()).toDoubleArray();
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] = 0.5 * (f[i * n + j] + f[j * n + i]);
            }
        }
        return k;
    }
}
