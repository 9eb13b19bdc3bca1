package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.RecommendationRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Where a serving subtask starts reading the requests topic, and what its thread hands to the task
 * thread: its own users' requests with their offsets, and how far each partition was read.
 */
class DirectRequestFetcherTest {
    /** Serving reading requests itself, {@code validation.max-future} at its default of 5 min. */
    private static final DirectRequestSettings DIRECT =
            new DirectRequestSettings(true, "requests", "streamrec", null, 300_000, 0);

    private static final String TOPIC = "requests";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final TopicPartition P2 = new TopicPartition(TOPIC, 2);

    private static MockConsumer<byte[], byte[]> topicOfThreePartitions() {
        return topicOfThreePartitions(Map.of());
    }

    /** With {@code committed} as the consumer group's offsets (the mock keeps none unassigned). */
    private static MockConsumer<byte[], byte[]> topicOfThreePartitions(
            Map<TopicPartition, OffsetAndMetadata> committed) {
        MockConsumer<byte[], byte[]> consumer =
                new MockConsumer<>("earliest") {
                    @Override
                    public synchronized Map<TopicPartition, OffsetAndMetadata> committed(
                            Set<TopicPartition> partitions, Duration timeout) {
                        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
                        partitions.forEach(
                                p -> {
                                    if (committed.containsKey(p)) {
                                        out.put(p, committed.get(p));
                                    }
                                });
                        return out;
                    }
                };
        Node node = new Node(0, "localhost", 9092);
        Node[] nodes = {node};
        consumer.updatePartitions(
                TOPIC,
                List.of(
                        new PartitionInfo(TOPIC, 0, node, nodes, nodes),
                        new PartitionInfo(TOPIC, 1, node, nodes, nodes),
                        new PartitionInfo(TOPIC, 2, node, nodes, nodes)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 4L, P2, 0L));
        consumer.updateEndOffsets(Map.of(P0, 20L, P1, 20L, P2, 20L));
        return consumer;
    }

    /** A user id that {@link UserOwner} gives to {@code subtask} of 2, the n-th such. */
    private static String userOf(int subtask, int n) {
        int found = 0;
        for (int i = 0; ; i++) {
            if (UserOwner.of("u" + i, 2) == subtask && found++ == n) {
                return "u" + i;
            }
        }
    }

    private static void add(
            MockConsumer<byte[], byte[]> consumer, int partition, long offset, byte[] value) {
        consumer.addRecord(
                new ConsumerRecord<>(
                        TOPIC, partition, offset, "k".getBytes(StandardCharsets.UTF_8), value));
    }

    @Test
    void withoutRestoredPositionsStartsAtTheGroupsCommittedOffsetElseTheBeginning() {
        MockConsumer<byte[], byte[]> consumer =
                topicOfThreePartitions(
                        Map.of(P0, new OffsetAndMetadata(7L), P1, new OffsetAndMetadata(2L)));

        DirectRequestFetcher fetcher =
                new DirectRequestFetcher(
                        consumer, TOPIC, Map.of(), new DirectRequestDecoder(0, 2, null, DIRECT));

        // p0: committed; p1: committed, but the log starts at 4 now; p2: the beginning
        assertThat(fetcher.startPositions()).isEqualTo(Map.of(0, 7L, 1, 4L, 2, 0L));
        assertThat(consumer.position(P0)).isEqualTo(7L);
        assertThat(consumer.position(P1)).isEqualTo(4L);
        assertThat(consumer.position(P2)).isEqualTo(0L);
    }

    /**
     * A partition the restored positions lack was added after that checkpoint: nothing of it was
     * answered, so it is read from its beginning, not from the group's offset, which the job's own
     * request source has moved past.
     */
    @Test
    void withRestoredPositionsStartsThereAndAPartitionTheyLackAtItsBeginning() {
        MockConsumer<byte[], byte[]> consumer =
                topicOfThreePartitions(
                        Map.of(P0, new OffsetAndMetadata(7L), P2, new OffsetAndMetadata(9L)));

        DirectRequestFetcher fetcher =
                new DirectRequestFetcher(
                        consumer,
                        TOPIC,
                        Map.of(0, 3L, 1, 2L),
                        new DirectRequestDecoder(0, 2, null, DIRECT));

        // p0: restored; p1: restored, but the log starts at 4 now; p2: added since, the beginning
        assertThat(fetcher.startPositions()).isEqualTo(Map.of(0, 3L, 1, 4L, 2, 0L));
        assertThat(consumer.position(P2)).isEqualTo(0L);
    }

