package org.mtl4j.run;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.config.TaskConfig;
import org.mtl4j.task.TaskType;

/** Turns raw head outputs into prediction cells (classes, probabilities, values). */
final class PredictionFormat {
    private PredictionFormat() {}

    /** Cells of row {@code r} for one task; floats printed so that they read back exactly. */
    static List<String> cells(TaskConfig tc, float[] raw, int r) {
        TaskType type = tc.task().type();
        int w = type.outputWidth();
        List<String> out = new ArrayList<>();
        if (type instanceof TaskType.Binary) {
            float p = sigmoid(raw[r]);
            out.add(label(tc, raw[r] > 0 ? 1 : 0));
            out.add(Float.toString(p));
        } else if (type instanceof TaskType.Multiclass) {
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int k = 0; k < w; k++) {
                if (raw[r * w + k] > max) {
                    max = raw[r * w + k];
                    arg = k;
                }
            }
            double sum = 0;
            for (int k = 0; k < w; k++) {
                sum += Math.exp(raw[r * w + k] - max);
            }
            out.add(label(tc, arg));
            for (int k = 0; k < w; k++) {
                out.add(Float.toString((float) (Math.exp(raw[r * w + k] - max) / sum)));
            }
        } else if (type instanceof TaskType.Multilabel) {
            for (int k = 0; k < w; k++) {
                out.add(raw[r * w + k] > 0 ? "1" : "0");
                out.add(Float.toString(sigmoid(raw[r * w + k])));
            }
        } else {
            for (int k = 0; k < w; k++) {
                out.add(Float.toString(raw[r * w + k]));
            }
        }
        return out;
    }

    private static String label(TaskConfig tc, int k) {
        return tc.classNames().isEmpty() ? String.valueOf(k) : csvEscape(tc.classNames().get(k));
    }

    static String csvEscape(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n")
                ? "\"" + s.replace("\"", "\"\"") + "\""
                : s;
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }
}
