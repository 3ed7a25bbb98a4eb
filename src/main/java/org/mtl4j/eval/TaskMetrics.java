package org.mtl4j.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/**
 * Evaluation metrics of one task, computed from raw head outputs and labels over the observed
 * (labelled) rows only. All sums are accumulated in {@code double}.
 *
 * <p>Inputs, for {@code rows = observed.length}, {@code w = task.type().outputWidth()} and {@code
 * lw = task.type().labelWidth()}: {@code outputs} is rows × w and {@code labels} is rows × lw, both
 * row-major, with the encodings of {@link TaskType}. A row with {@code observed[i] == false} is
 * skipped entirely; its outputs and labels are never read. Observed labels must be valid: exactly 0
 * or 1 (binary, multilabel), an integer in [0, k) (multiclass), finite (regression).
 *
 * <p>Metrics, with n the number of observed rows, z a logit, ŷ = [z &gt; 0] the predicted class (a
 * logit of exactly 0 predicts the negative class) and F1 = 2·TP / (2·TP + FP + FN):
 *
 * <ul>
 *   <li>binary: {@code accuracy} = mean [ŷ = y]; {@code f1} = F1 of the positive class, defined as
 *       0 when TP + FP + FN = 0 (no positive predicted or present); {@code macro_f1} = mean of the
 *       F1 of both classes, leaving out a class with 2·TP + FP + FN = 0; {@code auc} = ROC AUC = U
 *       / (n₊·n₋), where U counts positive–negative pairs with the positive scored higher and ties
 *       as ½ (Mann–Whitney U, equal to the average-rank formula), NaN when only one class is
 *       present; {@code log_loss} = mean softplus(−z) for y = 1 and softplus(z) for y = 0, where
 *       softplus(x) = max(x, 0) + log1p(exp(−|x|)), which is finite for any finite logit.
 *   <li>multiclass (k classes, prediction = first arg-max of the k logits): {@code accuracy};
 *       {@code macro_f1} = mean over classes of the one-vs-rest F1, leaving out classes absent from
 *       both the labels and the predictions; {@code log_loss} = mean (logsumexp(z) − z_y).
 *   <li>multilabel (k labels): {@code accuracy} = mean over labels of the per-label accuracy;
 *       {@code subset_accuracy} = fraction of rows with all k labels right; {@code macro_f1} = mean
 *       over labels of the binary F1, leaving out labels with 2·TP + FP + FN = 0; {@code auc} =
 *       mean over labels of the per-label AUC, leaving out labels with only one class present;
 *       {@code log_loss} = mean BCE over all n·k entries. A mean with nothing left is NaN.
 *   <li>regression (d dims, output o, label y): per dim j, {@code mse} = mean (o − y)², {@code mae}
 *       = mean |o − y|, {@code r2} = 1 − SSE/SST with SST = Σ (y − ȳ_j)² and ȳ_j the mean observed
 *       label of dim j; r2 of a dim with SST = 0 is NaN. The plain name holds the mean over dims
 *       (for r2 over the non-NaN dims). When d &gt; 1 each metric is followed by its per-dim values
 *       under {@code name + ":" + dimName}, dimName from {@link Task#dimNames()}.
 * </ul>
 *
 * <p>If no row is observed, or any observed output is NaN, every metric (including per-dim keys) is
 * NaN.
 */
public final class TaskMetrics {

    private TaskMetrics() {}

