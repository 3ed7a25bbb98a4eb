package org.mtl4j.cli;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtl4j.api.Experiment;
import org.mtl4j.balance.BalancerRegistry;
import org.mtl4j.config.ExperimentConfig;
import org.mtl4j.config.Options;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.data.TrainingData;
import org.mtl4j.model.ModelSpec;
import org.mtl4j.model.MultiTaskModel;
import org.mtl4j.run.Engines;
import org.mtl4j.run.Json;
import org.mtl4j.run.Versions;
import org.mtl4j.train.StepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Training-step throughput of balancing methods on the demo problem, as JSON. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Time training steps of the demo model for several balancing methods and print"
                        + " JSON: median/p90/mean ms per step and steps per second.")
final class BenchCommand implements Callable<Integer> {
    @Mixin Main.Common common = new Main.Common();

    @Option(
            names = "--methods",
            split = ",",
            description = "Methods, optionally with /mode (default: ${DEFAULT-VALUE}).")
    List<String> methods =
            List.of("ew", "uw", "pcgrad", "pcgrad/representation", "mgda", "mgda/representation");

    @Option(names = "--steps", description = "Timed steps per method (default: ${DEFAULT-VALUE}).")
    int steps = 1000;

    @Option(names = "--batch-size", description = "Rows per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 256;

    @Override
    public Integer call() {
        int threads = common.threads();
        Experiment exp = DemoCommand.experiment("ew", 1, 7, threads);
        ExperimentConfig c = exp.config();
        TrainingData data = exp.loadData();
        List<Object> results = new ArrayList<>();
        // warm the JIT and the engine once, so the first method timed is not penalised
        time("ew", data, c, threads, 300, 10);
        for (String m : methods) {
            StepBenchmark.Result r = time(m, data, c, threads, 200, steps);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("method", m);
            row.put("median_ms", r.medianMs());
            row.put("p90_ms", r.p90Ms());
            row.put("mean_ms", r.meanMs());
            row.put("steps_per_second", r.stepsPerSecond());
            row.put("rows_per_second", r.stepsPerSecond() * batchSize);
            results.add(row);
            System.err.printf(
                    java.util.Locale.ROOT,
                    "%-24s %7.2f ms/step  %8.1f steps/s%n",
                    m,
                    r.medianMs(),
                    r.stepsPerSecond());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "problem",
                "demo: 3 tasks, 100 features, encoder "
                        + c.model().encoder()
                        + ", heads "
                        + c.model().head().hidden());
        out.put("batch_size", batchSize);
        out.put("steps", steps);
        out.put("threads", Engines.threads());
        out.put("versions", Versions.all());
        out.put("results", results);
        System.out.print(Json.pretty(out));
        return 0;
    }

    private StepBenchmark.Result time(
            String m, TrainingData data, ExperimentConfig c, int threads, int warmup, int timed) {
        String[] parts = m.split("/");
        Map<String, Object> opts = parts.length > 1 ? Map.of("mode", parts[1]) : Map.of();
        Engines.start(threads, c.seed());
        try (NDManager base = NDManager.newBaseManager()) {
            MultiTaskModel model =
                    new MultiTaskModel(
                            new ModelSpec(
                                    data.numericWidth(),
                                    List.of(),
                                    1,
                                    c.model().encoder(),
                                    c.model().head()),
                            c.tasks().stream().map(TaskConfig::task).toList());
            model.initialize(base);
            return StepBenchmark.run(
                    model,
                    base,
                    BalancerRegistry.create(parts[0], Options.of("--methods " + m, opts)),
                    data.train().get(0),
                    batchSize,
                    warmup,
                    timed,
                    c.seed());
        }
    }
}
