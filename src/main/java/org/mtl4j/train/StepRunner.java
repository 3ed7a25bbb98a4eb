package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.balance.Balancer;
import org.mtl4j.balance.GradientAggregator;
import org.mtl4j.balance.GradientMode;
import org.mtl4j.balance.LossWeighting;
import org.mtl4j.data.Dataset;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.task.Task;

/**
 * One training step: forward once, masked per-task losses, the balancer's update direction,
 * global-norm clipping, and the optimiser update. Everything the step creates lives in a per-step
 * manager closed at the end, so memory stays flat.
 */
final class StepRunner {
    /**
     * What a step reports: per-task loss (NaN where absent) and weight (or coefficient), and, on a
     * diagnosed step, the Gram matrix of the present tasks' gradients on the shared parameters.
     */
    record Result(
            double[] losses, double[] weights, int rows, Diagnosed diagnosed, String skipped) {
        Result(double[] losses, double[] weights, int rows) {
            this(losses, weights, rows, null, null);
        }
    }

    /** A step whose loss or gradient is not finite; the message names the task. */
    static final class NonFiniteStep extends Mtl4jException {
        NonFiniteStep(String message) {
            super(message);
        }
    }

    private TrainerSpec.NonFinite onNonFinite = TrainerSpec.NonFinite.STOP;

    /** What a step with a non-finite loss or gradient does (default: stop). */
    void onNonFinite(TrainerSpec.NonFinite policy) {
        this.onNonFinite = policy;
    }

    /**
     * Gradient diagnostics of one step: Gram matrix of the per-task gradients on the shared
     * parameters, for the tasks {@code tasks} (indices into the model's tasks), and the extra time
     * the diagnosis cost.
     */
    record Diagnosed(int[] tasks, double[][] gram, long nanos) {}

    private final MultiTaskModel model;
    private final Balancer balancer;
    private final ParamOptimizer optimizer;
    private final double clipNorm;
    private final List<Task> tasks;
    private final List<NamedParam> shared = new ArrayList<>();
    private final List<List<NamedParam>> heads = new ArrayList<>();
    private final List<NamedParam> learnables = new ArrayList<>();

    private record NamedParam(String name, NDArray array) {}

    /** Lengths of the stretches of the flattened shared gradient that form one layer each. */
    private final long[] layers;

    /**
     * Consecutive shared parameters whose names differ only after their last {@code _} (a block's
     * {@code _weight} and {@code _bias}) form one layer.
     */
    private static long[] layerLengths(List<NamedParam> params) {
        List<Long> out = new ArrayList<>();
        String previous = null;
        for (NamedParam p : params) {
            String name = p.name() == null ? "" : p.name();
            int cut = name.lastIndexOf('_');
            String layer = cut < 0 ? name : name.substring(0, cut);
            long n = p.array().getShape().size();
            if (layer.equals(previous)) {
                out.set(out.size() - 1, out.get(out.size() - 1) + n);
            } else {
                out.add(n);
            }
            previous = layer;
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Soft parameter sharing: corresponding parameters of the encoder copies, and λ. */
    private final List<List<NDArray>> copyGroups = new ArrayList<>();

    private double softPenalty;

    /**
     * Accumulated wall time, in nanoseconds, of the parts of the steps run while it is attached
     * (see {@link #timeWith}). The engine runs CPU operators synchronously, so wall time between
     * two calls is the time of the operators issued between them.
     */
    static final class Times {
        long data;
        long forward;
        long backward;
        long balancer;
        long optimizer;
        long release;
        long steps;
    }

    private Times times;
    private long mark;
    private boolean diagnose;
    private Diagnosed diagnosed;

    /** Accumulate part timings into {@code t} from now on (null to stop). */
    void timeWith(Times t) {
        this.times = t;
    }

    /** Nanoseconds since the previous lap (0 when not timing). */
    private long lap() {
        if (times == null) {
            return 0;
        }
        long now = System.nanoTime();
        long d = now - mark;
        mark = now;
        return d;
    }

    StepRunner(
            MultiTaskModel model,
            Balancer balancer,
            ParamOptimizer optimizer,
            double clipNorm,
            List<NDArray> balancerArrays) {
        this.model = model;
        this.balancer = balancer;
        this.optimizer = optimizer;
        this.clipNorm = clipNorm;
        this.tasks = model.tasks();
        Map<Parameter, String> names = new IdentityHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            names.put(p.getValue(), p.getKey());
        }
        for (Parameter p : model.sharedParameters()) {
            shared.add(new NamedParam(names.get(p), p.getArray()));
        }
        for (int t = 0; t < tasks.size(); t++) {
            List<NamedParam> h = new ArrayList<>();
            for (Parameter p : model.taskParameters(t)) {
                h.add(new NamedParam(names.get(p), p.getArray()));
            }
            heads.add(h);
        }
        layers = layerLengths(shared);
        for (int i = 0; i < balancerArrays.size(); i++) {
            learnables.add(new NamedParam("balancer_" + i, balancerArrays.get(i)));
        }
        if (model.spec().architecture() instanceof org.mtl4j.model.Architecture.SoftSharing soft) {
            softPenalty = soft.penalty();
            // copy t lives in head t; corresponding parameters have the same name after copy_<t>_
            Map<String, List<NDArray>> groups = new java.util.LinkedHashMap<>();
            for (List<NamedParam> h : heads) {
                for (NamedParam p : h) {
                    if (p.name().matches(".*copy_\\d+_.*")) {
                        String key = p.name().replaceFirst(".*copy_\\d+_", "");
                        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p.array());
                    }
                }
            }
            for (List<NDArray> g : groups.values()) {
                if (g.size() > 1) {
                    copyGroups.add(g);
                }
            }
        }
    }

