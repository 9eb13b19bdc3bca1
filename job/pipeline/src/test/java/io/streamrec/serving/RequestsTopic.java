package io.streamrec.serving;

import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.RecommendationRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * A requests topic for serving's harness tests: records appended per partition, and readers ({@link
 * MockConsumer}) over what a serving subtask has fetched of it, for {@link
 * ServingOperator#openDirectRequestFetcher}.
 */
final class RequestsTopic {
    static final String NAME = "requests";

    private final int partitions;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final Map<Integer, Long> ends = new HashMap<>();

    /** The job's consumer group's committed offsets, by partition. */
    private final Map<Integer, Long> groupOffsets = new HashMap<>();

    /** The readers opened so far, which {@link #appendFetched} hands its record to. */
    private final List<MockConsumer<byte[], byte[]>> readers = new ArrayList<>();

    RequestsTopic(int partitions) {
        this.partitions = partitions;
        for (int p = 0; p < partitions; p++) {
            ends.put(p, 0L);
        }
    }

    /** Appends {@code request} to {@code partition}; returns its offset. */
    long append(int partition, RecommendationRequest request) {
        long offset = ends.merge(partition, 1L, Long::sum) - 1;
        records.add(record(partition, offset, request));
        return offset;
    }

    /**
     * Appends {@code request} to {@code partition} and hands it to every reader opened already, as
     * a broker does at their next poll: a request that arrives at a point the test picks. Returns
     * its offset.
     */
    long appendFetched(int partition, RecommendationRequest request) {
        long offset = append(partition, request);
        for (MockConsumer<byte[], byte[]> reader : readers) {
            reader.addRecord(record(partition, offset, request)); // synchronized with its polls
        }
        return offset;
    }

    private static ConsumerRecord<byte[], byte[]> record(
            int partition, long offset, RecommendationRequest request) {
        return new ConsumerRecord<>(
                NAME,
                partition,
                offset,
                request.userId().getBytes(StandardCharsets.UTF_8),
                RequestJsonCodec.toJson(request));
    }

    /**
     * Commits {@code offset} of {@code partition} for the job's consumer group, as the job's
     * request source does when a checkpoint completes.
     */
    void commit(int partition, long offset) {
        groupOffsets.put(partition, offset);
    }

    /** The next offset of every partition: where a reader of the whole topic ends. */
    Map<Integer, Long> ends() {
        return Map.copyOf(ends);
    }

    /**
     * A fetcher as serving opens one, whose consumer has fetched the records below {@code upTo} per
     * partition (what a subtask had read when its checkpoint was taken), all of them when null.
     */
    DirectRequestFetcher fetcher(
            Map<Integer, Long> restored, DirectRequestDecoder decoder, Map<Integer, Long> upTo) {
        MockConsumer<byte[], byte[]> consumer = consumer();
        DirectRequestFetcher fetcher = new DirectRequestFetcher(consumer, NAME, restored, decoder);
        // after the fetcher assigned the partitions (the mock takes records of assigned ones
        // only) and sought: the mock hands out those at or above each position
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (upTo == null || r.offset() < upTo.get(r.partition())) {
                consumer.addRecord(r);
            }
        }
        readers.add(consumer);
        return fetcher;
    }

    private MockConsumer<byte[], byte[]> consumer() {
        MockConsumer<byte[], byte[]> consumer =
                new MockConsumer<>("earliest") {
                    @Override
                    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
                        ConsumerRecords<byte[], byte[]> polled = super.poll(timeout);
                        if (polled.isEmpty()) {
                            idle(); // a broker's poll waits for records; the mock's returns at once
                        }
                        return polled;
                    }

                    @Override
                    public synchronized Map<TopicPartition, OffsetAndMetadata> committed(
                            Set<TopicPartition> asked, Duration timeout) {
                        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
                        for (TopicPartition tp : asked) {
                            Long offset = groupOffsets.get(tp.partition());
                            if (offset != null) {
                                out.put(tp, new OffsetAndMetadata(offset));
                            }
                        }
                        return out;
                    }
                };
        Node node = new Node(0, "localhost", 9092);
        Node[] nodes = {node};
        List<PartitionInfo> info = new ArrayList<>();
        Map<TopicPartition, Long> beginnings = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            info.add(new PartitionInfo(NAME, p, node, nodes, nodes));
            beginnings.put(new TopicPartition(NAME, p), 0L);
        }
        consumer.updatePartitions(NAME, info);
        consumer.updateBeginningOffsets(beginnings);
        return consumer;
    }

    /** Keeps the fetcher's thread from spinning on an empty mock between the test's steps. */
    private static void idle() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
