package org.mtl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.RunResult;
import org.mtl4j.config.ConfigLoader;
import org.mtl4j.config.ExperimentConfig;
import org.mtl4j.data.CsvTable;
import org.mtl4j.data.DataLoader;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.TrainingData;
import org.mtl4j.run.Predictor;
import org.mtl4j.task.Task;
import org.mtl4j.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Re-evaluates a saved model. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Evaluate a saved model: on the run's own test split (rebuilt from its"
                        + " config.yaml and seed), or on a labelled CSV given with --data.")
final class EvalCommand implements Callable<Integer> {
    @Mixin Main.Common common = new Main.Common();

    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR",
            description = "Run directory written by train.")
    Path run;

    @Option(
            names = "--data",
            paramLabel = "FILE.csv",
            description = "Labelled CSV with the training feature and label columns.")
    Path data;

    @Override
    public Integer call() {
        try (Predictor p = Predictor.load(run, common.threads())) {
            Dataset ds;
            String on;
            java.util.function.IntFunction<String> where =
                    r -> "row " + (r + 1) + " of the evaluated data";
            if (data != null) {
                CsvTable table = CsvTable.read(data);
                ds = p.labelled(table);
                on = data.getFileName().toString();
                where = r -> data + " line " + table.line(r);
            } else {
                Path cfg = run.resolve("config.yaml");
                if (!Files.exists(cfg)) {
                    throw new Mtl4jException(
                            run
                                    + ": no config.yaml to rebuild the data from; pass --data FILE.csv");
                }
                ExperimentConfig c = ConfigLoader.load(cfg);
                TrainingData d = DataLoader.load(c.data(), c.tasks(), c.seed());
                ds = d.test() != null ? d.test() : d.validation();
                on = d.test() != null ? "test" : "validation";
                if (ds == null) {
                    throw new Mtl4jException(
                            run
                                    + ": the run has no test or validation split; pass --data FILE.csv");
                }
            }
            List<Task> tasks = p.tasks();
            Evaluator.Evaluation e = p.evaluate(ds, where);
            RunResult shown =
                    new RunResult(
                            run.getFileName().toString(),
                            run,
                            0,
                            0,
                            e.byTask(tasks),
                            on,
                            0,
                            0,
                            0,
                            p.model().parameterCount(),
                            0,
                            0);
            System.out.print(Tables.metrics(shown));
            System.out.printf("%d rows%n", ds.rows());
        }
        return 0;
    }
}