    Result run(NDManager base, Dataset batch, double lr, long globalStep) {
        return run(base, batch, lr, globalStep, false);
    }

    /**
     * One step; with {@code diagnose}, also the Gram matrix of the per-task gradients on the shared
     * parameters (free for gradient methods in parameters mode, one extra backward pass per task
     * otherwise). The update is the same with or without diagnosis.
     */
    Result run(NDManager base, Dataset batch, double lr, long globalStep, boolean diagnose) {
        lap();
        this.diagnose = diagnose && !shared.isEmpty();
        this.diagnosed = null;
        Result r;
        try {
            r = step(base, batch, lr, globalStep);
        } catch (NonFiniteStep e) {
            zeroAllGrads();
            if (onNonFinite == TrainerSpec.NonFinite.STOP) {
                throw e;
            }
            double[] nan = new double[tasks.size()];
            java.util.Arrays.fill(nan, Double.NaN);
            r = new Result(nan, new double[tasks.size()], batch.rows(), null, e.getMessage());
            diagnosed = null;
        }
        if (diagnosed != null) {
            r = new Result(r.losses(), r.weights(), r.rows(), diagnosed, null);
        }
        if (times != null) {
            times.release += lap();
            times.steps++;
        }
        return r;
    }

    private Result step(NDManager base, Dataset batch, double lr, long globalStep) {
        try (NDManager s = base.newSubManager()) {
            BatchArrays b = BatchArrays.of(s, batch, tasks);
            if (times != null) {
                times.data += lap();
            }
            int t = tasks.size();
            double[] lossValues = new double[t];
            boolean[] present = new boolean[t];
            double[] weights = new double[t];
            Map<NDArray, NDArray> override = new IdentityHashMap<>();
            Autograd.setRecording(true);
            try {
                ParameterStore ps = new ParameterStore(s, false);
                NDArray z = model.encode(ps, b.inputs, true);
                boolean rep =
                        balancer instanceof GradientAggregator g
                                && g.mode() == GradientMode.REPRESENTATION;
                NDArray headInput = z;
                if (rep) {
                    headInput = z.stopGradient();
                    headInput.setRequiresGradient(true);
                }
                NDArray[] losses = new NDArray[t];
                NDArray[] outs = new NDArray[t];
                for (int i = 0; i < t; i++) {
                    if (b.observed[i] > 0) {
                        outs[i] = model.head(i, ps, headInput, true);
                    }
                }
                org.mtl4j.model.Architecture arch = model.spec().architecture();
                // architecture terms (AITM's calibrator): back-propagated with weight 1, outside
                // the task losses the balancer sees
                NDArray extra = null;
                for (int i = 0; i < t; i++) {
                    lossValues[i] = Double.NaN;
                    if (b.observed[i] == 0) {
                        continue;
                    }
                    losses[i] =
                            Losses.masked(
                                    tasks.get(i), outs[i], b.labels[i], b.masks[i], b.observed[i]);
                    NDArray e = arch.extraLoss(i, outs, b.masks[i], b.observed[i]);
                    if (e != null) {
                        extra = extra == null ? e : extra.add(e);
                    }
                    lossValues[i] = losses[i].getFloat();
                    present[i] = true;
                }
                if (!anyPresent(present)) {
                    // no labelled row for any task: nothing to learn from, so no optimiser call
                    // (Adam's moments and weight decay would still move the weights)
                    return new Result(lossValues, weights, b.rows);
                }
                for (int i = 0; i < t; i++) {
                    if (present[i] && !Double.isFinite(lossValues[i])) {
                        throw new NonFiniteStep(
                                nonFinite(tasks.get(i).name(), lossValues[i], globalStep, lr));
                    }
                }
                if (times != null) {
                    times.forward += lap();
                }
                if (balancer instanceof LossWeighting lw) {
                    LossWeighting.Combined c = lw.combine(losses, lossValues, present);
                    if (c.loss() == null) {
                        return new Result(lossValues, weights, b.rows);
                    }
                    if (times != null) {
                        times.balancer += lap();
                    }
                    if (diagnose) {
                        diagnoseLosses(s, losses, present);
                    }
                    Autograd.backward(extra == null ? c.loss() : c.loss().add(extra), false);
                    if (times != null) {
                        times.backward += lap();
                    }
                    weights = c.weights().clone();
                    for (int i = 0; i < t; i++) {
                        if (!present[i]) {
                            weights[i] = 0; // absent from the batch: no part in this update
                        }
                    }
                } else {
                    weights =
                            aggregate(
                                    s,
                                    (GradientAggregator) balancer,
                                    rep,
                                    z,
                                    headInput,
                                    losses,
                                    extra,
                                    lossValues,
                                    present,
                                    override);
                }
            } finally {
                Autograd.setRecording(false);
            }
            if (times != null) {
                times.balancer += lap();
            }
            applyUpdate(s, present, override, lr, globalStep);
            if (times != null) {
                times.optimizer += lap();
            }
            if (balancer.needsLossAfterUpdate()) {
                balancer.afterUpdate(lossValues, lossesAfterUpdate(s, b, present));
                if (times != null) {
                    times.balancer += lap();
                }
            }
            return new Result(lossValues, weights, b.rows);
        }
    }

