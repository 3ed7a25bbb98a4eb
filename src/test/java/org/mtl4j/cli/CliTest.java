package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.run.Json;
import org.mtl4j.testing.TestData;

/** End-to-end runs of the command line on a small CSV with missing labels. */
class CliTest {
    @TempDir static Path dir;
    static Path csv;
    static Path config;
    static Path run;
    static Result trained;

    record Result(int code, String out, String err) {}

    static Result cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = Main.run(args, o, e);
            return new Result(
                    code,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeAll
    static void train() throws IOException {
        csv = TestData.customersCsv(dir, 400, 9);
        config = TestData.customersConfig(dir, csv, "{method: pcgrad}", 4);
        run = dir.resolve("run");
        trained = cli("train", config.toString(), "--out", run.toString());
    }

    @Test
    void trainLeavesACompleteRunDirectory() {
        assertEquals(0, trained.code(), trained.err());
        for (String f :
                List.of(
                        "config.yaml",
                        "manifest.json",
                        "model/model.json",
                        "model/parameters.bin",
                        "metrics.jsonl",
                        "summary.json")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        JsonNode summary = Json.read(run.resolve("summary.json"));
        assertEquals("test", summary.get("evaluated_on").asText());
        assertTrue(summary.get("metrics").get("buy").get("auc").asDouble() > 0.6);
        assertTrue(trained.out().contains("price"), trained.out());
        JsonNode manifest = Json.read(run.resolve("manifest.json"));
        assertEquals(3, manifest.get("seed").asInt());
        assertTrue(manifest.get("versions").get("djl").asText().startsWith("0.36"));
    }

    @Test
    void resolvedConfigTrainsAgainToTheSameMetrics() throws IOException {
        Path again = dir.resolve("again");
        Result r = cli("train", run.resolve("config.yaml").toString(), "--out", again.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(
                Json.read(run.resolve("summary.json")).get("metrics"),
                Json.read(again.resolve("summary.json")).get("metrics"));
    }

    @Test
    void evalRebuildsTheTestSplitAndReproducesTheSummary() {
        Result r = cli("eval", run.toString());
        assertEquals(0, r.code(), r.err());
        double auc =
                Json.read(run.resolve("summary.json"))
                        .get("metrics")
                        .get("buy")
                        .get("auc")
                        .asDouble();
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.4f", auc)), r.out());
        Result onCsv = cli("eval", run.toString(), "--data", csv.toString());
        assertEquals(0, onCsv.code(), onCsv.err());
        assertTrue(onCsv.out().contains("400 rows"), onCsv.out());
    }

    @Test
    void multiValuedColumnTrainsPoolsAndPredicts() throws Exception {
        // a copy of the customers data with a multi-valued "tags" column derived from colour
        List<String> lines = Files.readAllLines(csv);
        List<String> out = new ArrayList<>();
        int colour = List.of(lines.get(0).split(",")).indexOf("color");
        out.add(lines.get(0) + ",tags");
        for (int i = 1; i < lines.size(); i++) {
            String c = lines.get(i).split(",", -1)[colour];
            out.add(
                    lines.get(i)
                            + ","
                            + (i % 3 == 0 ? "" : c + "|t" + (i % 4) + (i % 5 == 0 ? "|x" : "")));
        }
        Path tagged = dir.resolve("tagged.csv");
        Files.write(tagged, out);
        Path cfg = dir.resolve("tagged.yaml");
        Files.writeString(
                cfg,
                Files.readString(config)
                        .replace("  train: " + csv.getFileName(), "  train: tagged.csv")
                        .replace(
                                "  categorical: [color]",
                                "  categorical: [color, tags]\n  multi_valued: {tags: \"|\"}")
                        .replace("epochs: 4", "epochs: 2"));
        Path run = dir.resolve("tagged-run");
        Result r = cli("train", cfg.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        var model = org.mtl4j.run.Json.read(run.resolve("model/model.json")).get("model");
        assertEquals(
                "[1,3]", model.get("categorical_slots").toString(), "tags holds up to 3 values");
        Path pred = dir.resolve("tagged-pred.csv");
        Result p =
                cli(
                        "predict",
                        run.toString(),
                        "--input",
                        tagged.toString(),
                        "--output",
                        pred.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(lines.size(), Files.readAllLines(pred).size());
        Result e = cli("eval", run.toString());
        assertEquals(0, e.code(), e.err());
        Files.writeString(
                cfg,
                Files.readString(cfg)
                        .replace("multi_valued: {tags: \"|\"}", "multi_valued: {tags: \"\"}"));
        Result bad = cli("train", cfg.toString(), "--out", dir.resolve("bad-mv").toString());
        assertEquals(2, bad.code());
        assertTrue(
                bad.err().contains("multi_valued.tags") && bad.err().contains("separator"),
                bad.err());
    }

    @Test
    void hashedCategoricalColumnTrainsAndPredictsUnseenValues() throws Exception {
        Path cfg = dir.resolve("hashed.yaml");
        Files.writeString(
                cfg,
                Files.readString(config)
                        .replace(
                                "  categorical: [color]",
                                "  categorical: [color]\n  hash_buckets: {color: 5}")
                        .replace("epochs: 4", "epochs: 2"));
        Path out = dir.resolve("hashed-run");
        Result r = cli("train", cfg.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(
                Files.readString(out.resolve("config.yaml")).contains("hash_buckets"),
                "the resolved config keeps hash_buckets");
        String model = Files.readString(out.resolve("model/model.json"));
        assertTrue(model.contains("\"hashBuckets\""), "model.json records the buckets");
        // a colour never seen in training still gets a bucket and a prediction
        List<String> lines = Files.readAllLines(csv);
        String header = lines.get(0);
        int colour = List.of(header.split(",")).indexOf("color");
        String[] row = lines.get(1).split(",", -1);
        row[colour] = "ultraviolet";
        Path input = dir.resolve("unseen.csv");
        Files.writeString(input, header + "\n" + String.join(",", row) + "\n");
        Path pred = dir.resolve("unseen-pred.csv");
        Result p =
                cli(
                        "predict",
                        out.toString(),
                        "--input",
                        input.toString(),
                        "--output",
                        pred.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(2, Files.readAllLines(pred).size(), "header and one prediction");
        Files.writeString(
                cfg,
                Files.readString(cfg)
                        .replace("hash_buckets: {color: 5}", "hash_buckets: {colour: 5}"));
        Result bad = cli("train", cfg.toString(), "--out", dir.resolve("bad-hash").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("hash_buckets") && bad.err().contains("colour"), bad.err());
    }

    @Test
    void predictInAFreshJvmGivesExactlyTheSamePredictions() throws Exception {
        Path inProcess = dir.resolve("pred-in-process.csv");
        Result r =
                cli(
                        "predict",
                        run.toString(),
                        "--input",
                        csv.toString(),
                        "--output",
                        inProcess.toString());
        assertEquals(0, r.code(), r.err());
        Path fresh = dir.resolve("pred-fresh.csv");
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Dai.djl.offline=true",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "org.mtl4j.cli.Main",
                                "predict",
                                run.toString(),
                                "--input",
                                csv.toString(),
                                "--output",
                                fresh.toString(),
                                "--threads",
                                "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        List<String> a = Files.readAllLines(inProcess);
        List<String> b = Files.readAllLines(fresh);
        assertEquals(401, a.size());
        assertEquals("buy,buy_prob,size,size_prob_0,size_prob_1,size_prob_2,price", a.get(0));
        assertEquals(a, b);
    }

    @Test
    void configErrorsAreOneClearLineAndWriteNothing() throws IOException {
        String good = Files.readString(config);
        check(
                good.replace("  lr: 0.01", "  lr: 0.01\n  lerning_rate: 0.1"),
                "unknown option \"lerning_rate\"",
                "line 23");
        check(good.replace("epochs: 4", "epochs: ten"), "trainer.epochs", "expected an integer");
        check(good.replace("label: price}", "label: prce}"), "column \"prce\"", "price");
        check(
                good.replace("type: binary", "type: binray"),
                "unknown task type \"binray\"",
                "line 11");
        check(good.replace("classes: 3", "classes: 2"), "outside 0..1", "line");
        check(
                good.replace("train: customers.csv", "train: nowhere.csv"),
                "nowhere.csv",
                "not found");
        check(
                good.replace("{method: pcgrad}", "{method: pcgrad, mode: sideways}"),
                "sideways",
                "parameters or representation");
        check(
                good.replace("{method: pcgrad}", "magic"),
                "unknown balancing method \"magic\"",
                "pcgrad");
        check(
                good.replace("label: price}", "label: price, labels: [price]}"),
                "either label: COLUMN or labels: [COLUMNS]");
        check(
                good.replace("numeric: [a, b, c]", "numeric: [a, b, c, price]"),
                "both a feature and the label");
        check(
                good.replace("  lr: 0.01", "  lr: 0.01\n  select: buy/mse"),
                "trainer.select",
                "buy reports");
        check(good.replace("seed: 3", "seed: 1.5"), "seed (line 2)", "expected an integer");
        check(
                good.replace("encoder: {hidden: [16]}", "encoder: {hidden: [16], norm: batch}")
                        .replace("batch_size: 32", "batch_size: 1"),
                "at least 2 rows per batch");
        check(
                good.replace("type: binary", "type: {a: 1}"),
                "expected a single value, got a mapping");
        String huge = Files.readString(csv).replaceAll(",(\\d+\\.\\d+)\n", ",$1e30\n");
        Files.writeString(dir.resolve("huge.csv"), huge);
        check(
                good.replace("train: customers.csv", "train: huge.csv")
                        .replace("label: price}", "label: price, scale: none}"),
                "before any update",
                "scales");
        String bad = Files.readString(csv).replaceFirst("\n([-0-9.]+),", "\nabc,");
        Files.writeString(dir.resolve("bad.csv"), bad);
        check(
                good.replace("train: customers.csv", "train: bad.csv"),
                "line 2, column \"a\"",
                "\"abc\" is not a number");
    }

    private static void check(String yaml, String... expected) throws IOException {
        Path cfg = dir.resolve("broken.yaml");
        Files.writeString(cfg, yaml);
        Path out = dir.resolve("broken-run");
        Result r = cli("train", cfg.toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        // progress lines may precede it when the problem shows during training
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), "one error line: " + r.err());
        String err = errors.get(0);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        for (String e : expected) {
            assertTrue(err.contains(e), "expected \"" + e + "\" in: " + err);
        }
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(out.resolve("model")), "nothing half-written");
    }

    @Test
    void checkpointsAreWrittenKeptToTwoAndLoadable() throws IOException {
        String yaml =
                Files.readString(config)
                        .replace("  log_every: 5", "  log_every: 5\n  checkpoint_every: 7");
        Path cfg = dir.resolve("ckpt.yaml");
        Files.writeString(cfg, yaml);
        Path out = dir.resolve("ckpt-run");
        Result r = cli("train", cfg.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<Path> cps;
        try (var s = Files.list(out.resolve("checkpoints"))) {
            cps = s.sorted().toList();
        }
        // 240 training rows / 32 = 8 steps per epoch, 4 epochs = 32 steps: checkpoints every 7
        // steps (7, 14, 21, 28) and after every epoch (8, 16, 24, 32); the two newest are kept
        assertEquals(
                List.of("step-00000028", "step-00000032"),
                cps.stream().map(p -> p.getFileName().toString()).toList());
        try (org.mtl4j.run.Predictor p = org.mtl4j.run.Predictor.load(cps.get(1))) {
            assertEquals(3, p.tasks().size());
        }
        for (Path cp : cps) {
            for (String f : List.of("trainer-state.json", "optimizer.bin", "learnables.bin")) {
                assertTrue(Files.isRegularFile(cp.resolve(f)), cp + "/" + f);
            }
        }
    }

    @Test
    void compareWritesDeltaM() throws IOException {
        Path out = dir.resolve("cmp");
        // selecting on one task's metric: the other tasks' baselines select on their own loss
        Path cfg = dir.resolve("cmp.yaml");
        Files.writeString(
                cfg,
                Files.readString(config).replace("  lr: 0.01", "  lr: 0.01\n  select: buy/auc"));
        Result r = cli("compare", cfg.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode c = Json.read(out.resolve("compare.json"));
        assertTrue(c.get("delta_m_percent").isNumber(), c.toString());
        assertEquals(3, c.get("delta_m_per_task_percent").size());
        assertTrue(r.out().contains("Delta_m"), r.out());
        for (String t : List.of("buy", "size", "price")) {
            assertTrue(Files.exists(out.resolve("stl-" + t).resolve("model/model.json")), t);
        }
    }

    @Test
    void multiInputTasksWithTheirOwnFiles() throws IOException {
        Path a = TestData.customersCsv(dir.resolve("a"), 300, 1);
        Path b = TestData.customersCsv(dir.resolve("b"), 150, 2);
        String yaml =
                String.join(
                        "\n",
                        "name: multi",
                        "threads: 1",
                        "data: {numeric: [a, b, c], categorical: [color]}",
                        "tasks:",
                        "  - {name: buy, type: binary, label: buy, train: " + a + "}",
                        "  - {name: price, type: regression, label: price, train: " + b + "}",
                        "balancer: {method: mgda, mode: representation}",
                        "trainer: {epochs: 2, batch_size: 32, sampler: proportional}",
                        "");
        Path cfg = dir.resolve("multi.yaml");
        Files.writeString(cfg, yaml);
        Path out = dir.resolve("multi-run");
        Result r = cli("train", cfg.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = Json.read(out.resolve("manifest.json"));
        assertTrue(m.get("multi_input").asBoolean());
        // 80 % of each file trains: 240 + 120 rows
        assertEquals(360, m.get("train_rows").asInt());
        assertTrue(
                Json.read(out.resolve("summary.json"))
                        .get("metrics")
                        .get("price")
                        .get("mse")
                        .isNumber());
    }

    @Test
    void normalisedEncodersTrainAndReloadToTheSameMetrics() throws IOException {
        for (String norm : List.of("batch", "layer")) {
            String yaml =
                    Files.readString(config)
                            .replace(
                                    "encoder: {hidden: [16]}",
                                    "encoder: {hidden: [16, 8], norm: " + norm + ", dropout: 0.1}");
            Path cfg = dir.resolve(norm + ".yaml");
            Files.writeString(cfg, yaml);
            Path out = dir.resolve(norm + "-run");
            Result r = cli("train", cfg.toString(), "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            double mse =
                    Json.read(out.resolve("summary.json"))
                            .get("metrics")
                            .get("price")
                            .get("mse")
                            .asDouble();
            Result e = cli("eval", out.toString());
            assertEquals(0, e.code(), e.err());
            assertTrue(
                    e.out().contains(String.format(java.util.Locale.ROOT, "%.4f", mse)),
                    norm + ": " + e.out());
        }
    }

    @Test
    void refusesToTrainIntoADirectoryThatIsNotARun() throws IOException {
        Path foreign = dir.resolve("foreign");
        Files.createDirectories(foreign.resolve("model"));
        Files.writeString(foreign.resolve("model/important.txt"), "precious");
        Result r = cli("train", config.toString(), "--out", foreign.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("not an mtl4j run directory"), r.err());
        assertEquals("precious", Files.readString(foreign.resolve("model/important.txt")));
        Result t = cli("train", config.toString(), "--out", run.toString(), "--threads", "-3");
        assertEquals(2, t.code(), t.err());
        assertTrue(t.err().contains("--threads -3"), t.err());
        Result p =
                cli(
                        "predict",
                        run.toString(),
                        "--input",
                        csv.toString(),
                        "--output",
                        csv.toString());
        assertEquals(2, p.code(), p.err());
        assertTrue(Files.readString(csv).startsWith("a,b,c,color"), "input left alone");
        Result d = cli("demo", "--epochs", "0", "--out", dir.resolve("d0").toString());
        assertEquals(2, d.code(), d.err());
        assertTrue(d.err().contains("epochs must be at least 1"), d.err());
    }

    @Test
    void helpAndMethodsList() {
        Result help = cli("--help");
        assertEquals(0, help.code());
        for (String c : List.of("demo", "train", "eval", "predict", "compare", "methods")) {
            assertTrue(help.out().contains(c), c);
        }
        Result m = cli("methods");
        assertEquals(0, m.code());
        List<org.mtl4j.balance.BalancerRegistry.Entry> entries =
                org.mtl4j.balance.BalancerRegistry.entries();
        assertTrue(entries.size() >= 25, "methods: " + entries.size());
        String docs;
        try {
            docs = java.nio.file.Files.readString(java.nio.file.Path.of("docs/config.md"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (var e : entries) {
            assertTrue(m.out().contains("  " + e.name() + " "), e.name() + " listed");
            if (!e.modes().equals("loss")) {
                assertTrue(
                        m.out().contains("modes: " + e.modes() + "; options: "),
                        e.name() + " shows its modes");
            }
            assertTrue(
                    docs.contains("| `" + e.name() + "` |"),
                    "docs/config.md documents method " + e.name());
        }
        // the deliberate differences from LibMTL, in the command's output and in the docs
        for (String difference :
                List.of("plain gradient", "No combined IMTL", "entropy regulariser", "MTAN")) {
            assertTrue(m.out().contains(difference), "methods states: " + difference);
        }
        for (String difference :
                List.of(
                        "Task heads get their plain gradient",
                        "No combined IMTL",
                        "DSelect-k without its entropy regulariser",
                        "MTAN's simplified attention")) {
            assertTrue(docs.contains(difference), "docs/config.md states: " + difference);
        }
    }
}
