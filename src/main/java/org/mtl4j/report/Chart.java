package org.mtl4j.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.mtl4j.run.AtomicFiles;

/**
 * A chart of the report. Each kind draws itself on a {@link Canvas}; {@link #svg} and {@link
 * #writePng} render the same drawing as inline SVG and as a PNG file.
 */
sealed interface Chart permits Chart.Lines, Chart.Bars, Chart.Scatter, Chart.HeatMap {

    String title();

    int width();

    int height();

    void draw(Canvas c);

    /** Ten distinguishable colours (cycled). */
    List<String> PALETTE =
            List.of(
                    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                    "#7f7f7f", "#bcbd22", "#17becf");

    static String color(int i) {
        return PALETTE.get(Math.floorMod(i, PALETTE.size()));
    }

    /** The chart as an {@code <svg>} element. */
    default String svg() {
        SvgCanvas c = new SvgCanvas(width(), height(), title());
        draw(c);
        return c.finish();
    }

    /** The chart as a PNG file at twice the SVG's pixel size, written atomically. */
    default void writePng(Path file) {
        PngCanvas c = new PngCanvas(width(), height(), 2);
        draw(c);
        BufferedImage image = c.finish();
        AtomicFiles.write(
                file,
                out -> {
                    if (!ImageIO.write(image, "png", out)) {
                        throw new java.io.IOException("no PNG writer in this Java runtime");
                    }
                });
    }

    /** One line of a {@link Lines} chart; NaN values leave gaps. */
    record Series(String name, double[] x, double[] y, String color, boolean dashed) {}

    /** A vertical marker, e.g. the best epoch. */
    record Marker(double x, String label) {}

    /**
     * A line chart.
     *
     * @param shadeBelow shade the area below this y value (e.g. 0 for "conflict"), NaN for none
     * @param shadeLabel text written in the shaded area
     * @param logY logarithmic y axis (non-positive values are left out)
     */
    record Lines(
            String title,
            String xLabel,
            String yLabel,
            List<Series> series,
            List<Marker> markers,
            double shadeBelow,
            String shadeLabel,
            boolean logY)
            implements Chart {
        @Override
        public int width() {
            return 760;
        }

        @Override
        public int height() {
            return 340;
        }

        @Override
        public void draw(Canvas c) {
            Frame f = new Frame(c, width(), height(), title(), true);
            double[] xr = Frame.range(series.stream().map(Series::x).toList(), false);
            List<double[]> ys = series.stream().map(Series::y).toList();
            double[] yr = Frame.range(ys, logY);
            if (xr == null || yr == null) {
                f.empty("no data recorded");
                return;
            }
            if (!Double.isNaN(shadeBelow) && !logY) {
                yr = new double[] {Math.min(yr[0], shadeBelow), Math.max(yr[1], shadeBelow)};
            }
            for (Marker m : markers) {
                xr = new double[] {Math.min(xr[0], m.x()), Math.max(xr[1], m.x())};
            }
            Axis x = Axis.linear(xr[0], xr[1], f.left, f.right);
            Axis y =
                    logY
                            ? Axis.log(yr[0], yr[1], f.bottom, f.top)
                            : Axis.linear(yr[0], yr[1], f.bottom, f.top);
            if (!Double.isNaN(shadeBelow) && !logY && y.min() < shadeBelow) {
                double top = y.pixel(shadeBelow);
                c.rect(f.left, top, f.right - f.left, f.bottom - top, "#fdecea", null);
                c.text(
                        f.left + 6,
                        f.bottom - 6,
                        shadeLabel,
                        11,
                        Canvas.Anchor.START,
                        "#c0392b",
                        false,
                        false);
                c.line(f.left, top, f.right, top, "#c0392b", 1, false);
            }
            f.axes(x, y, xLabel, yLabel);
            for (Marker m : markers) {
                double px = x.pixel(m.x());
                c.line(px, f.top, px, f.bottom, "#555555", 1, true);
                boolean rightHalf = px > (f.left + f.right) / 2;
                c.text(
                        px + (rightHalf ? -4 : 4),
                        f.top + 12,
                        m.label(),
                        11,
                        rightHalf ? Canvas.Anchor.END : Canvas.Anchor.START,
                        "#555555",
                        false,
                        false);
            }
            for (Series s : series) {
                drawSeries(c, s, x, y);
            }
            f.legend(
                    series.stream().map(Series::name).toList(),
                    series.stream().map(Series::color).toList(),
                    series.stream().map(Series::dashed).toList());
        }

        private void drawSeries(Canvas c, Series s, Axis x, Axis y) {
            int n = s.x().length;
            double[] px = new double[n];
            double[] py = new double[n];
            int k = 0;
            int finite = 0;
            for (int i = 0; i < n; i++) {
                finite += usable(s.y()[i]) ? 1 : 0;
            }
            for (int i = 0; i <= n; i++) {
                if (i < n && usable(s.y()[i]) && Double.isFinite(s.x()[i])) {
                    px[k] = x.pixel(s.x()[i]);
                    py[k] = y.pixel(s.y()[i]);
                    k++;
                } else if (k > 0) {
                    if (k == 1) {
                        c.circle(px[0], py[0], 2.5, s.color(), null);
                    } else {
                        c.polyline(
                                java.util.Arrays.copyOf(px, k),
                                java.util.Arrays.copyOf(py, k),
                                s.color(),
                                2,
                                s.dashed());
                    }
                    k = 0;
                }
            }
            if (finite <= 40) {
                for (int i = 0; i < n; i++) {
                    if (usable(s.y()[i]) && Double.isFinite(s.x()[i])) {
                        c.circle(
                                x.pixel(s.x()[i]),
                                y.pixel(s.y()[i]),
                                3,
                                s.color(),
                                s.name()
                                        + ": "
                                        + Axis.format(s.y()[i])
                                        + " at "
                                        + xLabel
                                        + " "
                                        + Axis.format(s.x()[i]));
                    }
                }
            }
        }

        private boolean usable(double v) {
            return Double.isFinite(v) && (!logY || v > 0);
        }
    }