    private static boolean anyPresent(boolean[] present) {
        for (boolean p : present) {
            if (p) {
                return true;
            }
        }
        return false;
    }

    /**
     * The batch's losses with the updated parameters, without gradients, in training mode (as the
     * methods that ask for them measure progress: dropout active, batch statistics).
     */
    private double[] lossesAfterUpdate(NDManager s, BatchArrays b, boolean[] present) {
        double[] after = new double[tasks.size()];
        java.util.Arrays.fill(after, Double.NaN);
        ParameterStore ps = new ParameterStore(s, false);
        NDArray z = model.encode(ps, b.inputs, true);
        NDArray[] outs = new NDArray[tasks.size()];
        for (int i = 0; i < tasks.size(); i++) {
            if (present[i]) {
                outs[i] = model.head(i, ps, z, true);
            }
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (present[i]) {
                after[i] =
                        Losses.masked(tasks.get(i), outs[i], b.labels[i], b.masks[i], b.observed[i])
                                .getFloat();
            }
        }
        return after;
    }

    private String nonFinite(String task, double loss, long globalStep, double lr) {
        String where = "task \"" + task + "\": loss is " + loss + " at step " + (globalStep + 1);
        if (globalStep == 0) {
            return where
                    + ", before any update: the labels or features hold values too large for"
                    + " the loss (check their scales and units)";
        }
        return where
                + " (learning rate "
                + lr
                + "): lower trainer.lr"
                + (clipNorm > 0 ? "" : ", set trainer.clip_norm (e.g. 1.0)")
                + ", or check the label and feature scales";
    }

