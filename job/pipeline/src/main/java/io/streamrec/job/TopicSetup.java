package io.streamrec.job;

import io.streamrec.kafka.JobTopics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates the job's topics if they are missing: for the job's {@code --create-topics} and the
 * tests; the command-line tool is job/tools' {@code TopicSetupMain} ({@code deploy/kafka.sh
 * topics}).
 */
public final class TopicSetup {
    private TopicSetup() {}

    /**
     * Creates events with {@code eventPartitions} partitions; requests, results, dead-letters and
     * the compacted model-updates with {@code partitions}; eval-reports, items and the compacted
     * item-catalog with one.
     */
    public static void createTopics(ReadableConfig conf, int partitions, int eventPartitions)
            throws ExecutionException, InterruptedException {
        JobSettings settings = new JobSettings(conf);
        try (Admin admin = Admin.create(settings.kafka().toProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing =
                    topics(settings.topics(), partitions, eventPartitions).stream()
                            .filter(topic -> !existing.contains(topic.name()))
                            .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }

    /** Every topic of the job, as {@link #createTopics} asks for it. */
    static List<NewTopic> topics(JobTopics names, int partitions, int eventPartitions) {
        return List.of(
                newTopic(names.events(), eventPartitions, Map.of()),
                newTopic(names.requests(), partitions, Map.of()),
                newTopic(names.results(), partitions, Map.of()),
                newTopic(names.deadLetters(), partitions, Map.of()),
                newTopic(names.evalReports(), 1, Map.of()),
                // one partition: an item's updates apply in the order they were written whatever
                // key the producer gave them (items are validated at parallelism 1 anyway)
                newTopic(names.items(), 1, Map.of()),
                newTopic(names.catalog(), 1, Map.of("cleanup.policy", "compact")),
                // the feedback loop only needs the latest value of each row
                newTopic(
                        names.modelUpdates(),
                        partitions,
                        Map.of("cleanup.policy", "compact", "segment.ms", "60000")));
    }

    /**
     * A topic with the broker's {@code default.replication.factor}: on a cluster that keeps several
     * copies (and asks acks=all writes for {@code min.insync.replicas} of them), one replica would
     * refuse the job's transactional writes, or lose the topic with its broker.
     */
    static NewTopic newTopic(String name, int partitions, Map<String, String> configs) {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    }
}
