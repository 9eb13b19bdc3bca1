package io.streamrec.gateway;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/** Settings of the HTTP gateway; Kafka settings and topic names come from the job's options. */
public final class GatewayOptions {
    private GatewayOptions() {}

    public static final ConfigOption<String> HOST =
            ConfigOptions.key("gateway.host")
                    .stringType()
                    .defaultValue("127.0.0.1")
                    .withDescription("Address the gateway listens on.");
    public static final ConfigOption<Integer> PORT =
            ConfigOptions.key("gateway.port")
                    .intType()
                    .defaultValue(8080)
                    .withDescription("Port the gateway listens on (0: any free port).");
    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("gateway.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How long GET /recommendations waits for the result before a 504.");
    public static final ConfigOption<Integer> MAX_BATCH =
            ConfigOptions.key("gateway.max-batch")
                    .intType()
                    .defaultValue(1000)
                    .withDescription("Most events one POST /events may carry.");
    public static final ConfigOption<Integer> THREADS =
            ConfigOptions.key("gateway.threads")
                    .intType()
                    .defaultValue(8)
                    .withDescription("HTTP worker threads (each waiting request holds one).");

    /** Fails with a message naming the first out-of-range gateway option. */
    public static void validate(ReadableConfig conf) {
        require(PORT, conf.get(PORT) >= 0 && conf.get(PORT) <= 65535, conf.get(PORT), "a port");
        Duration timeout = conf.get(REQUEST_TIMEOUT);
        require(REQUEST_TIMEOUT, !timeout.isNegative() && !timeout.isZero(), timeout, "> 0");
        require(MAX_BATCH, conf.get(MAX_BATCH) >= 1, conf.get(MAX_BATCH), ">= 1");
        require(THREADS, conf.get(THREADS) >= 1, conf.get(THREADS), ">= 1");
    }

    private static void require(ConfigOption<?> option, boolean valid, Object value, String rule) {
        if (!valid) {
            throw new IllegalArgumentException(
                    "option " + option.key() + " = " + value + " is out of range: must be " + rule);
        }
    }
}
