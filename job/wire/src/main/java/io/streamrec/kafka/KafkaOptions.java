package io.streamrec.kafka;

import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** How every Kafka client of the job, the gateway and the tools reaches the broker. */
public final class KafkaOptions {
    private KafkaOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription(
                            "Kafka bootstrap servers for every source, sink and feed. Unset, the"
                                    + " bootstrap.servers of kafka.properties-file or"
                                    + " kafka.properties is used if there is one; set, it wins"
                                    + " over theirs.");

    public static final ConfigOption<Map<String, String>> PROPERTIES =
            ConfigOptions.key("kafka.properties")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "Extra Kafka client properties for all clients, e.g."
                                    + " 'security.protocol:SASL_SSL,sasl.mechanism:PLAIN'.");

    public static final ConfigOption<String> PROPERTIES_FILE =
            ConfigOptions.key("kafka.properties-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A Java properties file of Kafka client properties for all clients"
                                    + " (kafka.properties win over it). Keeps credentials out of"
                                    + " program arguments and Flink's REST API; with Kafka's"
                                    + " config providers (config.providers=file or env) secrets"
                                    + " stay references, resolved by each client where it runs.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("streamrec")
                    .withDescription("Consumer group of the event, request and item sources.");
}
