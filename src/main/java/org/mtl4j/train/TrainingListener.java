package org.mtl4j.train;

import java.util.List;
import java.util.Map;

/** Receives progress from a {@link Trainer}. All methods are optional. */
public interface TrainingListener {

    /** A training step, reported every {@code logEvery} steps and at the end of each epoch. */
    record Step(
            int epoch,
            int stepInEpoch,
            int stepsPerEpoch,
            long globalStep,
            double[] losses,
            double[] weights,
            double learningRate,
            double rowsPerSecond) {}

    /** One finished epoch. Validation maps are empty without validation data. */
    record Epoch(
            int epoch,
            double[] trainLosses,
            double[] validationLosses,
            List<Map<String, Double>> validationMetrics,
            double selectValue,
            boolean best,
            double seconds) {}

    /**
     * Gradient diagnostics of one step: the Gram matrix of the per-task gradients on the shared
     * parameters for the tasks present in the batch ({@code tasks} indexes the task list), and what
     * recording them cost.
     */
    record Diagnostics(int epoch, long globalStep, int[] tasks, double[][] gram, double seconds) {
        /** Euclidean norm of the k-th present task's gradient. */
        public double norm(int k) {
            return Math.sqrt(Math.max(gram[k][k], 0));
        }

        /** Cosine similarity of the gradients of present tasks k and l; NaN if either is zero. */
        public double cosine(int k, int l) {
            double d = norm(k) * norm(l);
            return d > 0 ? Math.max(-1, Math.min(1, gram[k][l] / d)) : Double.NaN;
        }
    }

    default void onStart(int epochs, int stepsPerEpoch, List<String> taskNames) {}

    default void onStep(Step step) {}

    default void onEpoch(Epoch epoch) {}

    /**
     * Step {@code globalStep} (1-based) had a non-finite loss or gradient and was skipped
     * (trainer.on_non_finite: skip).
     */
    default void onSkippedStep(long globalStep, String reason) {}

    /** Gradient diagnostics, every {@code diagnoseEvery} steps. */
    default void onDiagnostics(Diagnostics diagnostics) {}

    /**
     * Time to save a checkpoint: the model's parameters and {@code checkpoint}'s training state
     * (after every epoch, every {@code checkpointEvery} steps, and before stopping on a non-finite
     * step).
     */
    default void onCheckpoint(Checkpoint checkpoint) {}

    default void onEnd(boolean earlyStopped, int bestEpoch) {}

    /** A task is not learning (see {@link org.mtl4j.eval.TaskHealth}); given once per kind. */
    default void onWarning(org.mtl4j.eval.TaskHealth.Warning warning) {}
}
