package org.mtl4j.balance;

/**
 * Decides how the per-task losses of a step become one update of the shared parameters. Two
 * families: {@link LossWeighting} (weights the losses, then one backward pass) and {@link
 * GradientAggregator} (receives per-task gradients and combines them).
 *
 * <p>A balancer is created for one training run and may keep state across steps (loss history,
 * learnable weights, moving averages). Its non-learnable state is saved in checkpoints through
 * {@link #state()} and {@link #restoreState}; methods that draw random numbers re-create their
 * generator at every step from (run seed, step) in {@link #beginStep}, so they carry no generator
 * state across steps.
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

    /**
     * Called once before training, after {@link #init}, with a manager that lives as long as the
     * run: the method creates there the arrays it keeps across steps, and returns those that are
     * learnable (gradients enabled), which the trainer then optimises along with the model. None by
     * default.
     */
    default java.util.List<ai.djl.ndarray.NDArray> createLearnables(
            ai.djl.ndarray.NDManager manager) {
        return java.util.List.of();
    }

    /**
     * Whether every array of {@link #createLearnables} holds one entry per task along its first
     * axis, entry t belonging to task t alone (e.g. uncertainty weighting's log-variances). The
     * trainer then leaves the entries of tasks absent from a batch untouched, optimiser state
     * included, as if they had not been part of the step. False by default: the arrays belong to
     * every task and are updated at every step.
     */
    default boolean learnablesPerTask() {
        return false;
    }

    /**
     * Whether the method needs the task losses on the same batch after the update ({@link
     * #afterUpdate}); this costs one extra forward pass without gradients per step.
     */
    default boolean needsLossAfterUpdate() {
        return false;
    }

    /**
     * The losses of the batch just trained on, recomputed with the updated parameters (only when
     * {@link #needsLossAfterUpdate}).
     *
     * @param before the losses the step was computed from (NaN where absent)
     * @param after the same batch's losses after the update (NaN where absent)
     */
    default void afterUpdate(double[] before, double[] after) {}

    /**
     * Called before every training step with its 0-based index. Methods that draw random numbers
     * derive their generator from (run seed, step) here, so that a run resumed from a checkpoint
     * draws exactly the numbers the uninterrupted run would have.
     */
    default void beginStep(long globalStep) {}

    /**
     * What this method keeps across steps, for checkpoints: JSON-ready values (numbers, booleans,
     * strings, {@code double[]}, {@code float[]}, {@code long[]}, {@code int[]}, {@code boolean[]},
     * and lists or maps of these). Learnable arrays ({@link #createLearnables}) are not included:
     * the trainer saves them with the optimiser state. Empty for stateless methods.
     */
    default java.util.Map<String, Object> state() {
        return java.util.Map.of();
    }

    /**
     * Restores {@link #state()} into a balancer created with the same options and {@link #init
     * initialised} with the same task count and seed (and, if it has learnables, after {@link
     * #createLearnables}). Afterwards it behaves exactly as the one whose state was saved.
     *
     * @throws org.mtl4j.Mtl4jException when the state does not belong to this method
     */
    default void restoreState(BalancerState state) {}
}
