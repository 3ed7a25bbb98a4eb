package org.mtl4j.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.mtl4j.train.TrainingListener;

/**
 * Training progress on stderr: on a terminal, one line redrawn in place (epoch, bar, step, per-task
 * loss, throughput); otherwise plain log lines, one per epoch and at most one every few seconds
 * within an epoch.
 */
final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private int epochs;
    private List<String> tasks = List.of();
    private long lastPlain;

    ProgressBar(PrintStream out, boolean terminal, String label) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
    }

    @Override
    public void onStart(int epochs, int stepsPerEpoch, List<String> taskNames) {
        this.epochs = epochs;
        this.tasks = taskNames;
        out.printf(
                Locale.ROOT,
                "training %s: %d epochs x %d steps, tasks %s%n",
                label,
                epochs,
                stepsPerEpoch,
                String.join(", ", taskNames));
        lastPlain = System.nanoTime();
    }

    private long skipped;

    @Override
    public void onSkippedStep(long globalStep, String reason) {
        skipped++;
        if (skipped <= 3) {
            out.printf(
                    Locale.ROOT,
                    "%swarning: step %d skipped: %s%n",
                    terminal ? "\r\033[K" : "",
                    globalStep,
                    reason);
        } else if (skipped == 4) {
            out.println("warning: more steps skipped; summary.json counts them all");
        }
    }

    @Override
    public void onWarning(org.mtl4j.eval.TaskHealth.Warning w) {
        out.printf(Locale.ROOT, "%swarning: %s%n", terminal ? "\r\033[K" : "", w.message());
    }

    @Override
    public void onStep(Step s) {
        String losses = losses(s.losses());
        if (terminal) {
            int filled = (int) Math.round(WIDTH * s.stepInEpoch() / (double) s.stepsPerEpoch());
            String bar =
                    "=".repeat(filled)
                            + (filled < WIDTH ? ">" : "")
                            + " ".repeat(Math.max(0, WIDTH - filled - 1));
            out.printf(
                    Locale.ROOT,
                    "\r\033[Kepoch %d/%d [%s] %d/%d | loss %s | %,.0f rows/s",
                    s.epoch(),
                    epochs,
                    bar,
                    s.stepInEpoch(),
                    s.stepsPerEpoch(),
                    losses,
                    s.rowsPerSecond());
            out.flush();
        } else if (System.nanoTime() - lastPlain > 10_000_000_000L) {
            lastPlain = System.nanoTime();
            out.printf(
                    Locale.ROOT,
                    "epoch %d/%d step %d/%d | loss %s | %,.0f rows/s%n",
                    s.epoch(),
                    epochs,
                    s.stepInEpoch(),
                    s.stepsPerEpoch(),
                    losses,
                    s.rowsPerSecond());
        }
    }

    @Override
    public void onEpoch(Epoch e) {
        StringBuilder b = new StringBuilder();
        if (terminal) {
            b.append("\r\033[K");
        }
        b.append(
                String.format(
                        Locale.ROOT,
                        "epoch %d/%d  train loss %s",
                        e.epoch(),
                        epochs,
                        losses(e.trainLosses())));
        if (e.validationLosses().length > 0) {
            b.append("  val loss ").append(losses(e.validationLosses()));
        }
        b.append(String.format(Locale.ROOT, "  %.1fs%s", e.seconds(), e.best() ? "  *best" : ""));
        out.println(b);
    }

    @Override
    public void onEnd(boolean earlyStopped, int bestEpoch) {
        out.printf(
                Locale.ROOT, "%sbest epoch %d%n", earlyStopped ? "early stopped; " : "", bestEpoch);
    }

    private String losses(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int t = 0; t < tasks.size() && t < v.length; t++) {
            if (t > 0) {
                b.append(' ');
            }
            b.append(tasks.get(t))
                    .append('=')
                    .append(Double.isNaN(v[t]) ? "-" : String.format(Locale.ROOT, "%.4f", v[t]));
        }
        return b.toString();
    }
}
