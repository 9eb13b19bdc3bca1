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
 * Draws prequential HR@10 per event-time window for the model and both baselines as a PNG (Java2D,
 * headless) and writes an HTML page around it with the per-window table.
 */
public final class QualityReport {
    /** How the report names the recommenders, in {@link PrequentialCounts} order. */
    public static final String[] RECOMMENDERS = {
        "model", "all-time popularity", "trending popularity"
    };

    private QualityReport() {}

    /** Writes {@code quality.png} and {@code report.html} into {@code dir}. */
    public static void write(PrequentialCounts counts, String title, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Long> starts = new ArrayList<>(counts.windows().keySet());
        List<double[]> windows = new ArrayList<>(counts.windows().values());
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int r = 0; r < RECOMMENDERS.length; r++) {
            double[] hr = new double[windows.size()];
            for (int i = 0; i < hr.length; i++) {
                hr[i] = windows.get(i)[1 + r] / windows.get(i)[0];
            }
            series.put(RECOMMENDERS[r], hr);
        }
        List<String> labels = starts.stream().map(Charts::dayLabel).toList();
        Charts.lines(dir.resolve("quality.png"), title, "HR@10", labels, series);
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em}")
                .append("td,th{padding:2px 10px;text-align:right}</style></head><body><h1>")
                .append(Html.escape(title))
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
                    .append(Charts.dayLabel(starts.get(i)))
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

    private static String fmt(double v) {
        return String.format("%.4f", v);
    }
}
