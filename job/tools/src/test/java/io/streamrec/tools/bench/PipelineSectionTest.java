package io.streamrec.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.EvaluationOptions;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.quickstart.CheckpointHistory;
import io.streamrec.tools.quickstart.ReplayRun;
import io.streamrec.tools.quickstart.ThroughputOverTime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineSectionTest {

    /** The untimed warm-up before the timed pipeline runs stays short however long the runs are. */
    @Test
    void theWarmUpIsTwentyThousandEventsOrAllOfAShorterRun() {
        assertThat(PipelineSection.warmUpEvents(100_000)).isEqualTo(20_000);
        assertThat(PipelineSection.warmUpEvents(1_000_000)).isEqualTo(20_000);
        assertThat(PipelineSection.warmUpEvents(15_000)).isEqualTo(15_000);
        assertThat(PipelineSection.warmUpEvents(0)).isZero();
    }

    /**
     * Issue 11 defines {@code pipeline_p2_cpu_us_per_event} with {@code eval.sample-rate} 0.1: the
     * figure of that name is the 10%-evaluated run's (300 us here), the run evaluating every event
     * has its own name (600 us), and the p=2 over p=1 ratio compares runs that both evaluate every
     * event (600 / 800).
     */
    @Test
    void theIssuesCpuPerEventIsTheTenPercentEvaluatedRuns(@TempDir Path out) throws Exception {
        JsonNode results = runSection(out);

        assertThat(results.get("pipeline_p2_cpu_us_per_event_total").asDouble()).isEqualTo(300.0);
        assertThat(results.at("/details/pipeline_p2_cpu_us_per_event/serving").asDouble())
                .isEqualTo(300.0);
        assertThat(results.get("pipeline_p2_full_eval_cpu_us_per_event_total").asDouble())
                .isEqualTo(600.0);
        assertThat(results.at("/details/pipeline_p2_full_eval_cpu_us_per_event/serving").asDouble())
                .isEqualTo(600.0);
        assertThat(results.get("pipeline_p1_cpu_us_per_event_total").asDouble()).isEqualTo(800.0);
        assertThat(results.get("cpu_us_per_event_p2_over_p1").asDouble()).isEqualTo(0.75);
    }

    /**
     * Issue 11 sets train_events_per_s_p2 with eval.sample-rate 0.1, as its CPU per event: the key
     * holds the sampled run's rate, the every-event run has its own, and p=2 over p=1 compares the
     * runs that evaluate every event.
     */
    @Test
    void theIssuesThroughputIsTheTenPercentEvaluatedRuns(@TempDir Path out) throws Exception {
        JsonNode results = runSection(out);

        assertThat(results.get("train_events_per_s_p2").asDouble()).isEqualTo(3_000.0);
        assertThat(results.get("train_events_per_s_p2_full_eval").asDouble()).isEqualTo(1_500.0);
        assertThat(results.get("train_events_per_s_p1").asDouble()).isEqualTo(1_000.0);
        assertThat(results.get("p2_over_p1").asDouble()).isEqualTo(1.5);
    }

    /**
     * With fewer than 100 intervals the nearest-rank p99 is the largest one: results.json says how
     * many intervals there were beside it.
     */
    @Test
    void theNumberOfCheckpointIntervalsIsWrittenBesideTheirP99(@TempDir Path out) throws Exception {
        JsonNode results = runSection(out);

        assertThat(results.get("checkpoint_intervals_n").asInt()).isEqualTo(3);
        assertThat(results.get("checkpoint_interval_achieved_s_p99").asDouble()).isEqualTo(3.0);
        assertThat(results.get("checkpoint_interval_achieved_s_max").asDouble()).isEqualTo(3.0);
    }

    private static JsonNode runSection(Path out) throws Exception {
        BenchReport report = new BenchReport(out, 1, "deploy/bench.sh --only pipeline", null);
        new PipelineSection(report, new StubPipeline(out), List.of(), ItemCatalog.empty()).run();
        report.write();
        return new ObjectMapper().readTree(out.resolve("results.json").toFile());
    }

    /**
     * Runs nothing: CPU per event 800 us at p=1, 600 us at p=2 evaluating every event, 300 us at
     * p=2 evaluating a sample (1,000, 1,500 and 3,000 events/s); checkpoints 1, 2 and 3 s apart
     * within the training window.
     */
    private static final class StubPipeline extends PipelineBench {
        private Map<String, Double> lastCpu = Map.of();

        StubPipeline(Path workDir) {
            super("localhost:1", workDir, line -> {});
        }

        @Override
        public ReplayRun.Result run(
                String label,
                List<UserEvent> events,
                ItemCatalog catalog,
                int parallelism,
                double rate,
                boolean wallClockTimestamps,
                int requestEvery,
                Configuration options) {
            boolean sampled = options.get(EvaluationOptions.SAMPLE_RATE) < 1.0;
            double micros = parallelism == 1 ? 800.0 : sampled ? 300.0 : 600.0;
            lastCpu = Map.of("serving", micros);
            return result(parallelism == 1 ? 1_000.0 : sampled ? 3_000.0 : 1_500.0);
        }

        @Override
        public Map<String, Double> lastCpuMicrosPerEvent() {
            return lastCpu;
        }

        private static ReplayRun.Result result(double eventsPerSecond) {
            return new ReplayRun.Result(
                    new PrequentialCounts(0),
                    10_000,
                    0,
                    10_000,
                    eventsPerSecond,
                    10,
                    new CheckpointHistory.Checkpoints(
                            CheckpointHistory.Source.FLINK_REST,
                            4,
                            List.of(1_000L, 2_000L, 4_000L, 7_000L),
                            0),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    new LatencyHistogram(),
                    new LatencyHistogram(),
                    new ReplayRun.TrainingWindow(10_000, 0, 10_000),
                    List.of(),
                    new TreeMap<>(),
                    ThroughputOverTime.none(2));
        }
    }
}
