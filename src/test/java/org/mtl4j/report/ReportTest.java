package org.mtl4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.CompareResult;
import org.mtl4j.api.Experiment;
import org.mtl4j.data.SyntheticMmoe;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.run.AtomicFiles;
import org.mtl4j.run.Json;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.Listeners;
import org.mtl4j.train.TrainerSpec;

/**
 * The report of a real comparison (two tasks, multi-task EW run with gradient diagnostics every 5
 * steps, two single-task runs): its numbers agree with compare.json and metrics.jsonl, every chart
 * has a PNG copy that is a real picture, the CSV export matches the JSON lines, bad inputs are
 * named, and headless Chromium draws every chart without console errors.
 */
class ReportTest {
    private static final int DIAGNOSE_EVERY = 5;
    @TempDir static Path tmp;
    static Path cmp;
    static CompareResult compare;

    @BeforeAll
    static void train() {
        Experiment e =
                Experiment.builder("report-test")
                        .seed(3)
                        .threads(1)
                        .syntheticData(
                                new SyntheticMmoe.Spec(2, 0.5, 700, 8, 4, 1.0, 0.01, false),
                                0.2,
                                0.2)
                        .task(Task.of("a", new TaskType.Regression(1)))
                        .task(Task.of("b", new TaskType.Binary()))
                        .encoder(MlpSpec.of(16))
                        .head(MlpSpec.of())
                        .balancer("ew")
                        .trainer(
                                TrainerSpec.defaults(3, 32, 1e-2).withDiagnoseEvery(DIAGNOSE_EVERY))
                        .build();
        cmp = tmp.resolve("cmp");
        compare = e.compare(cmp, label -> Listeners.none());
    }

    private static List<JsonNode> records(Path run, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = Json.mapper().readTree(line);
            if (n.path("type").asText().equals(type)) {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    void diagnosticsAreRecordedEveryPeriodWithTheirCost() throws IOException {
        Path mtl = cmp.resolve("mtl");
        List<JsonNode> diag = records(mtl, "diagnostics");
        JsonNode summary = Json.read(mtl.resolve("summary.json"));
        long steps = summary.path("steps").asLong();
        assertEquals((steps + DIAGNOSE_EVERY - 1) / DIAGNOSE_EVERY, diag.size());
        for (int i = 0; i < diag.size(); i++) {
            JsonNode d = diag.get(i);
            assertEquals(1 + (long) i * DIAGNOSE_EVERY, d.path("step").asLong());
            JsonNode pair = d.path("pairs").get(0);
            assertEquals("a", pair.path("a").asText());
            double cos = pair.path("cosine").asDouble();
            assertTrue(cos >= -1 && cos <= 1, "cosine " + cos);
            double ratio =
                    d.path("grad_norm").path("a").asDouble()
                            / d.path("grad_norm").path("b").asDouble();
            assertEquals(ratio, pair.path("norm_ratio").asDouble(), 1e-9 * ratio);
        }
        JsonNode cost = summary.path("diagnostics");
        assertEquals(diag.size(), cost.path("steps").asInt());
        double sum = diag.stream().mapToDouble(d -> d.path("seconds").asDouble()).sum();
        assertEquals(sum, cost.path("seconds").asDouble(), 1e-6);
        assertEquals(
                100 * sum / summary.path("seconds").asDouble(),
                cost.path("percent_of_training").asDouble(),
                1e-6);
    }

    @Test
    void reportAgreesWithTheRunsAndHasRealPngCopies() throws IOException {
        Path html = tmp.resolve("out").resolve("report.html");
        Report.Written w = Report.write(List.of(cmp), html, true);
        assertEquals(3, w.runs());
        String page = Files.readString(html);
        assertEquals(w.charts(), count(page, "<svg "));
        assertFalse(page.contains("src=\"http") || page.contains("href=\"http"), "offline");
        // Δm of the single multi-task run equals compare.json's
        String dm = String.format(Locale.ROOT, "%.2f", compare.deltaM().overall());
        assertTrue(page.contains("<b>" + dm + "</b>"), "Δm " + dm + " in the table");
        for (String title :
                List.of(
                        "Δm against single-task baselines",
                        "Trade-off: a vs b",
                        "Loss per epoch",
                        "Validation accuracy per epoch",
                        "Task weights (ew)",
                        "Gradient cosine between tasks",
                        "Mean gradient cosine",
                        "Gradient norm per task")) {
            assertTrue(page.contains(title), title);
        }
        // the finding quotes the conflict share measured from metrics.jsonl
        List<JsonNode> diag = records(cmp.resolve("mtl"), "diagnostics");
        long negative =
                diag.stream()
                        .filter(d -> d.path("pairs").get(0).path("cosine").asDouble() < 0)
                        .count();
        String finding =
                String.format(
                        Locale.ROOT,
                        "conflict (negative cosine) on %.0f %% of %d diagnosed steps",
                        100.0 * negative / diag.size(),
                        diag.size());
        assertTrue(page.contains(finding), finding);
        assertEquals(w.charts(), w.pngs().size());
        for (Path png : w.pngs()) {
            BufferedImage img = ImageIO.read(png.toFile());
            assertTrue(img != null && img.getWidth() >= 700, png + " is an image");
            assertTrue(colours(img) > 10, png + " has a drawing, not a blank canvas");
        }
    }

    @Test
    void csvExportMatchesTheJsonLines() throws IOException {
        Path mtl = cmp.resolve("mtl");
        List<Path> files = CsvExport.write(mtl, tmp.resolve("csv"));
        assertEquals(3, files.size());
        List<String> steps = Files.readAllLines(files.get(0));
        assertEquals("epoch,step,lr,rows_per_second,loss:a,loss:b,weight:a,weight:b", steps.get(0));
        assertEquals(records(mtl, "step").size() + 1, steps.size());
        List<String> epochs = Files.readAllLines(files.get(1));
        assertEquals(4, epochs.size());
        assertTrue(
                epochs.get(0).contains("validation_loss:b")
                        && epochs.get(0).contains("b:accuracy"));
        List<String> diag = Files.readAllLines(files.get(2));
        List<JsonNode> json = records(mtl, "diagnostics");
        assertEquals(json.size() + 1, diag.size());
        String[] first = diag.get(1).split(",");
        assertEquals("a", first[2]);
        assertEquals(
                json.get(0).path("pairs").get(0).path("cosine").asDouble(),
                Double.parseDouble(first[4]),
                0);
    }

    @Test
    void badInputsAreNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () -> Report.write(List.of(empty), tmp.resolve("x.html"), false));
        assertTrue(
                e.getMessage().contains(empty.toString())
                        && e.getMessage().contains("no mtl4j run"),
                e.getMessage());
        // a run killed mid-write: the cut last line is ignored, and without a summary the run is
        // reported as in progress
        Path cut = copyRun(cmp.resolve("mtl"), tmp.resolve("cut"));
        Files.delete(cut.resolve("summary.json"));
        Files.writeString(
                cut.resolve("metrics.jsonl"),
                "{\"type\":\"ep",
                java.nio.file.StandardOpenOption.APPEND);
        Report.write(List.of(cut), cut.resolve("report.html"), false);
        assertTrue(Files.readString(cut.resolve("report.html")).contains("no summary.json"));
        // a damaged line in the middle is an error naming the file and line
        Path bad = copyRun(cmp.resolve("mtl"), tmp.resolve("bad"));
        List<String> lines = new ArrayList<>(Files.readAllLines(bad.resolve("metrics.jsonl")));
        lines.set(1, "not json");
        Files.write(bad.resolve("metrics.jsonl"), lines);
        Mtl4jException damaged =
                assertThrows(
                        Mtl4jException.class,
                        () -> Report.write(List.of(bad), bad.resolve("report.html"), false));
        assertTrue(damaged.getMessage().contains("metrics.jsonl line 2"), damaged.getMessage());
    }

