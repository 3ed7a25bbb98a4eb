package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;

/**
 * A balancer that combines per-task gradients g_1..g_T of the shared parameters (or of the shared
 * representation) into one update direction. Most methods only need the Gram matrix K (K_ij =
 * g_i·g_j) and return coefficients c with direction Σ_t c_t·g_t ({@link #coefficients}), solved in
 * double precision in the JVM. Methods that work on the gradient vectors themselves (element-wise
 * masks, gradient momenta) override {@link #combine} instead.
 *
 * <p>Task-specific parameters (the heads) are always updated with the plain gradient of their own
 * task's loss.
 */
public non-sealed interface GradientAggregator extends Balancer {

    /** Which gradients this method receives. */
    GradientMode mode();

    /**
     * The coefficients c_t of the combined gradient.
     *
     * @param gram T'×T' Gram matrix of the gradients of the tasks present in the batch
     * @param losses their current loss values (same order)
     */
    double[] coefficients(double[][] gram, double[] losses);

    /** The direction and the weight each task's gradient received in it. */
    record Direction(NDArray direction, double[] weights) {}

    /**
     * The gradients of one step.
     *
     * @param matrix T'×d: row k is the gradient of task {@code tasks[k]}, flattened (T' = the tasks
     *     present in the batch, in increasing order)
     * @param gram their Gram matrix, in double precision
     * @param losses their loss values
     * @param tasks the index of each row's task among all T tasks
     * @param shape the shape of one task's gradient before flattening: (d) for the shared
     *     parameters, (B, width) for the shared representation of a batch of B rows
     * @param representation in representation mode the shared representation itself (shape {@code
     *     shape}, no gradient), else null
     * @param layers in parameters mode, the lengths of the consecutive stretches of a row that hold
     *     one layer's shared parameters (a layer's weight and bias together; they sum to d), for
     *     methods that treat layers separately; null when unknown or in representation mode
     */
    record Gradients(
            NDArray matrix,
            double[][] gram,
            double[] losses,
            int[] tasks,
            long[] shape,
            NDArray representation,
            long[] layers) {

        /** Gradients without layer boundaries. */
        public Gradients(
                NDArray matrix,
                double[][] gram,
                double[] losses,
                int[] tasks,
                long[] shape,
                NDArray representation) {
            this(matrix, gram, losses, tasks, shape, representation, null);
        }
    }

    /**
     * The update direction (a d-vector) and one weight per row: its coefficient in the direction,
     * or for vector methods an effective weight the method documents. By default Σ_k c_k·g_k with c
     * from {@link #coefficients}.
     */
    default Direction combine(Gradients g) {
        return linear(g.matrix(), coefficients(g.gram(), g.losses()));
    }

    /** Σ_k c_k·row_k of {@code matrix}, with c as the reported weights. */
    static Direction linear(NDArray matrix, double[] c) {
        double largest = 0;
        for (double v : c) {
            largest = Math.max(largest, Math.abs(v));
        }
        if (largest > 1e30) {
            // a coefficient beyond single precision (a gradient tiny next to the others): use
            // Σ_k (c_k·‖row_k‖)·(row_k/‖row_k‖), whose factors are all representable
            double[] norms = RowNorms.of(matrix);
            float[] scaled = new float[c.length];
            float[] inv = new float[c.length];
            for (int k = 0; k < c.length; k++) {
                scaled[k] = (float) (c[k] * norms[k]);
                inv[k] = norms[k] > 0 ? (float) (1 / norms[k]) : 0f;
            }
            ai.djl.ndarray.NDManager m = matrix.getManager();
            NDArray unit = matrix.mul(m.create(inv, new ai.djl.ndarray.types.Shape(c.length, 1)));
            NDArray row = m.create(scaled, new ai.djl.ndarray.types.Shape(1, c.length));
            return new Direction(row.matMul(unit).reshape(-1), c);
        }
        float[] cf = new float[c.length];
        for (int k = 0; k < c.length; k++) {
            cf[k] = (float) c[k];
        }
        NDArray row = matrix.getManager().create(cf, new ai.djl.ndarray.types.Shape(1, c.length));
        return new Direction(row.matMul(matrix).reshape(-1), c);
    }
}
