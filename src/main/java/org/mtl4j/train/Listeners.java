package org.mtl4j.train;

import java.util.List;

/** Combines several listeners into one. */
public final class Listeners {
    private Listeners() {}

    /** A listener that forwards every event to each of {@code all}, in order. */
    public static TrainingListener of(TrainingListener... all) {
        List<TrainingListener> list = List.of(all);
        return new TrainingListener() {
            @Override
            public void onStart(int epochs, int stepsPerEpoch, List<String> taskNames) {
                list.forEach(l -> l.onStart(epochs, stepsPerEpoch, taskNames));
            }

            @Override
            public void onStep(Step step) {
                list.forEach(l -> l.onStep(step));
            }

            @Override
            public void onEpoch(Epoch epoch) {
                list.forEach(l -> l.onEpoch(epoch));
            }

            @Override
            public void onSkippedStep(long globalStep, String reason) {
                list.forEach(l -> l.onSkippedStep(globalStep, reason));
            }

            @Override
            public void onDiagnostics(Diagnostics d) {
                list.forEach(l -> l.onDiagnostics(d));
            }

            @Override
            public void onCheckpoint(Checkpoint checkpoint) {
                list.forEach(l -> l.onCheckpoint(checkpoint));
            }

            @Override
            public void onEnd(boolean earlyStopped, int bestEpoch) {
                list.forEach(l -> l.onEnd(earlyStopped, bestEpoch));
            }

            @Override
            public void onWarning(org.mtl4j.eval.TaskHealth.Warning warning) {
                list.forEach(l -> l.onWarning(warning));
            }
        };
    }

    /**
     * {@code downstream}, also told (through {@link TrainingListener#onWarning}) when a task stops
     * learning, as judged by {@code health} from the diagnostics and validation epochs it sees.
     */
    public static TrainingListener withHealth(
            org.mtl4j.eval.TaskHealth health, TrainingListener downstream) {
        TrainingListener watcher =
                new TrainingListener() {
                    @Override
                    public void onDiagnostics(Diagnostics d) {
                        double[] norms = new double[d.tasks().length];
                        for (int k = 0; k < norms.length; k++) {
                            norms[k] = d.norm(k);
                        }
                        health.onDiagnostics(d.tasks(), norms).forEach(downstream::onWarning);
                    }

                    @Override
                    public void onEpoch(Epoch e) {
                        if (e.validationLosses().length > 0) {
                            health.onValidation(e.validationMetrics())
                                    .forEach(downstream::onWarning);
                        }
                    }
                };
        return of(downstream, watcher);
    }

    /** A listener that ignores everything. */
    public static TrainingListener none() {
        return new TrainingListener() {};
    }
}