    /** A partition added to the topic while serving reads it is read too, from its beginning. */
    @Test
    void readsAPartitionAddedWhileItRuns() throws Exception {
        MockConsumer<byte[], byte[]> consumer = topicOfThreePartitions();
        DirectRequestFetcher fetcher =
                new DirectRequestFetcher(
                        consumer,
                        TOPIC,
                        Map.of(),
                        new DirectRequestDecoder(0, 2, null, DIRECT),
                        Duration.ZERO); // looks before every poll
        TopicPartition p3 = new TopicPartition(TOPIC, 3);
        Node node = new Node(0, "localhost", 9092);
        Node[] nodes = {node};
        List<PartitionInfo> four = new ArrayList<>(consumer.partitionsFor(TOPIC));
        four.add(new PartitionInfo(TOPIC, 3, node, nodes, nodes));
        consumer.updatePartitions(TOPIC, four);
        consumer.updateBeginningOffsets(Map.of(p3, 0L));
        byte[] request =
                RequestJsonCodec.toJson(new RecommendationRequest("r1", userOf(0, 0), 3, 1));
        // runs inside the first poll, after the look that assigned p3 (the mock takes records of
        // assigned partitions only)
        consumer.schedulePollTask(() -> add(consumer, 3, 0, request));
        BlockingQueue<DirectRequestBatch> handed = new LinkedBlockingQueue<>();

        fetcher.start(into(handed, fetcher), "test fetcher");
        DirectRequestBatch batch = handed.poll(30, TimeUnit.SECONDS);
        fetcher.close();

        assertThat(batch).isNotNull();
        assertThat(batch.requests())
                .extracting(r -> r.request().requestId() + "@" + r.partition() + ":" + r.offset())
                .containsExactly("r1@3:0");
        assertThat(batch.nextOffsets()).isEqualTo(Map.of(3, 1L));
    }

    /** Puts each batch into {@code handed} and lets the fetcher go on. */
    private static DirectRequestFetcher.Handoff into(
            BlockingQueue<DirectRequestBatch> handed, DirectRequestFetcher fetcher) {
        return new DirectRequestFetcher.Handoff() {
            @Override
            public void accept(DirectRequestBatch batch) {
                handed.add(batch);
                fetcher.done();
            }

            @Override
            public void fail(Throwable cause) {
                throw new AssertionError(cause);
            }
        };
    }

    @Test
    void handsOverItsOwnUsersRequestsAndHowFarEachPartitionWasRead() throws Exception {
        MockConsumer<byte[], byte[]> consumer = topicOfThreePartitions();
        String mine = userOf(1, 0);
        String theirs = userOf(0, 0);
        DirectRequestFetcher fetcher =
                new DirectRequestFetcher(
                        consumer, TOPIC, Map.of(), new DirectRequestDecoder(1, 2, null, DIRECT));
        add(consumer, 0, 0, RequestJsonCodec.toJson(new RecommendationRequest("r1", mine, 3, 1)));
        add(consumer, 0, 1, RequestJsonCodec.toJson(new RecommendationRequest("r2", theirs, 3, 1)));
        add(consumer, 1, 4, "{not json".getBytes(StandardCharsets.UTF_8));
        add(consumer, 1, 5, RequestJsonCodec.toJson(RecommendationRequest.forget("f1", mine, 1)));
        BlockingQueue<DirectRequestBatch> handed = new LinkedBlockingQueue<>();

        fetcher.start(into(handed, fetcher), "test fetcher");
        DirectRequestBatch batch = handed.poll(30, TimeUnit.SECONDS);
        fetcher.close();

        assertThat(batch).isNotNull();
        assertThat(batch.requests())
                .extracting(r -> r.request().requestId() + "@" + r.partition() + ":" + r.offset())
                .containsExactlyInAnyOrder("r1@0:0", "f1@1:5");
        assertThat(batch.nextOffsets()).isEqualTo(Map.of(0, 2L, 1, 6L));
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void closingWithoutStartingClosesTheConsumer() throws Exception {
        MockConsumer<byte[], byte[]> consumer = topicOfThreePartitions();
        new DirectRequestFetcher(
                        consumer, TOPIC, Map.of(), new DirectRequestDecoder(0, 1, null, DIRECT))
                .close();
        assertThat(consumer.closed()).isTrue();
    }
}
