package org.mtl4j.api;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a finished training run reports.
 *
 * @param metrics per task, metric name → value on {@code evaluatedOn}
 * @param evaluatedOn {@code test}, {@code validation} or {@code train}: the split of the final
 *     metrics (the first available)
 * @param stepsPerSecond training steps per second, over the whole run (validation included)
 * @param diagnosedSteps steps on which gradient diagnostics were recorded
 * @param diagnosticsSeconds the extra time those diagnostics cost
 */
public record RunResult(
        String name,
        Path runDir,
        int bestEpoch,
        int epochsRun,
        Map<String, Map<String, Double>> metrics,
        String evaluatedOn,
        long steps,
        double seconds,
        double stepsPerSecond,
        long parameterCount,
        int diagnosedSteps,
        double diagnosticsSeconds) {

    /** Share of the training time spent on gradient diagnostics, in percent. */
    public double diagnosticsPercent() {
        return seconds > 0 ? 100 * diagnosticsSeconds / seconds : 0;
    }
}
