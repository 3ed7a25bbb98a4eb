package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.balance.Balancer;
import org.mtl4j.data.Dataset;
import org.mtl4j.model.MultiTaskModel;

/** Times full training steps (forward, balancing, backward, update) of a model. */
public final class StepBenchmark {
    private StepBenchmark() {}

    /**
     * Step timings in milliseconds after warm-up: the distribution of whole steps, and the mean
     * time per step of each part. {@code dataMs} turns the batch into engine arrays, {@code
     * forwardMs} runs the encoder, heads and losses, {@code backwardMs} back-propagates (once for a
     * loss weighting, once per task and once more in representation mode for a gradient method),
     * {@code balancerMs} is the balancing method's own work (weighting the losses, or flattening
     * the per-task gradients, the Gram matrix, the solve and the combination), {@code optimizerMs}
     * the parameter update, and {@code releaseMs} freeing the step's native memory.
     */
    public record Result(
            int steps,
            int batchSize,
            double medianMs,
            double p90Ms,
            double meanMs,
            double dataMs,
            double forwardMs,
            double backwardMs,
            double balancerMs,
            double optimizerMs,
            double releaseMs) {
        public double stepsPerSecond() {
            return 1000.0 / meanMs;
        }

        public double samplesPerSecond() {
            return stepsPerSecond() * batchSize;
        }
    }

    /**
     * Runs {@code warmup} untimed then {@code steps} timed steps over {@code batches} in turn. The
     * model must be initialised.
     */
    public static Result run(
            MultiTaskModel model,
            NDManager base,
            Balancer balancer,
            List<Dataset> batches,
            int warmup,
            int steps,
            long seed) {
        if (batches.isEmpty() || steps < 1 || warmup < 0) {
            throw new IllegalArgumentException(
                    "need batches, steps >= 1 and warmup >= 0; got "
                            + batches.size()
                            + " batches, "
                            + steps
                            + " steps, "
                            + warmup
                            + " warm-up");
        }
        balancer.init(model.tasks().size(), seed);
        List<NDArray> learnables = balancer.createLearnables(base);
        try (ParamOptimizer opt = new ParamOptimizer(OptimizerSpec.adam(1e-3), base)) {
            StepRunner runner = new StepRunner(model, balancer, opt, 0, learnables);
            StepRunner.Times parts = new StepRunner.Times();
            double[] ms = new double[steps];
            for (int i = 0; i < warmup + steps; i++) {
                Dataset b = batches.get(i % batches.size());
                if (i == warmup) {
                    runner.timeWith(parts);
                }
                long t0 = System.nanoTime();
                runner.run(base, b, 1e-3, i);
                if (i >= warmup) {
                    ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double mean = Arrays.stream(ms).average().orElse(Double.NaN);
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double n = parts.steps * 1e6;
            return new Result(
                    steps,
                    batches.get(0).rows(),
                    sorted[steps / 2],
                    sorted[Math.min(steps - 1, (int) (steps * 0.9))],
                    mean,
                    parts.data / n,
                    parts.forward / n,
                    parts.backward / n,
                    parts.balancer / n,
                    parts.optimizer / n,
                    parts.release / n);
        }
    }

    /**
     * Splits {@code data} into consecutive batches of {@code batchSize} rows (the last may be
     * short).
     */
    public static List<Dataset> batches(Dataset data, int batchSize, int maxBatches) {
        List<Dataset> out = new java.util.ArrayList<>();
        for (int start = 0; start < data.rows() && out.size() < maxBatches; start += batchSize) {
            int end = Math.min(data.rows(), start + batchSize);
            int[] idx = new int[end - start];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = start + i;
            }
            out.add(data.select(idx));
        }
        return out;
    }
}
