package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.tools.quickstart.ReplayRun;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreshnessSectionTest {
    @Test
    void checkpointsAreListedOnTheClientRequestsClockWithinTheTrainingWindow() {
        ReplayRun.TrainingWindow window = new ReplayRun.TrainingWindow(100, 10_000, 20_000);

        // two serving subtasks' stamps, out of order, one before and one after the window
        List<String> csv =
                FreshnessSection.checkpointsCsv(
                        List.of(11_500L, 9_000L, 10_998L, 11_002L, 20_500L), window);

        assertThat(csv).containsExactly("checkpoint_ms", "998", "1002", "1500");
    }

    /**
     * Without a request the end-to-end latency measured nothing: its max is null in results.json,
     * as its percentiles are, not 0 (the empty histogram's starting max).
     */
    @Test
    void theEndToEndLatencyWithoutARequestIsNotMeasured(@TempDir Path out) throws Exception {
        BenchReport report = new BenchReport(out, 1, "deploy/bench.sh --only freshness", null);
        new FreshnessSection(report, null, List.of(), ItemCatalog.empty(), 100, "100 events/s")
                .recordEndToEnd();
        report.write();

        JsonNode e2e =
                new ObjectMapper()
                        .readTree(out.resolve("results.json").toFile())
                        .at("/details/e2e_request_ms");
        assertThat(e2e.get("requests").asLong()).isZero();
        assertThat(e2e.get("p90").isNull()).isTrue();
        assertThat(e2e.get("max").isNull()).isTrue();
    }
}
