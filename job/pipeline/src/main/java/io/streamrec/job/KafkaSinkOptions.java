package io.streamrec.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/**
 * How the job's Kafka sinks deliver: transactions and the results topic's guarantee. Read in one
 * place: {@code JobSettings}.
 */
public final class KafkaSinkOptions {
    private KafkaSinkOptions() {}

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("streamrec")
                    .withDescription(
                            "Prefix of the transactional ids of the exactly-once sinks; unique per"
                                    + " job on a cluster.");

    public static final ConfigOption<TransactionNamingStrategy> TRANSACTION_NAMING_STRATEGY =
            ConfigOptions.key("kafka.transaction-naming-strategy")
                    .enumType(TransactionNamingStrategy.class)
                    .defaultValue(TransactionNamingStrategy.POOLING)
                    .withDescription(
                            "How the exactly-once sinks name their transactions. POOLING reuses a"
                                    + " few transactional ids per sink subtask (the broker keeps"
                                    + " every id for transactional.id.expiration.ms, 7 days by"
                                    + " default) and finds open transactions to abort at every start"
                                    + " by listing them, which needs a broker of Kafka 3.0 or later,"
                                    + " DESCRIBE on the ids and READ on the sinks' topics."
                                    + " INCREMENTING makes a new id per"
                                    + " checkpoint and sink subtask (the connector's own default). A"
                                    + " job restored from a POOLING checkpoint cannot go back to"
                                    + " INCREMENTING (the connector refuses: it could lose output).");

    public static final ConfigOption<DeliveryGuarantee> RESULTS_DELIVERY_GUARANTEE =
            ConfigOptions.key("results.delivery-guarantee")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
                    .withDescription(
                            "at-least-once: results are visible to every reader within"
                                    + " milliseconds; after a failure a request may be answered twice"
                                    + " (the same requestId: readers keep the first). exactly-once:"
                                    + " results are written in the checkpoint's Kafka transaction,"
                                    + " so a read_committed reader sees each once, but only when the"
                                    + " next checkpoint completes (about a checkpoint interval"
                                    + " later). A recommendation is a read, so the default is the"
                                    + " fast one; the gateway answers as soon as a result is written"
                                    + " under either.");
}
