package org.mtl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.run.Json;
import org.mtl4j.testing.TestData;

/**
 * {@code trainer.select: geometric_loss} keeps the epoch whose validation losses have the smallest
 * geometric mean, recomputed here from the run's log.
 */
class GeometricSelectTest {
    @TempDir Path tmp;

    @Test
    void theKeptEpochMinimisesTheGeometricMeanOfTheValidationLosses() throws Exception {
        Path csv = TestData.customersCsv(tmp, 400, 1);
        Path cfg = TestData.customersConfig(tmp, csv, "ew", 20);
        Files.writeString(
                cfg,
                Files.readString(cfg)
                        .replace("  lr: 0.01\n", "  lr: 0.05\n  select: geometric_loss\n"));
        Path run = tmp.resolve("run");
        RunResult r = Experiment.fromYaml(cfg).train(run, Listeners.none());
        List<double[]> losses = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode j = Json.mapper().readTree(line);
            if (j.path("type").asText().equals("epoch")) {
                JsonNode v = j.get("validation_loss");
                losses.add(
                        new double[] {
                            v.get("buy").asDouble(),
                            v.get("size").asDouble(),
                            v.get("price").asDouble()
                        });
            }
        }
        int geo = 0;
        int sum = 0;
        for (int e = 1; e < losses.size(); e++) {
            if (geometric(losses.get(e)) < geometric(losses.get(geo))) {
                geo = e;
            }
            if (total(losses.get(e)) < total(losses.get(sum))) {
                sum = e;
            }
        }
        assertTrue(geo != sum, "this data tells the two rules apart (both pick " + (geo + 1) + ")");
        assertEquals(geo + 1, r.bestEpoch(), "epoch of the smallest geometric mean");
        System.out.println(
                "geometric_loss kept epoch "
                        + (geo + 1)
                        + "; the summed loss would keep "
                        + (sum + 1));

        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(cfg).replace("geometric_loss", "geometric"));
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> Experiment.fromYaml(bad));
        assertTrue(e.getMessage().contains("geometric_loss"), e.getMessage());
    }

    private static double geometric(double[] l) {
        double s = 0;
        for (double v : l) {
            s += Math.log(v);
        }
        return Math.exp(s / l.length);
    }

    private static double total(double[] l) {
        double s = 0;
        for (double v : l) {
            s += v;
        }
        return s;
    }
}
