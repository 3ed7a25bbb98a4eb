package org.mtl4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps data values to pixels along one chart axis, with "nice" tick values (1, 2 or 5 times a power
 * of ten; powers of ten on a logarithmic axis).
 */
record Axis(double min, double max, double from, double to, boolean log, double step) {

    static Axis linear(double lo, double hi, double from, double to) {
        if (!(hi > lo)) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.05;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / 5);
        double min = Math.floor(lo / step + 1e-9) * step;
        double max = Math.ceil(hi / step - 1e-9) * step;
        return new Axis(min, max, from, to, false, step);
    }

    static Axis log(double lo, double hi, double from, double to) {
        double min = Math.floor(Math.log10(lo));
        double max = Math.ceil(Math.log10(hi));
        if (max <= min) {
            max = min + 1;
        }
        return new Axis(min, max, from, to, true, 1);
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
    }

    double pixel(double v) {
        double t = log ? Math.log10(v) : v;
        return from + (t - min) / (max - min) * (to - from);
    }

    /** Tick values in data units. */
    List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        int n = (int) Math.round((max - min) / step);
        int every = Math.max(1, n / 8);
        for (int i = 0; i <= n; i += every) {
            double t = min + i * step;
            out.add(log ? Math.pow(10, t) : Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out;
    }

    /** A compact label for a value: 4 significant digits, scientific when very large or small. */
    static String format(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
