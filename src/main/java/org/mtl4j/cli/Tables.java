package org.mtl4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.CompareResult;
import org.mtl4j.api.RunResult;
import org.mtl4j.eval.Metrics;

/** Plain-text tables for the terminal. */
final class Tables {
    private Tables() {}

    /** Per-task metrics of one run. */
    static String metrics(RunResult r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"task", "metric", r.evaluatedOn()});
        r.metrics()
                .forEach(
                        (task, m) -> m.forEach((k, v) -> rows.add(new String[] {task, k, num(v)})));
        return render(rows);
    }

    /** Single-task vs multi-task per task and metric, with relative change and Δm. */
    static String compare(CompareResult c) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"task", "metric", "single-task", "multi-task", "change"});
        for (String task : c.taskNames()) {
            Map<String, Double> mtl = c.multiTask().metrics().get(task);
            Map<String, Double> stl = c.singleTask().get(task).metrics().get(task);
            for (String metric : mtl.keySet()) {
                double n = mtl.get(metric);
                double b = stl.getOrDefault(metric, Double.NaN);
                String change = "";
                if (Double.isFinite(n) && Double.isFinite(b) && b != 0) {
                    double sign = metric.equals("loss") || !Metrics.higherIsBetter(metric) ? -1 : 1;
                    change =
                            String.format(
                                    Locale.ROOT, "%+.2f%%", sign * (n - b) / Math.abs(b) * 100);
                }
                rows.add(new String[] {task, metric, num(b), num(n), change});
            }
        }
        StringBuilder out = new StringBuilder(render(rows));
        out.append(
                String.format(
                        Locale.ROOT,
                        "%nDelta_m = %+.2f %% over %s (positive: multi-task learning helped; change column: %s is better)%n",
                        c.deltaM().overall(),
                        "the delta metrics of each task",
                        "positive"));
        c.deltaM()
                .perTask()
                .forEach(
                        (t, v) -> out.append(String.format(Locale.ROOT, "  %s: %+.2f %%%n", t, v)));
        for (String s : c.deltaM().skipped()) {
            out.append("  skipped ").append(s).append('\n');
        }
        return out.toString();
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v != 0)
                ? String.format(Locale.ROOT, "%.4e", v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    static String render(List<String[]> rows) {
        return render(rows, 2);
    }

    /** Renders with the first {@code leftColumns} columns left-aligned, the rest right-aligned. */
    static String render(List<String[]> rows, int leftColumns) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            for (int i = 0; i < cols; i++) {
                String cell = i < leftColumns ? pad(r[i], w[i]) : lpad(r[i], w[i]);
                b.append(cell).append(i < cols - 1 ? "  " : "");
            }
            int end = b.length();
            while (end > 0 && b.charAt(end - 1) == ' ') {
                end--;
            }
            b.setLength(end);
            b.append('\n');
            if (k == 0) {
                int total = 0;
                for (int x : w) {
                    total += x + 2;
                }
                b.append("-".repeat(total - 2)).append('\n');
            }
        }
        return b.toString();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }

    private static String lpad(String s, int w) {
        return " ".repeat(w - s.length()) + s;
    }
}
