package org.mtl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.Mtl4jException;
import org.mtl4j.data.CsvTable;
import org.mtl4j.run.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes every task's predictions for a CSV of feature rows. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description =
                "Predict every task for each row of a CSV (one forward pass per batch); writes"
                        + " one column, or group of columns, per task.")
final class PredictCommand implements Callable<Integer> {
    @Mixin Main.Common common = new Main.Common();

    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR",
            description = "Run directory written by train.")
    Path run;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE.csv",
            description = "Rows with the training feature columns.")
    Path input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "FILE.csv",
            description = "Where to write the predictions.")
    Path output;

    @Override
    public Integer call() throws java.io.IOException {
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new Mtl4jException(
                    output + ": is the input file; write the predictions to another file");
        }
        try (Predictor p = Predictor.load(run, common.threads())) {
            CsvTable in = CsvTable.read(input);
            p.writeCsv(in, output);
            System.out.printf(
                    "wrote %d rows x %d tasks to %s%n", in.rows(), p.tasks().size(), output);
        }
        return 0;
    }
}
