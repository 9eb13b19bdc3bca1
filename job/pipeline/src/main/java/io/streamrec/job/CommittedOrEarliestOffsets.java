package io.streamrec.job;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * The sources' starting offsets: the consumer group's committed offset of each partition, else the
 * earliest, resolved to numbers when the job assigns the partition. Flink's {@code
 * OffsetsInitializer.committedOffsets(EARLIEST)} instead hands the readers a marker that each
 * resolves when it first fetches, and a checkpoint taken before a reader read a record of its
 * partition stores the marker. A restore from such a checkpoint (an older retained checkpoint, or a
 * savepoint taken before the first event) then resolves it against the group's offsets as they are
 * at the restore, which the abandoned run has moved on at its checkpoints: the events in between
 * were skipped, neither trained nor dead-lettered (found by {@code deploy/fault-campaign.sh}).
 */
final class CommittedOrEarliestOffsets implements OffsetsInitializer {
    private static final long serialVersionUID = 1L;

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever retriever) {
        Map<TopicPartition, Long> committed = retriever.committedOffsets(partitions);
        Map<TopicPartition, Long> earliest = retriever.beginningOffsets(partitions);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition p : partitions) {
            Long c = committed.get(p);
            long first = earliest.getOrDefault(p, 0L);
            // no committed offset, or one the log no longer holds: the earliest, as
            // auto.offset.reset
            offsets.put(p, c == null || c < first ? first : c);
        }
        return offsets;
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return OffsetResetStrategy.EARLIEST;
    }
}
