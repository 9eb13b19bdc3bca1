package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.job.JobSettings;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.audit.ExpectedContributions;
import io.streamrec.tools.quickstart.EmbeddedKafka;
import io.streamrec.tools.quickstart.ReplayRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on a MiniCluster with a real Kafka broker: Kafka in, workers (DJL), parameter
 * server (RocksDB), the transactional feedback topic, serving, evaluation, Kafka out.
 */
class StreamrecJobITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = TestClusters.twoSlots();

    private static EmbeddedKafka kafka;
    private static final PlantedStream STREAM = new PlantedStream(5, 40, 60, 6000, 11L);

    @TempDir static Path checkpoints;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    private static Configuration config(String run) {
        Configuration jobConf = new Configuration();
        jobConf.set(StreamrecOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        for (var topic : StreamrecOptions.TOPICS) {
            jobConf.set(topic, run + "-" + topic.defaultValue());
        }
        jobConf.set(StreamrecOptions.GROUP_ID, run);
        jobConf.set(StreamrecOptions.TRANSACTIONAL_ID_PREFIX, run);
        jobConf.set(StreamrecOptions.DIM, 16);
        jobConf.set(StreamrecOptions.BATCH_SIZE, 32);
        return TestClusters.jobConfiguration(jobConf, checkpoints.resolve(run));
    }

    private static ReplayRun.Result replay(
            String run, UnaryOperator<DataStream<UserEvent>> interceptor) throws Exception {
        try (ReplayRun replay =
                ReplayRun.builder()
                        .configuration(config(run))
                        .events(STREAM.events)
                        .catalog(STREAM.catalog)
                        .environment(StreamExecutionEnvironment::getExecutionEnvironment)
                        .interceptEvents(interceptor)
                        .eventsPerSecond(3000)
                        .requestEvery(100)
                        .timeout(Duration.ofMinutes(5))
                        .build()) {
            return replay.run(List.of("c0u1", "never-seen"), true);
        }
    }

    @Test
    void learnsPlantedStructureAndAppliesEveryEventExactlyOnceAcrossAFailure() throws Exception {
        ReplayRun.Result clean = replay("clean", UnaryOperator.identity());

        int n = STREAM.events.size();
        assertThat(clean.counts().events()).isEqualTo(n);
        assertThat(clean.trainedEvents()).isEqualTo(n);
        double model = clean.counts().hitRate(0);
        double popularity = clean.counts().hitRate(1);
        assertThat(model)
                .as("model HR@10 vs popularity %.4f", popularity)
                .isGreaterThan(1.5 * popularity);
        assertThat(model - popularity).isGreaterThan(0.05);
        assertThat(clean.examples()).containsKeys("c0u1", "never-seen");
        assertThat(clean.exampleReasons().get("never-seen")).isEqualTo("cold-start");
        assertCountersMatchInput(clean.finalRows(), n);

        int failuresBefore = FailOnceAfterCheckpoint.FAILURES.get();
        FailOnceAfterCheckpoint.ARMED.set(true);
        ReplayRun.Result failed =
                replay(
                        "failure",
                        events ->
                                events.map(new FailOnceAfterCheckpoint(500))
                                        .returns(UserEvent.typeInfo()));
        assertThat(FailOnceAfterCheckpoint.FAILURES.get()).isEqualTo(failuresBefore + 1);
        assertThat(failed.counts().events()).isEqualTo(n);
        assertCountersMatchInput(failed.finalRows(), n);
        // every request answered exactly once under read_committed, across the failure too
        assertAnsweredOnce(clean, n / 100);
        assertAnsweredOnce(failed, n / 100);
    }

    private static void assertAnsweredOnce(ReplayRun.Result result, int requests) {
        Map<String, Integer> replayRequests = new TreeMap<>();
        result.resultsPerRequest()
                .forEach(
                        (id, count) -> {
                            if (id.startsWith("replay-r")) {
                                replayRequests.put(id, count);
                            }
                        });
        assertThat(replayRequests).hasSize(requests);
        assertThat(replayRequests.values()).containsOnly(1);
    }

    private static void assertCountersMatchInput(Map<String, ParameterRow> rows, int n) {
        Map<String, Long> perUser = new TreeMap<>();
        STREAM.events.forEach(e -> perUser.merge(RowKeys.user(e.userId()), 1L, Long::sum));
        Map<String, Long> userCounters = new TreeMap<>();
        rows.forEach(
                (k, r) -> {
                    if (RowKeys.isUser(k)) {
                        userCounters.put(k, r.updates());
                    }
                });
        assertThat(userCounters).isEqualTo(perUser);
        assertThat(rows.get(RowKeys.DENSE_W).updates()).isEqualTo(n);
        long positives = rows.values().stream().mapToLong(ParameterRow::positives).sum();
        assertThat(positives).isEqualTo(n);
        long applied = rows.values().stream().mapToLong(ParameterRow::updates).sum();
        assertThat(ExpectedContributions.coveredBy(STREAM.events, STREAM.catalog)).isTrue();
        assertThat(applied)
                .isEqualTo(
                        ExpectedContributions.count(
                                STREAM.events,
                                STREAM.catalog,
                                new JobSettings(new Configuration()).model()));
    }

    private static Map<String, Long> updateCounters(Map<String, ParameterRow> rows) {
        Map<String, Long> counters = new TreeMap<>();
        rows.forEach((k, r) -> counters.put(k, r.updates()));
        return counters;
    }
}
