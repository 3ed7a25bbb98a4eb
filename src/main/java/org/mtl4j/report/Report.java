package org.mtl4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mtl4j.Mtl4jException;
import org.mtl4j.eval.DeltaM;
import org.mtl4j.run.AtomicFiles;
import org.mtl4j.run.Versions;

/**
 * The HTML report of one or more runs: a self-contained file (inline SVG charts, inline CSS, a few
 * lines of inline script that check every chart drew; nothing loaded from the network) plus PNG
 * copies of its charts in a sibling {@code <name>_files/} directory.
 *
 * <p>For each run: loss curves (train and validation), validation metric curves with the best epoch
 * marked, task weights over time, and, when gradient diagnostics were recorded, the pairwise
 * gradient cosines over time, their mean as a heat map, and per-task gradient norms. For several
 * runs (the output of {@code compare}, or a sweep): a per-task metric table with Δm against the
 * single-task runs among them, a Δm bar chart, and for two tasks a scatter of task 1 against task 2
 * with the single-task baselines as reference lines. Runs that differ only in seed are averaged
 * (mean ± standard deviation).
 */
public final class Report {
    /** At most this many runs get their own section (the comparison covers all). */
    static final int MAX_RUN_SECTIONS = 40;

    /** What {@link #write} produced. */
    public record Written(Path html, List<Path> pngs, int charts, int runs) {}

    private final List<Chart> charts = new ArrayList<>();
    private final List<String> chartFiles = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();
    private final String filesLink;

    private Report(String filesLink) {
        this.filesLink = filesLink;
    }

    /**
     * Writes the report of the runs found in {@code inputs} (run directories, compare output
     * directories, or directories holding either) to {@code html}.
     *
     * @param png also write PNG copies of the charts
     */
    public static Written write(List<Path> inputs, Path html, boolean png) {
        List<RunData> runs = new ArrayList<>();
        for (Path p : inputs) {
            List<Path> found = findRuns(p);
            if (found.isEmpty()) {
                throw new Mtl4jException(
                        p
                                + ": no mtl4j run found (a run directory holds manifest.json and"
                                + " metrics.jsonl; pass what train --out or compare --out wrote)");
            }
            for (Path f : found) {
                runs.add(RunData.load(f));
            }
        }
        Path files = filesDir(html);
        Report r = new Report(png ? files.getFileName().toString() : null);
        String title = r.build(runs, inputs);
        String page = r.page(title);
        List<Path> pngs = new ArrayList<>();
        if (png) {
            try {
                AtomicFiles.deleteRecursively(files);
                Files.createDirectories(files);
            } catch (IOException e) {
                throw new Mtl4jException(
                        "cannot create "
                                + files
                                + ": "
                                + e.getMessage()
                                + " (choose another --out)",
                        e);
            }
            for (int i = 0; i < r.charts.size(); i++) {
                Path f = files.resolve(r.chartFiles.get(i));
                r.charts.get(i).writePng(f);
                pngs.add(f);
            }
        }
        AtomicFiles.writeString(html, page);
        return new Written(html, pngs, r.charts.size(), runs.size());
    }

