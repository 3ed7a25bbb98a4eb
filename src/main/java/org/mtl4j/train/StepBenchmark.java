package org.mtl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.balance.Balancer;
import org.mtl4j.balance.LossWeighting;
import org.mtl4j.data.Dataset;
import org.mtl4j.model.MultiTaskModel;

/** Times full training steps (forward, balancing, backward, update) of a model. */
public final class StepBenchmark {
    private StepBenchmark() {}

    /** Step timings in milliseconds after warm-up. */
    public record Result(int steps, int batchSize, double medianMs, double p90Ms, double meanMs) {
        public double stepsPerSecond() {
            return 1000.0 / meanMs;
        }
    }

    /**
     * Runs {@code warmup} untimed then {@code steps} timed steps of {@code batchSize} rows, cycling
     * through {@code data}'s batches. The model must be initialised.
     */
    public static Result run(
            MultiTaskModel model,
            NDManager base,
            Balancer balancer,
            Dataset data,
            int batchSize,
            int warmup,
            int steps,
            long seed) {
        balancer.init(model.tasks().size(), seed);
        List<NDArray> learnables =
                balancer instanceof LossWeighting lw ? lw.createLearnables(base) : List.of();
        try (ParamOptimizer opt = new ParamOptimizer(OptimizerSpec.adam(1e-3), base)) {
            StepRunner runner = new StepRunner(model, balancer, opt, 0, learnables);
            BatchSource source = BatchSource.single(data, batchSize, seed);
            List<Dataset> batches = source.nextEpoch();
            double[] ms = new double[steps];
            for (int i = 0; i < warmup + steps; i++) {
                Dataset b = batches.get(i % batches.size());
                long t0 = System.nanoTime();
                runner.run(base, b, 1e-3, i);
                if (i >= warmup) {
                    ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double mean = Arrays.stream(ms).average().orElse(Double.NaN);
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            return new Result(
                    steps, batchSize, sorted[steps / 2], sorted[(int) (steps * 0.9)], mean);
        }
    }
}