    /**
     * A horizontal bar chart (one bar per label, growing from zero), green for positive values and
     * red for negative ones, with optional ± error whiskers (NaN for none).
     */
    record Bars(String title, String xLabel, List<String> labels, double[] values, double[] errors)
            implements Chart {
        @Override
        public int width() {
            return 760;
        }

        @Override
        public int height() {
            return 80 + 24 * labels.size();
        }

        @Override
        public void draw(Canvas c) {
            double left = 190;
            double right = width() - 70;
            double top = 40;
            c.text(width() / 2.0, 22, title, 15, Canvas.Anchor.MIDDLE, "#222222", true, false);
            double lo = 0;
            double hi = 0;
            for (int i = 0; i < values.length; i++) {
                double e = Double.isFinite(errors[i]) ? errors[i] : 0;
                if (Double.isFinite(values[i])) {
                    lo = Math.min(lo, values[i] - e);
                    hi = Math.max(hi, values[i] + e);
                }
            }
            if (lo == hi) {
                hi = lo + 1;
            }
            Axis x = Axis.linear(lo, hi, left, right);
            double bottom = top + 24 * labels.size();
            Frame.xTicks(c, x, top, bottom, "#eeeeee");
            c.text(
                    (left + right) / 2,
                    bottom + 34,
                    xLabel,
                    12,
                    Canvas.Anchor.MIDDLE,
                    "#222222",
                    false,
                    false);
            double zero = x.pixel(0);
            for (int i = 0; i < labels.size(); i++) {
                double yc = top + 24 * i + 12;
                c.text(
                        left - 8,
                        yc + 4,
                        Frame.clip(labels.get(i), 28),
                        12,
                        Canvas.Anchor.END,
                        "#222222",
                        false,
                        false);
                double v = values[i];
                if (!Double.isFinite(v)) {
                    c.text(
                            zero + 4,
                            yc + 4,
                            "n/a",
                            11,
                            Canvas.Anchor.START,
                            "#888888",
                            false,
                            false);
                    continue;
                }
                double pv = x.pixel(v);
                String tip =
                        labels.get(i)
                                + ": "
                                + Axis.format(v)
                                + (Double.isFinite(errors[i])
                                        ? " ± " + Axis.format(errors[i])
                                        : "");
                c.rect(
                        Math.min(zero, pv),
                        yc - 8,
                        Math.abs(pv - zero),
                        16,
                        v >= 0 ? "#2e8b57" : "#c0392b",
                        tip);
                if (Double.isFinite(errors[i]) && errors[i] > 0) {
                    c.line(
                            x.pixel(v - errors[i]),
                            yc,
                            x.pixel(v + errors[i]),
                            yc,
                            "#222222",
                            1,
                            false);
                }
                double err = Double.isFinite(errors[i]) ? errors[i] : 0;
                double end =
                        v >= 0 ? Math.max(pv, x.pixel(v + err)) : Math.min(pv, x.pixel(v - err));
                c.text(
                        v >= 0 ? end + 4 : end - 4,
                        yc + 4,
                        Axis.format(v),
                        11,
                        v >= 0 ? Canvas.Anchor.START : Canvas.Anchor.END,
                        "#222222",
                        false,
                        false);
            }
            c.line(zero, top - 4, zero, bottom, "#222222", 1, false);
        }
    }

