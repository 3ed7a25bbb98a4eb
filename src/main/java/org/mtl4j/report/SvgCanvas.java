package org.mtl4j.report;

import java.util.Locale;

/** Renders a chart as an inline SVG element. */
final class SvgCanvas implements Canvas {
    private final StringBuilder out = new StringBuilder();
    private final int width;
    private final int height;

    SvgCanvas(int width, int height, String title) {
        this.width = width;
        this.height = height;
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" role=\"img\" aria-label=\"")
                .append(Html.escape(title))
                .append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">");
        rect(0, 0, width, height, "#ffffff", null);
    }

    @Override
    public void line(
            double x1, double y1, double x2, double y2, String color, double w, boolean dashed) {
        out.append(
                String.format(
                        Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                                + " stroke-width=\"%.1f\"%s/>",
                        x1,
                        y1,
                        x2,
                        y2,
                        color,
                        w,
                        dashed ? " stroke-dasharray=\"6 4\"" : ""));
    }

    @Override
    public void polyline(double[] xs, double[] ys, String color, double w, boolean dashed) {
        out.append("<polyline fill=\"none\" stroke=\"")
                .append(color)
                .append(String.format(Locale.ROOT, "\" stroke-width=\"%.1f\"", w))
                .append(dashed ? " stroke-dasharray=\"6 4\"" : "")
                .append(" stroke-linejoin=\"round\" points=\"");
        for (int i = 0; i < xs.length; i++) {
            out.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs[i], ys[i]));
        }
        out.append("\"/>");
    }

    @Override
    public void rect(double x, double y, double w, double h, String fill, String tooltip) {
        out.append(
                String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"",
                        x,
                        y,
                        w,
                        h,
                        fill));
        close(tooltip, "rect");
    }

    @Override
    public void circle(double cx, double cy, double r, String fill, String tooltip) {
        out.append(
                String.format(
                        Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"#ffffff\"",
                        cx,
                        cy,
                        r,
                        fill));
        close(tooltip, "circle");
    }

    private void close(String tooltip, String element) {
        if (tooltip == null) {
            out.append("/>");
        } else {
            out.append("><title>")
                    .append(Html.escape(tooltip))
                    .append("</title></")
                    .append(element)
                    .append('>');
        }
    }

    @Override
    public void text(
            double x,
            double y,
            String text,
            double size,
            Anchor anchor,
            String color,
            boolean bold,
            boolean rotated) {
        out.append(
                String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" fill=\"%s\" text-anchor=\"%s\"%s%s>",
                        x,
                        y,
                        size,
                        color,
                        switch (anchor) {
                            case START -> "start";
                            case MIDDLE -> "middle";
                            case END -> "end";
                        },
                        bold ? " font-weight=\"bold\"" : "",
                        rotated
                                ? String.format(
                                        Locale.ROOT, " transform=\"rotate(-90 %.1f %.1f)\"", x, y)
                                : ""));
        out.append(Html.escape(text)).append("</text>");
    }

    String finish() {
        return out + "</svg>";
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }
}
