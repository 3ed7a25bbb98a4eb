package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.HashMap;
import java.util.Map;

/**
 * Applies {@link OptimizerSpec} updates with the engine's fused kernels, keeping the optimiser
 * state (moments, momentum) keyed by parameter name in one long-lived manager.
 *
 * <p>DJL's own {@code Optimizer} is not used because its learning-rate schedule advances once per
 * parameter update rather than once per step, its state is keyed by per-run random ids, and each
 * instance retains its state arrays; a multi-task step updates different subsets of parameters
 * (heads of absent tasks are skipped).
 */
public final class ParamOptimizer implements AutoCloseable {
    private final OptimizerSpec spec;
    private final NDManager stateManager;
    private final Map<String, NDArray[]> state = new HashMap<>();
    private final Map<String, Integer> updates = new HashMap<>();

    public ParamOptimizer(OptimizerSpec spec, NDManager parent) {
        this.spec = spec;
        this.stateManager = parent.newSubManager();
    }

    /**
     * Updates {@code weight} in place with gradient {@code grad} at learning rate {@code lr}, and
     * zeroes the weight's accumulated gradient. Call with recording off.
     */
    public void update(String name, NDArray weight, NDArray grad, double lr) {
        int t = updates.merge(name, 1, Integer::sum);
        float wd = (float) spec.weightDecay();
        switch (spec.kind()) {
            case ADAM, ADAMW -> {
                NDArray[] s = state.computeIfAbsent(name, k -> newState(weight, 2));
                double c1 = 1 - Math.pow(spec.beta1(), t);
                double c2 = 1 - Math.pow(spec.beta2(), t);
                float corrected = (float) (lr * Math.sqrt(c2) / c1);
                weight.getNDArrayInternal()
                        .adamUpdate(
                                new NDList(weight, grad, s[0], s[1]),
                                new NDList(weight),
                                (float) lr,
                                corrected,
                                wd,
                                1f,
                                -1f,
                                (float) spec.beta1(),
                                (float) spec.beta2(),
                                (float) spec.epsilon(),
                                true,
                                spec.kind() == OptimizerSpec.Kind.ADAMW);
            }
            case SGD -> {
                NDArray[] s = state.computeIfAbsent(name, k -> newState(weight, 1));
                weight.getNDArrayInternal()
                        .sgdUpdate(
                                new NDList(weight, grad, s[0]),
                                new NDList(weight),
                                (float) lr,
                                wd,
                                1f,
                                -1f,
                                (float) spec.momentum(),
                                true);
            }
        }
    }

    /**
     * {@link #update(String, NDArray, NDArray, double)} for the entries {@code t} of the first axis
     * with {@code rows[t]} true only: the others keep their value and their optimiser moments, as
     * if they had not been part of the step. The bias correction of Adam counts the steps of the
     * whole array. Null {@code rows} updates every entry.
     */
    public void update(String name, NDArray weight, NDArray grad, double lr, boolean[] rows) {
        boolean all = true;
        if (rows != null) {
            for (boolean r : rows) {
                all &= r;
            }
        }
        if (all) {
            update(name, weight, grad, lr);
            return;
        }
        NDManager step = grad.getManager();
        NDArray oldWeight = weight.duplicate();
        oldWeight.attach(step);
        NDArray[] before = state.get(name);
        NDArray[] oldState = null;
        if (before != null) {
            oldState = new NDArray[before.length];
            for (int k = 0; k < before.length; k++) {
                oldState[k] = before[k].duplicate();
                oldState[k].attach(step);
            }
        }
        update(name, weight, grad, lr);
        NDArray[] after = state.get(name);
        for (int t = 0; t < rows.length; t++) {
            if (rows[t]) {
                continue;
            }
            NDIndex row = new NDIndex(t);
            weight.set(row, oldWeight.get(row));
            for (int k = 0; k < after.length; k++) {
                if (oldState == null) {
                    after[k].set(row, 0f); // moments start at zero
                } else {
                    after[k].set(row, oldState[k].get(row));
                }
            }
        }
    }

    private NDArray[] newState(NDArray weight, int n) {
        NDArray[] s = new NDArray[n];
        for (int i = 0; i < n; i++) {
            s[i] = stateManager.zeros(weight.getShape(), weight.getDataType());
        }
        return s;
    }

    /**
     * The optimiser's state for a checkpoint: every moment array (named {@code <param>#<k>}) and
     * the update count of each parameter.
     */
    public byte[] encodeState() {
        if (state.isEmpty()) {
            return new byte[0];
        }
        NDList list = new NDList();
        for (String name : new java.util.TreeSet<>(state.keySet())) {
            NDArray[] s = state.get(name);
            for (int k = 0; k < s.length; k++) {
                NDArray a = s[k];
                a.setName(name + "#" + k);
                list.add(a);
            }
        }
        return list.encode();
    }

    /** Update counts per parameter name (part of the checkpointed state). */
    public Map<String, Integer> updateCounts() {
        return new java.util.TreeMap<>(updates);
    }

    /** Restores {@link #encodeState} and {@link #updateCounts} into a fresh optimiser. */
    public void restoreState(byte[] encoded, Map<String, Integer> counts) {
        NDList list = encoded.length == 0 ? new NDList() : NDList.decode(stateManager, encoded);
        Map<String, java.util.List<NDArray>> byName = new java.util.TreeMap<>();
        for (NDArray a : list) {
            String n = a.getName();
            int hash = n == null ? -1 : n.lastIndexOf('#');
            if (hash < 0) {
                throw new org.mtl4j.Mtl4jException(
                        "checkpoint: optimizer state holds an unnamed array; the checkpoint is"
                                + " damaged");
            }
            byName.computeIfAbsent(n.substring(0, hash), k -> new java.util.ArrayList<>()).add(a);
        }
        state.clear();
        byName.forEach((n, arrays) -> state.put(n, arrays.toArray(new NDArray[0])));
        updates.clear();
        updates.putAll(counts);
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
