package org.mtl4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

class TaskMetricsTest {

    private static final double EPS = 1e-12;

    private static Task task(TaskType type, String... metrics) {
        return new Task("t", type, null, List.of(metrics), null, null);
    }

    private static boolean[] all(int rows) {
        boolean[] o = new boolean[rows];
        Arrays.fill(o, true);
        return o;
    }

    /** Naive BCE of a logit, fine for small |z|: y=1 → log(1+e^−z), y=0 → log(1+e^z). */
    private static double bce(double z, int y) {
        return y == 1 ? Math.log(1 + Math.exp(-z)) : Math.log(1 + Math.exp(z));
    }

    // ------------------------------------------------------------------ binary

    @Test
    void binaryAucWithoutTies() {
        // pos {0.35, 0.8}, neg {0.1, 0.4}: 0.35>0.1, 0.35<0.4, 0.8>both → 3 of 4 pairs = 0.75
        Task t = task(new TaskType.Binary(), "auc");
        float[] s = {0.1f, 0.4f, 0.35f, 0.8f};
        float[] y = {0, 0, 1, 1};
        assertEquals(0.75, TaskMetrics.compute(t, s, y, all(4)).get("auc"), EPS);
    }

    @Test
    void binaryAucCountsTiesAsHalf() {
        // pos {0.5, 0.8}, neg {0.1, 0.5}: 0.5>0.1 (1), 0.5=0.5 (½), 0.8>both (2) → 3.5/4 = 0.875
        // (average ranks: 0.1→1, 0.5,0.5→2.5, 0.8→4; R₊ = 6.5; U = 6.5 − 3 = 3.5)
        Task t = task(new TaskType.Binary(), "auc");
        float[] s = {0.1f, 0.5f, 0.5f, 0.8f};
        float[] y = {0, 0, 1, 1};
        assertEquals(0.875, TaskMetrics.compute(t, s, y, all(4)).get("auc"), EPS);
        // all four scores equal: every pair is a tie → 0.5
        float[] flat = {0.3f, 0.3f, 0.3f, 0.3f};
        assertEquals(0.5, TaskMetrics.compute(t, flat, y, all(4)).get("auc"), EPS);
    }

    @Test
    void binaryAucWithOneClassIsNaN() {
        Task t = task(new TaskType.Binary(), "auc");
        float[] s = {0.1f, 0.4f, 0.9f};
        assertTrue(
                Double.isNaN(TaskMetrics.compute(t, s, new float[] {1, 1, 1}, all(3)).get("auc")));
    }

    @Test
    void binaryMetricsOnSmallExample() {
        // logits {2, -1, 0.5, -3, 0}, labels {1, 1, 0, 0, 0}; predictions [z > 0] = {1, 0, 1, 0, 0}
        // TP=1 (row 0), FN=1 (row 1), FP=1 (row 2), TN=2 (rows 3, 4)
        // accuracy = 3/5; F1₊ = 2/(2+1+1) = 1/2; F1₋ = 4/(4+1+1) = 2/3; macro = (1/2 + 2/3)/2 =
        // 7/12
        // auc: pos {2, -1}, neg {0.5, -3, 0}: 2 beats 3, -1 beats 1 → 4/6
        Task t = task(new TaskType.Binary(), "accuracy", "f1", "macro_f1", "auc", "log_loss");
        float[] z = {2, -1, 0.5f, -3, 0};
        float[] y = {1, 1, 0, 0, 0};
        Map<String, Double> m = TaskMetrics.compute(t, z, y, all(5));
        assertEquals(
                List.of("accuracy", "f1", "macro_f1", "auc", "log_loss"), List.copyOf(m.keySet()));
        assertEquals(0.6, m.get("accuracy"), EPS);
        assertEquals(0.5, m.get("f1"), EPS);
        assertEquals(7.0 / 12, m.get("macro_f1"), EPS);
        assertEquals(4.0 / 6, m.get("auc"), EPS);
        double ll = (bce(2, 1) + bce(-1, 1) + bce(0.5, 0) + bce(-3, 0) + bce(0, 0)) / 5;
        assertEquals(ll, m.get("log_loss"), EPS);
    }

    @Test
    void binaryF1WithoutPositivesIsZeroAndLeftOutOfMacro() {
        // no positive label, none predicted: F1₊ undefined → f1 = 0 by definition;
        // macro_f1 leaves the positive class out: F1₋ = 2·2/(2·2) = 1
        // (it would be 0.5 if F1₊ were counted as 0)
        Task t = task(new TaskType.Binary(), "f1", "macro_f1");
        Map<String, Double> m =
                TaskMetrics.compute(t, new float[] {-1, -2}, new float[] {0, 0}, all(2));
        assertEquals(0.0, m.get("f1"), EPS);
        assertEquals(1.0, m.get("macro_f1"), EPS);
    }

