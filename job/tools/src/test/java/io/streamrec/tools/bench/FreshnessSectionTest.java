package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.tools.quickstart.ReplayRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    /**
     * Without a client request the clients' max latencies measured nothing: null in results.json,
     * as every unmeasured figure is, not the string "NaN".
     */
    @Test
    void theClientsMaxWithoutARequestIsNotMeasured(@TempDir Path out) throws Exception {
        BenchReport report = new BenchReport(out, 1, "deploy/bench.sh --only freshness", null);
        new FreshnessSection(report, null, List.of(), ItemCatalog.empty(), 100, "100 events/s")
                .recordClients();
        report.write();

        JsonNode client =
                new ObjectMapper()
                        .readTree(out.resolve("results.json").toFile())
                        .at("/details/client_request_ms");
        assertThat(client.get("gateway_requests").asLong()).isZero();
        assertThat(client.get("gateway_max").isNull()).isTrue();
        assertThat(client.get("kafka_max").isNull()).isTrue();
    }

    /**
     * A run that trained no event between the CPU samples measured no CPU per event (NaN): each
     * stage and the total are null in results.json, not the string "NaN".
     */
    @Test
    void cpuPerEventNotMeasuredIsNull(@TempDir Path out) throws Exception {
        BenchReport report = new BenchReport(out, 1, "deploy/bench.sh --only freshness", null);
        new FreshnessSection(report, null, List.of(), ItemCatalog.empty(), 100, "100 events/s")
                .stageDetails("freshness_cpu_us_per_event", Map.of("serving", Double.NaN));
        report.write();

        JsonNode cpu =
                new ObjectMapper()
                        .readTree(out.resolve("results.json").toFile())
                        .at("/details/freshness_cpu_us_per_event");
        assertThat(cpu.get("serving").isNull()).isTrue();
        assertThat(cpu.get("total").isNull()).isTrue();
    }
}
