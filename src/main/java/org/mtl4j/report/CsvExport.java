package org.mtl4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mtl4j.run.AtomicFiles;

/**
 * A run's {@code metrics.jsonl} as three CSV files (RFC 4180, comma-separated, empty cells for
 * missing values): {@code steps.csv} (one row per logged step: per-task loss and weight), {@code
 * epochs.csv} (one row per epoch: train and validation loss, validation metrics as {@code
 * task:metric}) and {@code diagnostics.csv} (one row per diagnosed step and task pair: cosine, norm
 * ratio and both norms).
 */
public final class CsvExport {
    private CsvExport() {}

    /** Writes the three files into {@code out} (created if needed), each atomically. */
    public static List<Path> write(Path runDir, Path out) {
        RunData run = RunData.load(runDir);
        List<String> tasks = run.taskNames();
        List<Path> written = new ArrayList<>();

        StringBuilder s = new StringBuilder();
        List<String> head = new ArrayList<>(List.of("epoch", "step", "lr", "rows_per_second"));
        tasks.forEach(t -> head.add("loss:" + t));
        tasks.forEach(t -> head.add("weight:" + t));
        row(s, head);
        for (JsonNode n : run.steps()) {
            List<String> r = new ArrayList<>();
            r.add(num(n.path("epoch")));
            r.add(num(n.path("step")));
            r.add(num(n.path("lr")));
            r.add(num(n.path("rows_per_second")));
            tasks.forEach(t -> r.add(num(n.path("loss").path(t))));
            tasks.forEach(t -> r.add(num(n.path("weight").path(t))));
            row(s, r);
        }
        written.add(save(out.resolve("steps.csv"), s));

        Set<String> metricCols = new LinkedHashSet<>();
        for (JsonNode e : run.epochs()) {
            for (String t : tasks) {
                e.path("validation")
                        .path(t)
                        .fieldNames()
                        .forEachRemaining(m -> metricCols.add(t + ":" + m));
            }
        }
        s = new StringBuilder();
        List<String> eh = new ArrayList<>(List.of("epoch", "seconds", "best", "select"));
        tasks.forEach(t -> eh.add("train_loss:" + t));
        tasks.forEach(t -> eh.add("validation_loss:" + t));
        eh.addAll(metricCols);
        row(s, eh);
        for (JsonNode e : run.epochs()) {
            List<String> r = new ArrayList<>();
            r.add(num(e.path("epoch")));
            r.add(num(e.path("seconds")));
            r.add(e.path("best").asBoolean() ? "true" : "false");
            r.add(num(e.path("select")));
            tasks.forEach(t -> r.add(num(e.path("train_loss").path(t))));
            tasks.forEach(t -> r.add(num(e.path("validation_loss").path(t))));
            for (String c : metricCols) {
                int colon = c.indexOf(':');
                r.add(
                        num(
                                e.path("validation")
                                        .path(c.substring(0, colon))
                                        .path(c.substring(colon + 1))));
            }
            row(s, r);
        }
        written.add(save(out.resolve("epochs.csv"), s));

        s = new StringBuilder();
        row(
                s,
                List.of(
                        "epoch",
                        "step",
                        "task_a",
                        "task_b",
                        "cosine",
                        "norm_ratio",
                        "norm_a",
                        "norm_b",
                        "seconds"));
        for (JsonNode d : run.diagnostics()) {
            for (JsonNode p : d.path("pairs")) {
                String a = p.path("a").asText();
                String b = p.path("b").asText();
                row(
                        s,
                        List.of(
                                num(d.path("epoch")),
                                num(d.path("step")),
                                a,
                                b,
                                num(p.path("cosine")),
                                num(p.path("norm_ratio")),
                                num(d.path("grad_norm").path(a)),
                                num(d.path("grad_norm").path(b)),
                                num(d.path("seconds"))));
            }
        }
        written.add(save(out.resolve("diagnostics.csv"), s));
        return written;
    }

    private static Path save(Path file, StringBuilder content) {
        AtomicFiles.writeString(file, content.toString());
        return file;
    }

    private static String num(JsonNode n) {
        return n.isNumber() ? n.asText() : "";
    }

    private static void row(StringBuilder s, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            String c = cells.get(i);
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                s.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                s.append(c);
            }
        }
        s.append("\r\n");
    }
}