    private double[] aggregate(
            NDManager s,
            GradientAggregator agg,
            boolean rep,
            NDArray z,
            NDArray zd,
            NDArray[] losses,
            NDArray extra,
            double[] lossValues,
            boolean[] present,
            Map<NDArray, NDArray> override) {
        int t = tasks.size();
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            if (present[i]) {
                idx.add(i);
            }
        }
        double[] weights = new double[t];
        if (idx.isEmpty()) {
            return weights;
        }
        // the architecture's extra term first (graph kept): its gradient reaches the heads as it
        // is, and is added with weight 1 to the combined shared direction
        NDArray extraDirection = null;
        if (extra != null) {
            Autograd.backward(extra, true);
            if (rep) {
                NDArray g = zd.getGradient();
                g.attach(s);
                extraDirection = g.reshape(-1).duplicate();
                Autograd.zeroGrad(zd);
            } else if (!shared.isEmpty()) {
                extraDirection = flattenSharedGrads(s);
            }
        }
        if (shared.isEmpty()) {
            // nothing shared to balance (e.g. soft sharing over numeric features only): every
            // task's gradient reaches only its own head
            for (int k = 0; k < idx.size(); k++) {
                Autograd.backward(losses[idx.get(k)], k < idx.size() - 1);
                weights[idx.get(k)] = 1;
            }
            return weights;
        }
        NDList rows = new NDList(idx.size());
        for (int k = 0; k < idx.size(); k++) {
            NDArray loss = losses[idx.get(k)];
            if (times != null) {
                times.balancer += lap();
            }
            Autograd.backward(loss, rep || k < idx.size() - 1);
            if (times != null) {
                times.backward += lap();
            }
            if (rep) {
                NDArray g = zd.getGradient();
                g.attach(s);
                rows.add(g.reshape(-1).duplicate());
                Autograd.zeroGrad(zd);
            } else {
                rows.add(flattenSharedGrads(s));
            }
        }
        NDArray g = NDArrays.stack(rows);
        // in double precision a squared norm of float32 entries cannot overflow: the diagonal is
        // finite exactly when the task's gradient is
        double[][] gram = gramOf(g);
        for (int k = 0; k < idx.size(); k++) {
            if (!Double.isFinite(gram[k][k])) {
                throw new NonFiniteStep(
                        "task \""
                                + tasks.get(idx.get(k)).name()
                                + "\": its gradient on the shared "
                                + (rep ? "representation" : "parameters")
                                + " is not finite (loss "
                                + lossValues[idx.get(k)]
                                + "): lower trainer.lr, set trainer.clip_norm, or check the"
                                + " feature and label scales");
            }
        }
        double[] sub = new double[idx.size()];
        int[] taskIndex = new int[idx.size()];
        for (int k = 0; k < sub.length; k++) {
            sub[k] = lossValues[idx.get(k)];
            taskIndex[k] = idx.get(k);
        }
        if (diagnose) {
            if (rep) {
                diagnoseRepresentation(s, z, rows, taskIndex);
            } else {
                diagnosed = new Diagnosed(taskIndex, copy(gram), 0); // already computed
            }
        }
        GradientAggregator.Direction d =
                agg.combine(
                        new GradientAggregator.Gradients(
                                g,
                                gram,
                                sub,
                                taskIndex,
                                rep ? zd.getShape().getShape() : new long[] {g.getShape().get(1)},
                                rep ? z.stopGradient() : null,
                                rep ? null : layers.clone()));
        for (int k = 0; k < sub.length; k++) {
            weights[idx.get(k)] = d.weights()[k];
        }
        NDArray combined = d.direction();
        if (extraDirection != null) {
            combined = combined.add(extraDirection);
        }
        if (rep) {
            NDArray dz = combined.reshape(z.getShape());
            if (times != null) {
                times.balancer += lap();
            }
            Autograd.backward(z, dz, false);
            if (times != null) {
                times.backward += lap();
            }
        } else {
            long offset = 0;
            for (NamedParam p : shared) {
                long n = p.array().getShape().size();
                override.put(
                        p.array(),
                        combined.get(offset + ":" + (offset + n)).reshape(p.array().getShape()));
                offset += n;
            }
        }
        return weights;
    }

    /**
     * Diagnosis for a loss weighting: each present task's loss back-propagated alone (graph kept
     * for the real update), its shared-parameter gradient flattened, then every gradient zeroed so
     * the update that follows is unchanged.
     */
    private void diagnoseLosses(NDManager s, NDArray[] losses, boolean[] present) {
        long t0 = System.nanoTime();
        List<Integer> idx = new ArrayList<>();
        NDList rows = new NDList();
        for (int i = 0; i < losses.length; i++) {
            if (present[i]) {
                Autograd.backward(losses[i], true);
                rows.add(flattenSharedGrads(s));
                idx.add(i);
            }
        }
        zeroTaskAndBalancerGrads();
        finishDiagnosis(rows, idx.stream().mapToInt(Integer::intValue).toArray(), t0);
    }

    /**
     * Diagnosis in representation mode: each task's representation gradient pulled back through the
     * encoder (graph kept) gives its gradient on the shared parameters.
     */
    private void diagnoseRepresentation(NDManager s, NDArray z, NDList repRows, int[] taskIndex) {
        long t0 = System.nanoTime();
        NDList rows = new NDList(repRows.size());
        for (NDArray r : repRows) {
            Autograd.backward(z, r.reshape(z.getShape()), true);
            rows.add(flattenSharedGrads(s));
        }
        finishDiagnosis(rows, taskIndex, t0);
    }

    private void finishDiagnosis(NDList rows, int[] taskIndex, long t0) {
        if (rows.isEmpty()) {
            return;
        }
        NDArray g = NDArrays.stack(rows);
        diagnosed = new Diagnosed(taskIndex, gramOf(g), System.nanoTime() - t0);
    }

    private void zeroTaskAndBalancerGrads() {
        for (List<NamedParam> h : heads) {
            for (NamedParam p : h) {
                Autograd.zeroGrad(p.array());
            }
        }
        for (NamedParam p : learnables) {
            Autograd.zeroGrad(p.array());
        }
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    /** Which parts of the model hold the non-finite gradient entries: task heads, shared part. */
    private String nonFiniteGradient(
            List<NamedParam> active, List<NDArray> grads, long globalStep, double lr) {
        List<String> where = new ArrayList<>();
        java.util.Set<NDArray> bad = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < active.size(); i++) {
            NDArray g = grads.get(i);
            if (!Double.isFinite(g.abs().max().getFloat())) {
                bad.add(active.get(i).array());
            }
        }
        for (int t = 0; t < heads.size(); t++) {
            if (heads.get(t).stream().anyMatch(p -> bad.contains(p.array()))) {
                where.add("task \"" + tasks.get(t).name() + "\" (its head)");
            }
        }
        if (shared.stream().anyMatch(p -> bad.contains(p.array()))) {
            where.add("the shared parameters");
        }
        if (learnables.stream().anyMatch(p -> bad.contains(p.array()))) {
            where.add("the balancer's learnable weights");
        }
        return "gradient is not finite at step "
                + (globalStep + 1)
                + " in "
                + String.join(", ", where)
                + " although every loss was finite (learning rate "
                + lr
                + "): lower trainer.lr"
                + (clipNorm > 0 ? "" : ", set trainer.clip_norm (e.g. 1.0)")
                + ", or check the feature and label scales";
    }

    private void zeroAllGrads() {
        for (NamedParam p : shared) {
            Autograd.zeroGrad(p.array());
        }
        zeroTaskAndBalancerGrads();
    }

    /** Concatenated gradients of the shared parameters, then zeroed for the next task. */
    private NDArray flattenSharedGrads(NDManager s) {
        NDList parts = new NDList(shared.size());
        for (NamedParam p : shared) {
            NDArray g = p.array().getGradient();
            g.attach(s);
            parts.add(g.reshape(-1));
        }
        NDArray flat = NDArrays.concat(parts);
        for (NamedParam p : shared) {
            Autograd.zeroGrad(p.array());
        }
        return flat;
    }

    /** The Gram matrix of the rows of {@code g}, accumulated in double precision. */
    private static double[][] gramOf(NDArray g) {
        NDArray d = g.toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
        return toDouble(d.matMul(d.transpose()), (int) g.getShape().get(0));
    }

    private static double[][] toDouble(NDArray gram, int n) {
        double[] f = gram.toDoubleArray();
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] = 0.5 * ((double) f[i * n + j] + f[j * n + i]);
            }
        }
        return k;
    }

    /**
     * Gradients of λ·Σ_{s<t} ‖θ_s − θ_t‖² for every encoder copy's parameter: 2λ·T·(θ_t − mean),
     * computed without recording (empty unless the model uses soft parameter sharing).
     */
    private Map<NDArray, NDArray> softSharingGradients(NDManager s) {
        Map<NDArray, NDArray> out = new IdentityHashMap<>();
        if (softPenalty <= 0) {
            return out;
        }
        for (List<NDArray> group : copyGroups) {
            NDArray stacked = NDArrays.stack(new NDList(group));
            stacked.attach(s); // results of operations on parameters belong to the step
            NDArray mean = stacked.mean(new int[] {0});
            double factor = 2 * softPenalty * group.size();
            for (NDArray theta : group) {
                NDArray diff = theta.sub(mean);
                diff.attach(s);
                out.put(theta, diff.mul(Scalars.of(diff, factor)));
            }
        }
        return out;
    }

    private void applyUpdate(
            NDManager s,
            boolean[] present,
            Map<NDArray, NDArray> override,
            double lr,
            long globalStep) {
        List<NamedParam> active = new ArrayList<>(shared);
        for (int i = 0; i < tasks.size(); i++) {
            if (present[i]) {
                active.addAll(heads.get(i));
            }
        }
        active.addAll(learnables);
        List<NDArray> grads = new ArrayList<>(active.size());
        Map<NDArray, NDArray> penalty = softSharingGradients(s);
        NDArray total = null;
        for (NamedParam p : active) {
            NDArray g = override.get(p.array());
            if (g == null) {
                g = p.array().getGradient();
                g.attach(s);
            }
            NDArray extra = penalty.get(p.array());
            if (extra != null) {
                g = g.add(extra);
            }
            grads.add(g);
            // the largest magnitude: NaN or infinite exactly when some entry is (a squared norm
            // in float32 would also overflow for large finite gradients)
            NDArray m = g.abs().max();
            total = total == null ? m : total.maximum(m);
        }
        double maxAbs = total == null ? 0 : total.getFloat(); // one read for the whole gradient
        if (!Double.isFinite(maxAbs)) {
            throw new NonFiniteStep(nonFiniteGradient(active, grads, globalStep, lr));
        }
        double scale = 1;
        if (clipNorm > 0) {
            NDArray sum = null;
            for (NDArray g : grads) {
                NDArray sq = g.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).square().sum();
                sum = sum == null ? sq : sum.add(sq);
            }
            double norm = sum == null ? 0 : Math.sqrt(sum.getDouble());
            if (norm > clipNorm) {
                scale = clipNorm / (norm + 1e-12);
            }
        }
        boolean[] learnableRows = balancer.learnablesPerTask() ? present : null;
        java.util.Set<NDArray> balancerArrays =
                java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        learnables.forEach(p -> balancerArrays.add(p.array()));
        for (int i = 0; i < active.size(); i++) {
            NDArray g = scale == 1 ? grads.get(i) : grads.get(i).mul((float) scale);
            NamedParam p = active.get(i);
            if (balancerArrays.contains(p.array())) {
                // entries of tasks absent from the batch stay as they are
                optimizer.update(p.name(), p.array(), g, lr, learnableRows);
            } else {
                optimizer.update(p.name(), p.array(), g, lr);
            }
        }
        for (List<NamedParam> h : heads) {
            for (NamedParam p : h) {
                Autograd.zeroGrad(p.array());
            }
        }
        for (NamedParam p : shared) {
            Autograd.zeroGrad(p.array());
        }
        for (NamedParam p : learnables) {
            Autograd.zeroGrad(p.array());
        }
    }
}