    @Test
    void binaryMaskedRowIsIgnored() {
        // Row 2 (logit 5, label 0) is masked. Counted, it would change every metric:
        // accuracy 3/5 → 3/6; f1 1/2 → 2/(2+2+1); auc 4/6 → 4/8; log_loss gains softplus(5) ≈ 5.
        Task t = task(new TaskType.Binary(), "accuracy", "f1", "macro_f1", "auc", "log_loss");
        float[] z = {2, -1, 5, 0.5f, -3, 0};
        float[] y = {1, 1, 0, 0, 0, 0};
        boolean[] obs = {true, true, false, true, true, true};
        assertMaskIgnored(t, z, y, obs, 2);
        assertEquals(0.6, TaskMetrics.compute(t, z, y, obs).get("accuracy"), EPS);
    }

    @Test
    void logLossIsFiniteForExtremeLogits() {
        Task t = task(new TaskType.Binary(), "log_loss");
        // right and confident: each term log1p(e^-100) ≈ 3.7e-44
        double right =
                TaskMetrics.compute(t, new float[] {100, -100}, new float[] {1, 0}, all(2))
                        .get("log_loss");
        assertEquals(0.0, right, 1e-30);
        // wrong and confident: each term 100 + log1p(e^-100) = 100 (a naive log(sigmoid) gives ∞)
        double wrong =
                TaskMetrics.compute(t, new float[] {100, -100}, new float[] {0, 1}, all(2))
                        .get("log_loss");
        assertEquals(100.0, wrong, 1e-9);
        double huge =
                TaskMetrics.compute(t, new float[] {1000, -1000}, new float[] {0, 1}, all(2))
                        .get("log_loss");
        assertEquals(1000.0, huge, 1e-9);
    }

    // ------------------------------------------------------------------ multiclass

    private static final float[] MC_LOGITS = {
        2, 0, -1, // argmax 0, label 0
        0, 1, -1, // argmax 1, label 0
        -1, 3, 0, // argmax 1, label 1
        0, 2, 1 // argmax 1, label 1
    };
    private static final float[] MC_LABELS = {0, 0, 1, 1};

    private static double lse(double... x) {
        double s = 0;
        for (double v : x) {
            s += Math.exp(v);
        }
        return Math.log(s);
    }

    @Test
    void multiclassMacroF1LeavesOutAbsentClass() {
        // predictions {0,1,1,1}, labels {0,0,1,1}; class 2 never appears in either.
        // class 0: TP=1 FP=0 FN=1 → 2/3; class 1: TP=2 FP=1 FN=0 → 4/5
        // macro = (2/3 + 4/5)/2 = 11/15 (would be 22/45 if class 2 counted as 0)
        Task t = task(new TaskType.Multiclass(3), "accuracy", "macro_f1", "log_loss");
        Map<String, Double> m = TaskMetrics.compute(t, MC_LOGITS, MC_LABELS, all(4));
        assertEquals(0.75, m.get("accuracy"), EPS);
        assertEquals(11.0 / 15, m.get("macro_f1"), EPS);
        double ll =
                (lse(2, 0, -1) - 2 + lse(0, 1, -1) - 0 + lse(-1, 3, 0) - 3 + lse(0, 2, 1) - 2) / 4;
        assertEquals(ll, m.get("log_loss"), EPS);
    }

    @Test
    void multiclassMaskedRowIsIgnored() {
        // masked row: logits {0, 0, 9}, label 2. Counted: accuracy 3/4 → 4/5; class 2 would enter
        // macro_f1 with F1 = 1; log_loss gains log(2e^-9 + 1) and the mean is over 5 rows.
        Task t = task(new TaskType.Multiclass(3), "accuracy", "macro_f1", "log_loss");
        float[] z = new float[15];
        System.arraycopy(MC_LOGITS, 0, z, 0, 6);
        z[6] = 0;
        z[7] = 0;
        z[8] = 9;
        System.arraycopy(MC_LOGITS, 6, z, 9, 6);
        float[] y = {0, 0, 2, 1, 1};
        assertMaskIgnored(t, z, y, new boolean[] {true, true, false, true, true}, 2);
    }

