package org.mtl4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.Experiment;
import org.mtl4j.cli.Main;
import org.mtl4j.testing.TestData;
import org.mtl4j.train.Listeners;

/**
 * An edited model.json (strings, negative or huge widths, numbers out of range) is refused in one
 * line naming the file and the field, with exit code 2, before the engine builds anything.
 */
class ModelFilesHardeningTest {
    @TempDir static Path tmp;
    static Path csv;
    static Path run;
    static String original;

    @BeforeAll
    static void train() throws Exception {
        csv = TestData.customersCsv(tmp, 120, 3);
        Path cfg = TestData.customersConfig(tmp, csv, "ew", 1);
        run = tmp.resolve("run");
        Experiment.fromYaml(cfg).train(run, Listeners.none());
        original = Files.readString(run.resolve("model/model.json"));
    }

    /** Runs predict on the model after {@code edit} changed its model.json. */
    static void assertRefused(String what, Consumer<ObjectNode> edit, String... expected)
            throws Exception {
        ObjectNode j = (ObjectNode) Json.mapper().readTree(original);
        edit.accept(j);
        Files.writeString(run.resolve("model/model.json"), Json.pretty(j));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code =
                    Main.run(
                            new String[] {
                                "predict",
                                run.toString(),
                                "--input",
                                csv.toString(),
                                "--output",
                                tmp.resolve("p.csv").toString()
                            },
                            o,
                            e);
        } finally {
            Files.writeString(run.resolve("model/model.json"), original);
        }
        String msg = err.toString(StandardCharsets.UTF_8).strip();
        System.out.println(what + " | " + code + " | " + msg);
        assertEquals(2, code, what + ": " + msg);
        assertFalse(msg.contains("\n"), msg);
        assertTrue(msg.contains("model.json"), msg);
        for (String x : expected) {
            assertTrue(msg.contains(x), what + ": \"" + msg + "\" should say \"" + x + "\"");
        }
    }

    static ObjectNode encoder(ObjectNode j) {
        return (ObjectNode) j.get("model").get("encoder");
    }

    @Test
    void editedFieldsAreRefusedInOneLine() throws Exception {
        assertRefused(
                "string width",
                j -> encoder(j).putArray("hidden").add("abc"),
                "model.encoder.hidden[0] is \"abc\", expected an integer from 1 to 65536");
        assertRefused(
                "negative width",
                j -> encoder(j).putArray("hidden").add(-4),
                "model.encoder.hidden[0] is -4");
        assertRefused(
                "task width as a string",
                j -> ((ObjectNode) j.get("tasks").get(1)).put("width", "three"),
                "tasks[1].width is \"three\"");
        assertRefused(
                "dropout out of range",
                j -> encoder(j).put("dropout", 2.5),
                "model.encoder.dropout is 2.5, expected a number from 0.0 to 1.0");
        assertRefused("no tasks array", j -> j.put("tasks", 7), "tasks is 7, expected an array");
        assertRefused(
                "width beyond the bound",
                j -> encoder(j).putArray("hidden").add(3_000_000_000L),
                "model.encoder.hidden[0] is 3000000000");
        assertRefused(
                "widths that would need gigabytes",
                j -> encoder(j).putArray("hidden").add(60_000).add(60_000).add(60_000),
                "its layer widths need at least",
                "the files do not belong together");
        JsonNode ok = Json.mapper().readTree(Files.readString(run.resolve("model/model.json")));
        assertEquals(Json.mapper().readTree(original), ok, "the model is left as it was");
    }
}
