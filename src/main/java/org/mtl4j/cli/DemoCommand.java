package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.api.CompareResult;
import org.mtl4j.api.Experiment;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains on built-in synthetic data and compares against single-task baselines. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Train a multi-task model on built-in synthetic data (Ma et al. 2018) and show,"
                        + " per task, its metrics next to single-task baselines, with Delta_m.")
final class DemoCommand implements Callable<Integer> {
    @Mixin Main.Common common = new Main.Common();

    @Mixin Cli.ReportOption report = new Cli.ReportOption();

    @Option(names = "--out", description = "Output directory (default: runs/demo).")
    Path out = Path.of("runs", "demo");

    @Option(
            names = "--balancer",
            description = "Balancing method (default: ${DEFAULT-VALUE}); see 'mtl4j methods'.")
    String balancer = "ew";

    @Option(names = "--epochs", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 40;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 7;

    @Override
    public Integer call() {
        Experiment exp = experiment(balancer, epochs, seed, common.threads());
        System.out.println(
                "mtl4j demo: 3 tasks on synthetic data with task correlation 0.9"
                        + " (Ma et al., KDD 2018), 1,200 training rows");
        CompareResult c =
                exp.compare(
                        out, label -> new ProgressBar(System.err, System.console() != null, label));
        System.out.println();
        System.out.println(Tables.compare(c));
        System.out.println("runs and compare.json in " + out.toAbsolutePath());
        Cli.writeReport(out, report);
        return 0;
    }

    /** The demo experiment, built with the Java API. */
    static Experiment experiment(String balancer, int epochs, long seed, int threads) {
        return Experiment.builder("demo")
                .seed(seed)
                .threads(threads)
                .syntheticData(
                        new SyntheticMmoe.Spec(3, 0.9, 2000, 100, 10, 1.0, 0.01, false), 0.2, 0.2)
                .task(Task.of("y0", new TaskType.Regression(1)))
                .task(Task.of("y1", new TaskType.Regression(1)))
                .task(Task.of("y2_high", new TaskType.Binary()))
                .encoder(MlpSpec.of(64, 32))
                .head(MlpSpec.of(16))
                .balancer(balancer)
                .epochs(epochs)
                .batchSize(32)
                .build();
    }
}
