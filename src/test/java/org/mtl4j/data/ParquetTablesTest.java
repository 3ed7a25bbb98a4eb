package org.mtl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.train.TrainingListener;

/** Parquet input: values as text, NULL as empty, lists joined by "|", and a training run. */
class ParquetTablesTest {
    @TempDir Path dir;

    private static void sql(String s) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute(s);
        }
    }

    @Test
    void readsColumnsNullsAndListsAsText() throws Exception {
        Path f = dir.resolve("small.parquet");
        sql(
                "COPY (SELECT * FROM (VALUES (1, 2.5, 'red', ['Action', 'Comedy'], 1),"
                        + " (2, NULL, NULL, ['Drama'], 0), (3, -1.0, 'blue', [], NULL))"
                        + " AS t(id, x, color, genres, y)) TO '"
                        + f
                        + "' (FORMAT PARQUET)");
        CsvTable t = CsvTable.read(f);
        assertEquals(List.of("id", "x", "color", "genres", "y"), t.columns());
        assertEquals(3, t.rows());
        assertEquals("2.5", t.cell(0, 1));
        assertEquals("Action|Comedy", t.cell(0, 3));
        assertEquals("", t.cell(1, 1), "NULL is an empty cell");
        assertEquals("", t.cell(1, 2));
        assertEquals("-1.0", t.cell(2, 1), "a DECIMAL(2,1) keeps its scale");
        assertEquals("", t.cell(2, 3), "an empty list");
        assertEquals("", t.cell(2, 4));
        Files.writeString(dir.resolve("bad.parquet"), "not parquet at all");
        Mtl4jException e =
                assertThrows(Mtl4jException.class, () -> CsvTable.read(dir.resolve("bad.parquet")));
        assertTrue(
                e.getMessage().contains("bad.parquet") && e.getMessage().contains("Parquet"),
                e.getMessage());
        e = assertThrows(Mtl4jException.class, () -> CsvTable.read(dir.resolve("none.parquet")));
        assertTrue(e.getMessage().contains("file not found"), e.getMessage());
    }

    @Test
    void trainsFromAParquetFileWithAMultiValuedListColumn() throws Exception {
        Path f = dir.resolve("train.parquet");
        sql(
                "COPY (SELECT i % 7 AS a, (i * 13) % 11 AS b,"
                        + " CASE WHEN i % 3 = 0 THEN ['x', 'y'] ELSE ['z'] END AS tags,"
                        + " CASE WHEN (i % 7) + (i * 13) % 11 > 8 THEN 1 ELSE 0 END AS big,"
                        + " ((i % 7) * 0.5 + random() * 0.01) AS half"
                        + " FROM range(400) r(i)) TO '"
                        + f
                        + "' (FORMAT PARQUET)");
        String yaml =
                String.join(
                        "\n",
                        "name: pq",
                        "seed: 1",
                        "threads: 1",
                        "data: {train: train.parquet, validation_fraction: 0.2, test_fraction: 0.2,"
                                + " numeric: [a, b], categorical: [tags],"
                                + " multi_valued: {tags: \"|\"}}",
                        "tasks:",
                        "  - {name: big, type: binary, label: big}",
                        "  - {name: half, type: regression, label: half}",
                        "model: {encoder: {hidden: [8]}, head: {hidden: []}}",
                        "trainer: {epochs: 3, batch_size: 32, lr: 0.01}",
                        "");
        Path cfg = dir.resolve("pq.yaml");
        Files.writeString(cfg, yaml);
        RunResult r = Experiment.fromYaml(cfg).train(dir.resolve("run"), new TrainingListener() {});
        assertTrue(Double.isFinite(r.metrics().get("half").get("mse")));
        assertTrue(r.metrics().get("big").get("auc") > 0.5, r.metrics().toString());
    }
}