    /** One point of a {@link Scatter} chart with optional ± errors (NaN for none). */
    record Point(String label, double x, double y, double xError, double yError, String color) {}

    /**
     * A scatter of two quantities, e.g. task 1 vs task 2 metric, with reference lines (the
     * single-task baselines) at {@code refX} and {@code refY} (NaN for none).
     */
    record Scatter(
            String title,
            String xLabel,
            String yLabel,
            List<Point> points,
            double refX,
            double refY,
            String refLabel)
            implements Chart {
        @Override
        public int width() {
            return 760;
        }

        @Override
        public int height() {
            return 520;
        }

        @Override
        public void draw(Canvas c) {
            Frame f = new Frame(c, width(), height(), title(), false);
            double[] xs = new double[points.size() + 2];
            double[] ys = new double[points.size() + 2];
            for (int i = 0; i < points.size(); i++) {
                Point p = points.get(i);
                xs[i] = p.x();
                ys[i] = p.y();
            }
            xs[points.size()] = refX;
            ys[points.size()] = refY;
            xs[points.size() + 1] = Double.NaN;
            ys[points.size() + 1] = Double.NaN;
            double[] xr = Frame.range(List.of(withErrors(xs, true)), false);
            double[] yr = Frame.range(List.of(withErrors(ys, false)), false);
            if (xr == null || yr == null) {
                f.empty("no data");
                return;
            }
            Axis x = Axis.linear(xr[0], xr[1], f.left, f.right);
            Axis y = Axis.linear(yr[0], yr[1], f.bottom, f.top);
            f.axes(x, y, xLabel, yLabel);
            if (Double.isFinite(refX)) {
                double px = x.pixel(refX);
                c.line(px, f.top, px, f.bottom, "#555555", 1, true);
                boolean rightHalf = px > (f.left + f.right) / 2;
                c.text(
                        px + (rightHalf ? -4 : 4),
                        f.top + 26,
                        refLabel + " " + Axis.format(refX),
                        11,
                        rightHalf ? Canvas.Anchor.END : Canvas.Anchor.START,
                        "#555555",
                        false,
                        false);
            }
            if (Double.isFinite(refY)) {
                double py = y.pixel(refY);
                c.line(f.left, py, f.right, py, "#555555", 1, true);
                c.text(
                        f.right - 4,
                        py - 5,
                        refLabel + " " + Axis.format(refY),
                        11,
                        Canvas.Anchor.END,
                        "#555555",
                        false,
                        false);
            }
            List<double[]> labelBoxes = new java.util.ArrayList<>();
            for (Point p : points) {
                if (!Double.isFinite(p.x()) || !Double.isFinite(p.y())) {
                    continue;
                }
                double px = x.pixel(p.x());
                double py = y.pixel(p.y());
                if (Double.isFinite(p.xError()) && p.xError() > 0) {
                    c.line(
                            x.pixel(p.x() - p.xError()),
                            py,
                            x.pixel(p.x() + p.xError()),
                            py,
                            "#bbbbbb",
                            1,
                            false);
                }
                if (Double.isFinite(p.yError()) && p.yError() > 0) {
                    c.line(
                            px,
                            y.pixel(p.y() - p.yError()),
                            px,
                            y.pixel(p.y() + p.yError()),
                            "#bbbbbb",
                            1,
                            false);
                }
                c.circle(
                        px,
                        py,
                        5,
                        p.color(),
                        p.label() + ": (" + Axis.format(p.x()) + ", " + Axis.format(p.y()) + ")");
                // a label that would overlap an earlier one is left to the hover text
                String label = Frame.clip(p.label(), 24);
                double[] box = {px + 7, py - 15, px + 7 + 6 * label.length(), py - 4};
                if (labelBoxes.stream().noneMatch(b -> overlap(b, box))) {
                    labelBoxes.add(box);
                    c.text(px + 7, py - 6, label, 10, Canvas.Anchor.START, "#333333", false, false);
                }
            }
        }

        private static boolean overlap(double[] a, double[] b) {
            return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
        }

        private double[] withErrors(double[] v, boolean isX) {
            double[] out = new double[v.length + 2 * points.size()];
            System.arraycopy(v, 0, out, 0, v.length);
            for (int i = 0; i < points.size(); i++) {
                Point p = points.get(i);
                double c = isX ? p.x() : p.y();
                double e = isX ? p.xError() : p.yError();
                e = Double.isFinite(e) ? e : 0;
                out[v.length + 2 * i] = c - e;
                out[v.length + 2 * i + 1] = c + e;
            }
            return out;
        }
    }

