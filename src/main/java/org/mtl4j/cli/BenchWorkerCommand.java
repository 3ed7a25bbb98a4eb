package org.mtl4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtl4j.balance.Balancer;
import org.mtl4j.data.Dataset;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.run.Engines;
import org.mtl4j.run.Json;
import org.mtl4j.train.StepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One timed configuration of {@code bench}, run in its own JVM so that its peak resident memory is
 * its own. Prints one JSON line.
 */
@Command(
        name = "bench-worker",
        hidden = true,
        description = "Internal: times one method and thread count for `mtl4j bench`.")
final class BenchWorkerCommand implements Callable<Integer> {
    @Option(names = "--batches-file", required = true)
    Path batchesFile;

    @Option(names = "--problem", required = true)
    String problem;

    @Option(names = "--method", required = true)
    String method;

    @Option(names = "--threads", required = true)
    int threads;

    @Option(names = "--steps", required = true)
    int steps;

    @Option(names = "--warmup", required = true)
    int warmup;

    @Option(names = "--seed")
    long seed = 1;

    @Option(names = {"-v", "--verbose"})
    boolean verbose;

    @Override
    public Integer call() {
        BenchCommand.Problem p = BenchCommand.Problem.parse(problem);
        List<Dataset> batches = BenchBatches.read(batchesFile);
        Balancer balancer = BenchCommand.balancer(method);
        Engines.start(threads, seed);
        StepBenchmark.Result r;
        try (NDManager base = NDManager.newBaseManager()) {
            MultiTaskModel model =
                    new MultiTaskModel(
                            p.model(batches.get(0).features().numericWidth()), p.tasks());
            model.initialize(base);
            r = StepBenchmark.run(model, base, balancer, batches, warmup, steps, seed);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("implementation", "mtl4j");
        out.put("method", method);
        out.put("threads", Engines.threads());
        out.put("steps", r.steps());
        out.put("batch_size", r.batchSize());
        out.put("mean_ms", r.meanMs());
        out.put("median_ms", r.medianMs());
        out.put("p90_ms", r.p90Ms());
        out.put("samples_per_second", r.samplesPerSecond());
        Map<String, Object> parts = new LinkedHashMap<>();
        parts.put("data", r.dataMs());
        parts.put("forward", r.forwardMs());
        parts.put("backward", r.backwardMs());
        parts.put("balancer", r.balancerMs());
        parts.put("optimizer", r.optimizerMs());
        parts.put("release", r.releaseMs());
        out.put("parts_ms", parts);
        out.put("peak_rss_mib", peakRssMib());
        System.out.println(Json.line(out).strip());
        return 0;
    }

    /** VmHWM of this process in MiB, or null where /proc is not available. */
    static Double peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }
}