    /**
     * Computes every metric in {@code task.metrics()}, in that order.
     *
     * @param task the task, whose type fixes the shapes and encodings
     * @param outputs rows × outputWidth raw head outputs, row-major
     * @param labels rows × labelWidth labels, row-major
     * @param observed per row, whether it has a label
     * @return metric name → value, in the order of {@code task.metrics()} (regression per-dim keys
     *     follow their metric)
     * @throws IllegalArgumentException on an unknown metric name, inconsistent lengths, or an
     *     observed label that is not valid for the task type
     */
    public static LinkedHashMap<String, Double> compute(
            Task task, float[] outputs, float[] labels, boolean[] observed) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(observed, "observed");
        checkMetricNames(task);
        TaskType type = task.type();
        checkLength(task, "outputs", outputs.length, observed.length, type.outputWidth());
        checkLength(task, "labels", labels.length, observed.length, type.labelWidth());
        int[] rows = observedRows(observed);
        double[] out = gather(outputs, type.outputWidth(), rows);
        double[] lab = gather(labels, type.labelWidth(), rows);
        LinkedHashMap<String, Double> result = new LinkedHashMap<>();
        if (type instanceof TaskType.Binary) {
            binary(task, out, lab, result);
        } else if (type instanceof TaskType.Multiclass mc) {
            multiclass(task, mc.classes(), out, lab, result);
        } else if (type instanceof TaskType.Multilabel ml) {
            multilabel(task, ml.labels(), out, lab, result);
        } else if (type instanceof TaskType.Regression rg) {
            regression(task, rg.dims(), out, lab, result);
        } else {
            throw new IllegalStateException("no metrics defined for task type " + type);
        }
        if (rows.length == 0 || containsNaN(out)) {
            result.replaceAll((k, v) -> Double.NaN);
        }
        return result;
    }

    // ---------------------------------------------------------------- validation and gathering

    private static void checkMetricNames(Task task) {
        List<String> known = Metrics.knownFor(task.type());
        for (String m : task.metrics()) {
            if (!known.contains(m)) {
                throw new IllegalArgumentException(
                        "unknown metric \""
                                + m
                                + "\" for task \""
                                + task.name()
                                + "\" of type "
                                + task.type().typeName()
                                + " (valid: "
                                + known
                                + ")");
            }
        }
    }

    private static void checkLength(Task task, String what, int length, int rows, int width) {
        if (length != (long) rows * width) {
            throw new IllegalArgumentException(
                    "task \""
                            + task.name()
                            + "\": "
                            + what
                            + " has "
                            + length
                            + " values, expected "
                            + rows
                            + " rows × "
                            + width);
        }
    }

    private static int[] observedRows(boolean[] observed) {
        int n = 0;
        for (boolean b : observed) {
            n += b ? 1 : 0;
        }
        int[] rows = new int[n];
        int k = 0;
        for (int i = 0; i < observed.length; i++) {
            if (observed[i]) {
                rows[k++] = i;
            }
        }
        return rows;
    }

    /** The given rows of a row-major matrix of width {@code w}, as a dense n × w double matrix. */
    private static double[] gather(float[] m, int w, int[] rows) {
        double[] g = new double[rows.length * w];
        for (int r = 0; r < rows.length; r++) {
            for (int j = 0; j < w; j++) {
                g[r * w + j] = m[rows[r] * w + j];
            }
        }
        return g;
    }

    private static boolean containsNaN(double[] values) {
        for (double v : values) {
            if (Double.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    /** Labels as booleans; each must be exactly 0 or 1. */
    private static boolean[] toBinary(Task task, double[] lab) {
        boolean[] pos = new boolean[lab.length];
        for (int i = 0; i < lab.length; i++) {
            if (lab[i] != 0.0 && lab[i] != 1.0) {
                throw new IllegalArgumentException(
                        "task \"" + task.name() + "\": label value " + lab[i] + " is not 0 or 1");
            }
            pos[i] = lab[i] == 1.0;
        }
        return pos;
    }

    /** Regression labels must be finite. */
    private static void checkFinite(Task task, double[] lab) {
        for (double v : lab) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(
                        "task \""
                                + task.name()
                                + "\": observed regression label "
                                + v
                                + " is not finite");
            }
        }
    }

    /** Class indices; each label must be an integer in [0, k). */
    private static int[] toClasses(Task task, int k, double[] lab) {
        int[] cls = new int[lab.length];
        for (int i = 0; i < lab.length; i++) {
            double v = lab[i];
            if (!(v >= 0 && v < k) || v != Math.rint(v)) {
                throw new IllegalArgumentException(
                        "task \""
                                + task.name()
                                + "\": class label "
                                + v
                                + " is not an integer in [0, "
                                + k
                                + ")");
            }
            cls[i] = (int) v;
        }
        return cls;
    }

    // ---------------------------------------------------------------- per-type drivers

    private static void binary(
            Task task, double[] z, double[] lab, LinkedHashMap<String, Double> result) {
        boolean[] y = toBinary(task, lab);
        Confusion c = Confusion.of(z, y);
        for (String m : task.metrics()) {
            double v =
                    switch (m) {
                        case "accuracy" -> c.accuracy();
                        case "f1" -> zeroIfNaN(c.positiveF1());
                        case "macro_f1" ->
                                meanIgnoringNaN(new double[] {c.positiveF1(), c.negativeF1()});
                        case "auc" -> auc(z, y);
                        case "log_loss" -> meanBce(z, y);
                        default -> throw unsupported(m);
                    };
            result.put(m, v);
        }
    }

    private static void multiclass(
            Task task, int k, double[] z, double[] lab, LinkedHashMap<String, Double> result) {
        int[] y = toClasses(task, k, lab);
        int[] pred = argmaxRows(z, k);
        for (String m : task.metrics()) {
            double v =
                    switch (m) {
                        case "accuracy" -> classAccuracy(pred, y);
                        case "macro_f1" -> classMacroF1(pred, y, k);
                        case "log_loss" -> softmaxLogLoss(z, y, k);
                        default -> throw unsupported(m);
                    };
            result.put(m, v);
        }
    }

    private static void multilabel(
            Task task, int k, double[] z, double[] lab, LinkedHashMap<String, Double> result) {
        boolean[] y = toBinary(task, lab);
        double[] acc = new double[k];
        double[] f1 = new double[k];
        double[] auc = new double[k];
        for (int j = 0; j < k; j++) {
            double[] zj = column(z, k, j);
            boolean[] yj = column(y, k, j);
            Confusion c = Confusion.of(zj, yj);
            acc[j] = c.accuracy();
            f1[j] = c.positiveF1();
            auc[j] = auc(zj, yj);
        }
        for (String m : task.metrics()) {
            double v =
                    switch (m) {
                        case "accuracy" -> meanIgnoringNaN(acc);
                        case "subset_accuracy" -> subsetAccuracy(z, y, k);
                        case "macro_f1" -> meanIgnoringNaN(f1);
                        case "auc" -> meanIgnoringNaN(auc);
                        case "log_loss" -> meanBce(z, y);
                        default -> throw unsupported(m);
                    };
            result.put(m, v);
        }
    }

    private static void regression(
            Task task, int d, double[] out, double[] lab, LinkedHashMap<String, Double> result) {
        checkFinite(task, lab);
        for (String m : task.metrics()) {
            double[] perDim = new double[d];
            for (int j = 0; j < d; j++) {
                double[] oj = column(out, d, j);
                double[] yj = column(lab, d, j);
                perDim[j] =
                        switch (m) {
                            case "mse" -> mse(oj, yj);
                            case "mae" -> mae(oj, yj);
                            case "r2" -> r2(oj, yj);
                            default -> throw unsupported(m);
                        };
            }
            result.put(m, m.equals("r2") ? meanIgnoringNaN(perDim) : mean(perDim));
            if (d > 1) {
                for (int j = 0; j < d; j++) {
                    result.put(m + ":" + task.dimNames().get(j), perDim[j]);
                }
            }
        }
    }

    // ---------------------------------------------------------------- classification helpers

    /** Confusion counts of binary predictions [z &gt; 0] against labels. */
    private record Confusion(long tp, long fp, long fn, long tn) {

        static Confusion of(double[] z, boolean[] y) {
            long tp = 0;
            long fp = 0;
            long fn = 0;
            long tn = 0;
            for (int i = 0; i < z.length; i++) {
                boolean p = z[i] > 0;
                if (p && y[i]) {
                    tp++;
                } else if (p) {
                    fp++;
                } else if (y[i]) {
                    fn++;
                } else {
                    tn++;
                }
            }
            return new Confusion(tp, fp, fn, tn);
        }

        double accuracy() {
            return (double) (tp + tn) / (tp + fp + fn + tn);
        }

        /** F1 of the positive class, NaN when 2·TP + FP + FN = 0. */
        double positiveF1() {
            return f1(tp, fp, fn);
        }

        /** F1 of the negative class, NaN when 2·TN + FN + FP = 0. */
        double negativeF1() {
            return f1(tn, fn, fp);
        }
    }

    /** 2·tp / (2·tp + fp + fn), or NaN when the denominator is 0. */
    private static double f1(long tp, long fp, long fn) {
        long denom = 2 * tp + fp + fn;
        return denom == 0 ? Double.NaN : 2.0 * tp / denom;
    }

    /**
     * ROC AUC as the Mann–Whitney statistic U / (n₊·n₋): over all (positive, negative) pairs, 1 if
     * the positive scores higher, ½ on a tie. NaN when either class is absent. O(n log n).
     */
    private static double auc(double[] s, boolean[] y) {
        int nPos = 0;
        for (boolean b : y) {
            nPos += b ? 1 : 0;
        }
        int nNeg = y.length - nPos;
        if (nPos == 0 || nNeg == 0) {
            return Double.NaN;
        }
        double[] pos = new double[nPos];
        double[] neg = new double[nNeg];
        for (int i = 0, p = 0, q = 0; i < s.length; i++) {
            if (y[i]) {
                pos[p++] = s[i];
            } else {
                neg[q++] = s[i];
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        double u = 0;
        int below = 0; // negatives with score < current positive score
        int notAbove = 0; // negatives with score <= current positive score
        for (double p : pos) {
            while (below < nNeg && neg[below] < p) {
                below++;
            }
            while (notAbove < nNeg && neg[notAbove] <= p) {
                notAbove++;
            }
            u += below + 0.5 * (notAbove - below);
        }
        return u / ((double) nPos * nNeg);
    }

    /** Mean binary cross-entropy of logits z against labels y, computed stably. */
    private static double meanBce(double[] z, boolean[] y) {
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            sum += softplus(y[i] ? -z[i] : z[i]);
        }
        return sum / z.length;
    }

    /** log(1 + e^x) = max(x, 0) + log1p(e^−|x|), without overflow. */
    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** Per row of an n × k matrix, the index of the first maximum. */
    private static int[] argmaxRows(double[] z, int k) {
        int n = z.length / k;
        int[] idx = new int[n];
        for (int r = 0; r < n; r++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (z[r * k + j] > z[r * k + best]) {
                    best = j;
                }
            }
            idx[r] = best;
        }
        return idx;
    }

    private static double classAccuracy(int[] pred, int[] y) {
        long hits = 0;
        for (int i = 0; i < y.length; i++) {
            hits += pred[i] == y[i] ? 1 : 0;
        }
        return (double) hits / y.length;
    }

    /** Mean one-vs-rest F1 over the classes present in the labels or the predictions. */
    private static double classMacroF1(int[] pred, int[] y, int k) {
        long[] tp = new long[k];
        long[] fp = new long[k];
        long[] fn = new long[k];
        for (int i = 0; i < y.length; i++) {
            if (pred[i] == y[i]) {
                tp[y[i]]++;
            } else {
                fp[pred[i]]++;
                fn[y[i]]++;
            }
        }
        double[] f1 = new double[k];
        for (int c = 0; c < k; c++) {
            f1[c] = f1(tp[c], fp[c], fn[c]);
        }
        return meanIgnoringNaN(f1);
    }

    /** Mean over rows of logsumexp(z_row) − z_row[y], with the row maximum factored out. */
    private static double softmaxLogLoss(double[] z, int[] y, int k) {
        double sum = 0;
        for (int r = 0; r < y.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, z[r * k + j]);
            }
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += Math.exp(z[r * k + j] - max);
            }
            sum += max + Math.log(s) - z[r * k + y[r]];
        }
        return sum / y.length;
    }

    /** Fraction of rows of an n × k logit matrix whose k predictions [z &gt; 0] all match. */
    private static double subsetAccuracy(double[] z, boolean[] y, int k) {
        int n = z.length / k;
        long hits = 0;
        for (int r = 0; r < n; r++) {
            boolean all = true;
            for (int j = 0; j < k && all; j++) {
                all = (z[r * k + j] > 0) == y[r * k + j];
            }
            hits += all ? 1 : 0;
        }
        return (double) hits / n;
    }

    // ---------------------------------------------------------------- regression helpers

    private static double mse(double[] o, double[] y) {
        double sum = 0;
        for (int i = 0; i < o.length; i++) {
            double e = o[i] - y[i];
            sum += e * e;
        }
        return sum / o.length;
    }

    private static double mae(double[] o, double[] y) {
        double sum = 0;
        for (int i = 0; i < o.length; i++) {
            sum += Math.abs(o[i] - y[i]);
        }
        return sum / o.length;
    }

    /** 1 − SSE/SST, SST taken around the mean of y; NaN when SST = 0. */
    private static double r2(double[] o, double[] y) {
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        double sse = 0;
        double sst = 0;
        for (int i = 0; i < y.length; i++) {
            sse += (o[i] - y[i]) * (o[i] - y[i]);
            sst += (y[i] - mean) * (y[i] - mean);
        }
        return sst == 0 ? Double.NaN : 1 - sse / sst;
    }

    // ---------------------------------------------------------------- small utilities

    private static double[] column(double[] m, int w, int j) {
        int n = m.length / w;
        double[] c = new double[n];
        for (int r = 0; r < n; r++) {
            c[r] = m[r * w + j];
        }
        return c;
    }

    private static boolean[] column(boolean[] m, int w, int j) {
        int n = m.length / w;
        boolean[] c = new boolean[n];
        for (int r = 0; r < n; r++) {
            c[r] = m[r * w + j];
        }
        return c;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** Mean of the non-NaN entries; NaN if there are none. */
    private static double meanIgnoringNaN(double[] v) {
        double sum = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                sum += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double zeroIfNaN(double v) {
        return Double.isNaN(v) ? 0.0 : v;
    }

    /** For a name that passed {@link #checkMetricNames} but has no implementation (a bug). */
    private static IllegalStateException unsupported(String metric) {
        return new IllegalStateException("metric \"" + metric + "\" is listed but not implemented");
    }
}
