package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * One d-vector per task kept across steps (gradient momenta, accumulated squares), in a manager
 * that lives as long as the run. Created at the first step, when d is known.
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
}
