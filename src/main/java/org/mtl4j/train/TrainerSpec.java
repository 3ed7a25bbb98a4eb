package org.mtl4j.train;

import java.util.Objects;

/**
 * Training-loop settings.
 *
 * @param epochs maximum number of epochs
 * @param batchSize rows per step (shared among tasks in multi-input problems)
 * @param optimizer optimiser and learning rate
 * @param schedule learning-rate schedule
 * @param clipNorm global gradient-norm clipping threshold, 0 = off
 * @param selectMetric validation quantity that picks the best epoch: {@code loss} (sum of the
 *     tasks' validation losses, lower is better) or {@code <task>/<metric>}
 * @param patience early stopping: stop after this many epochs without improvement, 0 = off
 * @param checkpointEvery save a checkpoint every this many steps, 0 = off
 * @param logEvery report a step to listeners every this many steps
 * @param sampler how multi-input batches are shared among tasks
 * @param evalBatchSize rows per batch when evaluating
 * @param diagnoseEvery record gradient diagnostics (per-task gradient norms and pairwise cosines on
 *     the shared parameters) every this many steps, 0 = off
 */
public record TrainerSpec(
        int epochs,
        int batchSize,
        OptimizerSpec optimizer,
        ScheduleSpec schedule,
        double clipNorm,
        String selectMetric,
        int patience,
        int checkpointEvery,
        int logEvery,
        SamplerSpec sampler,
        int evalBatchSize,
        int diagnoseEvery,
        NonFinite onNonFinite) {

    /** What to do with a step whose loss or gradient is not finite. */
    public enum NonFinite {
        /** Stop with a message naming the task, after saving a checkpoint. */
        STOP,
        /** Leave the parameters as they were, count the step, go on. */
        SKIP;

        /** Parses {@code stop} or {@code skip}; null for anything else. */
        public static NonFinite parse(String s) {
            return switch (s) {
                case "stop" -> STOP;
                case "skip" -> SKIP;
                default -> null;
            };
        }
    }

    /** Default diagnostics period: about 2 % extra training time for loss weightings with T=2. */
    public static final int DEFAULT_DIAGNOSE_EVERY = 50;

    public TrainerSpec {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(selectMetric, "selectMetric");
        Objects.requireNonNull(onNonFinite, "onNonFinite");
        positive("epochs", epochs);
        positive("batch size", batchSize);
        positive("log every", logEvery);
        positive("eval batch size", evalBatchSize);
        if (diagnoseEvery < 0) {
            throw new IllegalArgumentException(
                    "diagnose_every must be >= 0 (0 = off), got " + diagnoseEvery);
        }
        if (patience < 0 || checkpointEvery < 0) {
            throw new IllegalArgumentException("patience and checkpoint_every must be >= 0");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm must be >= 0, got " + clipNorm);
        }
    }

    private static void positive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + v);
        }
    }

    /** Adam at the given rate, constant schedule, no clipping, selection on validation loss. */
    public static TrainerSpec defaults(int epochs, int batchSize, double lr) {
        return new TrainerSpec(
                epochs,
                batchSize,
                OptimizerSpec.adam(lr),
                ScheduleSpec.constant(),
                0,
                "loss",
                0,
                0,
                50,
                SamplerSpec.roundRobin(),
                1024,
                DEFAULT_DIAGNOSE_EVERY,
                NonFinite.STOP);
    }

    public TrainerSpec withEpochs(int e) {
        return copy(b -> b.epochs = e);
    }

    /** The same settings with another best-epoch selection quantity. */
    public TrainerSpec withSelect(String select) {
        return copy(b -> b.selectMetric = select);
    }

    /** The same settings with another optimiser. */
    public TrainerSpec withOptimizer(OptimizerSpec o) {
        return copy(b -> b.optimizer = o);
    }

    /** The same settings with another diagnostics period (0 = off). */
    public TrainerSpec withDiagnoseEvery(int every) {
        return copy(b -> b.diagnoseEvery = every);
    }

    /** The same settings with another non-finite step policy. */
    public TrainerSpec withOnNonFinite(NonFinite policy) {
        return copy(b -> b.onNonFinite = policy);
    }

    /** The same settings with another batch size. */
    public TrainerSpec withBatchSize(int b) {
        return copy(x -> x.batchSize = b);
    }

    /** A copy with the fields {@code change} sets (validated like any other). */
    private TrainerSpec copy(java.util.function.Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    /** The mutable fields of a spec, for {@link #copy}. */
    private static final class Fields {
        int epochs;
        int batchSize;
        OptimizerSpec optimizer;
        ScheduleSpec schedule;
        double clipNorm;
        String selectMetric;
        int patience;
        int checkpointEvery;
        int logEvery;
        SamplerSpec sampler;
        int evalBatchSize;
        int diagnoseEvery;
        NonFinite onNonFinite;

        Fields(TrainerSpec s) {
            epochs = s.epochs;
            batchSize = s.batchSize;
            optimizer = s.optimizer;
            schedule = s.schedule;
            clipNorm = s.clipNorm;
            selectMetric = s.selectMetric;
            patience = s.patience;
            checkpointEvery = s.checkpointEvery;
            logEvery = s.logEvery;
            sampler = s.sampler;
            evalBatchSize = s.evalBatchSize;
            diagnoseEvery = s.diagnoseEvery;
            onNonFinite = s.onNonFinite;
        }

        TrainerSpec build() {
            return new TrainerSpec(
                    epochs,
                    batchSize,
                    optimizer,
                    schedule,
                    clipNorm,
                    selectMetric,
                    patience,
                    checkpointEvery,
                    logEvery,
                    sampler,
                    evalBatchSize,
                    diagnoseEvery,
                    onNonFinite);
        }
    }
}
