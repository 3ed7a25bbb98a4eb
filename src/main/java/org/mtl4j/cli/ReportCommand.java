package org.mtl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The HTML report of one or more runs. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write a self-contained HTML report (works offline) of one or more runs, with PNG"
                    + " copies of its charts: loss and metric curves, task weights, gradient"
                    + " cosines between tasks over time and as a heat map; for several runs a"
                    + " per-task table with Delta_m, a Delta_m bar chart and, for two tasks, a"
                    + " trade-off scatter against the single-task baselines.",
            "RUN_DIR may be a run (train --out), a compare output directory, or a directory"
                    + " holding either (runs differing only in seed are averaged)."
        })
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Runs to report.")
    List<Path> runs;

    @Option(
            names = "--out",
            paramLabel = "FILE.html",
            description =
                    "Report file (default: report.html in the single RUN_DIR given; required"
                            + " for several).")
    Path out;

    @Option(names = "--no-png", description = "Do not write PNG copies of the charts.")
    boolean noPng;

    @Override
    public Integer call() {
        Path html = out;
        if (html == null) {
            if (runs.size() > 1) {
                throw new org.mtl4j.Mtl4jException(
                        "several RUN_DIRs: say where the report goes with --out FILE.html");
            }
            html = runs.get(0).resolve("report.html");
        } else if (Files.isDirectory(html)) {
            html = html.resolve("report.html");
        }
        Report.Written w = Report.write(runs, html, !noPng);
        System.out.printf(
                "report of %d run(s), %d charts: %s%n",
                w.runs(), w.charts(), w.html().toAbsolutePath());
        if (!w.pngs().isEmpty()) {
            System.out.println("PNG copies: " + w.pngs().get(0).getParent().toAbsolutePath() + "/");
        }
        return 0;
    }
}
