package io.streamrec.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CommittedReaderTest {
    @Test
    void aConsumerThatCannotBePositionedIsClosed() {
        MockConsumer<byte[], byte[]> consumer =
                new MockConsumer<>(OffsetResetStrategy.EARLIEST) {
                    @Override
                    public synchronized Map<String, List<PartitionInfo>> listTopics(
                            Duration timeout) {
                        throw new TimeoutException("no broker answered");
                    }
                };

        assertThatThrownBy(() -> CommittedReader.positionOrClose(consumer, "model-updates", true))
                .isInstanceOf(TimeoutException.class);
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void aPositionedConsumerIsAssignedEveryPartitionAndKeptOpen() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        TopicPartition p0 = new TopicPartition("model-updates", 0);
        TopicPartition p1 = new TopicPartition("model-updates", 1);
        consumer.updatePartitions(
                "model-updates",
                List.of(
                        new PartitionInfo("model-updates", 0, null, null, null),
                        new PartitionInfo("model-updates", 1, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));

        CommittedReader.positionOrClose(consumer, "model-updates", true);

        assertThat(consumer.assignment()).containsExactlyInAnyOrder(p0, p1);
        assertThat(consumer.closed()).isFalse();
    }

    @Test
    @Timeout(30) // without the stall bound it reads for ever
    void catchingUpGivesUpWhenThePositionStopsMoving() {
        MockConsumer<byte[], byte[]> consumer = atTheBeginningOfOnePartitionOf(5);

        // five records committed, none of them arriving: a broker gone mid-read
        assertThatThrownBy(
                        () ->
                                CommittedReader.catchUp(
                                        consumer,
                                        timeout -> consumer.poll(timeout).count(),
                                        Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("made no progress")
                .hasMessageContaining("5 records behind");
    }

    @Test
    void catchingUpReadsToTheEndOffsetsSeenAtTheCall() {
        MockConsumer<byte[], byte[]> consumer = atTheBeginningOfOnePartitionOf(2);
        for (long offset = 0; offset < 2; offset++) {
            consumer.addRecord(
                    new ConsumerRecord<>("model-updates", 0, offset, new byte[0], new byte[0]));
        }

        long read =
                CommittedReader.catchUp(
                        consumer,
                        timeout -> consumer.poll(timeout).count(),
                        Duration.ofMillis(300));

        assertThat(read).isEqualTo(2);
    }

    /** A consumer at offset 0 of a partition whose committed records end at {@code end}. */
    private static MockConsumer<byte[], byte[]> atTheBeginningOfOnePartitionOf(long end) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        TopicPartition p0 = new TopicPartition("model-updates", 0);
        consumer.assign(List.of(p0));
        consumer.updateBeginningOffsets(Map.of(p0, 0L));
        consumer.updateEndOffsets(Map.of(p0, end));
        consumer.seekToBeginning(List.of(p0));
        return consumer;
    }
}
