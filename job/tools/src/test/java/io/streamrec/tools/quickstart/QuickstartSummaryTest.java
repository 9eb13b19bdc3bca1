package io.streamrec.tools.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.ItemCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartSummaryTest {
    private static final long WEEK = Duration.ofDays(7).toMillis();

    /** A Thursday, 2013-02-28: the epoch's 4-week windows start on Thursdays. */
    private static final long START = Instant.parse("2013-02-28T00:00:00Z").toEpochMilli();

    @TempDir Path output;

    @Test
    void printsTheSummaryAndSavesItsFigures() throws Exception {
        PrequentialCounts counts = new PrequentialCounts(0);
        // two weeks in one 4-week window: model hits 3 of 4, popularity 1, trending 2
        counts.record(START, new int[] {0, 0, 0});
        counts.record(START, new int[] {1, -1, -1});
        counts.record(START + WEEK, new int[] {2, -1, 0});
        counts.record(START + WEEK, new int[] {-1, -1, -1});
        ReplayRun.Result result =
                new ReplayRun.Result(
                        counts,
                        6,
                        2,
                        4,
                        1234.4,
                        75.24,
                        18,
                        Map.of("u1", List.of("i1", "i2")),
                        Map.of("u1", "model"),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        new LatencyHistogram(),
                        new LatencyHistogram(),
                        new ReplayRun.TrainingWindow(4, 0, 1));
        QuickstartSummary summary = new QuickstartSummary(result, ItemCatalog.empty(), 0);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        summary.print(out);
        summary.save(output, out);

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("events processed      4 (2 dead-lettered)\n")
                .contains("events/s              1,234 (training loop, steady state)\n")
                .contains("wall time             75.2 s (replay pace: full speed)\n")
                .contains("checkpoints completed 18\n")
                .contains("  model                  HR@10 0.7500   NDCG@10 ")
                .contains("  all-time popularity    HR@10 0.2500   NDCG@10 0.2500\n")
                .contains("  2013-02-28  n=     4  0.750 / 0.250 / 0.500\n")
                .contains("  user u1 (model):\n    - ")
                .contains("summary written to " + output.resolve("summary.json"));
        JsonNode json = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertThat(json.get("events").asLong()).isEqualTo(4);
        assertThat(json.get("hr_at_10").asDouble()).isEqualTo(0.75);
        assertThat(json.get("baseline_popularity_hr_at_10").asDouble()).isEqualTo(0.25);
        assertThat(json.get("baseline_trending_hr_at_10").asDouble()).isEqualTo(0.5);
        assertThat(json.get("windows")).hasSize(2);
        assertThat(json.get("examples").get("u1")).hasSize(2);
        assertThat(output.resolve("quality.png")).exists();
        assertThat(output.resolve("report.html")).exists();
    }
}
