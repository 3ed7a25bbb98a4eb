package org.mtl4j.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Small statistics over the finite values of an array (NaN when there are none). */
final class Stats {
    private Stats() {}

    static double[] finite(double[] v) {
        return Arrays.stream(v).filter(Double::isFinite).toArray();
    }

    static boolean anyFinite(double[] v) {
        return Arrays.stream(v).anyMatch(Double::isFinite);
    }

    static double mean(double[] v) {
        double[] f = finite(v);
        return f.length == 0 ? Double.NaN : Arrays.stream(f).sum() / f.length;
    }

    /** Sample standard deviation (n − 1); NaN for fewer than two values. */
    static double std(double[] v) {
        double[] f = finite(v);
        if (f.length < 2) {
            return Double.NaN;
        }
        double m = mean(f);
        double ss = 0;
        for (double x : f) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (f.length - 1));
    }

    static double median(double[] v) {
        double[] f = finite(v);
        if (f.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(f);
        int n = f.length;
        return n % 2 == 1 ? f[n / 2] : 0.5 * (f[n / 2 - 1] + f[n / 2]);
    }

    static double fractionBelow(List<Double> v, double threshold) {
        if (v.isEmpty()) {
            return 0;
        }
        return v.stream().filter(x -> x < threshold).count() / (double) v.size();
    }

    /** "mean ± std" with {@code digits} decimals; just the mean for one value; "" for none. */
    static String format(double mean, double std, int digits) {
        if (!Double.isFinite(mean)) {
            return "";
        }
        String m = String.format(Locale.ROOT, "%." + digits + "f", mean);
        return Double.isFinite(std)
                ? m + " ± " + String.format(Locale.ROOT, "%." + digits + "f", std)
                : m;
    }

    static String meanStd(double[] v, int digits) {
        return format(mean(v), std(v), digits);
    }
}
