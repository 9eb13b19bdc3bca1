package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
    @TempDir Path out;

    @Test
    void writesFiguresRowsNotesAndPlots() throws Exception {
        BenchReport report = new BenchReport(out, 3, "deploy/bench.sh --only loop", null);
        report.figure("train_events_per_s_p2", Summary.of(1000, 2000, 1500), "events/s");
        report.result("best_baseline", "popularity");
        report.result("client_request_ms_p99", Double.NaN); // no request measured
        report.details("scale_1m").put("rows", 1_000_000);
        report.row(
                "training throughput, p=2", ">= 100,000", Summary.of(1000, 2000, 1500), "events/s");
        report.row("recall@10", "–", Summary.of(0.95, 0.96, 0.97), "");
        report.row("p=2 / p=1 (same run)", ">= 1.8", "1.75");
        report.note("CPU per event: <1 us");
        assertThat(report.plot("quality.png")).isEqualTo(out.resolve("quality.png"));

        String before = Instant.now().toString().substring(0, 10);
        String section = report.write();
        String after = Instant.now().toString().substring(0, 10);
        // the date of the write, which a run across midnight (UTC) may not share with one side
        String today = section.contains(" | " + before + " |\n") ? before : after;
        assertThat(section)
                .contains("Command: `deploy/bench.sh --only loop` at commit `?`")
                .contains("Medians of 3 runs")
                .contains(
                        "| training throughput, p=2 | >= 100,000 | 1,500 (min 1,000, max 2,000)"
                                + " events/s | "
                                + today
                                + " |\n")
                .contains("| recall@10 | – | 0.960 (min 0.950, max 0.970) | " + today + " |\n")
                .contains("| p=2 / p=1 (same run) | >= 1.8 | 1.75 | " + today + " |\n")
                .endsWith("\nCPU per event: <1 us\n");
        assertThat(Files.readString(out.resolve("section.md"))).isEqualTo(section);
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.get("train_events_per_s_p2").asDouble()).isEqualTo(1500);
        assertThat(results.get("best_baseline").asText()).isEqualTo("popularity");
        assertThat(results.get("commit").asText()).isEmpty();
        assertThat(results.get("repeats").asInt()).isEqualTo(3);
        JsonNode details = results.get("details");
        assertThat(details.get("train_events_per_s_p2").get("min").asDouble()).isEqualTo(1000);
        assertThat(details.get("train_events_per_s_p2").get("runs")).hasSize(3);
        assertThat(details.get("scale_1m").get("rows").asLong()).isEqualTo(1_000_000);
        assertThat(report.result("train_events_per_s_p2")).hasValue(1500);
        assertThat(report.result("pipeline_to_inprocess_ratio")).isEmpty();
        assertThat(results.get("client_request_ms_p99").isNull()).isTrue();
        assertThat(report.result("client_request_ms_p99")).isEmpty();
        assertThat(Files.readString(out.resolve("report.html")))
                .contains("<td>&gt;= 1.8</td>")
                .contains("<p>CPU per event: &lt;1 us</p>")
                .contains("<img src=\"quality.png\"");
    }

    /**
     * A figure some run did not measure (a serving span of one trained event): its row says so, and
     * the figure is null in results.json, rather than a median pulled down by a 0.
     */
    @Test
    void aFigureNotMeasuredInSomeRunIsNotMeasured() throws Exception {
        BenchReport report = new BenchReport(out, 3, "deploy/bench.sh --only pipeline", null);
        Summary span = Summary.of(1000, Double.NaN, 1500);
        report.figure("train_events_per_s_p2_serving_span", span, "events/s");
        report.row("serving span", "–", span, "events/s");

        assertThat(report.write()).contains("| serving span | – | not measured | ");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.get("train_events_per_s_p2_serving_span").isNull()).isTrue();
    }
}
