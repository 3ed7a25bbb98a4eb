package org.mtl4j.cli;

import org.mtl4j.config.ExperimentConfig;

/** Small helpers shared by commands. */
final class Cli {
    private Cli() {}

    /** The {@code --no-report} option of the commands that train. */
    static final class ReportOption {
        @picocli.CommandLine.Option(
                names = "--no-report",
                description = "Do not write report.html (and its PNG charts) at the end.")
        boolean noReport;
    }

    /**
     * Writes {@code dir/report.html} for a finished run or comparison. A failure here never fails
     * the training that produced the run: it is reported with the command that retries.
     */
    static void writeReport(java.nio.file.Path dir, ReportOption option) {
        if (option.noReport) {
            return;
        }
        try {
            org.mtl4j.report.Report.Written w =
                    org.mtl4j.report.Report.write(
                            java.util.List.of(dir), dir.resolve("report.html"), true);
            System.out.println(
                    "report: " + w.html().toAbsolutePath() + " (" + w.charts() + " charts)");
        } catch (RuntimeException e) {
            System.err.println(
                    "warning: report not written ("
                            + e.getMessage()
                            + "); retry with: mtl4j report "
                            + dir);
        }
    }

    /** The config with the command line's --threads applied. */
    static ExperimentConfig withThreads(ExperimentConfig c, Main.Common common) {
        if (common.threads == null) {
            return c;
        }
        return new ExperimentConfig(
                c.name(),
                c.seed(),
                c.data(),
                c.tasks(),
                c.model(),
                c.balancer(),
                c.balancerOptions(),
                c.trainer(),
                common.threads());
    }
}
