package org.mtl4j.report;

import java.util.List;

/** The common frame of an x-y chart: title, plot area, grid, axes and legend. */
final class Frame {
    final Canvas c;
    final double left;
    final double right;
    final double top;
    final double bottom;
    private final int width;

    Frame(Canvas c, int width, int height, String title, boolean legend) {
        this.c = c;
        this.width = width;
        left = 74;
        right = width - (legend ? 190 : 24);
        top = 40;
        bottom = height - 52;
        c.text(width / 2.0, 22, title, 15, Canvas.Anchor.MIDDLE, "#222222", true, false);
    }

    void empty(String message) {
        c.rect(left, top, right - left, bottom - top, "#f7f7f7", null);
        c.text(
                (left + right) / 2,
                (top + bottom) / 2,
                message,
                13,
                Canvas.Anchor.MIDDLE,
                "#777777",
                false,
                false);
    }

    void axes(Axis x, Axis y, String xLabel, String yLabel) {
        for (double t : y.ticks()) {
            double py = y.pixel(t);
            c.line(left, py, right, py, "#e6e6e6", 1, false);
            c.text(
                    left - 6,
                    py + 4,
                    Axis.format(t),
                    11,
                    Canvas.Anchor.END,
                    "#444444",
                    false,
                    false);
        }
        xTicks(c, x, top, bottom, "#f0f0f0");
        c.line(left, bottom, right, bottom, "#333333", 1, false);
        c.line(left, top, left, bottom, "#333333", 1, false);
        c.text(
                (left + right) / 2,
                bottom + 38,
                xLabel,
                12,
                Canvas.Anchor.MIDDLE,
                "#222222",
                false,
                false);
        c.text(18, (top + bottom) / 2, yLabel, 12, Canvas.Anchor.MIDDLE, "#222222", false, true);
    }

    /** Vertical grid lines at the x ticks from {@code top} to {@code bottom}, labelled below. */
    static void xTicks(Canvas c, Axis x, double top, double bottom, String gridColor) {
        for (double t : x.ticks()) {
            double px = x.pixel(t);
            c.line(px, top, px, bottom, gridColor, 1, false);
            c.text(
                    px,
                    bottom + 16,
                    Axis.format(t),
                    11,
                    Canvas.Anchor.MIDDLE,
                    "#444444",
                    false,
                    false);
        }
    }

    void legend(List<String> names, List<String> colors, List<Boolean> dashed) {
        double x = right + 16;
        double y = top + 6;
        for (int i = 0; i < names.size() && y < bottom; i++) {
            c.line(x, y, x + 24, y, colors.get(i), 2.5, dashed.get(i));
            c.text(
                    x + 30,
                    y + 4,
                    clip(names.get(i), 22),
                    11,
                    Canvas.Anchor.START,
                    "#222222",
                    false,
                    false);
            y += 18;
        }
        if (names.size() > 0 && y >= bottom) {
            c.text(
                    x,
                    bottom + 14,
                    "(legend cut: " + names.size() + " series)",
                    10,
                    Canvas.Anchor.START,
                    "#777777",
                    false,
                    false);
        }
    }

    int width() {
        return width;
    }

    /** [min, max] over the finite values (positive ones for a log axis), or null when none. */
    static double[] range(List<double[]> arrays, boolean log) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] a : arrays) {
            for (double v : a) {
                if (Double.isFinite(v) && (!log || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return lo <= hi ? new double[] {lo, hi} : null;
    }

    static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
