package org.mtl4j.train;

import java.util.List;
import java.util.Map;
import org.mtl4j.model.MultiTaskModel;

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

    default void onStart(int epochs, int stepsPerEpoch, List<String> taskNames) {}

    default void onStep(Step step) {}

    default void onEpoch(Epoch epoch) {}

    /** Time to save a checkpoint of {@code model} after step {@code globalStep}. */
    default void onCheckpoint(long globalStep, int epoch, MultiTaskModel model) {}

    default void onEnd(boolean earlyStopped, int bestEpoch) {}
}
