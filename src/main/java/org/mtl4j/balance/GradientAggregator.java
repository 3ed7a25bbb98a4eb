package org.mtl4j.balance;

/**
 * A balancer that combines per-task gradients g_1..g_T of the shared parameters (or of the shared
 * representation) into one direction Σ_t c_t·g_t. Methods in this family only need the Gram matrix
 * K (K_ij = g_i·g_j), solved in double precision in the JVM.
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
}
