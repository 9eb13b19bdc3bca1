package io.streamrec.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws prequential HR@10 per event-time window for the model and both baselines as a PNG (Java2D,
 * headless) and writes an HTML page around it with the per-window table.
 */
public final class QualityReport {
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0x7f7f7f), new Color(0xff7f0e)
    };

    private QualityReport() {}

    /** Writes {@code quality.png} and {@code report.html} into {@code dir}. */
    public static void write(PrequentialCounts counts, String title, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Long> starts = new ArrayList<>(counts.windows().keySet());
        List<double[]> windows = new ArrayList<>(counts.windows().values());
        ImageIO.write(chart(starts, windows, title), "png", dir.resolve("quality.png").toFile());
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em}")
                .append("td,th{padding:2px 10px;text-align:right}</style></head><body><h1>")
                .append(escape(title))
                .append(
                        "</h1><p>Prequential (test-then-learn) HR@10, the user's own items excluded.")
                .append(" Overall: model ")
                .append(fmt(counts.hitRate(0)))
                .append(", all-time popularity ")
                .append(fmt(counts.hitRate(1)))
                .append(", trending popularity ")
                .append(fmt(counts.hitRate(2)))
                .append(".</p><img src=\"quality.png\" alt=\"HR@10 per window\">")
                .append("<table><tr><th>window</th><th>events</th><th>model</th>")
                .append("<th>popularity</th><th>trending</th></tr>");
        for (int i = 0; i < starts.size(); i++) {
            double[] w = windows.get(i);
            html.append("<tr><td>")
                    .append(Instant.ofEpochMilli(starts.get(i)).toString(), 0, 10)
                    .append("</td><td>")
                    .append((long) w[0]);
            for (int r = 0; r < 3; r++) {
                html.append("</td><td>").append(fmt(w[1 + r] / w[0]));
            }
            html.append("</td></tr>");
        }
        html.append("</table></body></html>\n");
        Files.writeString(dir.resolve("report.html"), html, StandardCharsets.UTF_8);
    }

    private static BufferedImage chart(List<Long> starts, List<double[]> windows, String title) {
        int width = 900;
        int height = 480;
        int left = 70;
        int right = 180;
        int top = 50;
        int bottom = 60;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double max = 0.05;
        for (double[] w : windows) {
            for (int r = 0; r < 3; r++) {
                max = Math.max(max, w[1 + r] / w[0]);
            }
        }
        max = Math.ceil(max * 20) / 20;
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double y = 0; y <= max + 1e-9; y += 0.05) {
            int py = top + plotH - (int) (y / max * plotH);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, py, left + plotW, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.2f", y), left - 40, py + 4);
        }
        g.drawString("HR@10", 10, top - 10);
        int n = windows.size();
        for (int i = 0; i < n; i += Math.max(1, n / 8)) {
            int px = left + (n == 1 ? plotW / 2 : i * plotW / (n - 1));
            g.drawString(
                    Instant.ofEpochMilli(starts.get(i)).toString().substring(0, 10),
                    px - 30,
                    height - bottom + 20);
        }
        g.drawString("event-time window start", left + plotW / 2 - 60, height - 15);
        String[] names = {"model", "all-time popularity", "trending popularity"};
        g.setStroke(new BasicStroke(2.5f));
        for (int r = 0; r < 3; r++) {
            g.setColor(COLORS[r]);
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < n; i++) {
                double[] w = windows.get(i);
                int px = left + (n == 1 ? plotW / 2 : i * plotW / (n - 1));
                int py = top + plotH - (int) (w[1 + r] / w[0] / max * plotH);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                g.fillOval(px - 3, py - 3, 6, 6);
                prevX = px;
                prevY = py;
            }
            g.drawLine(
                    width - right + 15, top + 20 + r * 22, width - right + 40, top + 20 + r * 22);
            g.drawString(names[r], width - right + 45, top + 24 + r * 22);
        }
        g.dispose();
        return image;
    }

    private static String fmt(double v) {
        return String.format("%.4f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
