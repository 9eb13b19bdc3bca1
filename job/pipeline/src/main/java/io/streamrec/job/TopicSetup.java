package io.streamrec.job;

import io.streamrec.kafka.JobTopics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the job's topics if they are missing: for the job's {@code --create-topics} and the
 * tests; the command-line tool is job/tools' {@code TopicSetupMain} ({@code deploy/kafka.sh
 * topics}). A topic that exists is not altered, but checked against what the job asks of it (see
 * {@link #mismatches}).
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final String CLEANUP_POLICY = "cleanup.policy";
    private static final String COMPACT = "compact";
    private static final String DELETE = "delete";
    private static final String RETENTION_MS = "retention.ms";
    private static final String RETENTION_BYTES = "retention.bytes";

    /** Kafka's {@code log.retention.hours}, 168: the retention a topic without its own gets. */
    private static final long DEFAULT_RETENTION_MS = 604_800_000L;

    private TopicSetup() {}

    /**
     * What the broker says of an existing topic; a retention of -1 is none (Kafka's {@code
     * retention.ms} and {@code retention.bytes}).
     */
    public record Described(
            int partitions, String cleanupPolicy, long retentionMs, long retentionBytes) {}

    /**
     * An existing topic unlike what the job asks: {@code fatal} where the job cannot keep its
     * guarantees on it.
     */
    public record Mismatch(String topic, String has, String expects, boolean fatal) {
        @Override
        public String toString() {
            return "topic " + topic + " has " + has + ", the job " + expects;
        }
    }

    /**
     * Creates events with {@code eventPartitions} partitions; requests, results, dead-letters and
     * the compacted model-updates with {@code partitions}; eval-reports, items and the compacted
     * item-catalog with one.
     */
    public static List<Mismatch> createTopics(
            ReadableConfig conf, int partitions, int eventPartitions)
            throws ExecutionException, InterruptedException {
        JobSettings settings = new JobSettings(conf);
        List<NewTopic> asked = topics(settings.topics(), partitions, eventPartitions);
        try (Admin admin = Admin.create(settings.kafka().toProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing =
                    asked.stream().filter(topic -> !existing.contains(topic.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
            List<String> kept =
                    asked.stream().map(NewTopic::name).filter(existing::contains).toList();
            Optional<Map<String, Described>> described = describeIfAllowed(admin, kept);
            if (described.isEmpty()) {
                return List.of();
            }
            List<Mismatch> found = mismatches(settings.topics(), asked, described.get());
            found.forEach(m -> LOG.warn("{}; left as it is", m));
            List<String> fatal =
                    found.stream().filter(Mismatch::fatal).map(String::valueOf).toList();
            if (!fatal.isEmpty()) {
                throw new IllegalStateException(
                        String.join("; ", fatal)
                                + ". Fix the topic (kafka-configs.sh --alter --entity-type topics"
                                + " --entity-name TOPIC --add-config cleanup.policy=compact) or"
                                + " delete it and let it be created again");
            }
            return found;
        }
    }

    /**
     * {@link #describe}, or empty where the client may not read the topics' settings: a job's
     * principal is granted what it reads and writes (JobAccess), not DESCRIBE_CONFIGS, and creates
     * only what is missing; the topics' settings are then checked where they are created with an
     * administrator's client ({@code deploy/kafka.sh topics}), not at every start of the job.
     */
    private static Optional<Map<String, Described>> describeIfAllowed(
            Admin admin, List<String> topics) throws ExecutionException, InterruptedException {
        try {
            return Optional.of(describe(admin, topics));
        } catch (ExecutionException e) {
            if (!unauthorized(e)) {
                throw e;
            }
            LOG.warn(
                    "Not allowed to read the settings of the existing topics {} ({}): their"
                            + " partitions, cleanup policy and retention are not checked",
                    topics,
                    e.getCause().getMessage());
            return Optional.empty();
        }
    }

    /** Whether {@code e} is the broker refusing this client an operation (an ACL it lacks). */
    static boolean unauthorized(ExecutionException e) {
        return e.getCause() instanceof AuthorizationException;
    }

    /** The partitions, cleanup policy and retention of each of {@code topics}. */
    private static Map<String, Described> describe(Admin admin, List<String> topics)
            throws ExecutionException, InterruptedException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(topics).allTopicNames().get();
        Map<ConfigResource, Config> configs =
                admin.describeConfigs(
                                topics.stream()
                                        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                                        .toList())
                        .all()
                        .get();
        Map<String, Described> described = new HashMap<>();
        for (String topic : topics) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            ConfigEntry policy = config.get(CLEANUP_POLICY);
            described.put(
                    topic,
                    new Described(
                            descriptions.get(topic).partitions().size(),
                            policy == null ? DELETE : policy.value(),
                            longSetting(config, RETENTION_MS, DEFAULT_RETENTION_MS),
                            longSetting(config, RETENTION_BYTES, -1L)));
        }
        return described;
    }

    /**
     * A topic's numeric setting, {@code absent} where the broker lists none (it lists its defaults
     * too, so only an old or odd broker leaves one out).
     */
    private static long longSetting(Config config, String name, long absent) {
        ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null ? absent : Long.parseLong(entry.value());
    }

    /**
     * How the {@code existing} topics differ from what the job {@code asked}: fewer partitions than
     * asked (fewer source subtasks get work; a warning), items on more than one (one item's updates
     * could apply out of order; a warning), and a topic the job compacts without {@code compact} in
     * its cleanup policy, fatal: model-updates then keeps a forgotten user's earlier rows until
     * retention deletes them (docs/privacy.md), and retention deletes rows, or catalog items, not
     * updated within it from what a replica rebuilt from the topic reads. {@code compact,delete}
     * with a retention (time or size; Kafka's default is 7 days) deletes them the same way, so it
     * is fatal too unless both retentions are -1.
     */
    static List<Mismatch> mismatches(
            JobTopics names, List<NewTopic> asked, Map<String, Described> existing) {
        List<Mismatch> found = new ArrayList<>();
        for (NewTopic topic : asked) {
            Described has = existing.get(topic.name());
            if (has == null) {
                continue;
            }
            int want = topic.numPartitions();
            boolean items = topic.name().equals(names.items());
            if (has.partitions() < want || (items && has.partitions() > want)) {
                found.add(
                        new Mismatch(
                                topic.name(),
                                partitions(has.partitions()),
                                "asks for "
                                        + want
                                        + (items
                                                ? " (an item's updates keep their order on one)"
                                                : ""),
                                false));
            }
            boolean compacted = COMPACT.equals(topic.configs().get(CLEANUP_POLICY));
            List<String> policy =
                    Arrays.stream(has.cleanupPolicy().split(",")).map(String::trim).toList();
            if (compacted && !policy.contains(COMPACT)) {
                found.add(
                        new Mismatch(
                                topic.name(),
                                CLEANUP_POLICY + "=" + has.cleanupPolicy(),
                                "needs " + CLEANUP_POLICY + "=" + COMPACT,
                                true));
            } else if (compacted
                    && policy.contains(DELETE)
                    && (has.retentionMs() >= 0 || has.retentionBytes() >= 0)) {
                // compact,delete still drops whole segments past the retention, compacted or not
                found.add(
                        new Mismatch(
                                topic.name(),
                                CLEANUP_POLICY
                                        + "="
                                        + has.cleanupPolicy()
                                        + " with "
                                        + RETENTION_MS
                                        + "="
                                        + has.retentionMs()
                                        + " and "
                                        + RETENTION_BYTES
                                        + "="
                                        + has.retentionBytes(),
                                "needs "
                                        + CLEANUP_POLICY
                                        + "="
                                        + COMPACT
                                        + " (or "
                                        + RETENTION_MS
                                        + "=-1 and "
                                        + RETENTION_BYTES
                                        + "=-1)",
                                true));
            }
        }
        return found;
    }

    private static String partitions(int n) {
        return n + (n == 1 ? " partition" : " partitions");
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
