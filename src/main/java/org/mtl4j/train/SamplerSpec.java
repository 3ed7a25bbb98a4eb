package org.mtl4j.train;

import java.util.Arrays;

/**
 * How a step's batch is shared among tasks that each have their own dataset (multi-input problems).
 * Every step contains rows of every task, so every balancer sees every task; the sampler sets how
 * many. With task sizes n_t and probabilities p_t, task t gets a share b_t of the batch
 * proportional to p_t (at least one row), and an epoch lasts until every task has seen all its
 * rows: max_t ⌈n_t / b_t⌉ steps.
 *
 * <ul>
 *   <li>{@code round_robin}: p_t = 1/T, equal rows per task; small tasks repeat more often.
 *   <li>{@code proportional}: p_t ∝ n_t; every task passes through its data at the same pace.
 *   <li>{@code temperature}: p_t ∝ n_t^{1/τ} (τ = 1 is proportional, τ → ∞ is round-robin).
 * </ul>
 */
public record SamplerSpec(Kind kind, double temperature) {

    /** The sampling rule. */
    public enum Kind {
        ROUND_ROBIN,
        PROPORTIONAL,
        TEMPERATURE
    }

    public SamplerSpec {
        if (kind == Kind.TEMPERATURE && !(temperature > 0)) {
            throw new IllegalArgumentException(
                    "sampler temperature must be > 0, got " + temperature);
        }
    }

    public static SamplerSpec roundRobin() {
        return new SamplerSpec(Kind.ROUND_ROBIN, 2.0);
    }

    /** Rows of each task in one step of {@code batchSize} rows. */
    public int[] allocate(int batchSize, int[] taskSizes) {
        int t = taskSizes.length;
        if (batchSize < t) {
            throw new IllegalArgumentException(
                    "batch size " + batchSize + " is smaller than the number of tasks " + t);
        }
        double[] p = new double[t];
        double sum = 0;
        for (int i = 0; i < t; i++) {
            double n = taskSizes[i];
            p[i] =
                    switch (kind) {
                        case ROUND_ROBIN -> 1;
                        case PROPORTIONAL -> n;
                        case TEMPERATURE -> Math.pow(n, 1 / temperature);
                    };
            sum += p[i];
        }
        // Largest remainder: one row each first, then the rest by share.
        int[] b = new int[t];
        Arrays.fill(b, 1);
        int rest = batchSize - t;
        double[] exact = new double[t];
        int given = 0;
        for (int i = 0; i < t; i++) {
            exact[i] = rest * p[i] / sum;
            b[i] += (int) Math.floor(exact[i]);
            given += (int) Math.floor(exact[i]);
        }
        Integer[] order = new Integer[t];
        for (int i = 0; i < t; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                (x, y) ->
                        Double.compare(
                                exact[y] - Math.floor(exact[y]), exact[x] - Math.floor(exact[x])));
        for (int k = 0; given < rest; k++, given++) {
            b[order[k % t]]++;
        }
        return b;
    }
}
