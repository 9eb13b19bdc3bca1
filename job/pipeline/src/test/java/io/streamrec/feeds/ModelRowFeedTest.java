package io.streamrec.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ParameterRowSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class ModelRowFeedTest {
    private static final TopicPartition TOPIC = new TopicPartition("model-updates", 0);

    @Test
    void anUnreadableRecordIsSkippedAndCountedAndTheFeedReadsOn() {
        MockConsumer<byte[], byte[]> topic = new MockConsumer<>("earliest");
        topic.assign(List.of(TOPIC));
        topic.updateBeginningOffsets(Map.of(TOPIC, 0L));
        ParameterRow good =
                new ParameterRow("i:1", new float[] {1, 2}, new float[0], 1, 1, 0, 0f, 0);
        byte[] corrupt = {1, 0, 3, 'i', ':', '2', 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        add(topic, 0, corrupt); // a weights length of 2^31 - 1
        add(topic, 1, new byte[] {9}); // a schema version this reader does not know
        add(topic, 2, ParameterRowSerializer.INSTANCE.toBytes(good));
        topic.updateEndOffsets(Map.of(TOPIC, 3L));

        ModelRowFeed feed = new ModelRowFeed(topic);
        List<ParameterRow> rows = new ArrayList<>();
        long read = feed.catchUp(rows::add);

        assertThat(read).isEqualTo(1);
        assertThat(rows).extracting(ParameterRow::key).containsExactly("i:1");
        assertThat(feed.unreadableRecords()).isEqualTo(2);
    }

    /** A busy topic brings more rows between two batches than one poll returns. */
    @Test
    void pollingWhatIsAvailableTakesMoreThanOnePollsWorth() {
        MockConsumer<byte[], byte[]> topic = new MockConsumer<>("earliest");
        topic.setMaxPollRecords(500);
        topic.assign(List.of(TOPIC));
        topic.updateBeginningOffsets(Map.of(TOPIC, 0L));
        for (int offset = 0; offset < 1_500; offset++) {
            add(topic, offset, rowBytes(RowKeys.item("i" + offset), new float[] {1f}));
        }
        ModelRowFeed feed = new ModelRowFeed(topic);
        // the budget bounds the polls by the clock: a busy host's first, cold poll of 500 rows
        // could use up the 50 ms alone, so this test of the loop gives it a minute
        feed.pollBudget = Duration.ofMinutes(1);
        List<ParameterRow> rows = new ArrayList<>();

        assertThat(feed.pollAvailable(rows::add)).isEqualTo(1_500);
        assertThat(rows).hasSize(1_500);
        assertThat(feed.pollAvailable(rows::add)).isZero();
    }

    @Test
    void aRowOfAnotherModelDimIsSkippedAndCounted() {
        MockConsumer<byte[], byte[]> topic = new MockConsumer<>("earliest");
        topic.assign(List.of(TOPIC));
        topic.updateBeginningOffsets(Map.of(TOPIC, 0L));
        ModelConfig dim8 = new ModelConfig(8, 4, 10, 1000L, 42L);
        ModelConfig dim16 = new ModelConfig(16, 4, 10, 1000L, 42L);
        String oldItem = RowKeys.item("old");
        String newItem = RowKeys.item("new");
        add(topic, 0, rowBytes(oldItem, new ModelRowInitializer(dim16).initialWeights(oldItem)));
        add(topic, 1, rowBytes(newItem, new ModelRowInitializer(dim8).initialWeights(newItem)));
        topic.updateEndOffsets(Map.of(TOPIC, 2L));

        ModelRowFeed feed = new ModelRowFeed(topic).checkingWidthsOf(new ModelRowInitializer(dim8));
        List<ParameterRow> rows = new ArrayList<>();
        feed.catchUp(rows::add);

        assertThat(rows).extracting(ParameterRow::key).containsExactly(newItem);
        assertThat(feed.unreadableRecords()).isEqualTo(1);
    }

    /**
     * A partition added to model-updates while the job runs: the parameter server's sink writes
     * rows there, and a feed that kept reading only the partitions of its start would never hand
     * them to the replica (until a restart). Checked at every poll here (a zero interval).
     */
    @Test
    void aPartitionAddedWhileReadingIsReadFromItsBeginning() {
        MockConsumer<byte[], byte[]> topic = new MockConsumer<>("earliest");
        TopicPartition added = new TopicPartition(TOPIC.topic(), 1);
        topic.updatePartitions(TOPIC.topic(), List.of(partition(0)));
        topic.assign(List.of(TOPIC));
        topic.updateBeginningOffsets(Map.of(TOPIC, 0L));
        add(topic, 0, rowBytes(RowKeys.item("before"), new float[] {1f}));
        topic.updateEndOffsets(Map.of(TOPIC, 1L));
        ModelRowFeed feed = new ModelRowFeed(topic, Duration.ZERO);
        List<ParameterRow> rows = new ArrayList<>();
        feed.catchUp(rows::add);

        topic.updatePartitions(TOPIC.topic(), List.of(partition(0), partition(1)));
        topic.updateBeginningOffsets(Map.of(added, 0L));
        // MockConsumer takes records only for an assigned partition; on a broker the row is on p1
        // whether anyone reads it or not
        topic.schedulePollTask(
                () -> {
                    if (topic.assignment().contains(added)) {
                        topic.addRecord(
                                new ConsumerRecord<>(
                                        added.topic(),
                                        added.partition(),
                                        0L,
                                        null,
                                        rowBytes(RowKeys.item("after"), new float[] {2f})));
                    }
                });
        feed.pollAvailable(rows::add);

        assertThat(rows)
                .extracting(ParameterRow::key)
                .containsExactly(RowKeys.item("before"), RowKeys.item("after"));
    }

    /**
     * A broker that does not answer: the partition check runs on the operator's task thread
     * (serving's request path, checkpoints), so it must not wait the seconds a listing of the
     * cluster's topics may take; a check that times out finds nothing added this time.
     */
    @Test
    void aBrokerThatDoesNotAnswerHoldsThePartitionCheckBriefly() {
        MockConsumer<byte[], byte[]> topic =
                new MockConsumer<>("earliest") {
                    @Override
                    public synchronized Map<String, List<PartitionInfo>> listTopics(
                            Duration timeout) {
                        return unanswered(timeout);
                    }

                    @Override
                    public synchronized List<PartitionInfo> partitionsFor(
                            String t, Duration timeout) {
                        return unanswered(timeout);
                    }
                };
        topic.assign(List.of(TOPIC));
        topic.updateBeginningOffsets(Map.of(TOPIC, 0L));
        add(topic, 0, rowBytes(RowKeys.item("i1"), new float[] {1f}));
        ModelRowFeed feed = new ModelRowFeed(topic, Duration.ZERO);
        List<ParameterRow> rows = new ArrayList<>();

        long start = System.nanoTime();
        feed.pollAvailable(rows::add);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(rows).extracting(ParameterRow::key).containsExactly(RowKeys.item("i1"));
        assertThat(topic.assignment()).containsExactly(TOPIC);
    }

    /** What a consumer does when no broker answers: waits out its timeout, then throws. */
    private static <R> R unanswered(Duration timeout) {
        try {
            Thread.sleep(timeout.toMillis()); // the broker's silence, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new TimeoutException("no broker answered in " + timeout.toMillis() + " ms");
    }

    private static PartitionInfo partition(int p) {
        return new PartitionInfo(TOPIC.topic(), p, null, new Node[0], new Node[0]);
    }

    private static byte[] rowBytes(String key, float[] weights) {
        return ParameterRowSerializer.INSTANCE.toBytes(
                new ParameterRow(key, weights, new float[0], 1, 1, 0, 0f, 0));
    }

    private static void add(MockConsumer<byte[], byte[]> topic, long offset, byte[] value) {
        topic.addRecord(
                new ConsumerRecord<>(TOPIC.topic(), TOPIC.partition(), offset, null, value));
    }
}
