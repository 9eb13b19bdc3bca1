package io.streamrec.e2e;

import io.streamrec.job.KafkaSinkOptions;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.kafka.TopicOptions;
import io.streamrec.tools.quickstart.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every ITCase runs against, per test class: a real single-node Kafka broker in this JVM
 * ({@code KafkaClusterTestKit}, started before the first test, closed after the last) and the Flink
 * MiniCluster of {@link TestClusters#twoSlots()}, which the jobs of {@code
 * StreamExecutionEnvironment.getExecutionEnvironment} are submitted to. Register it as a static
 * field with {@code @RegisterExtension}.
 */
final class StreamrecClusterExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final MiniClusterExtension flink = TestClusters.twoSlots();
    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = EmbeddedKafka.start();
        flink.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        flink.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        flink.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            flink.afterAll(context);
        } finally {
            kafka.close();
        }
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /**
     * The configuration of one run of the job on this broker: its own topics ({@code
     * <run>-<topic>}), consumer group and transactional ids, so runs in one class never see each
     * other's records; RocksDB with checkpoints every 300 ms under {@code checkpoints}.
     */
    Configuration runConfiguration(String run, Path checkpoints) {
        Configuration job = new Configuration();
        job.set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrapServers());
        for (var topic : TopicOptions.ALL) {
            job.set(topic, run + "-" + topic.defaultValue());
        }
        job.set(KafkaOptions.GROUP_ID, run);
        job.set(KafkaSinkOptions.TRANSACTIONAL_ID_PREFIX, run);
        Configuration conf = TestClusters.jobConfiguration(job, checkpoints);
        return conf;
    }

    /**
     * Triggers a checkpoint of {@code job} (interval and minimum pause do not hold it back) and
     * returns its id once it has completed; the sinks commit its transactions after that, as they
     * hear of the completion.
     */
    long checkpoint(JobID job) throws Exception {
        try (RestClusterClient<StandaloneClusterId> client =
                new RestClusterClient<>(
                        flink.getClientConfiguration(), StandaloneClusterId.getInstance())) {
            return client.triggerCheckpoint(job, CheckpointType.DEFAULT).get(2, TimeUnit.MINUTES);
        }
    }
}