    /**
     * A square matrix of values in [-1, 1] on a red-white-blue scale (red negative), each cell
     * labelled with {@code cellText} (or its value).
     */
    record HeatMap(String title, List<String> labels, double[][] values, String[][] cellText)
            implements Chart {
        private int cell() {
            return Math.max(28, Math.min(90, 480 / Math.max(1, labels.size())));
        }

        @Override
        public int width() {
            return Math.max(420, 170 + cell() * labels.size() + 110);
        }

        @Override
        public int height() {
            return 60 + cell() * labels.size() + 24;
        }

        @Override
        public void draw(Canvas c) {
            int n = labels.size();
            int s = cell();
            double left = 170;
            double top = 60;
            c.text(width() / 2.0, 22, title, 15, Canvas.Anchor.MIDDLE, "#222222", true, false);
            for (int i = 0; i < n; i++) {
                c.text(
                        left - 6,
                        top + s * i + s / 2.0 + 4,
                        Frame.clip(labels.get(i), 22),
                        12,
                        Canvas.Anchor.END,
                        "#222222",
                        false,
                        false);
                c.text(
                        left + s * i + s / 2.0,
                        top - 8,
                        Frame.clip(labels.get(i), 10),
                        11,
                        Canvas.Anchor.MIDDLE,
                        "#222222",
                        false,
                        false);
                for (int j = 0; j < n; j++) {
                    double v = values[i][j];
                    String text =
                            cellText != null && cellText[i][j] != null
                                    ? cellText[i][j]
                                    : Double.isFinite(v)
                                            ? String.format(Locale.ROOT, "%.2f", v)
                                            : "";
                    c.rect(
                            left + s * j,
                            top + s * i,
                            s - 1,
                            s - 1,
                            diverging(v),
                            labels.get(i) + " / " + labels.get(j) + ": " + text);
                    if (s >= 34 && !text.isEmpty()) {
                        c.text(
                                left + s * j + s / 2.0,
                                top + s * i + s / 2.0 + 4,
                                text,
                                s >= 60 ? 12 : 10,
                                Canvas.Anchor.MIDDLE,
                                Double.isFinite(v) && Math.abs(v) > 0.6 ? "#ffffff" : "#222222",
                                false,
                                false);
                    }
                }
            }
            // colour scale
            double sx = left + s * n + 30;
            double h = s * n;
            for (int k = 0; k < 40; k++) {
                double v = 1 - 2 * k / 39.0;
                c.rect(sx, top + h * k / 40.0, 16, h / 40.0 + 0.5, diverging(v), null);
            }
            c.text(sx + 22, top + 10, "+1", 11, Canvas.Anchor.START, "#222222", false, false);
            c.text(sx + 22, top + h / 2 + 4, "0", 11, Canvas.Anchor.START, "#222222", false, false);
            c.text(sx + 22, top + h, "-1", 11, Canvas.Anchor.START, "#222222", false, false);
        }

        /** Red (−1) to white (0) to blue (+1); grey for missing values. */
        static String diverging(double v) {
            if (!Double.isFinite(v)) {
                return "#dddddd";
            }
            double a = Math.max(-1, Math.min(1, v));
            int[] end = a < 0 ? new int[] {192, 57, 43} : new int[] {31, 94, 180};
            double t = Math.abs(a);
            int r = (int) Math.round(255 + (end[0] - 255) * t);
            int g = (int) Math.round(255 + (end[1] - 255) * t);
            int b = (int) Math.round(255 + (end[2] - 255) * t);
            return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
        }
    }
}
