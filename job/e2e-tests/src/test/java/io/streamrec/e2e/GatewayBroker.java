package io.streamrec.e2e;

import io.streamrec.gateway.GatewayOptions;
import io.streamrec.job.TopicSetup;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.kafka.TopicOptions;
import io.streamrec.tools.quickstart.EmbeddedKafka;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real broker for the gateway's tests, started once per test class ({@code @RegisterExtension
 * static}), and gateway configurations against it.
 */
final class GatewayBroker implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        kafka.close();
    }

    /**
     * A gateway configuration on this broker and a free port, its topics named {@code
     * <run>-<topic>} and created with one partition each, so that tests of a class do not read each
     * other's records.
     */
    Configuration gatewayConf(String run) throws Exception {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        for (var topic : TopicOptions.ALL) {
            conf.set(topic, run + "-" + topic.defaultValue());
        }
        conf.set(GatewayOptions.PORT, 0);
        TopicSetup.createTopics(conf, 1, 1);
        return conf;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
