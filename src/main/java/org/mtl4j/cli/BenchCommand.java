package org.mtl4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.mtl4j.Mtl4jException;
import org.mtl4j.api.Experiment;
import org.mtl4j.balance.Balancer;
import org.mtl4j.balance.BalancerRegistry;
import org.mtl4j.config.ExperimentConfig;
import org.mtl4j.config.Options;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.data.Dataset;
import org.mtl4j.data.image.IdxReader;
import org.mtl4j.data.image.TwoObjectImages;
import org.mtl4j.model.LeNetSpec;
import org.mtl4j.model.MlpSpec;
import org.mtl4j.model.ModelSpec;
import org.mtl4j.run.AtomicFiles;
import org.mtl4j.run.Json;
import org.mtl4j.run.Versions;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;
import org.mtl4j.train.StepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Training-step speed: each (thread count, method) pair is timed in its own JVM (so its peak
 * resident memory is its own) on the same batches, and on the Multi-Fashion problem the same model
 * and loop in PyTorch is timed next to it when a Python with torch is available.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Time training steps and print samples/s, the time per step split into data /"
                    + " forward / backward / balancer / optimizer, and peak resident memory, for"
                    + " each method and thread count, next to a PyTorch reference of the same"
                    + " model and loop.",
            "Problems: multi-fashion (the Multi-Fashion LeNet, two 10-class tasks; needs"
                    + " apt-get install dataset-fashion-mnist), synthetic-8 (8 regression tasks"
                    + " sharing an MLP, for memory with many tasks) or demo (the demo MLP on"
                    + " synthetic data)."
        })
final class BenchCommand implements Callable<Integer> {
    @Mixin Main.Common common = new Main.Common();

    @Option(names = "--problem", description = "multi-fashion or demo (default: ${DEFAULT-VALUE}).")
    String problem = "multi-fashion";

