package io.streamrec.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** A results topic on Kafka's {@link MockConsumer}, for the gateway's reader without a broker. */
final class MockResultsTopic {
    private MockResultsTopic() {}

    /**
     * A consumer of {@code topic}'s {@code partitions} partitions, each assigned at its end, as the
     * gateway's reader starts. An empty poll waits a millisecond, as a real one waits for records,
     * so that the reader does not spin.
     */
    static MockConsumer<byte[], byte[]> assignedAtItsEnd(String topic, int partitions) {
        MockConsumer<byte[], byte[]> consumer =
                new MockConsumer<>("latest") {
                    @Override
                    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
                        ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
                        if (records.isEmpty()) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                        }
                        return records;
                    }
                };
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(topic, p));
            consumer.updateBeginningOffsets(Map.of(assigned.get(p), 0L));
            consumer.updateEndOffsets(Map.of(assigned.get(p), 0L));
        }
        consumer.updatePartitions(topic, partitionInfos(topic, partitions));
        consumer.assign(assigned);
        return consumer;
    }

    /** {@code topic}'s partitions, each led by one local broker. */
    static List<PartitionInfo> partitionInfos(String topic, int partitions) {
        Node node = new Node(0, "localhost", 9092);
        Node[] nodes = {node};
        List<PartitionInfo> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            out.add(new PartitionInfo(topic, p, node, nodes, nodes));
        }
        return out;
    }
}
