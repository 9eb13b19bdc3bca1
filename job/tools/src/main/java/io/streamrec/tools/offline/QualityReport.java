package io.streamrec.tools.offline;

import io.streamrec.eval.PrequentialCounts;
import io.streamrec.tools.report.Charts;
import io.streamrec.tools.report.Html;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws prequential HR@10 per event-time window for the model and the baselines (popularity,
 * trending, trending + co-occurrence) as a PNG (Java2D, headless) and writes an HTML page around it
 * with the per-window table.
 */
public final class QualityReport {
    /** How the report names the recommenders, in {@link PrequentialCounts} order. */
    public static final String[] RECOMMENDERS = {
        "model", "all-time popularity", "trending popularity", "trending + co-occurrence"
    };

    private QualityReport() {}

    /**
     * A plot already written into the report's directory, shown below the quality table.
     *
     * @param file the image's name in the directory
     * @param caption what it shows, as plain text
     */
    public record Figure(String file, String caption) {}

    /** Writes {@code quality.png} and {@code report.html} into {@code dir}. */
    public static void write(PrequentialCounts counts, String title, Path dir) throws IOException {
        write(counts, title, dir, List.of());
    }

    /** As {@link #write(PrequentialCounts, String, Path)}, {@code more} shown after the table. */
    public static void write(PrequentialCounts counts, String title, Path dir, List<Figure> more)
            throws IOException {
        Files.createDirectories(dir);
        List<double[]> windows = new ArrayList<>(counts.windows().values());
        List<String> labels = counts.windows().keySet().stream().map(Charts::dayLabel).toList();
        Charts.lines(dir.resolve("quality.png"), title, "HR@10", labels, hitRates(windows));
        StringBuilder html = new StringBuilder();
        appendHeading(html, title);
        appendOverall(html, counts);
        html.append("<img src=\"quality.png\" alt=\"HR@10 per window\">");
        appendTable(html, counts, labels, windows);
        for (Figure f : more) {
            appendFigure(html, f);
        }
        html.append("</body></html>\n");
        Files.writeString(dir.resolve("report.html"), html, StandardCharsets.UTF_8);
    }

    /** The page's head and {@code title} as its heading. */
    private static void appendHeading(StringBuilder html, String title) {
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em}")
                .append("td,th{padding:2px 10px;text-align:right}</style></head><body><h1>")
                .append(Html.escape(title))
                .append("</h1>");
    }

    /** Each recommender's HR@10 over all windows. */
    private static void appendOverall(StringBuilder html, PrequentialCounts counts) {
        html.append("<p>Prequential (test-then-learn) HR@10, the user's own items excluded.")
                .append(" Overall:");
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            html.append(r == 0 ? " " : ", ")
                    .append(Html.escape(RECOMMENDERS[r]))
                    .append(' ')
                    .append(hitRate(counts.quality(r), "%.4f"));
        }
        html.append(".</p>");
    }

    /** A row per window, after one for the windows the job folded where it folded some. */
    private static void appendTable(
            StringBuilder html,
            PrequentialCounts counts,
            List<String> labels,
            List<double[]> windows) {
        html.append("<table><tr><th>window</th><th>events</th>");
        for (String name : RECOMMENDERS) {
            html.append("<th>").append(Html.escape(name)).append("</th>");
        }
        html.append("</tr>");
        if (counts.earlier()[0] > 0 && !labels.isEmpty()) {
            // the windows the job folded into one (more than PrequentialCounts.MAX_WINDOWS)
            appendRow(html, "before " + labels.get(0), counts.earlier());
        }
        for (int i = 0; i < labels.size(); i++) {
            appendRow(html, labels.get(i), windows.get(i));
        }
        html.append("</table>");
    }

    /** A plot of {@code more}, its caption above it. */
    private static void appendFigure(StringBuilder html, Figure f) {
        html.append("<p>")
                .append(Html.escape(f.caption()))
                .append("</p><img src=\"")
                .append(Html.escape(f.file()))
                .append("\" alt=\"")
                .append(Html.escape(f.caption()))
                .append("\">");
    }

    private static void appendRow(StringBuilder html, String label, double[] w) {
        html.append("<tr><td>").append(Html.escape(label)).append("</td><td>").append((long) w[0]);
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            html.append("</td><td>").append(hitRate(PrequentialCounts.quality(w, r), "%.4f"));
        }
        html.append("</td></tr>");
    }

    /**
     * Each recommender's HR@10 per window, the plot's lines; NaN (a gap, no point) in a window the
     * recommender ranked no event in, as the table's "n/a" (trending + co-occurrence under BPR, a
     * job restored from BPR to RANKER carrying such windows), and no line for a recommender that
     * ranked none in any window. A 0 there would read as a collapse.
     */
    static Map<String, double[]> hitRates(List<double[]> windows) {
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            double[] hr = new double[windows.size()];
            boolean ranked = false;
            for (int i = 0; i < hr.length; i++) {
                PrequentialCounts.Quality q = PrequentialCounts.quality(windows.get(i), r);
                hr[i] = q.ranked() ? q.hitRate() : Double.NaN;
                ranked |= q.ranked();
            }
            if (ranked) {
                series.put(RECOMMENDERS[r], hr);
            }
        }
        return series;
    }

    /** A recommender's HR@10 in {@code format}, or "n/a" where it ranked none of the events. */
    public static String hitRate(PrequentialCounts.Quality q, String format) {
        return q.ranked() ? String.format(format, q.hitRate()) : "n/a";
    }
}