    /** {@code report.html} → {@code report_files}. */
    static Path filesDir(Path html) {
        String n = html.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return html.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + "_files");
    }

    /** Run directories in or under {@code p} (three levels deep at most), in name order. */
    static List<Path> findRuns(Path p) {
        if (!Files.isDirectory(p)) {
            throw new Mtl4jException(p + ": no such directory");
        }
        List<Path> out = new ArrayList<>();
        collect(p, 0, out);
        return out;
    }

    private static void collect(Path dir, int depth, List<Path> out) {
        if (RunData.isRun(dir)) {
            out.add(dir);
            return;
        }
        if (depth >= 3) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path c : children.filter(Files::isDirectory).sorted(Report::runOrder).toList()) {
                collect(c, depth + 1, out);
            }
        } catch (IOException e) {
            throw new Mtl4jException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Multi-task run ({@code mtl}) before single-task ones, then by name. */
    private static int runOrder(Path a, Path b) {
        String x = a.getFileName().toString();
        String y = b.getFileName().toString();
        boolean sx = x.startsWith("stl-");
        boolean sy = y.startsWith("stl-");
        return sx != sy ? (sx ? 1 : -1) : x.compareTo(y);
    }

    // ------------------------------------------------------------------ building

    /** Runs that differ only in seed (and other non-settings), with a display label. */
    private record Group(String label, List<RunData> runs) {}

    private String build(List<RunData> runs, List<Path> inputs) {
        List<RunData> multi = runs.stream().filter(r -> r.taskNames().size() > 1).toList();
        long unfinished = runs.stream().filter(r -> r.summary() == null).count();
        if (unfinished > 0) {
            body.append("<p class=\"note\">")
                    .append(unfinished)
                    .append(
                            " run(s) have no summary.json yet (in progress or stopped): they are"
                                    + " left out of the comparison; their curves so far are below.</p>");
        }
        List<RunData> single = runs.stream().filter(r -> r.taskNames().size() == 1).toList();
        String title =
                runs.size() == 1
                        ? runs.get(0).name()
                        : inputs.size() == 1
                                ? inputs.get(0).toAbsolutePath().normalize().getFileName() + ""
                                : runs.size() + " runs";
        List<Group> groups = groups(multi.stream().filter(r -> r.summary() != null).toList());
        if (groups.size() > 1 || (!groups.isEmpty() && !single.isEmpty())) {
            comparison(groups, single);
        }
        List<RunData> detailed = new ArrayList<>(multi.isEmpty() ? single : multi);
        if (!multi.isEmpty()) {
            detailed.addAll(single);
        }
        int shown = Math.min(detailed.size(), MAX_RUN_SECTIONS);
        for (int i = 0; i < shown; i++) {
            runSection(detailed.get(i), i, detailed.size() > 1, i == 0);
        }
        if (detailed.size() > shown) {
            body.append("<p class=\"note\">")
                    .append(detailed.size() - shown)
                    .append(
                            " more runs are in the comparison above but have no section of their"
                                    + " own; report them separately for their curves.</p>");
        }
        return title;
    }

    private static List<Group> groups(List<RunData> multi) {
        Map<Map<String, Object>, List<RunData>> byKey = new LinkedHashMap<>();
        for (RunData r : multi) {
            byKey.computeIfAbsent(r.settingKey(), k -> new ArrayList<>()).add(r);
        }
        Set<Object> architectures = new LinkedHashSet<>();
        for (List<RunData> g : byKey.values()) {
            Object arch = g.get(0).configValue("model.architecture");
            architectures.add(
                    arch instanceof Map<?, ?> m ? m.get("type") : arch == null ? "hps" : arch);
        }
        List<Group> out = new ArrayList<>();
        Map<String, Integer> used = new LinkedHashMap<>();
        for (List<RunData> g : byKey.values()) {
            RunData first = g.get(0);
            String label = first.balancerLabel();
            Object arch = first.configValue("model.architecture");
            if (arch instanceof Map<?, ?> m) {
                arch = m.get("type");
            }
            if (arch == null) {
                arch = "hps";
            }
            if (architectures.size() > 1) {
                label = arch + " · " + label;
            }
            used.merge(label, 1, Integer::sum);
            out.add(new Group(label, g));
        }
        // labels that still collide get the first run's name
        List<Group> named = new ArrayList<>();
        for (Group g : out) {
            named.add(
                    used.get(g.label()) > 1
                            ? new Group(g.label() + " (" + g.runs().get(0).name() + ")", g.runs())
                            : g);
        }
        return named;
    }

    private void comparison(List<Group> groups, List<RunData> single) {
        List<String> tasks = groups.get(0).runs().get(0).taskNames();
        RunData ref = groups.get(0).runs().get(0);
        Map<String, List<RunData>> baselineRuns = new LinkedHashMap<>();
        for (RunData s : single) {
            String t = s.taskNames().get(0);
            if (tasks.contains(t) && s.summary() != null) {
                baselineRuns.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
            }
        }
        Map<String, Map<String, Double>> baseline = new LinkedHashMap<>();
        baselineRuns.forEach((t, rs) -> baseline.put(t, meanMetrics(rs, t)));
        boolean haveDelta =
                ref.tasks() != null
                        && baseline.keySet().containsAll(tasks)
                        && groups.stream().allMatch(g -> g.runs().get(0).taskNames().equals(tasks));
        body.append("<section><h2>Comparison</h2>");
        body.append("<p>")
                .append(groups.size())
                .append(" multi-task setting(s), ")
                .append(single.size())
                .append(
                        " single-task run(s). Runs that differ only in seed are averaged: mean ±"
                                + " standard deviation over the runs (n). Metrics are on each run's"
                                + " evaluation split (")
                .append(
                        Html.escape(
                                ref.summary() == null
                                        ? "unknown"
                                        : ref.summary().path("evaluated_on").asText("unknown")))
                .append(").");
        if (haveDelta) {
            body.append(
                    " Δm: the average relative change of every Δm metric against the mean of the"
                            + " single-task runs, in percent (positive: sharing helped); computed per"
                            + " run, then averaged.");
        } else {
            body.append(
                    " No Δm: it needs a single-task run of every task among the inputs (as"
                            + " compare writes).");
        }
        body.append("</p>");

        record Row(
                String label,
                int n,
                double[] mean,
                double[] std,
                double dm,
                double dmStd,
                Map<String, double[]> perTask) {}
        List<Row> rows = new ArrayList<>();
        for (Group g : groups) {
            List<RunData> done = g.runs().stream().filter(r -> r.summary() != null).toList();
            double[] mean = new double[tasks.size()];
            double[] std = new double[tasks.size()];
            for (int t = 0; t < tasks.size(); t++) {
                String task = tasks.get(t);
                String metric = ref.mainMetric(task);
                double[] v =
                        done.stream()
                                .mapToDouble(
                                        r -> r.finalMetrics(task).getOrDefault(metric, Double.NaN))
                                .toArray();
                mean[t] = Stats.mean(v);
                std[t] = Stats.std(v);
            }
            double dm = Double.NaN;
            double dmStd = Double.NaN;
            Map<String, double[]> perTask = new LinkedHashMap<>();
            if (haveDelta && !done.isEmpty()) {
                double[] dms = new double[done.size()];
                Map<String, double[]> pt = new LinkedHashMap<>();
                for (int i = 0; i < done.size(); i++) {
                    RunData r = done.get(i);
                    Map<String, Map<String, Double>> m = new LinkedHashMap<>();
                    for (String task : tasks) {
                        m.put(task, r.finalMetrics(task));
                    }
                    DeltaM.Result d;
                    try {
                        d = DeltaM.compute(ref.tasks(), m, baseline);
                    } catch (IllegalArgumentException e) {
                        d = null;
                    }
                    dms[i] = d == null ? Double.NaN : d.overall();
                    for (String task : tasks) {
                        pt.computeIfAbsent(task, k -> new double[done.size()])[i] =
                                d == null ? Double.NaN : d.perTask().getOrDefault(task, Double.NaN);
                    }
                }
                dm = Stats.mean(dms);
                dmStd = Stats.std(dms);
                perTask = pt;
            }
            rows.add(new Row(g.label(), done.size(), mean, std, dm, dmStd, perTask));
        }
        if (haveDelta) {
            rows.sort(
                    Comparator.comparingDouble((Row r) -> Double.isNaN(r.dm()) ? -1e300 : r.dm())
                            .reversed());
        }
        body.append("<table><thead><tr><th>setting</th><th>n</th>");
        for (String t : tasks) {
            body.append("<th>").append(Html.escape(t + " " + ref.mainMetric(t))).append("</th>");
            if (haveDelta) {
                body.append("<th>Δ ").append(Html.escape(t)).append(" %</th>");
            }
        }
        if (haveDelta) {
            body.append("<th>Δm %</th>");
        }
        body.append("</tr></thead><tbody>");
        if (!baseline.isEmpty()) {
            body.append("<tr class=\"baseline\"><td>single-task</td><td>");
            body.append(baselineRuns.values().stream().mapToInt(List::size).min().orElse(0));
            body.append("</td>");
            for (String t : tasks) {
                List<RunData> rs = baselineRuns.getOrDefault(t, List.of());
                String metric = ref.mainMetric(t);
                double[] v =
                        rs.stream()
                                .mapToDouble(
                                        r -> r.finalMetrics(t).getOrDefault(metric, Double.NaN))
                                .toArray();
                body.append("<td>").append(Stats.meanStd(v, 4)).append("</td>");
                if (haveDelta) {
                    body.append("<td></td>");
                }
            }
            if (haveDelta) {
                body.append("<td>0</td>");
            }
            body.append("</tr>");
        }
        for (Row r : rows) {
            body.append("<tr><td>")
                    .append(Html.escape(r.label()))
                    .append("</td><td>")
                    .append(r.n())
                    .append("</td>");
            for (int t = 0; t < tasks.size(); t++) {
                body.append("<td>")
                        .append(Stats.format(r.mean()[t], r.std()[t], 4))
                        .append("</td>");
                if (haveDelta) {
                    double[] v = r.perTask().get(tasks.get(t));
                    body.append("<td class=\"")
                            .append(sign(v == null ? Double.NaN : Stats.mean(v)))
                            .append("\">")
                            .append(v == null ? "" : Stats.meanStd(v, 2))
                            .append("</td>");
                }
            }
            if (haveDelta) {
                body.append("<td class=\"")
                        .append(sign(r.dm()))
                        .append("\"><b>")
                        .append(Stats.format(r.dm(), r.dmStd(), 2))
                        .append("</b></td>");
            }
            body.append("</tr>");
        }
        body.append("</tbody></table>");
        if (haveDelta) {
            chart(
                    new Chart.Bars(
                            "Δm against single-task baselines",
                            "Δm (%), positive: multi-task learning helped",
                            rows.stream().map(Row::label).toList(),
                            rows.stream().mapToDouble(Row::dm).toArray(),
                            rows.stream().mapToDouble(Row::dmStd).toArray()),
                    "delta-m");
        }
        if (tasks.size() == 2) {
            List<Chart.Point> pts = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                pts.add(
                        new Chart.Point(
                                r.label(),
                                r.mean()[0],
                                r.mean()[1],
                                r.std()[0],
                                r.std()[1],
                                Chart.color(i)));
            }
            String mx = ref.mainMetric(tasks.get(0));
            String my = ref.mainMetric(tasks.get(1));
            chart(
                    new Chart.Scatter(
                            "Trade-off: " + tasks.get(0) + " vs " + tasks.get(1),
                            tasks.get(0) + " " + mx,
                            tasks.get(1) + " " + my,
                            pts,
                            baseline.containsKey(tasks.get(0))
                                    ? baseline.get(tasks.get(0)).getOrDefault(mx, Double.NaN)
                                    : Double.NaN,
                            baseline.containsKey(tasks.get(1))
                                    ? baseline.get(tasks.get(1)).getOrDefault(my, Double.NaN)
                                    : Double.NaN,
                            "single-task"),
                    "trade-off");
            body.append(
                    "<p class=\"note\">Points up and to the right of both dashed lines beat"
                            + " both single-task models"
                            + (betterIsHigher(mx, my)
                                    ? ""
                                    : " (for metrics"
                                            + " where lower is better, down and to the left)")
                            + ".</p>");
        }
        body.append("</section>");
    }

    private static boolean betterIsHigher(String... metrics) {
        for (String m : metrics) {
            if (m.equals("loss") || !org.mtl4j.eval.Metrics.higherIsBetter(m)) {
                return false;
            }
        }
        return true;
    }

    private static String sign(double v) {
        return !Double.isFinite(v) ? "" : v > 0 ? "pos" : v < 0 ? "neg" : "";
    }

    private static Map<String, Double> meanMetrics(List<RunData> runs, String task) {
        Map<String, List<Double>> all = new LinkedHashMap<>();
        for (RunData r : runs) {
            r.finalMetrics(task)
                    .forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        all.forEach((k, v) -> out.put(k, Stats.mean(v.stream().mapToDouble(d -> d).toArray())));
        return out;
    }

    // ------------------------------------------------------------------ one run

    private void runSection(RunData run, int index, boolean collapsible, boolean open) {
        List<String> tasks = run.taskNames();
        String prefix = String.format(Locale.ROOT, "run%02d-", index + 1);
        if (collapsible) {
            body.append("<details")
                    .append(open ? " open" : "")
                    .append("><summary>")
                    .append(Html.escape(run.name()))
                    .append(" — ")
                    .append(Html.escape(run.balancerLabel()))
                    .append("</summary>");
        }
        body.append("<section class=\"run\"><h2>").append(Html.escape(run.name())).append("</h2>");
        runFacts(run);
        runMetrics(run);
        findings(run);
        int best = bestEpoch(run);
        List<Chart.Marker> bestMark =
                best > 0 ? List.of(new Chart.Marker(best, "best epoch " + best)) : List.of();
        // loss per epoch
        List<Chart.Series> loss = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            String task = tasks.get(t);
            loss.add(
                    new Chart.Series(
                            task + " train",
                            epochs(run),
                            values(run.epochs(), "train_loss", task),
                            Chart.color(t),
                            false));
            double[] val = values(run.epochs(), "validation_loss", task);
            if (Stats.anyFinite(val)) {
                loss.add(
                        new Chart.Series(
                                task + " validation", epochs(run), val, Chart.color(t), true));
            }
        }
        chart(
                new Chart.Lines(
                        "Loss per epoch (solid: train, dashed: validation)",
                        "epoch",
                        "loss",
                        loss,
                        bestMark,
                        Double.NaN,
                        "",
                        false),
                prefix + "loss");
        // validation metrics, one chart per metric
        Map<String, List<Integer>> byMetric = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            byMetric.computeIfAbsent(run.mainMetric(tasks.get(t)), k -> new ArrayList<>()).add(t);
        }
        for (Map.Entry<String, List<Integer>> e : byMetric.entrySet()) {
            List<Chart.Series> s = new ArrayList<>();
            for (int t : e.getValue()) {
                double[] v = new double[run.epochs().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] =
                            run.epochs()
                                    .get(i)
                                    .path("validation")
                                    .path(tasks.get(t))
                                    .path(e.getKey())
                                    .asDouble(Double.NaN);
                }
                s.add(new Chart.Series(tasks.get(t), epochs(run), v, Chart.color(t), false));
            }
            if (s.stream().anyMatch(x -> Stats.anyFinite(x.y()))) {
                chart(
                        new Chart.Lines(
                                "Validation " + e.getKey() + " per epoch",
                                "epoch",
                                e.getKey(),
                                s,
                                bestMark,
                                Double.NaN,
                                "",
                                false),
                        prefix + "validation-" + e.getKey());
            }
        }
        // per-step training loss and weights
        double[] stepX = run.steps().stream().mapToDouble(n -> n.path("step").asDouble()).toArray();
        List<Chart.Series> stepLoss = new ArrayList<>();
        List<Chart.Series> weights = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            stepLoss.add(
                    new Chart.Series(
                            tasks.get(t),
                            stepX,
                            values(run.steps(), "loss", tasks.get(t)),
                            Chart.color(t),
                            false));
            weights.add(
                    new Chart.Series(
                            tasks.get(t),
                            stepX,
                            values(run.steps(), "weight", tasks.get(t)),
                            Chart.color(t),
                            false));
        }
        if (!run.steps().isEmpty()) {
            chart(
                    new Chart.Lines(
                            "Training loss per logged step (one batch each)",
                            "step",
                            "loss",
                            stepLoss,
                            List.of(),
                            Double.NaN,
                            "",
                            false),
                    prefix + "step-loss");
            chart(
                    new Chart.Lines(
                            "Task weights (" + run.balancerLabel() + ")",
                            "step",
                            "weight or coefficient",
                            weights,
                            List.of(),
                            Double.NaN,
                            "",
                            false),
                    prefix + "weights");
        }
        if (!run.diagnostics().isEmpty()) {
            diagnosticCharts(run, prefix);
        } else if (tasks.size() > 1) {
            body.append(
                    "<p class=\"note\">No gradient diagnostics in this run (trained with"
                            + " trainer.diagnose_every: 0, or by a version that did not record them).</p>");
        }
        body.append("</section>");
        if (collapsible) {
            body.append("</details>");
        }
    }

    private void runFacts(RunData run) {
        JsonNode s = run.summary();
        body.append("<table class=\"facts\"><tbody>");
        fact("directory", run.dir().toAbsolutePath().normalize().toString());
        fact("tasks", String.join(", ", run.taskNames()));
        fact("balancer", run.balancerLabel());
        Object arch = run.configValue("model.architecture");
        if (arch instanceof Map<?, ?> m) {
            arch = m.get("type");
        }
        Object enc = run.configValue("model.encoder.type");
        if (enc != null || arch != null) {
            fact("model", (arch == null ? "hps" : arch) + (enc == null ? "" : ", encoder " + enc));
        }
        Object seed = run.configValue("seed");
        if (seed != null) {
            fact("seed", seed.toString());
        }
        if (s == null) {
            fact("status", "in progress or stopped early (no summary.json): curves so far");
        } else {
            fact(
                    "best epoch",
                    s.path("best_epoch").asInt()
                            + " of "
                            + s.path("epochs_run").asInt()
                            + (s.path("early_stopped").asBoolean() ? " (early stop)" : ""));
            fact(
                    "training",
                    String.format(
                            Locale.ROOT,
                            "%d steps in %.1f s (%.1f steps/s)",
                            s.path("steps").asLong(),
                            s.path("seconds").asDouble(),
                            s.path("steps_per_second").asDouble()));
            JsonNode d = s.path("diagnostics");
            if (d.path("steps").asInt() > 0) {
                fact(
                        "diagnostics cost",
                        String.format(
                                Locale.ROOT,
                                "%d diagnosed steps (every %d), %.2f s = %.2f %% of training time",
                                d.path("steps").asInt(),
                                d.path("every").asInt(),
                                d.path("seconds").asDouble(),
                                d.path("percent_of_training").asDouble()));
            }
        }
        body.append("</tbody></table>");
    }

    private void fact(String k, String v) {
        body.append("<tr><th>")
                .append(Html.escape(k))
                .append("</th><td>")
                .append(Html.escape(v))
                .append("</td></tr>");
    }

    private void runMetrics(RunData run) {
        if (run.summary() == null) {
            return;
        }
        Set<String> metricNames = new LinkedHashSet<>();
        for (String t : run.taskNames()) {
            metricNames.addAll(run.finalMetrics(t).keySet());
        }
        body.append("<table><thead><tr><th>task (")
                .append(Html.escape(run.summary().path("evaluated_on").asText("?")))
                .append(")</th>");
        for (String m : metricNames) {
            body.append("<th>").append(Html.escape(m)).append("</th>");
        }
        body.append("</tr></thead><tbody>");
        for (String t : run.taskNames()) {
            body.append("<tr><td>").append(Html.escape(t)).append("</td>");
            Map<String, Double> m = run.finalMetrics(t);
            for (String name : metricNames) {
                Double v = m.get(name);
                body.append("<td>").append(v == null ? "" : Axis.format(v)).append("</td>");
            }
            body.append("</tr>");
        }
        body.append("</tbody></table>");
    }

    /** Plain-language findings: where the tasks conflict and what the balancer did. */
    private void findings(RunData run) {
        List<String> out = new ArrayList<>();
        Map<String, List<Double>> cos = new LinkedHashMap<>();
        Map<String, List<Double>> ratio = new LinkedHashMap<>();
        for (JsonNode d : run.diagnostics()) {
            for (JsonNode p : d.path("pairs")) {
                String key = p.path("a").asText() + " / " + p.path("b").asText();
                if (p.path("cosine").isNumber()) {
                    cos.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(p.path("cosine").asDouble());
                }
                if (p.path("norm_ratio").isNumber()) {
                    ratio.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(p.path("norm_ratio").asDouble());
                }
            }
        }
        List<Map.Entry<String, List<Double>>> pairs = new ArrayList<>(cos.entrySet());
        pairs.sort(Comparator.comparingDouble(e -> -Stats.fractionBelow(e.getValue(), 0)));
        for (Map.Entry<String, List<Double>> e : pairs) {
            double[] v = e.getValue().stream().mapToDouble(d -> d).toArray();
            double share = Stats.fractionBelow(e.getValue(), 0);
            double[] r =
                    ratio.getOrDefault(e.getKey(), List.of()).stream()
                            .mapToDouble(d -> d)
                            .toArray();
            double med = Stats.median(r);
            out.add(
                    String.format(
                            Locale.ROOT,
                            "<b>%s</b>: gradients conflict (negative cosine) on %.0f %% of %d diagnosed"
                                    + " steps; mean cosine %.3f (min %.3f, max %.3f); the first task's"
                                    + " gradient is %s× the second's (median norm ratio).",
                            Html.escape(e.getKey()),
                            100 * share,
                            v.length,
                            Stats.mean(v),
                            Arrays.stream(v).min().orElse(Double.NaN),
                            Arrays.stream(v).max().orElse(Double.NaN),
                            Axis.format(med)));
        }
        List<String> tasks = run.taskNames();
        if (!run.steps().isEmpty() && tasks.size() > 1) {
            StringBuilder w =
                    new StringBuilder(
                            "<b>"
                                    + Html.escape(run.balancerLabel())
                                    + "</b> weights over the logged steps (mean, min–max): ");
            boolean constant = true;
            for (int t = 0; t < tasks.size(); t++) {
                double[] v = values(run.steps(), "weight", tasks.get(t));
                double min = Arrays.stream(v).filter(Double::isFinite).min().orElse(Double.NaN);
                double max = Arrays.stream(v).filter(Double::isFinite).max().orElse(Double.NaN);
                constant &= max - min < 1e-9;
                w.append(t > 0 ? "; " : "")
                        .append(Html.escape(tasks.get(t)))
                        .append(' ')
                        .append(Axis.format(Stats.mean(v)))
                        .append(" (")
                        .append(Axis.format(min))
                        .append("–")
                        .append(Axis.format(max))
                        .append(')');
            }
            w.append(constant ? ". Constant: this balancer does not adapt the weights." : ".");
            out.add(w.toString());
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode w : run.warnings()) {
            // a resumed run may repeat a warning given before its checkpoint
            if (seen.add(w.path("task").asText() + "/" + w.path("kind").asText())) {
                out.add("<b>Warning</b>: " + Html.escape(w.path("message").asText()));
            }
        }
        if (!out.isEmpty()) {
            body.append("<ul class=\"findings\">");
            out.forEach(s -> body.append("<li>").append(s).append("</li>"));
            body.append("</ul>");
        }
    }

    private void diagnosticCharts(RunData run, String prefix) {
        List<String> tasks = run.taskNames();
        double[] x =
                run.diagnostics().stream().mapToDouble(n -> n.path("step").asDouble()).toArray();
        Map<String, double[]> cos = new LinkedHashMap<>();
        int n = tasks.size();
        double[][] sum = new double[n][n];
        int[][] count = new int[n][n];
        int[][] negative = new int[n][n];
        for (int i = 0; i < run.diagnostics().size(); i++) {
            for (JsonNode p : run.diagnostics().get(i).path("pairs")) {
                String a = p.path("a").asText();
                String b = p.path("b").asText();
                double c = p.path("cosine").isNumber() ? p.path("cosine").asDouble() : Double.NaN;
                double[] series =
                        cos.computeIfAbsent(
                                a + " / " + b,
                                k -> {
                                    double[] z = new double[x.length];
                                    Arrays.fill(z, Double.NaN);
                                    return z;
                                });
                series[i] = c;
                int ia = tasks.indexOf(a);
                int ib = tasks.indexOf(b);
                if (ia >= 0 && ib >= 0 && Double.isFinite(c)) {
                    for (int[] ij : new int[][] {{ia, ib}, {ib, ia}}) {
                        sum[ij[0]][ij[1]] += c;
                        count[ij[0]][ij[1]]++;
                        negative[ij[0]][ij[1]] += c < 0 ? 1 : 0;
                    }
                }
            }
        }
        if (n < 2) {
            gradientNorms(run, prefix, x);
            return;
        }
        List<Chart.Series> s = new ArrayList<>();
        int k = 0;
        for (Map.Entry<String, double[]> e : cos.entrySet()) {
            s.add(new Chart.Series(e.getKey(), x, e.getValue(), Chart.color(k++), false));
        }
        chart(
                new Chart.Lines(
                        "Gradient cosine between tasks (shared parameters)",
                        "step",
                        "cosine",
                        s,
                        List.of(),
                        0,
                        "conflict (cosine < 0)",
                        false),
                prefix + "gradient-cosine");
        double[][] mean = new double[n][n];
        String[][] text = new String[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    mean[i][j] = 1;
                    text[i][j] = "1";
                } else if (count[i][j] > 0) {
                    mean[i][j] = sum[i][j] / count[i][j];
                    text[i][j] =
                            String.format(Locale.ROOT, "%.2f", mean[i][j])
                                    + (n <= 6
                                            ? String.format(
                                                    Locale.ROOT,
                                                    " (%d%%)",
                                                    Math.round(
                                                            100.0 * negative[i][j] / count[i][j]))
                                            : "");
                } else {
                    mean[i][j] = Double.NaN;
                    text[i][j] = "";
                }
            }
        }
        chart(
                new Chart.HeatMap(
                        "Mean gradient cosine (share of steps in conflict)", tasks, mean, text),
                prefix + "cosine-heatmap");
        gradientNorms(run, prefix, x);
    }

    private void gradientNorms(RunData run, String prefix, double[] x) {
        List<String> tasks = run.taskNames();
        int n = tasks.size();
        List<Chart.Series> norms = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            norms.add(
                    new Chart.Series(
                            tasks.get(t),
                            x,
                            values(run.diagnostics(), "grad_norm", tasks.get(t)),
                            Chart.color(t),
                            false));
        }
        chart(
                new Chart.Lines(
                        "Gradient norm per task (shared parameters, log scale)",
                        "step",
                        "‖g‖",
                        norms,
                        List.of(),
                        Double.NaN,
                        "",
                        true),
                prefix + "gradient-norm");
    }

    private static int bestEpoch(RunData run) {
        if (run.summary() != null) {
            return run.summary().path("best_epoch").asInt(0);
        }
        int best = 0;
        for (JsonNode e : run.epochs()) {
            if (e.path("best").asBoolean()) {
                best = e.path("epoch").asInt();
            }
        }
        return best;
    }

    private static double[] epochs(RunData run) {
        return run.epochs().stream().mapToDouble(e -> e.path("epoch").asDouble()).toArray();
    }

    private static double[] values(List<JsonNode> records, String field, String task) {
        double[] v = new double[records.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = records.get(i).path(field).path(task);
            v[i] = x.isNumber() ? x.asDouble() : Double.NaN;
        }
        return v;
    }

    private void chart(Chart c, String file) {
        if (c instanceof Chart.Lines l
                && l.series().stream().noneMatch(x -> Stats.anyFinite(x.y()))) {
            body.append("<p class=\"note\">")
                    .append(Html.escape(l.title()))
                    .append(": nothing recorded.</p>");
            return;
        }
        String name =
                String.format(
                        Locale.ROOT,
                        "%02d-%s.png",
                        charts.size() + 1,
                        file.replaceAll("[^A-Za-z0-9._-]+", "_"));
        charts.add(c);
        chartFiles.add(name);
        body.append("<figure>").append(c.svg());
        if (filesLink != null) {
            body.append("<figcaption><a href=\"")
                    .append(Html.escape(filesLink + "/" + name))
                    .append("\">PNG</a></figcaption>");
        }
        body.append("</figure>");
    }

    // ------------------------------------------------------------------ page

    private String page(String title) {
        String time = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>mtl4j report: "
                + Html.escape(title)
                + "</title><style>"
                + CSS
                + "</style></head><body>"
                + "<h1>mtl4j report: "
                + Html.escape(title)
                + "</h1>"
                + "<p class=\"meta\">written "
                + time
                + " by mtl4j "
                + Html.escape(Versions.mtl4j())
                + "; self-contained: no network needed</p>"
                + body
                + "<script>"
                + CHECK
                + "</script></body></html>\n";
    }

    /** The report's only script: checks that every chart drew and records the result. */
    private static final String CHECK =
            "window.addEventListener('load',function(){var c=document.querySelectorAll("
                    + "'svg.chart'),ok=0;for(var i=0;i<c.length;i++){var s=c[i],b=s.getBBox(),"
                    + "m=s.querySelectorAll('polyline,rect,circle,line').length;if(m>2&&b.width>10"
                    + "&&b.height>10){ok++;}else{console.error('chart did not draw: '+"
                    + "s.getAttribute('aria-label'));}}document.body.setAttribute("
                    + "'data-charts',ok+'/'+c.length);});";

    private static final String CSS =
            "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px auto;"
                    + "max-width:1000px;color:#222;padding:0 16px}"
                    + "h1{font-size:24px}h2{font-size:19px;margin-top:28px}"
                    + ".meta,.note{color:#666;font-size:13px}"
                    + "table{border-collapse:collapse;margin:10px 0;font-size:13px}"
                    + "th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}"
                    + "th:first-child,td:first-child{text-align:left}"
                    + "table.facts th{text-align:left;background:#f6f6f6}"
                    + "table.facts td{text-align:left}"
                    + "thead th{background:#f0f3f7}tr.baseline td{background:#fafafa;"
                    + "font-style:italic}td.pos{color:#1e7b45}td.neg{color:#b03a2e}"
                    + "figure{margin:14px 0}figcaption{font-size:11px;color:#888}"
                    + "svg.chart{max-width:100%;height:auto;border:1px solid #eee}"
                    + "details{border-top:1px solid #ddd;padding:6px 0}"
                    + "summary{cursor:pointer;font-weight:bold;font-size:15px}"
                    + ".findings li{margin:4px 0;font-size:14px}";
}
