package io.streamrec.tools.quickstart;

import java.io.OutputStream;
import java.io.PrintStream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;

/**
 * A real single-node KRaft Kafka broker inside this JVM, on ephemeral loopback ports, for runs of
 * minutes (the quickstart, the benchmarks, the tests): its topics go when the JVM does.
 *
 * <p>It does not compact: its log cleaner would compact the model-updates topic (a few hundred MB
 * of rows a minute at 1,000 events/s) on the job's own cores, and that stalled the whole pipeline
 * for seconds at a time (warm standalone freshness runs: p99 0.9 and 11 s with it, 0.40 and 0.45 s
 * without; the benchmark's own freshness run has an episode of another cause; BENCHMARKS, tenth
 * session). A broker of its own, as in production, compacts on its own machines; here compaction
 * would only bound the disk and shorten a restart's read of the topic.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /**
     * A broker with the test kit's default features: transactions V2, as on a new Kafka 4 cluster.
     */
    public static EmbeddedKafka start() throws Exception {
        return start(new TestKitNodes.Builder());
    }

    /**
     * A broker whose {@code transaction.version} feature is {@code level} instead of the default 2:
     * 1 is the transaction protocol of brokers before KIP-890 (no epoch bump per transaction).
     */
    public static EmbeddedKafka withTransactionVersion(short level) throws Exception {
        BootstrapMetadata features =
                new TestKitNodes.Builder()
                        .build()
                        .bootstrapMetadata()
                        .copyWithFeatureRecord("transaction.version", level);
        return start(new TestKitNodes.Builder(features));
    }

    private static EmbeddedKafka start(TestKitNodes.Builder nodes) throws Exception {
        KafkaClusterTestKit cluster =
                new KafkaClusterTestKit.Builder(
                                nodes.setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("log.cleaner.enable", "false")
                        .build();
        formatQuietly(cluster);
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster);
    }

    /**
     * Kafka's storage formatter prints its bootstrap records (one line of a few kilobytes) and the
     * directory it formats to {@code System.out}, and the test kit offers no other stream: during
     * the format, before the broker or anything of the replay runs, standard output is muted.
     */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(out);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