    @Option(
            names = "--images",
            description = "Directory with the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path images = Path.of("/usr/share/datasets/fashion-mnist");

    @Option(
            names = "--methods",
            split = ",",
            description = "Methods, optionally with /mode (default: ${DEFAULT-VALUE}).")
    List<String> methods =
            List.of("ew", "pcgrad", "pcgrad/representation", "mgda", "mgda/representation");

    @Option(
            names = "--thread-counts",
            split = ",",
            description = "Engine thread counts to time (default: ${DEFAULT-VALUE}).")
    List<Integer> threadCounts = List.of(1, 2);

    @Option(names = "--steps", description = "Timed steps per run (default: ${DEFAULT-VALUE}).")
    int steps = 100;

    @Option(
            names = "--warmup",
            description = "Untimed steps before them (default: ${DEFAULT-VALUE}).")
    int warmup = 20;

    @Option(names = "--batch-size", description = "Rows per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 256;

    @Option(
            names = "--batches",
            description = "Distinct batches cycled through (default: ${DEFAULT-VALUE}).")
    int batchCount = 16;

    @Option(
            names = "--reference",
            description =
                    "PyTorch reference: auto (run it when a Python with torch is found), off, or"
                            + " require (default: ${DEFAULT-VALUE}).")
    String reference = "auto";

    @Option(
            names = "--python",
            description =
                    "Python to run the reference with (default: python3, then /usr/bin/python3).")
    String python;

    @Option(names = "--out", description = "Also write the results as JSON to this file.")
    Path out;

    @Option(
            names = "--markdown",
            description = "Also write the table as a Markdown page to this file.")
    Path markdown;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    /** The benchmarked problems. */
    enum Problem {
        MULTI_FASHION("multi-fashion"),
        SYNTHETIC_8("synthetic-8"),
        DEMO("demo");

        final String label;

        Problem(String label) {
            this.label = label;
        }

        static Problem parse(String s) {
            for (Problem p : values()) {
                if (p.label.equalsIgnoreCase(s)) {
                    return p;
                }
            }
            throw new Mtl4jException("--problem " + s + ": unknown; use multi-fashion or demo");
        }

        List<Task> tasks() {
            if (this == SYNTHETIC_8) {
                List<Task> t = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    t.add(Task.of("y" + i, new TaskType.Regression(1)));
                }
                return t;
            }
            if (this == MULTI_FASHION) {
                return List.of(
                        Task.of("left", new TaskType.Multiclass(TwoObjectImages.CLASSES)),
                        Task.of("right", new TaskType.Multiclass(TwoObjectImages.CLASSES)));
            }
            return demo().tasks().stream().map(TaskConfig::task).toList();
        }

        ModelSpec model(int numericWidth) {
            if (this == SYNTHETIC_8) {
                return new ModelSpec(
                        numericWidth, List.of(), 1, MlpSpec.of(256, 128), MlpSpec.of(16));
            }
            if (this == MULTI_FASHION) {
                return new ModelSpec(
                        numericWidth, List.of(), 1, LeNetSpec.standard(), MlpSpec.of());
            }
            ExperimentConfig c = demo();
            return new ModelSpec(numericWidth, List.of(), 1, c.model().encoder(), c.model().head());
        }

        String description() {
            if (this == SYNTHETIC_8) {
                return "synthetic-8: 8 regression tasks on the synthetic data of Ma et al. 2018"
                        + " (rho 0.5, 100 features), MLP encoder 100->256->128, heads 128->16->1,"
                        + " Adam";
            }
            if (this == MULTI_FASHION) {
                return "Multi-Fashion: LeNet encoder (conv 1->10 5x5, pool, relu, conv 10->20 5x5,"
                        + " pool, relu, fc 320->50, relu), a linear head per task, 2 tasks x 10"
                        + " classes, Adam";
            }
            ExperimentConfig c = demo();
            return "demo: 3 tasks, 100 synthetic features, encoder "
                    + c.model().encoder().describe()
                    + ", heads "
                    + c.model().head().describe()
                    + ", Adam";
        }

        private static ExperimentConfig demo() {
            return DemoCommand.experiment("ew", 1, 7, 1).config();
        }
    }

    /** A balancer from "name" or "name/mode". */
    static Balancer balancer(String m) {
        String[] parts = m.split("/", -1);
        if (parts.length > 2 || parts[0].isBlank()) {
            throw new Mtl4jException(
                    "--methods " + m + ": give a method name, optionally with /mode");
        }
        Map<String, Object> opts = parts.length > 1 ? Map.of("mode", parts[1]) : Map.of();
        return BalancerRegistry.create(parts[0], Options.of("--methods " + m, opts));
    }

    @Override
    public Integer call() throws IOException {
        Problem p = Problem.parse(problem);
        validate();
        if (common.threads != null) {
            threadCounts = List.of(common.threads());
        }
        for (String m : methods) {
            balancer(m); // fail before any timing
        }
        if (!List.of("auto", "off", "require").contains(reference)) {
            throw new Mtl4jException("--reference " + reference + ": use auto, off or require");
        }
        List<Dataset> batches = batches(p);
        Path work = Files.createTempDirectory("mtl4j-bench");
        try {
            Path file = work.resolve("batches.bin");
            BenchBatches.write(file, batches);
            String py = null;
            String pyWhy = null;
            if (!reference.equals("off")) {
                if (p != Problem.MULTI_FASHION) {
                    pyWhy = "the PyTorch reference covers --problem multi-fashion only";
                } else {
                    String[] found = findPython();
                    py = found[0];
                    pyWhy = found[1];
                }
                if (py == null && reference.equals("require")) {
                    throw new Mtl4jException("--reference require: " + pyWhy);
                }
            }
            System.out.println(p.description());
            System.out.printf(
                    Locale.ROOT,
                    "batch %d, %d timed steps after %d warm-up, cycling through %d batches;"
                            + " one process per row%n%n",
                    batches.get(0).rows(),
                    steps,
                    warmup,
                    batches.size());
            List<Map<String, Object>> rows = new ArrayList<>();
            int total = threadCounts.size() * (methods.size() + (py != null ? 1 : 0));
            int done = 0;
            for (int threads : threadCounts) {
                for (String m : methods) {
                    System.err.printf(
                            Locale.ROOT,
                            "[%d/%d] mtl4j %s, %d thread%s...%n",
                            ++done,
                            total,
                            m,
                            threads,
                            threads == 1 ? "" : "s");
                    rows.add(runWorker(file, p, m, threads));
                }
                if (py != null) {
                    System.err.printf(
                            Locale.ROOT,
                            "[%d/%d] PyTorch reference, %d thread%s...%n",
                            ++done,
                            total,
                            threads,
                            threads == 1 ? "" : "s");
                    rows.add(runReference(py, work, file, threads));
                }
            }
            String table = table(rows) + summary(rows);
            if (pyWhy != null && py == null) {
                table += "PyTorch reference not run: " + pyWhy + "\n";
            }
            System.out.print(table);
            if (markdown != null) {
                AtomicFiles.writeString(markdown, markdownPage(p, batches, table));
                System.out.println("table written to " + markdown.toAbsolutePath());
            }
            if (out != null) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("problem", p.label);
                json.put("description", p.description());
                json.put("batch_size", batches.get(0).rows());
                json.put("steps", steps);
                json.put("warmup", warmup);
                json.put("batches", batches.size());
                json.put("cores", Runtime.getRuntime().availableProcessors());
                json.put("versions", Versions.all());
                json.put("results", rows);
                AtomicFiles.writeString(out, Json.pretty(json));
                System.out.println("results written to " + out.toAbsolutePath());
            }
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
        return 0;
    }

    private String markdownPage(Problem p, List<Dataset> batches, String table) {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        StringBuilder b = new StringBuilder();
        b.append("# Training-step speed: ").append(p.label).append("\n\n");
        b.append("Generated by `./mtl4j ")
                .append(String.join(" ", args))
                .append("` (edit nothing here by hand; rerun the command).\n\n");
        b.append(p.description()).append(".\n");
        b.append(
                String.format(
                        Locale.ROOT,
                        "Batch %d, %d timed steps after %d warm-up steps, cycling through %d"
                                + " batches; every row is a separate process. Machine: %d cores,"
                                + " %s %s; mtl4j %s.%n%n",
                        batches.get(0).rows(),
                        steps,
                        warmup,
                        batches.size(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("os.name"),
                        System.getProperty("os.arch"),
                        Versions.mtl4j()));
        b.append(
                "Columns: samples/s and mean ms per step; the step split into data (batch to"
                        + " engine arrays), forward (encoder, heads, losses), backward, balancer"
                        + " (the method's own work), optimizer (Adam update) and release (freeing"
                        + " the step's native memory); peak resident memory of the process; step"
                        + " time relative to mtl4j's EW step at the same thread count.\n\n");
        b.append("```\n").append(table).append("```\n");
        return b.toString();
    }

    private void validate() {
        if (steps < 1 || warmup < 0 || batchSize < 2 || batchCount < 1) {
            throw new Mtl4jException(
                    "--steps must be >= 1, --warmup >= 0, --batch-size >= 2 and --batches >= 1; got "
                            + steps
                            + ", "
                            + warmup
                            + ", "
                            + batchSize
                            + ", "
                            + batchCount);
        }
        if (methods.isEmpty() || threadCounts.isEmpty()) {
            throw new Mtl4jException("give at least one method and one thread count");
        }
        for (int t : threadCounts) {
            if (t < 1 || t > 1024) {
                throw new Mtl4jException("--thread-counts " + t + ": use 1 to 1024");
            }
        }
    }

    /** Full batches of the problem's training rows. */
    private List<Dataset> batches(Problem p) {
        Dataset data;
        if (p == Problem.MULTI_FASHION) {
            if (!Files.isDirectory(images)) {
                throw new Mtl4jException(
                        "--images "
                                + images
                                + ": no such directory; install the Fashion-MNIST files with"
                                + " `apt-get install dataset-fashion-mnist` (they go to"
                                + " /usr/share/datasets/fashion-mnist) or pass --images DIR, or"
                                + " use --problem demo");
            }
            int need = batchSize * batchCount;
            IdxReader.Images im =
                    IdxReader.readImages(
                            IdxReader.find(
                                    images,
                                    "train-images-idx3-ubyte.gz",
                                    "train-images-idx3-ubyte"));
            IdxReader.Labels lb =
                    IdxReader.readLabels(
                            IdxReader.find(
                                    images,
                                    "train-labels-idx1-ubyte.gz",
                                    "train-labels-idx1-ubyte"));
            int n = Math.min(need, Math.min(im.count(), lb.count()));
            im =
                    new IdxReader.Images(
                            n,
                            im.rows(),
                            im.cols(),
                            java.util.Arrays.copyOf(im.pixels(), n * im.rows() * im.cols()));
            lb = new IdxReader.Labels(n, java.util.Arrays.copyOf(lb.values(), n));
            data = TwoObjectImages.build(im, lb, im, lb, 1);
        } else if (p == Problem.SYNTHETIC_8) {
            data =
                    org.mtl4j.data.SyntheticMmoe.generate(
                            new org.mtl4j.data.SyntheticMmoe.Spec(
                                    8, 0.5, batchSize * batchCount, 100, 10, 1.0, 0.01, false),
                            1);
        } else {
            Experiment exp = DemoCommand.experiment("ew", 1, 7, 1);
            data = exp.loadData().train().get(0);
        }
        List<Dataset> all = StepBenchmark.batches(data, batchSize, batchCount);
        List<Dataset> full = all.stream().filter(b -> b.rows() == batchSize).toList();
        if (full.isEmpty()) {
            throw new Mtl4jException(
                    "--batch-size "
                            + batchSize
                            + ": the problem has only "
                            + data.rows()
                            + " training rows; use a smaller batch");
        }
        return full;
    }

    private Map<String, Object> runWorker(Path file, Problem p, String method, int threads)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-D") || a.startsWith("-Xss") || a.startsWith("-Xmx")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(
                List.of(
                        "bench-worker",
                        "--batches-file",
                        file.toString(),
                        "--problem",
                        p.label,
                        "--method",
                        method,
                        "--threads",
                        Integer.toString(threads),
                        "--steps",
                        Integer.toString(steps),
                        "--warmup",
                        Integer.toString(warmup)));
        if (common.verbose) {
            cmd.add("--verbose");
        }
        return parse(run(cmd, file.getParent(), "mtl4j " + method), "mtl4j " + method);
    }

