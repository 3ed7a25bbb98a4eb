package org.mtl4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mtl4j.data.Dataset;

/**
 * Produces the training batches of each epoch, reproducibly from a seed. Either one dataset
 * labelling all tasks (single-input) or one dataset per task (multi-input), in which case each step
 * concatenates rows of every task, as allocated by a {@link SamplerSpec}; a task's rows carry
 * labels for that task only.
 */
public final class BatchSource {
    private final List<Dataset> sources;
    private final int[] rowsPerStep;
    private final int steps;
    private final SplittableRandom random;
    private final int[][] order;
    private final int[] cursor;
    private boolean started;

    private BatchSource(List<Dataset> sources, int[] rowsPerStep, long seed) {
        this.sources = sources;
        this.rowsPerStep = rowsPerStep;
        this.random = new SplittableRandom(seed);
        int s = 0;
        order = new int[sources.size()][];
        cursor = new int[sources.size()];
        for (int i = 0; i < sources.size(); i++) {
            int n = sources.get(i).rows();
            int b = rowsPerStep[i];
            int k = (n + b - 1) / b;
            if (sources.size() == 1 && k > 1 && n % b == 1) {
                k--; // the one-row remainder joins the previous batch
            }
            s = Math.max(s, k);
            order[i] = shuffled(n);
        }
        this.steps = s;
    }

    /**
     * Shuffled batches of {@code batchSize} rows of one dataset (the last batch may be smaller).
     */
    public static BatchSource single(Dataset data, int batchSize, long seed) {
        return new BatchSource(List.of(data), new int[] {batchSize}, seed);
    }

    /** One dataset per task, mixed in every step by {@code sampler}. */
    public static BatchSource perTask(
            List<Dataset> perTask, int batchSize, SamplerSpec sampler, long seed) {
        int[] sizes = perTask.stream().mapToInt(Dataset::rows).toArray();
        return new BatchSource(List.copyOf(perTask), sampler.allocate(batchSize, sizes), seed);
    }

    public int stepsPerEpoch() {
        return steps;
    }

    /** Rows of each source in a step. */
    public int[] rowsPerStep() {
        return rowsPerStep.clone();
    }

    /**
     * The batches of the next epoch. Only their row indices are drawn here; each batch's rows are
     * copied out of the sources when it is read, so an epoch costs an index per row rather than a
     * second copy of the data.
     */
    public List<Dataset> nextEpoch() {
        if (started) {
            // every epoch starts from a fresh permutation of every source
            for (int t = 0; t < order.length; t++) {
                order[t] = shuffled(order[t].length);
                cursor[t] = 0;
            }
        }
        started = true;
        List<int[][]> steps = new ArrayList<>(this.steps);
        if (sources.size() == 1) {
            int[] idx = order[0];
            int b = rowsPerStep[0];
            for (int start = 0; start < idx.length; start += b) {
                int end = Math.min(idx.length, start + b);
                if (idx.length - end == 1) {
                    end = idx.length; // no one-row batch: batch norm cannot train on one row
                }
                steps.add(new int[][] {java.util.Arrays.copyOfRange(idx, start, end)});
                if (end == idx.length) {
                    break;
                }
            }
        } else {
            for (int s = 0; s < this.steps; s++) {
                int[][] parts = new int[sources.size()][];
                for (int t = 0; t < sources.size(); t++) {
                    parts[t] = take(t, rowsPerStep[t]);
                }
                steps.add(parts);
            }
        }
        return new java.util.AbstractList<>() {
            @Override
            public Dataset get(int i) {
                int[][] parts = steps.get(i);
                Dataset batch = null;
                for (int t = 0; t < parts.length; t++) {
                    Dataset part = sources.get(t).select(parts[t]);
                    batch = batch == null ? part : batch.concat(part);
                }
                return batch;
            }

            @Override
            public int size() {
                return steps.size();
            }
        };
    }

    /**
     * Advances exactly as {@link #nextEpoch} would, without building the batches (to resume a run
     * at a later epoch).
     */
    public void skipEpoch() {
        if (started) {
            for (int t = 0; t < order.length; t++) {
                order[t] = shuffled(order[t].length);
                cursor[t] = 0;
            }
        }
        started = true;
        if (sources.size() > 1) {
            for (int s = 0; s < steps; s++) {
                for (int t = 0; t < sources.size(); t++) {
                    take(t, rowsPerStep[t]);
                }
            }
        }
    }

    /** The next {@code k} row indices of source t, reshuffling whenever it runs out. */
    private int[] take(int t, int k) {
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            if (cursor[t] == order[t].length) {
                order[t] = shuffled(order[t].length);
                cursor[t] = 0;
            }
            out[i] = order[t][cursor[t]++];
        }
        return out;
    }

    private int[] shuffled(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
        return idx;
    }
}
