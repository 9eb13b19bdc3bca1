package io.streamrec.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the job's topics if they are missing. */
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
            List<NewTopic> topics = new ArrayList<>();
            add(
                    topics,
                    existing,
                    settings.get(StreamrecOptions.EVENTS_TOPIC),
                    eventPartitions,
                    Map.of());
            add(
                    topics,
                    existing,
                    settings.get(StreamrecOptions.REQUESTS_TOPIC),
                    partitions,
                    Map.of());
            add(
                    topics,
                    existing,
                    settings.get(StreamrecOptions.RESULTS_TOPIC),
                    partitions,
                    Map.of());
            add(
                    topics,
                    existing,
                    settings.get(StreamrecOptions.DEAD_LETTERS_TOPIC),
                    partitions,
                    Map.of());
            add(topics, existing, settings.get(StreamrecOptions.EVAL_REPORTS_TOPIC), 1, Map.of());
            // one partition: an item's updates apply in the order they were written whatever key
            // the producer gave them (items are validated at parallelism 1 anyway)
            add(topics, existing, settings.get(StreamrecOptions.ITEMS_TOPIC), 1, Map.of());
            add(
                    topics,
                    existing,
                    settings.get(StreamrecOptions.CATALOG_TOPIC),
                    1,
                    Map.of("cleanup.policy", "compact"));
            // the feedback loop only needs the latest value of each row
            add(
                    topics,
                    existing,
                    settings.get(StreamrecOptions.MODEL_UPDATES_TOPIC),
                    partitions,
                    Map.of("cleanup.policy", "compact", "segment.ms", "60000"));
            if (!topics.isEmpty()) {
                admin.createTopics(topics).all().get();
            }
        }
    }

    /**
     * Creates the topics for the options given as {@code -Dkey=value} (bootstrap servers, topic
     * names); {@code -Dpartitions=N} sets the partitions of events' neighbours (default 2), {@code
     * -Devents-partitions=N} those of events (default 1, as the job creates it; more spread users
     * over partitions, each partition's event time judged on its own).
     */
    public static void main(String[] args) throws Exception {
        org.apache.flink.configuration.Configuration conf =
                CommandLine.spec("TopicSetup")
                        .options(
                                "bootstrap servers, topic names, partitions (default 2),"
                                        + " events-partitions (default 1)")
                        .parseOrExit(args)
                        .options();
        int partitions =
                conf.get(
                        org.apache.flink.configuration.ConfigOptions.key("partitions")
                                .intType()
                                .defaultValue(2));
        int eventPartitions =
                conf.get(
                        org.apache.flink.configuration.ConfigOptions.key("events-partitions")
                                .intType()
                                .defaultValue(1));
        createTopics(conf, partitions, eventPartitions);
        JobSettings settings = new JobSettings(conf);
        try (Admin admin = Admin.create(settings.kafka().toProperties())) {
            System.out.println(
                    "Topics at "
                            + settings.kafka().bootstrapServers()
                            + ": "
                            + new java.util.TreeSet<>(admin.listTopics().names().get()));
        }
    }

    private static void add(
            List<NewTopic> topics,
            Set<String> existing,
            String name,
            int partitions,
            Map<String, String> configs) {
        if (!existing.contains(name)) {
            topics.add(newTopic(name, partitions, configs));
        }
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