    /**
     * Headless Chromium loads the report, the page's check finds every chart drawn (non-empty SVG
     * with a real bounding box) and nothing reaches the console; a copy with one chart emptied is
     * caught by the same check. A screenshot stays in target/report-artifacts/.
     */
    @Test
    void chromiumDrawsEveryChart() throws Exception {
        String chromium = findChromium();
        Path html = tmp.resolve("browser").resolve("report.html");
        Report.Written w = Report.write(List.of(cmp), html, false);
        Browser ok = dumpDom(chromium, html);
        assertTrue(
                ok.dom().contains("data-charts=\"" + w.charts() + "/" + w.charts() + "\""),
                "every chart drew: " + attribute(ok.dom()));
        assertFalse(ok.log().contains(":CONSOLE"), "console messages: " + ok.log());
        // the check can fail: empty the first chart
        String page = Files.readString(html);
        int i = page.indexOf("<svg ");
        int j = page.indexOf("</svg>", i) + 6;
        Path broken = html.resolveSibling("broken.html");
        Files.writeString(
                broken,
                page.substring(0, i)
                        + "<svg class=\"chart\" aria-label=\"emptied\"></svg>"
                        + page.substring(j));
        Browser bad = dumpDom(chromium, broken);
        assertTrue(
                bad.dom().contains("data-charts=\"" + (w.charts() - 1) + "/" + w.charts() + "\""),
                attribute(bad.dom()));
        assertTrue(bad.log().contains("chart did not draw: emptied"), bad.log());
        // screenshot kept as a build artifact
        Path artifacts = Files.createDirectories(Path.of("target", "report-artifacts"));
        Files.copy(
                html,
                artifacts.resolve("report.html"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path shot = artifacts.resolve("report-screenshot.png").toAbsolutePath();
        run(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1100,3200",
                "--screenshot=" + shot,
                html.toUri().toString());
        BufferedImage img = ImageIO.read(shot.toFile());
        assertTrue(img != null && colours(img) > 10, "screenshot shows the page");
    }

    private record Browser(String dom, String log) {}

    private static Browser dumpDom(String chromium, Path html) throws Exception {
        Browser b =
                run(
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--enable-logging=stderr",
                        "--v=0",
                        "--virtual-time-budget=5000",
                        "--dump-dom",
                        html.toUri().toString());
        return b;
    }

    private static Browser run(String... cmd) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p =
                new ProcessBuilder(cmd)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 120 s: " + String.join(" ", cmd));
        }
        return new Browser(
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String attribute(String dom) {
        Matcher m = Pattern.compile("data-charts=\"[^\"]*\"").matcher(dom);
        return m.find() ? m.group() : "no data-charts attribute (script did not run)";
    }

    /** chromium on the PATH; CI must have it, elsewhere the test is skipped with how to get it. */
    private static String findChromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        String how = "headless Chromium not found: apt-get install chromium";
        if (System.getenv("CI") != null) {
            fail(how + " (.ci/run installs it)");
        }
        Assumptions.abort(how);
        return null;
    }

    private static Path copyRun(Path from, Path to) throws IOException {
        AtomicFiles.deleteRecursively(to);
        Files.createDirectories(to);
        for (String f : List.of("manifest.json", "summary.json", "metrics.jsonl", "config.yaml")) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
        return to;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
