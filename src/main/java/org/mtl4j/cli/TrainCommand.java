package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.config.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Trains from a YAML config into a run directory. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a multi-task model from a YAML config into a run directory.")
final class TrainCommand implements Callable<Integer> {
    @Mixin Main.Common common = new Main.Common();

    @Mixin Cli.ReportOption report = new Cli.ReportOption();

    @Parameters(index = "0", paramLabel = "CONFIG.yaml", description = "Experiment config.")
    Path config;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Run directory (default: runs/<name>).")
    Path out;

    @Override
    public Integer call() {
        ExperimentConfig c = Cli.withThreads(org.mtl4j.config.ConfigLoader.load(config), common);
        Path dir = out != null ? out : Path.of("runs", c.name());
        RunResult r =
                new Experiment(c)
                        .train(
                                dir,
                                new ProgressBar(System.err, System.console() != null, c.name()));
        System.out.println(Tables.metrics(r));
        System.out.printf(
                java.util.Locale.ROOT,
                "best epoch %d of %d, %d steps in %.1fs (%.1f steps/s), %,d parameters%n",
                r.bestEpoch(),
                r.epochsRun(),
                r.steps(),
                r.seconds(),
                r.stepsPerSecond(),
                r.parameterCount());
        if (r.diagnosedSteps() > 0) {
            System.out.printf(
                    java.util.Locale.ROOT,
                    "gradient diagnostics on %d steps: %.1fs, %.1f%% of training time%n",
                    r.diagnosedSteps(),
                    r.diagnosticsSeconds(),
                    r.diagnosticsPercent());
        }
        System.out.println("run directory: " + dir.toAbsolutePath());
        Cli.writeReport(dir, report);
        return 0;
    }
}
