package org.mtl4j.balance;

/**
 * Decides how the per-task losses of a step become one update of the shared parameters. Two
 * families: {@link LossWeighting} (weights the losses, then one backward pass) and {@link
 * GradientAggregator} (receives per-task gradients and combines them).
 *
 * <p>A balancer is created for one training run and may keep state across steps (loss history,
 * learnable weights, a random generator seeded from the run seed).
 *
 * <p>To add a method: write one class implementing one of the two sub-interfaces and add one line
 * to {@link BalancerRegistry}.
 */
public sealed interface Balancer permits LossWeighting, GradientAggregator {

    /** The registry name, e.g. {@code ew} or {@code pcgrad}. */
    String name();

    /**
     * Called once before training.
     *
     * @param taskCount number of tasks T
     * @param seed the run seed, for methods that draw random numbers
     */
    void init(int taskCount, long seed);

    /** Called after every epoch with the mean training loss of each task (NaN if unseen). */
    default void onEpochEnd(int epoch, double[] meanTrainLosses) {}
}
