package org.mtl4j.report;

/**
 * A drawing surface in pixels, origin top-left. Charts draw on it once and are rendered both as
 * inline SVG (the HTML report) and as PNG (copies of the charts), so the two always agree. Colours
 * are {@code #rrggbb} strings.
 */
interface Canvas {
    /** Horizontal text alignment relative to the anchor point. */
    enum Anchor {
        START,
        MIDDLE,
        END
    }

    void line(
            double x1, double y1, double x2, double y2, String color, double width, boolean dashed);

    /** A connected line through the points; the caller splits it at missing values. */
    void polyline(double[] xs, double[] ys, String color, double width, boolean dashed);

    /** A filled rectangle, with an optional hover text ({@code null} for none). */
    void rect(double x, double y, double w, double h, String fill, String tooltip);

    /** A filled circle, with an optional hover text. */
    void circle(double cx, double cy, double r, String fill, String tooltip);

    /**
     * Text whose baseline starts at (x, y); {@code rotated} turns it 90° counter-clockwise about
     * that point (for a y-axis title).
     */
    void text(
            double x,
            double y,
            String text,
            double size,
            Anchor anchor,
            String color,
            boolean bold,
            boolean rotated);
}
