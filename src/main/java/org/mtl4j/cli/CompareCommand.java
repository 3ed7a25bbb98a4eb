package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.api.CompareResult;
import org.mtl4j.api.Experiment;
import org.mtl4j.config.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Multi-task vs single-task baselines, with Δm. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description =
                "Train the multi-task model and one single-task model per task (same encoder,"
                        + " head and epochs), print the per-task table and Delta_m, and save compare.json.")
final class CompareCommand implements Callable<Integer> {
    @Mixin Main.Common common = new Main.Common();

    @Mixin Cli.ReportOption report = new Cli.ReportOption();

    @Parameters(index = "0", paramLabel = "CONFIG.yaml", description = "Experiment config.")
    Path config;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output directory (default: runs/<name>-compare).")
    Path out;

    @Override
    public Integer call() {
        ExperimentConfig c = Cli.withThreads(org.mtl4j.config.ConfigLoader.load(config), common);
        Path dir = out != null ? out : Path.of("runs", c.name() + "-compare");
        CompareResult r =
                new Experiment(c)
                        .compare(
                                dir,
                                label ->
                                        new ProgressBar(
                                                System.err, System.console() != null, label));
        System.out.println();
        System.out.println(Tables.compare(r));
        System.out.println("saved " + dir.resolve("compare.json").toAbsolutePath());
        Cli.writeReport(dir, report);
        return 0;
    }
}
