package org.mtl4j.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.FeatureMatrix;
import org.mtl4j.run.Predictor;

/**
 * Runs the model for concurrent requests: one thread takes queued requests and runs the rows of as
 * many as are waiting (up to {@code maxRows}) through one forward pass, then hands each request its
 * rows of the outputs. With a window of 0 nothing waits: requests that arrive while the engine is
 * busy are batched together, a lone request runs at once. A positive window waits that long for
 * company after the first request.
 */
final class MicroBatcher implements AutoCloseable {
    /** Raw outputs of one request: per task, its rows × width. */
    record Outputs(float[][] raw, int rows) {}

    private record Job(FeatureMatrix x, CompletableFuture<Outputs> result) {}

    private final Predictor predictor;
    private final int maxRows;
    private final long windowNanos;
    private final BlockingQueue<Job> queue;
    private final Thread worker;
    private volatile boolean running = true;
    final AtomicLong batches = new AtomicLong();
    final AtomicLong rows = new AtomicLong();
    final AtomicLong requests = new AtomicLong();

    MicroBatcher(Predictor predictor, int maxRows, long windowMicros, int queueCapacity) {
        this.predictor = predictor;
        this.maxRows = maxRows;
        this.windowNanos = windowMicros * 1000;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.worker = new Thread(this::loop, "mtl4j-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues the rows; the future fails with {@link Overloaded} when the queue is full. */
    CompletableFuture<Outputs> submit(FeatureMatrix x) {
        CompletableFuture<Outputs> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new Overloaded("the server is shutting down"));
        } else if (!queue.offer(new Job(x, f))) {
            f.completeExceptionally(
                    new Overloaded(
                            "too many requests waiting ("
                                    + queue.size()
                                    + "); retry, or start the server with more capacity"));
        }
        return f;
    }

    /** The request queue is full. */
    static final class Overloaded extends Mtl4jException {
        Overloaded(String message) {
            super(message);
        }
    }

    private void loop() {
        List<Job> jobs = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                jobs.clear();
                jobs.add(first);
                int n = first.x().rows();
                long deadline = System.nanoTime() + windowNanos;
                while (n < maxRows) {
                    Job next = queue.peek();
                    if (next == null && windowNanos > 0) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        next = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (next == null) {
                            break;
                        }
                    } else if (next == null) {
                        break;
                    } else if (n + next.x().rows() > maxRows) {
                        break;
                    } else {
                        queue.poll();
                    }
                    jobs.add(next);
                    n += next.x().rows();
                }
                run(jobs, n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Job j; (j = queue.poll()) != null; ) {
            j.result().completeExceptionally(new Overloaded("the server is shutting down"));
        }
    }

    private void run(List<Job> jobs, int n) {
        try {
            FeatureMatrix x = jobs.get(0).x();
            for (int i = 1; i < jobs.size(); i++) {
                x = x.concat(jobs.get(i).x());
            }
            float[][] raw = predictor.predictRaw(x);
            batches.incrementAndGet();
            rows.addAndGet(n);
            requests.addAndGet(jobs.size());
            if (jobs.size() == 1) {
                jobs.get(0).result().complete(new Outputs(raw, n));
                return;
            }
            int offset = 0;
            for (Job j : jobs) {
                int m = j.x().rows();
                float[][] part = new float[raw.length][];
                for (int t = 0; t < raw.length; t++) {
                    int w = raw[t].length / n;
                    part[t] = java.util.Arrays.copyOfRange(raw[t], offset * w, (offset + m) * w);
                }
                j.result().complete(new Outputs(part, m));
                offset += m;
            }
        } catch (RuntimeException | Error e) {
            for (Job j : jobs) {
                j.result().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
