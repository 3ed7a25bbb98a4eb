package org.mtl4j.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * Row {@code r} of one task as a JSON-ready map: binary {@code class}, {@code probability} (of
     * the positive class); multiclass {@code class}, {@code probabilities} by class; multilabel
     * {@code labels} (those predicted), {@code probabilities} by label; regression {@code value},
     * or {@code values} by target for several targets.
     */
    static Map<String, Object> json(TaskConfig tc, float[] raw, int r) {
        TaskType type = tc.task().type();
        int w = type.outputWidth();
        List<String> dims = tc.task().dimNames();
        Map<String, Object> out = new LinkedHashMap<>();
        if (type instanceof TaskType.Binary) {
            out.put("class", className(tc, raw[r] > 0 ? 1 : 0));
            out.put("probability", (double) sigmoid(raw[r]));
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
            Map<String, Object> probs = new LinkedHashMap<>();
            for (int k = 0; k < w; k++) {
                probs.put(className(tc, k), Math.exp(raw[r * w + k] - max) / sum);
            }
            out.put("class", className(tc, arg));
            out.put("probabilities", probs);
        } else if (type instanceof TaskType.Multilabel) {
            List<String> on = new ArrayList<>();
            Map<String, Object> probs = new LinkedHashMap<>();
            for (int k = 0; k < w; k++) {
                if (raw[r * w + k] > 0) {
                    on.add(dims.get(k));
                }
                probs.put(dims.get(k), (double) sigmoid(raw[r * w + k]));
            }
            out.put("labels", on);
            out.put("probabilities", probs);
        } else if (w == 1) {
            out.put("value", (double) raw[r]);
        } else {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int k = 0; k < w; k++) {
                values.put(dims.get(k), (double) raw[r * w + k]);
            }
            out.put("values", values);
        }
        return out;
    }

    private static String className(TaskConfig tc, int k) {
        return tc.classNames().isEmpty() ? String.valueOf(k) : tc.classNames().get(k);
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
