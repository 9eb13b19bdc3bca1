package io.streamrec.tools.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * PNG charts drawn with Java2D (headless, no plotting dependency): lines over labelled points, and
 * cumulative distributions of latencies on a logarithmic axis.
 */
public final class Charts {
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0x7f7f7f), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)
    };
    private static final int WIDTH = 960;
    private static final int HEIGHT = 500;

    /** The plot area's left edge, where the first point is. */
    static final int LEFT = 70;

    private static final int RIGHT = 260;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    /** The plot area's width, between the y axis' labels and the legend. */
    static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;

    /** Pixels kept free between two x labels. */
    static final int LABEL_GAP = 16;

    private Charts() {}

    /** The UTC day of an event-time window's start ({@code 2013-02-28}): a point's label. */
    public static String dayLabel(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString().substring(0, 10);
    }

    /** One line per series over the same labelled points (NaN: no point). */
    public static void lines(
            Path file,
            String title,
            String yLabel,
            List<String> xLabels,
            Map<String, double[]> series)
            throws IOException {
        YScale scale = YScale.over(series.values());
        Canvas c = new Canvas(title);
        drawYGrid(c, scale, yLabel);
        drawXLabels(c, xLabels);
        int r = 0;
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            c.pen(r);
            drawPointsAndLine(c, s.getValue(), xLabels.size(), scale.top());
            c.legend(r++, s.getKey());
        }
        c.write(file);
    }

    /**
     * A linear y axis from 0 to {@code top}, a whole number of {@code step}s.
     *
     * @param step the gap between two grid lines, a round number
     */
    private record YScale(double top, double step) {
        /** The scale that shows the highest of {@code series}' values (NaN: no value). */
        static YScale over(Collection<double[]> series) {
            double max = 0;
            for (double[] values : series) {
                for (double v : values) {
                    if (!Double.isNaN(v)) {
                        max = Math.max(max, v);
                    }
                }
            }
            double step = niceStep(max);
            return new YScale(Math.max(step, Math.ceil(max / step) * step), step);
        }
    }

    /** A labelled grid line per step, and the axis' name above them. */
    private static void drawYGrid(Canvas c, YScale scale, String yLabel) {
        double top = scale.top();
        double step = scale.step();
        for (double y = 0; y <= top + 1e-9; y += step) {
            c.gridY(c.py(y / top), yLabel(y, step));
        }
        c.g.drawString(yLabel, 10, TOP - 10);
    }

    /**
     * The label of the grid line at {@code y}, {@code step} apart from the next: as many decimals
     * as the step has (0.025 needs 3, else 0.075 reads "0.08"), and at least 2 below 0.1, 1 above.
     */
    static String yLabel(double y, double step) {
        // 6 significant digits drop the step's binary noise (2.5 * 0.01 is not exactly 0.025)
        int stepDecimals =
                new BigDecimal(step).round(new MathContext(6)).stripTrailingZeros().scale();
        int decimals = Math.max(step < 0.1 ? 2 : 1, stepDecimals);
        return String.format(Locale.ROOT, "%." + decimals + "f", y);
    }

    /** The x labels centred under their points, as many as fit (see {@link #labelEvery}). */
    private static void drawXLabels(Canvas c, List<String> xLabels) {
        int n = xLabels.size();
        FontMetrics metrics = c.g.getFontMetrics();
        int every = labelEvery(metrics, xLabels);
        for (int i = 0; i < n; i += every) {
            int width = metrics.stringWidth(xLabels.get(i));
            c.g.drawString(xLabels.get(i), c.px(n, i) - width / 2, HEIGHT - BOTTOM + 20);
        }
    }

    /**
     * A dot per value of {@code values}, the i-th at the i-th of {@code n} points, joined by a
     * line; a NaN draws nothing and breaks the line, a gap between the dots either side of it.
     */
    private static void drawPointsAndLine(Canvas c, double[] values, int n, double top) {
        int prevX = -1;
        int prevY = -1;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isNaN(v)) {
                prevX = -1; // a window without a value: the next dot starts a new line
                continue;
            }
            int x = c.px(n, i);
            int y = c.py(v / top);
            if (prevX >= 0) {
                c.g.drawLine(prevX, prevY, x, y);
            }
            c.g.fillOval(x - 3, y - 3, 6, 6);
            prevX = x;
            prevY = y;
        }
    }

    /**
     * Every how many points an x label fits: the widest label and a gap per label, over the plot's
     * width (labels written every eighth point ran into each other at 27 weekly windows).
     */
    static int labelEvery(FontMetrics metrics, List<String> labels) {
        int widest = 0;
        for (String label : labels) {
            widest = Math.max(widest, metrics.stringWidth(label));
        }
        int fit = Math.max(1, PLOT_WIDTH / (widest + LABEL_GAP));
        return Math.max(1, (labels.size() + fit - 1) / fit);
    }

    /** Cumulative distributions of latency samples (ms), x on a log scale. */
    public static void cdf(Path file, String title, Map<String, double[]> sortedSamplesMs)
            throws IOException {
        LogScale scale = LogScale.over(sortedSamplesMs.values());
        Canvas c = new Canvas(title);
        for (int q = 0; q <= 10; q += 2) {
            c.gridY(c.py(q / 10.0), String.format("%.1f", q / 10.0));
        }
        c.g.drawString("fraction <= x", 10, TOP - 10);
        drawMsLabels(c, scale);
        int r = 0;
        for (Map.Entry<String, double[]> s : sortedSamplesMs.entrySet()) {
            c.pen(r);
            drawCumulativeLine(c, scale, s.getValue());
            c.legend(r++, s.getKey());
        }
        c.write(file);
    }

    /**
     * A logarithmic x axis from 10^{@code lowPower} to 10^{@code highPower} milliseconds.
     *
     * @param lowPower a whole power of ten at or below the smallest sample (0.01 ms at least)
     * @param highPower a whole power of ten at or above the largest, and above {@code lowPower}
     */
    private record LogScale(double lowPower, double highPower) {
        static LogScale over(Collection<double[]> sortedSamplesMs) {
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (double[] s : sortedSamplesMs) {
                if (s.length > 0) {
                    lo = Math.min(lo, Math.max(0.01, s[0]));
                    hi = Math.max(hi, s[s.length - 1]);
                }
            }
            if (lo == Double.MAX_VALUE) {
                lo = 0.1; // no sample: an axis from 0.1 to 1 ms, not one to infinity
            }
            return new LogScale(
                    Math.floor(Math.log10(lo)), Math.ceil(Math.log10(Math.max(hi, lo * 10))));
        }

        /** The x pixel of 10^{@code power} ms. */
        int px(double power) {
            return LEFT
                    + (int) ((power - lowPower) / (highPower - lowPower) * (WIDTH - LEFT - RIGHT));
        }
    }

    /** A label at each whole power of ten. */
    private static void drawMsLabels(Canvas c, LogScale scale) {
        for (double e = scale.lowPower(); e <= scale.highPower(); e++) {
            c.g.drawString(
                    Math.pow(10, e) >= 1
                            ? String.format("%.0f ms", Math.pow(10, e))
                            : String.format("%.2f ms", Math.pow(10, e)),
                    scale.px(e) - 20,
                    HEIGHT - BOTTOM + 20);
        }
    }

    /**
     * The fraction of {@code sorted} at or below each x, through at most about 500 of the samples
     * (every k-th); those below the axis' start sit at its start.
     */
    private static void drawCumulativeLine(Canvas c, LogScale scale, double[] sorted) {
        int prevX = -1;
        int prevY = -1;
        for (int i = 0; i < sorted.length; i += Math.max(1, sorted.length / 500)) {
            int x = scale.px(Math.log10(Math.max(sorted[i], Math.pow(10, scale.lowPower()))));
            int y = c.py((i + 1.0) / sorted.length);
            if (prevX >= 0) {
                c.g.drawLine(prevX, prevY, x, y);
            }
            prevX = x;
            prevY = y;
        }
    }

    private static double niceStep(double max) {
        if (max <= 0) {
            return 0.05;
        }
        double raw = max / 6;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (raw <= m * p) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** A white chart area with a title, a y grid and a legend column. */
    private static final class Canvas {
        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();

        Canvas(String title) {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        }

        int px(int n, int i) {
            int plotW = WIDTH - LEFT - RIGHT;
            return LEFT + (n <= 1 ? plotW / 2 : i * plotW / (n - 1));
        }

        /** y pixel of a fraction (0..1) of the axis. */
        int py(double fraction) {
            int plotH = HEIGHT - TOP - BOTTOM;
            return TOP + plotH - (int) (fraction * plotH);
        }

        void gridY(int y, String label) {
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label, LEFT - 45, y + 4);
        }

        void pen(int r) {
            g.setColor(COLORS[r % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
        }

        void legend(int r, String name) {
            int y = TOP + 20 + r * 22;
            g.drawLine(WIDTH - RIGHT + 15, y, WIDTH - RIGHT + 40, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(name, WIDTH - RIGHT + 45, y + 4);
        }

        void write(Path file) throws IOException {
            g.dispose();
            ImageIO.write(image, "png", file.toFile());
        }
    }
}