    private Map<String, Object> runReference(String py, Path work, Path file, int threads)
            throws IOException {
        Path script = work.resolve("lenet_reference.py");
        if (!Files.exists(script)) {
            try (InputStream in =
                    BenchCommand.class.getResourceAsStream("/org/mtl4j/bench/lenet_reference.py")) {
                if (in == null) {
                    throw new IllegalStateException("lenet_reference.py missing from the jar");
                }
                Files.copy(in, script);
            }
        }
        List<String> cmd =
                List.of(
                        py,
                        script.toString(),
                        file.toString(),
                        Integer.toString(threads),
                        Integer.toString(steps),
                        Integer.toString(warmup));
        Map<String, Object> r = parse(run(cmd, work, "PyTorch reference"), "PyTorch reference");
        r.put("method", "ew");
        r.put("threads_requested", threads);
        return r;
    }

    /** Runs a command, returning its last stdout line; its stderr is shown on failure. */
    private static String run(List<String> cmd, Path dir, String what) throws IOException {
        Path err = dir.resolve("stderr.txt");
        Process proc =
                new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).start();
        proc.getOutputStream().close();
        String stdout = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code;
        try {
            code = proc.waitFor();
        } catch (InterruptedException e) {
            proc.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Mtl4jException(what + ": interrupted");
        }
        String errText = Files.exists(err) ? Files.readString(err) : "";
        if (code != 0) {
            throw new Mtl4jException(
                    what
                            + " failed (exit "
                            + code
                            + "): "
                            + String.join(" ", cmd)
                            + "\n"
                            + tail(errText + stdout));
        }
        String[] lines = stdout.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 2000 ? "..." + t.substring(t.length() - 2000) : t;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String line, String what) {
        try {
            return Json.mapper().readValue(line, LinkedHashMap.class);
        } catch (IOException e) {
            throw new Mtl4jException(what + " printed no result line: " + line);
        }
    }

    /** A Python with torch and numpy, and why not when there is none: {path, reason}. */
    private String[] findPython() {
        List<String> candidates =
                python != null ? List.of(python) : List.of("python3", "/usr/bin/python3");
        List<String> tried = new ArrayList<>();
        for (String c : candidates) {
            try {
                Process proc =
                        new ProcessBuilder(c, "-c", "import torch, numpy")
                                .redirectErrorStream(true)
                                .start();
                proc.getOutputStream().close();
                String text =
                        new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!proc.waitFor(120, TimeUnit.SECONDS)) {
                    proc.destroyForcibly();
                    tried.add(c + " (timed out)");
                } else if (proc.exitValue() == 0) {
                    return new String[] {c, null};
                } else {
                    String[] l = text.strip().split("\n");
                    tried.add(c + " (" + l[l.length - 1] + ")");
                }
            } catch (IOException e) {
                tried.add(c + " (not found)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tried.add(c + " (interrupted)");
            }
        }
        return new String[] {
            null,
            "no Python with torch and numpy: tried "
                    + String.join(", ", tried)
                    + "; install Debian's python3-torch (apt-get install python3-torch) or pass"
                    + " --python PATH"
        };
    }

    private static double num(Map<String, Object> r, String key) {
        Object v = r.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @SuppressWarnings("unchecked")
    private static double part(Map<String, Object> r, String key) {
        Object parts = r.get("parts_ms");
        return parts instanceof Map<?, ?> m ? num((Map<String, Object>) m, key) : Double.NaN;
    }

    private static String fmt(double v, String pattern) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, pattern, v);
    }

    private static String table(List<Map<String, Object>> rows) {
        List<String[]> t = new ArrayList<>();
        t.add(
                new String[] {
                    "threads",
                    "run",
                    "samples/s",
                    "ms/step",
                    "data",
                    "forward",
                    "backward",
                    "balancer",
                    "optimizer",
                    "release",
                    "peak RSS MiB",
                    "x EW step"
                });
        for (Map<String, Object> r : rows) {
            double ew = ewMean(rows, r);
            boolean mtl = "mtl4j".equals(r.get("implementation"));
            int threads =
                    (int)
                            num(
                                    r,
                                    r.containsKey("threads_requested")
                                            ? "threads_requested"
                                            : "threads");
            t.add(
                    new String[] {
                        Integer.toString(threads),
                        mtl ? "mtl4j " + r.get("method") : r.get("implementation") + " ew",
                        fmt(num(r, "samples_per_second"), "%.0f"),
                        fmt(num(r, "mean_ms"), "%.2f"),
                        fmt(part(r, "data"), "%.2f"),
                        fmt(part(r, "forward"), "%.2f"),
                        fmt(part(r, "backward"), "%.2f"),
                        fmt(part(r, "balancer"), "%.2f"),
                        fmt(part(r, "optimizer"), "%.2f"),
                        fmt(part(r, "release"), "%.2f"),
                        fmt(num(r, "peak_rss_mib"), "%.0f"),
                        mtl ? fmt(num(r, "mean_ms") / ew, "%.2f") : "-"
                    });
        }
        return Tables.render(t) + "\n";
    }

    /** Mean step time of mtl4j EW at the same thread count as {@code r}. */
    private static double ewMean(List<Map<String, Object>> rows, Map<String, Object> r) {
        for (Map<String, Object> o : rows) {
            if ("mtl4j".equals(o.get("implementation"))
                    && "ew".equals(o.get("method"))
                    && num(o, "threads") == num(r, "threads")) {
                return num(o, "mean_ms");
            }
        }
        return Double.NaN;
    }

    private static String summary(List<Map<String, Object>> rows) {
        StringBuilder b = new StringBuilder();
        for (Map<String, Object> r : rows) {
            if (!"mtl4j".equals(r.get("implementation")) && r.containsKey("threads_requested")) {
                int threads = (int) num(r, "threads_requested");
                for (Map<String, Object> o : rows) {
                    if ("mtl4j".equals(o.get("implementation"))
                            && "ew".equals(o.get("method"))
                            && (int) num(o, "threads") == threads) {
                        b.append(
                                String.format(
                                        Locale.ROOT,
                                        "%d thread%s: mtl4j EW runs %.0f samples/s, %s %.0f:"
                                                + " %.2fx the reference's throughput%n",
                                        threads,
                                        threads == 1 ? "" : "s",
                                        num(o, "samples_per_second"),
                                        r.get("implementation"),
                                        num(r, "samples_per_second"),
                                        num(o, "samples_per_second")
                                                / num(r, "samples_per_second")));
                    }
                }
            }
        }
        return b.toString();
    }
}
