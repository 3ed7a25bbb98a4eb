package org.mtl4j.balance;

import ai.djl.ndarray.NDArray;

/**
 * A balancer that scales the task losses: the update is the gradient of Σ_t w_t·L_t, computed in
 * one backward pass. Most methods only compute the weights ({@link #weights}); methods with
 * learnable terms (uncertainty weighting) override {@link #combine}.
 */
public non-sealed interface LossWeighting extends Balancer {

    /**
     * Weights for this step.
     *
     * @param losses current loss value per task (NaN where the task has no label in the batch)
     * @param present which tasks have at least one labelled row in the batch
     */
    double[] weights(double[] losses, boolean[] present);

    /** The scalar to back-propagate and the weight each task received in it. */
    record Combined(NDArray loss, double[] weights) {}

    /**
     * The scalar to back-propagate. {@code losses[t]} is null where task t is absent from the
     * batch.
     */
    default Combined combine(NDArray[] losses, double[] lossValues, boolean[] present) {
        double[] w = weights(lossValues, present);
        NDArray total = null;
        for (int t = 0; t < losses.length; t++) {
            if (!present[t]) {
                continue;
            }
            NDArray term = losses[t].mul(org.mtl4j.train.Scalars.of(losses[t], w[t]));
            total = total == null ? term : total.add(term);
        }
        return new Combined(total, w);
    }
}
