package org.mtl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.Experiment;
import org.mtl4j.api.RunResult;
import org.mtl4j.train.Listeners;

class JsonLinesReaderTest {
    @TempDir Path tmp;

    @Test
    void readsObjectsAsRowsWithKeysAsColumnsInFirstSeenOrder() throws Exception {
        Path f = tmp.resolve("a.jsonl");
        Files.writeString(
                f,
                "\uFEFF{\"text\": \"Corn rose\", \"corn\": 1, \"price\": 2.5}\n"
                        + "\n"
                        + "{\"corn\": 0, \"text\": \"quiet day\", \"tags\": [\"a\", \"b\", 3]}\n"
                        + "{\"text\": null, \"corn\": true}\n");
        CsvTable t = CsvTable.read(f);
        assertEquals(List.of("text", "corn", "price", "tags"), t.columns());
        assertEquals(3, t.rows());
        assertArrayEquals(new int[] {1, 3, 4}, new int[] {t.line(0), t.line(1), t.line(2)});
        assertEquals("Corn rose", t.cell(0, 0));
        assertEquals("2.5", t.cell(0, 2));
        assertEquals("", t.cell(0, 3), "a missing key is an empty cell");
        assertEquals("quiet day", t.cell(1, 0));
        assertEquals("a b 3", t.cell(1, 3), "arrays of strings and numbers are joined");
        assertEquals("", t.cell(2, 0), "null is an empty cell");
        assertEquals("true", t.cell(2, 1));
        assertEquals("", t.cell(2, 2));
    }

    @Test
    void badLinesAreRefusedNamingTheFileAndLine() throws Exception {
        assertRefused("{\"a\": 1}\n{\"a\": 2,\n", "line 2", "not valid JSON");
        assertRefused("{\"a\": 1}\n[1, 2]\n", "line 2", "expected a JSON object");
        assertRefused("{\"a\": {\"b\": 1}}\n", "line 1", "nested objects");
        assertRefused("{\"a\": [{\"b\": 1}]}\n", "line 1", "an array may hold only");
        assertRefused("{\"a\": 1, \"a\": 2}\n", "line 1", "Duplicate field");
        assertRefused("\n\n", "b.jsonl", "no records");
        // a second object, or text, after the first on a line is not silently dropped
        assertRefused("{\"a\": 1}\n{\"a\": 2} {\"a\": 3}\n", "line 2", "not valid JSON");
        assertRefused("{\"a\": 1}garbage\n", "line 1", "not valid JSON");
    }

    private void assertRefused(String content, String... parts) throws Exception {
        Path f = tmp.resolve("b.jsonl");
        Files.writeString(f, content);
        Mtl4jException e = assertThrows(Mtl4jException.class, () -> CsvTable.read(f));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage() + " lacks " + p);
        }
        assertTrue(e.getMessage().contains("b.jsonl"), e.getMessage());
    }

    @Test
    void aTextModelTrainsFromJsonLines() throws Exception {
        Random r = new Random(5);
        String[] filler = {"alpha", "beta", "gamma", "delta", "epsilon"};
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            boolean good = r.nextBoolean();
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < 6; k++) {
                b.append(filler[r.nextInt(filler.length)]).append(' ');
            }
            if (good) {
                b.append("excellent");
            }
            // every fifth record has no label: that row is unlabelled for the task
            String label = i % 5 == 4 ? "" : ", \"good\": " + (good ? 1 : 0);
            lines.add("{\"doc\": \"" + b.toString().strip() + "\"" + label + "}");
        }
        Path data = tmp.resolve("docs.jsonl");
        Files.write(data, lines);
        Path cfg = tmp.resolve("j.yaml");
        Files.writeString(
                cfg,
                "name: jsonl\nseed: 2\ndata:\n  train: "
                        + data
                        + "\n  text: [doc]\n  validation_fraction: 0.2\n  test_fraction: 0.2\n"
                        + "tasks: [{name: good, type: binary, label: good}]\n"
                        + "trainer: {epochs: 8, batch_size: 32, lr: 0.01, diagnose_every: 0}\n");
        RunResult res = Experiment.fromYaml(cfg).train(tmp.resolve("run"), Listeners.none());
        double auc = res.metrics().get("good").get("auc");
        assertTrue(auc > 0.95, "auc " + auc);
    }
}
