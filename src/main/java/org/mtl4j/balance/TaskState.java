package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.mtl4j.Mtl4jException;

/**
 * One d-vector per task kept across steps (gradient momenta, accumulated squares), in a manager
 * that lives as long as the run. Created at the first step, when d is known. Saved in a balancer's
 * state as three entries {@code <prefix>_width} (d), {@code <prefix>_rows} (the T×d values, row
 * after row, as single-precision numbers) and {@code <prefix>_seen} (whether each task's row has
 * been written), all null before the first step.
 */
final class TaskState {
    private NDManager manager;
    private NDArray rows;
    private boolean[] seen;

    void attach(NDManager manager) {
        this.manager = manager;
        this.rows = null;
    }

    /** Makes sure there is a T×d state (zeros at first). */
    void ensure(int tasks, long d) {
        if (manager == null) {
            throw new IllegalStateException("createLearnables was not called before training");
        }
        if (rows == null || rows.getShape().get(1) != d) {
            if (rows != null) {
                rows.close();
            }
            rows = manager.zeros(new Shape(tasks, d));
            seen = new boolean[tasks];
        }
    }

    boolean seen(int t) {
        return seen[t];
    }

    /** Row t, as a new array in {@code step}'s manager. */
    NDArray get(int t, NDManager step) {
        NDArray r = rows.get(t);
        r.attach(step);
        return r;
    }

    /** Overwrites row t with {@code value} (a d-vector). */
    void set(int t, NDArray value) {
        rows.set(new NDIndex(t), value);
        seen[t] = true;
    }

    /** Adds this state to {@code out} under {@code prefix_width}, {@code _rows}, {@code _seen}. */
    void save(Map<String, Object> out, String prefix) {
        if (rows == null) {
            out.put(prefix + "_width", null);
            out.put(prefix + "_rows", null);
            out.put(prefix + "_seen", null);
            return;
        }
        out.put(prefix + "_width", rows.getShape().get(1));
        out.put(prefix + "_rows", rows.toFloatArray());
        out.put(prefix + "_seen", seen.clone());
    }

    /**
     * Restores what {@link #save} wrote for {@code tasks} tasks (after {@link #attach}).
     *
     * @throws Mtl4jException when the saved state has another number of tasks or is malformed
     */
    void restore(BalancerState state, String prefix, int tasks) {
        if (manager == null) {
            throw new IllegalStateException("createLearnables must be called before restoreState");
        }
        float[] values = null;
        boolean[] flags = null;
        long width = 0;
        if (state.has(prefix + "_rows")) {
            flags = state.booleans(prefix + "_seen", tasks);
            width = state.getLong(prefix + "_width");
            if (width < 1) {
                throw state.misfit("\"" + prefix + "_width\" is " + width + ", not a width >= 1");
            }
            values = state.floats(prefix + "_rows", tasks * width);
        }
        if (rows != null) {
            rows.close();
        }
        if (values == null) {
            rows = null;
            seen = null;
        } else {
            rows = manager.create(values, new Shape(tasks, width));
            seen = flags;
        }
    }
}
