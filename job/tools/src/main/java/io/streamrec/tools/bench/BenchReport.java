package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.tools.report.Html;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What the benchmark suite measured so far: the headline figures and their details ({@code
 * results.json}), the rows of the BENCHMARKS.md table, notes, and plots, all in the output folder.
 */
final class BenchReport {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path out;
    private final int repeats;
    private final String command;
    private final String commit;
    private final ObjectNode results = JSON.createObjectNode();
    private final ObjectNode details = JSON.createObjectNode();
    private final List<String> tableRows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> plots = new ArrayList<>();

    /**
     * @param out the output folder
     * @param repeats runs per figure
     * @param command the command that ran the suite
     * @param commit the commit measured, null when not given
     */
    BenchReport(Path out, int repeats, String command, String commit) {
        this.out = out;
        this.repeats = repeats;
        this.command = command;
        this.commit = commit;
    }

    int repeats() {
        return repeats;
    }

    /** The plot file {@code name} in the output folder, listed in the report. */
    Path plot(String name) {
        plots.add(name);
        return out.resolve(name);
    }

    /** A data file {@code name} in the output folder, beside the report, not shown in it. */
    Path dataFile(String name) {
        return out.resolve(name);
    }

    List<String> plots() {
        return plots;
    }

    /** A headline figure measured in repeated runs: its median, with all runs in the details. */
    void figure(String key, Summary s, String unit) {
        result(key, s.median());
        ObjectNode d = details.putObject(key);
        putNumber(d, "median", s.median());
        putNumber(d, "min", s.min());
        putNumber(d, "max", s.max());
        d.put("unit", unit);
        d.putPOJO("runs", s.runs());
    }

    /** A headline figure; NaN (nothing measured) is written as null. */
    void result(String key, double value) {
        putNumber(results, key, value);
    }

    /** {@code value} under {@code key}; NaN (nothing measured) is written as null. */
    static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    void result(String key, String value) {
        results.put(key, value);
    }

    /** A headline figure recorded earlier, by its key. */
    OptionalDouble result(String key) {
        return results.has(key) && !results.get(key).isNull()
                ? OptionalDouble.of(results.get(key).asDouble())
                : OptionalDouble.empty();
    }

    /** A new object of details under {@code key}. */
    ObjectNode details(String key) {
        return details.putObject(key);
    }

    /**
     * A table row of a figure measured in repeated runs: median (min, max); "not measured" where a
     * run measured nothing (the summary is NaN).
     */
    void row(String figure, String target, Summary s, String unit) {
        if (Double.isNaN(s.median())) {
            row(figure, target, "not measured");
            return;
        }
        String fmt = s.median() >= 100 ? "%,.0f" : s.median() >= 1 ? "%.2f" : "%.3f";
        row(
                figure,
                target,
                String.format(
                        "%s (min %s, max %s)%s",
                        String.format(fmt, s.median()),
                        String.format(fmt, s.min()),
                        String.format(fmt, s.max()),
                        unit.isEmpty() ? "" : " " + unit));
    }

    /** A table row, dated today. */
    void row(String figure, String target, String measured) {
        tableRows.add(String.format("| %s | %s | %s | %s |", figure, target, measured, today()));
    }

    void note(String note) {
        notes.add(note);
    }

    private static String today() {
        return Instant.now().toString().substring(0, 10);
    }

    /**
     * Writes results.json, section.md and report.html with what was measured so far (a failing
     * later section leaves the earlier figures); returns the BENCHMARKS.md section.
     */
    String write() throws IOException {
        String machine = machine();
        results.put("date", Instant.now().toString());
        results.put("machine", machine);
        results.put("commit", commit == null ? "" : commit);
        results.put("command", command);
        results.put("repeats", repeats);
        results.set("details", details);
        Files.writeString(out.resolve("results.json"), JSON.writeValueAsString(results));
        String section = markdownSection(machine);
        Files.writeString(out.resolve("section.md"), section);
        Files.writeString(out.resolve("report.html"), html(machine));
        return section;
    }

    private String markdownSection(String machine) {
        StringBuilder md = new StringBuilder();
        md.append("\n## Benchmark suite, ")
                .append(today())
                .append("\n\nCommand: `")
                .append(command)
                .append("` at commit `")
                .append(commit == null ? "?" : commit)
                .append("`; machine: ")
                .append(machine)
                .append(". Medians of ")
                .append(repeats)
                .append(
                        " runs (min, max), but where a row says its runs are pooled; raw figures in")
                .append(" `target/bench/results.json`, plots in")
                .append(" `target/bench/report.html`.\n\n| figure | target | measured | date |\n")
                .append("|---|---|---|---|\n");
        tableRows.forEach(r -> md.append(r).append('\n'));
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(n -> md.append(n).append('\n'));
        }
        return md.toString();
    }

    private String html(String machine) {
        StringBuilder html = new StringBuilder();
        html.append(
                        "<!doctype html><html><head><meta charset=\"utf-8\"><title>streamrec benchmarks")
                .append(
                        "</title><style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px}")
                .append(
                        "table{border-collapse:collapse}td{border-top:1px solid #ddd}</style></head><body>")
                .append("<h1>streamrec benchmarks</h1><p>")
                .append(Html.escape(machine))
                .append(", ")
                .append(Instant.now())
                .append(
                        "</p><table><tr><th>figure</th><th>target</th><th>measured</th><th>date</th></tr>");
        for (String r : tableRows) {
            String[] cells = r.substring(2, r.length() - 2).split(" \\| ");
            html.append("<tr>");
            for (String c : cells) {
                html.append("<td>").append(Html.escape(c)).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
        notes.forEach(n -> html.append("<p>").append(Html.escape(n)).append("</p>"));
        plots.forEach(
                p ->
                        html.append("<p><img src=\"")
                                .append(p)
                                .append("\" alt=\"")
                                .append(p)
                                .append("\"></p>"));
        html.append("</body></html>\n");
        return html.toString();
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu =
                    Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                            .filter(l -> l.startsWith("model name"))
                            .map(l -> l.substring(l.indexOf(':') + 1).trim())
                            .findFirst()
                            .orElse(cpu);
        } catch (Exception e) {
            // not Linux: keep the default
        }
        return String.format(
                "%d vCPU (%s), %d GiB heap max, Java %s, %s",
                Runtime.getRuntime().availableProcessors(),
                cpu,
                Runtime.getRuntime().maxMemory() >> 30,
                System.getProperty("java.version"),
                System.getProperty("os.name"));
    }
}
