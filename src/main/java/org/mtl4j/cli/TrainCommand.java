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
        description = {
            "Train a multi-task model from a YAML config into a run directory.",
            "--resume RUN_DIR continues a run that was stopped (killed, crashed, out of time) from"
                    + " its newest checkpoint, with the run's own config.yaml, and ends exactly as"
                    + " the uninterrupted run would have."
        })
final class TrainCommand implements Callable<Integer> {
    @Mixin Main.Common common = new Main.Common();

    @Mixin Cli.ReportOption report = new Cli.ReportOption();

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "CONFIG.yaml",
            description = "Experiment config (not needed with --resume).")
    Path config;

    @Option(
            names = "--resume",
            paramLabel = "RUN_DIR",
            description = "Continue this run from its newest checkpoint.")
    Path resume;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Run directory (default: runs/<name>).")
    Path out;

    @Override
    public Integer call() {
        if (resume != null) {
            return resume();
        }
        if (config == null) {
            throw new org.mtl4j.Mtl4jException(
                    "give a CONFIG.yaml to train, or --resume RUN_DIR to continue a run");
        }
        ExperimentConfig c = Cli.withThreads(org.mtl4j.config.ConfigLoader.load(config), common);
        Path dir = out != null ? out : Path.of("runs", c.name());
        RunResult r =
                new Experiment(c)
                        .train(
                                dir,
                                new ProgressBar(System.err, System.console() != null, c.name()));
        print(r, dir);
        return 0;
    }

    private Integer resume() {
        Path runConfig = resume.resolve("config.yaml");
        if (!java.nio.file.Files.isRegularFile(runConfig)) {
            throw new org.mtl4j.Mtl4jException(
                    resume + ": no config.yaml; not a run directory written by mtl4j train");
        }
        if (out != null) {
            throw new org.mtl4j.Mtl4jException(
                    "--resume continues the run in its own directory; leave out --out");
        }
        ExperimentConfig c = Cli.withThreads(org.mtl4j.config.ConfigLoader.load(runConfig), common);
        if (config != null) {
            String given =
                    org.mtl4j.config.ConfigWriter.toYaml(
                            org.mtl4j.config.ConfigLoader.load(config));
            String saved = org.mtl4j.config.ConfigWriter.toYaml(c);
            if (!withoutThreads(given).equals(withoutThreads(saved))) {
                throw new org.mtl4j.Mtl4jException(
                        config
                                + " differs from the run's "
                                + runConfig
                                + "; a run resumes with its own config: leave CONFIG.yaml out");
            }
        }
        RunResult r =
                new Experiment(c)
                        .resume(
                                resume,
                                new ProgressBar(System.err, System.console() != null, c.name()));
        print(r, resume);
        return 0;
    }

    private static String withoutThreads(String yaml) {
        return yaml.replaceAll("(?m)^threads: .*$", "");
    }

    private void print(RunResult r, Path dir) {
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
    }
}
