package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.report.CsvExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A run's metrics.jsonl as CSV files. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description =
                "Export a run's metrics.jsonl as CSV: steps.csv (per-task loss and weight),"
                        + " epochs.csv (train/validation loss and metrics) and diagnostics.csv"
                        + " (gradient norms and pairwise cosines).")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "Run directory.")
    Path run;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output directory (default: RUN_DIR/csv).")
    Path out;

    @Override
    public Integer call() {
        Path dir = out != null ? out : run.resolve("csv");
        List<Path> files = CsvExport.write(run, dir);
        for (Path f : files) {
            System.out.println(f.toAbsolutePath());
        }
        return 0;
    }
}
