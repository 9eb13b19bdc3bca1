package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.job.JobSettings;
import io.streamrec.job.ModelOptions;
import io.streamrec.job.StreamrecJob;
import io.streamrec.job.TopicSetup;
import io.streamrec.job.WorkerOptions;
import io.streamrec.kafka.CommittedReader;
import io.streamrec.model.RowKeys;
import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.privacy.ForgetAudit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forget-user end to end on a real broker: the job trains on the events of many users, among them
 * {@code forget-me} and {@code keep-me}; a forget request for {@code forget-me} on the requests
 * topic; once its tombstone is committed on model-updates the job stops with a savepoint, which
 * {@link ForgetAudit} reads with the State Processor API: {@code forget-me} is in no worker,
 * parameter-server or candidate-statistics state and the topic ends with its tombstone, while
 * {@code keep-me} is everywhere. The same audit asked about {@code keep-me} fails, and so does its
 * topic-only check.
 */
class ForgetUserITCase {
    @RegisterExtension
    static final StreamrecClusterExtension CLUSTERS = new StreamrecClusterExtension();

    private static final PlantedStream STREAM = new PlantedStream(3, 20, 20, 400, 7L);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FORGOTTEN = "forget-me";
    private static final String KEPT = "keep-me";

    /** The stream with two of its users renamed. */
    private static List<UserEvent> events() {
        return STREAM.events.stream()
                .map(
                        e ->
                                new UserEvent(
                                        e.eventId(),
                                        rename(e.userId()),
                                        e.itemId(),
                                        e.type(),
                                        e.value(),
                                        e.timestamp()))
                .toList();
    }

    private static String rename(String user) {
        return switch (user) {
            case "c0u0" -> FORGOTTEN;
            case "c1u0" -> KEPT;
            default -> user;
        };
    }

    @Test
    void aForgottenUserIsInNoStateOfTheSavepointAndTombstonedOnTheTopic(@TempDir Path work)
            throws Exception {
        Configuration conf = CLUSTERS.runConfiguration("forget", work.resolve("checkpoints"));
        conf.set(ModelOptions.DIM, 8);
        conf.set(WorkerOptions.BATCH_SIZE, 16);
        List<UserEvent> events = events();
        assertThat(events).anyMatch(e -> e.userId().equals(FORGOTTEN));
        assertThat(events).anyMatch(e -> e.userId().equals(KEPT));
        ForgetAudit audit = new ForgetAudit(new JobSettings(conf));
        JobClient job = submit(conf);
        String savepoint;
        try (CommittedOutput output = new CommittedOutput(conf)) {
            produceEvents(conf, events);
            awaitCounted(output, events);
            assertThat(output.updates(RowKeys.user(FORGOTTEN))).isPositive();
            // a request read right after the forget waits until serving has erased the user
            // (serving reads requests itself, the forget comes through the workers): it is
            // answered as a user without history, and the kept user's as before
            Map<String, String> reasons = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> results = resultsFromNow(conf)) {
                produceForgetThenRequests(conf, FORGOTTEN);
                Await.waitUntil(
                        "both requests sent after the forget are answered",
                        Duration.ofMinutes(2),
                        () -> {
                            for (ConsumerRecord<byte[], byte[]> r :
                                    results.poll(Duration.ofMillis(100))) {
                                JsonNode result = MAPPER.readTree(r.value());
                                reasons.putIfAbsent(
                                        result.path("requestId").asText(),
                                        result.path("reason").asText());
                            }
                            return reasons.keySet().containsAll(List.of("forgotten", "kept"));
                        });
            }
            assertThat(reasons).containsEntry("forgotten", "cold-start");
            assertThat(reasons).containsEntry("kept", "model");
            Await.waitUntil(
                    "the forgotten user's tombstone is committed",
                    Duration.ofMinutes(2),
                    () -> audit.topic(FORGOTTEN).get("passed").asBoolean());
            // the topic-only check (deploy/security-smoke.sh polls it) can fail: the kept user's
            // latest record is a row
            ObjectNode keptTopic = audit.topic(KEPT);
            assertThat(keptTopic.get("passed").asBoolean()).as(keptTopic.toString()).isFalse();
            assertThat(keptTopic.get("model_updates_last").asText()).isEqualTo("row");
        } catch (Exception | Error e) {
            TestClusters.cancelAndAwait(job);
            throw e;
        }
        savepoint = TestClusters.stopWithSavepoint(job, work.resolve("savepoints"));

        ObjectNode forgotten = audit.audit(savepoint, FORGOTTEN, List.of(KEPT));
        System.out.println("ForgetAudit " + forgotten);
        assertThat(forgotten.get("findings")).as(forgotten.toString()).isEmpty();
        assertThat(forgotten.get("passed").asBoolean()).isTrue();
        assertThat(forgotten.get("statistics_entries").asInt()).isPositive();

        ObjectNode kept = audit.audit(savepoint, KEPT, List.of());
        assertThat(kept.get("passed").asBoolean()).as(kept.toString()).isFalse();
        assertThat(kept.get("findings").toString())
                .contains("workers hold state of the user")
                .contains("parameter server holds u:<user>")
                .contains("candidate statistics know the user")
                .contains("model-updates ends with row");
    }

    /** Waits until the dense row and every user's row count {@code events}, all evaluated. */
    private static void awaitCounted(CommittedOutput output, List<UserEvent> events)
            throws Exception {
        int n = events.size();
        Await.waitUntil(
                n + " events are counted by the dense row and every user's row, and evaluated",
                Duration.ofMinutes(3),
                () -> {
                    output.poll();
                    return output.updates(RowKeys.DENSE_W) == n
                            && output.evaluated() == n
                            && output.countsEveryUser(events);
                });
    }

    private static JobClient submit(Configuration conf) throws Exception {
        TopicSetup.createTopics(conf, 2, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamrecJob.builder().configuration(conf).catalog(STREAM.catalog).build().addTo(env);
        return env.executeAsync("streamrec forget");
    }

    private static KafkaProducer<byte[], byte[]> producer(Configuration conf) {
        return new KafkaProducer<>(
                new JobSettings(conf).kafka().toProperties(),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private static void produceEvents(Configuration conf, List<UserEvent> events) {
        String topic = new JobSettings(conf).topics().events();
        EventJsonCodec codec = new EventJsonCodec();
        try (KafkaProducer<byte[], byte[]> producer = producer(conf)) {
            for (UserEvent e : events) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                e.userId().getBytes(StandardCharsets.UTF_8),
                                codec.toJson(e)));
            }
        }
    }

    /** A forget of {@code user}, then a request of the user and one of {@link #KEPT}. */
    private static void produceForgetThenRequests(Configuration conf, String user) {
        String topic = new JobSettings(conf).topics().requests();
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = producer(conf)) {
            producer.send(
                    RequestJsonCodec.producerRecord(
                            topic, RecommendationRequest.forget("forget-1", user, now)));
            producer.send(
                    RequestJsonCodec.producerRecord(
                            topic, new RecommendationRequest("forgotten", user, 10, now)));
            producer.send(
                    RequestJsonCodec.producerRecord(
                            topic, new RecommendationRequest("kept", KEPT, 10, now)));
        }
    }

    private static KafkaConsumer<byte[], byte[]> resultsFromNow(Configuration conf) {
        JobSettings settings = new JobSettings(conf);
        return CommittedReader.open(
                settings.kafka().toProperties(),
                settings.topics().results(),
                false,
                IsolationLevel.READ_UNCOMMITTED);
    }
}
