package org.mtl4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/** Renders a chart into an image with Java2D (headless), for the PNG copies of the charts. */
final class PngCanvas implements Canvas {
    private final BufferedImage image;
    private final Graphics2D g;

    PngCanvas(int width, int height, double scale) {
        image =
                new BufferedImage(
                        (int) Math.round(width * scale),
                        (int) Math.round(height * scale),
                        BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.scale(scale, scale);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    private static Color color(String hex) {
        return new Color(Integer.parseInt(hex.substring(1), 16));
    }

    private void stroke(String color, double width, boolean dashed) {
        g.setColor(color(color));
        g.setStroke(
                dashed
                        ? new BasicStroke(
                                (float) width,
                                BasicStroke.CAP_BUTT,
                                BasicStroke.JOIN_ROUND,
                                10f,
                                new float[] {6f, 4f},
                                0f)
                        : new BasicStroke(
                                (float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
    }

    @Override
    public void line(
            double x1, double y1, double x2, double y2, String color, double w, boolean dashed) {
        stroke(color, w, dashed);
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void polyline(double[] xs, double[] ys, String color, double w, boolean dashed) {
        if (xs.length == 0) {
            return;
        }
        stroke(color, w, dashed);
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) {
            p.lineTo(xs[i], ys[i]);
        }
        g.draw(p);
    }

    @Override
    public void rect(double x, double y, double w, double h, String fill, String tooltip) {
        g.setColor(color(fill));
        g.fill(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void circle(double cx, double cy, double r, String fill, String tooltip) {
        Ellipse2D.Double e = new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
        g.setColor(color(fill));
        g.fill(e);
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1f));
        g.draw(e);
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
        g.setFont(
                new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1)
                        .deriveFont((float) size));
        g.setColor(color(color));
        double w = g.getFontMetrics().getStringBounds(text, g).getWidth();
        double shift =
                switch (anchor) {
                    case START -> 0;
                    case MIDDLE -> -w / 2;
                    case END -> -w;
                };
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        if (rotated) {
            g.rotate(-Math.PI / 2);
        }
        g.drawString(text, (float) shift, 0f);
        g.setTransform(saved);
    }

    BufferedImage finish() {
        g.dispose();
        return image;
    }
}
