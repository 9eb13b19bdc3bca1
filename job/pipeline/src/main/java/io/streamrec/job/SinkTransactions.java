package io.streamrec.job;

import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/**
 * How the job's Kafka sinks name their transactions: {@code kafka.transactional-id-prefix} and
 * {@code kafka.transaction-naming-strategy}.
 *
 * @param idPrefix the job's prefix; every sink's transactional ids start with it
 * @param naming whether a sink reuses a pool of ids or makes a new one per checkpoint
 */
public record SinkTransactions(String idPrefix, TransactionNamingStrategy naming) {

    /** The prefix of {@code sink}'s own transactional ids, unique in the job. */
    public String idPrefixOf(String sink) {
        return idPrefix + "-" + sink;
    }
}