    @Test
    void multiclassLogLossIsFiniteForExtremeLogits() {
        // logits {100, -100, 0}, label 1: logsumexp = 100 + log(1 + e^-100 + e^-200) = 100 → 200
        Task t = task(new TaskType.Multiclass(3), "log_loss");
        double ll =
                TaskMetrics.compute(t, new float[] {100, -100, 0}, new float[] {1}, all(1))
                        .get("log_loss");
        assertEquals(200.0, ll, 1e-9);
        double huge =
                TaskMetrics.compute(t, new float[] {1000, -1000, 0}, new float[] {1}, all(1))
                        .get("log_loss");
        assertEquals(2000.0, huge, 1e-9);
    }

    @Test
    void multiclassRejectsBadClassIndex() {
        Task t = task(new TaskType.Multiclass(3), "accuracy");
        float[] z = new float[3];
        assertThrows(
                IllegalArgumentException.class,
                () -> TaskMetrics.compute(t, z, new float[] {3}, all(1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> TaskMetrics.compute(t, z, new float[] {1.5f}, all(1)));
        // the same label on a masked row is never read
        assertEquals(
                Double.NaN,
                TaskMetrics.compute(t, z, new float[] {3}, new boolean[] {false}).get("accuracy"));
    }

    // ------------------------------------------------------------------ multilabel

    private static final float[] ML_LOGITS = {1, -1, -1, -1, 0.8f, 1, -2, -0.5f};
    private static final float[] ML_LABELS = {1, 0, 1, 0, 0, 0, 0, 0};

    @Test
    void multilabelMetrics() {
        // predictions [z > 0]: {1,0}, {0,0}, {1,1}, {0,0}; labels {1,0}, {1,0}, {0,0}, {0,0}
        // label 0: y {1,1,0,0}, ŷ {1,0,1,0} → acc 1/2, TP=1 FP=1 FN=1 → F1 1/2,
        //   auc: pos {1,-1}, neg {0.8,-2}: 1 beats 2, -1 beats 1 → 3/4
        // label 1: y {0,0,0,0}, ŷ {0,0,1,0} → acc 3/4, TP=0 FP=1 → F1 0, auc skipped (one class)
        // accuracy = (1/2 + 3/4)/2 = 5/8; subset: rows 0 and 3 → 1/2; macro_f1 = (1/2 + 0)/2 = 1/4
        Task t =
                task(
                        new TaskType.Multilabel(2),
                        "accuracy",
                        "subset_accuracy",
                        "macro_f1",
                        "auc",
                        "log_loss");
        Map<String, Double> m = TaskMetrics.compute(t, ML_LOGITS, ML_LABELS, all(4));
        assertEquals(5.0 / 8, m.get("accuracy"), EPS);
        assertEquals(0.5, m.get("subset_accuracy"), EPS);
        assertEquals(0.25, m.get("macro_f1"), EPS);
        assertEquals(0.75, m.get("auc"), EPS);
        double ll = 0;
        for (int i = 0; i < 8; i++) {
            ll += bce(ML_LOGITS[i], (int) ML_LABELS[i]);
        }
        assertEquals(ll / 8, m.get("log_loss"), EPS);
    }

    @Test
    void multilabelMacroF1LeavesOutUndefinedLabel() {
        // label 0: TP=1 → F1 1; label 1: all negative, none predicted → undefined, left out → 1
        Task t = task(new TaskType.Multilabel(2), "macro_f1");
        float[] z = {1, -1, -1, -1};
        float[] y = {1, 0, 0, 0};
        assertEquals(1.0, TaskMetrics.compute(t, z, y, all(2)).get("macro_f1"), EPS);
    }

    @Test
    void multilabelMaskedRowIsIgnored() {
        // masked row: logits {5, 0.9}, labels {0, 1}. Counted: label 0 gets an FP and its auc drops
        // from 3/4 to 3/6; label 1 gains its only positive, so its auc (3/4) stops being skipped
        // and
        // the mean auc becomes 5/8; accuracy 5/8 → 3/5, subset 1/2 → 2/5, macro_f1 1/4 → 8/15; and
        // the row's BCE joins the log_loss mean.
        Task t =
                task(
                        new TaskType.Multilabel(2),
                        "accuracy",
                        "subset_accuracy",
                        "macro_f1",
                        "auc",
                        "log_loss");
        float[] z = new float[10];
        float[] y = new float[10];
        System.arraycopy(ML_LOGITS, 0, z, 0, 8);
        System.arraycopy(ML_LABELS, 0, y, 0, 8);
        z[8] = 5;
        z[9] = 0.9f;
        y[9] = 1;
        assertMaskIgnored(t, z, y, new boolean[] {true, true, true, true, false}, 4);
    }

    // ------------------------------------------------------------------ regression

    @Test
    void regressionPerDimKeysAndR2() {
        // dim a: y {1,2,3}, o {1,2,4}: SSE 1 → mse 1/3, mae 1/3; ȳ 2, SST 2 → r2 1 − 1/2 = 1/2
        // dim b: y {5,5,5}, o {4,5,7}: errors 1,0,2 → mse 5/3, mae 1; SST 0 → r2 NaN
        // means: mse (1/3 + 5/3)/2 = 1; mae (1/3 + 1)/2 = 2/3; r2 over non-NaN dims = 1/2
        Task t = new Task("t", new TaskType.Regression(2), null, null, null, List.of("a", "b"));
        float[] o = {1, 4, 2, 5, 4, 7};
        float[] y = {1, 5, 2, 5, 3, 5};
        Map<String, Double> m = TaskMetrics.compute(t, o, y, all(3));
        assertEquals(
                List.of("mse", "mse:a", "mse:b", "mae", "mae:a", "mae:b", "r2", "r2:a", "r2:b"),
                List.copyOf(m.keySet()));
        assertEquals(1.0, m.get("mse"), EPS);
        assertEquals(1.0 / 3, m.get("mse:a"), EPS);
        assertEquals(5.0 / 3, m.get("mse:b"), EPS);
        assertEquals(2.0 / 3, m.get("mae"), EPS);
        assertEquals(1.0 / 3, m.get("mae:a"), EPS);
        assertEquals(1.0, m.get("mae:b"), EPS);
        assertEquals(0.5, m.get("r2"), EPS);
        assertEquals(0.5, m.get("r2:a"), EPS);
        assertTrue(Double.isNaN(m.get("r2:b")));
    }

    @Test
    void regressionSingleDimHasNoPerDimKeys() {
        // y {1,2,3,4}, o {1.5,2,2.5,4.5}: errors .5,0,-.5,.5 → SSE .75, mse .1875, mae 1.5/4 = .375
        // ȳ 2.5, SST 2.25+.25+.25+2.25 = 5 → r2 = 1 − .75/5 = .85
        Task t = task(new TaskType.Regression(1), "mse", "mae", "r2");
        Map<String, Double> m =
                TaskMetrics.compute(
                        t, new float[] {1.5f, 2, 2.5f, 4.5f}, new float[] {1, 2, 3, 4}, all(4));
        assertEquals(List.of("mse", "mae", "r2"), List.copyOf(m.keySet()));
        assertEquals(0.1875, m.get("mse"), EPS);
        assertEquals(0.375, m.get("mae"), EPS);
        assertEquals(0.85, m.get("r2"), EPS);
    }

    @Test
    void regressionMaskedRowIsIgnored() {
        // masked row 1: o {100, -100}, y {0, 9}. Counted it changes every error, and dim b's labels
        // stop being constant, so r2:b turns from NaN into a number.
        Task t = new Task("t", new TaskType.Regression(2), null, null, null, List.of("a", "b"));
        float[] o = {1, 4, 100, -100, 2, 5, 4, 7};
        float[] y = {1, 5, 0, 9, 2, 5, 3, 5};
        assertMaskIgnored(t, o, y, new boolean[] {true, false, true, true}, 1);
        // a NaN output on a masked row does not poison the result
        o[2] = Float.NaN;
        double mse =
                TaskMetrics.compute(t, o, y, new boolean[] {true, false, true, true}).get("mse");
        assertEquals(1.0, mse, EPS);
    }

    // ------------------------------------------------------------------ general behaviour

    @Test
    void noObservedRowMakesEveryMetricNaN() {
        Task bin = task(new TaskType.Binary(), "accuracy", "f1", "macro_f1", "auc", "log_loss");
        Map<String, Double> m =
                TaskMetrics.compute(bin, new float[2], new float[2], new boolean[2]);
        assertEquals(5, m.size());
        m.values().forEach(v -> assertTrue(Double.isNaN(v)));
        Task reg = new Task("t", new TaskType.Regression(2), null, null, null, List.of("a", "b"));
        Map<String, Double> r =
                TaskMetrics.compute(reg, new float[0], new float[0], new boolean[0]);
        assertEquals(9, r.size());
        r.values().forEach(v -> assertTrue(Double.isNaN(v)));
    }

    @Test
    void nanOutputOnObservedRowMakesEveryMetricNaN() {
        Task t = task(new TaskType.Binary(), "accuracy", "f1");
        Map<String, Double> m =
                TaskMetrics.compute(t, new float[] {1, Float.NaN}, new float[] {1, 0}, all(2));
        assertEquals(2, m.size());
        m.values().forEach(v -> assertTrue(Double.isNaN(v)));
    }

    @Test
    void unknownMetricNamesMetricTaskAndValidOnes() {
        Task t = new Task("depth", new TaskType.Regression(1), null, List.of("rmse"), null, null);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TaskMetrics.compute(t, new float[1], new float[1], all(1)));
        assertTrue(e.getMessage().contains("rmse"), e.getMessage());
        assertTrue(e.getMessage().contains("depth"), e.getMessage());
        assertTrue(e.getMessage().contains("[mse, mae, r2]"), e.getMessage());
        // a name valid for another type is still rejected
        Task mc = task(new TaskType.Multiclass(3), "auc");
        assertThrows(
                IllegalArgumentException.class,
                () -> TaskMetrics.compute(mc, new float[3], new float[1], all(1)));
    }

    @Test
    void rejectsInconsistentLengthsAndBadBinaryLabels() {
        Task t = task(new TaskType.Binary(), "accuracy");
        assertThrows(
                IllegalArgumentException.class,
                () -> TaskMetrics.compute(t, new float[3], new float[2], all(2)));
        assertThrows(
                IllegalArgumentException.class,
                () -> TaskMetrics.compute(t, new float[2], new float[3], all(2)));
        assertThrows(
                IllegalArgumentException.class,
                () -> TaskMetrics.compute(t, new float[2], new float[] {0, 0.5f}, all(2)));
    }

    // ------------------------------------------------------------------ Metrics

    @Test
    void directionOfEveryMetric() {
        for (String m : List.of("accuracy", "subset_accuracy", "f1", "macro_f1", "auc", "r2")) {
            assertTrue(Metrics.higherIsBetter(m), m);
        }
        for (String m : List.of("log_loss", "mse", "mae", "loss")) {
            assertFalse(Metrics.higherIsBetter(m), m);
        }
        assertTrue(Metrics.higherIsBetter("r2:depth"));
        assertFalse(Metrics.higherIsBetter("mse:a:b"));
        assertThrows(IllegalArgumentException.class, () -> Metrics.higherIsBetter("rmse"));
        assertThrows(IllegalArgumentException.class, () -> Metrics.higherIsBetter(":mse"));
    }

    @Test
    void knownForCoversDefaultsAndMatchesCompute() {
        List<TaskType> types =
                List.of(
                        new TaskType.Binary(),
                        new TaskType.Multiclass(3),
                        new TaskType.Multilabel(2),
                        new TaskType.Regression(1));
        for (TaskType type : types) {
            List<String> known = Metrics.knownFor(type);
            assertTrue(known.containsAll(type.defaultMetrics()), type.typeName());
            // every known name is computable and direction-tagged
            Task t = new Task("t", type, null, known, null, null);
            float[] labels = new float[type.labelWidth()];
            Map<String, Double> m =
                    TaskMetrics.compute(t, new float[type.outputWidth()], labels, all(1));
            assertEquals(known, List.copyOf(m.keySet()));
            known.forEach(Metrics::higherIsBetter);
        }
        assertEquals(
                List.of("accuracy", "subset_accuracy", "macro_f1", "auc", "log_loss"),
                Metrics.knownFor(new TaskType.Multilabel(4)));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Asserts that the metrics with row {@code masked} unobserved equal those computed on the other
     * rows alone, and that every metric would differ had the row been observed.
     */
    private static void assertMaskIgnored(
            Task task, float[] outputs, float[] labels, boolean[] observed, int masked) {
        assertFalse(observed[masked]);
        int w = task.type().outputWidth();
        int lw = task.type().labelWidth();
        LinkedHashMap<String, Double> withMask =
                TaskMetrics.compute(task, outputs, labels, observed);
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < observed.length; i++) {
            if (observed[i]) {
                keep.add(i);
            }
        }
        float[] o = new float[keep.size() * w];
        float[] l = new float[keep.size() * lw];
        for (int r = 0; r < keep.size(); r++) {
            System.arraycopy(outputs, keep.get(r) * w, o, r * w, w);
            System.arraycopy(labels, keep.get(r) * lw, l, r * lw, lw);
        }
        assertEquals(TaskMetrics.compute(task, o, l, all(keep.size())), withMask);
        boolean[] counted = observed.clone();
        counted[masked] = true;
        LinkedHashMap<String, Double> withRow = TaskMetrics.compute(task, outputs, labels, counted);
        for (String k : withMask.keySet()) {
            assertNotEquals(
                    withMask.get(k), withRow.get(k), "metric " + k + " unaffected by the row");
        }
    }
}
