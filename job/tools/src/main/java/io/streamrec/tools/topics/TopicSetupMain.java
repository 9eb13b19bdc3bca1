package io.streamrec.tools.topics;

import io.streamrec.config.CommandLine;
import io.streamrec.job.JobSettings;
import io.streamrec.job.TopicSetup;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;

/**
 * Creates the job's missing topics ({@link TopicSetup#createTopics}) and prints the broker's topics
 * ({@code deploy/kafka.sh topics}): the broker and topic names from the job's {@code -Dkey=value}
 * options, the partitions from {@link TopicSetupOptions}. An existing topic is left as it is, with
 * a {@code WARNING} line for each way it differs from what the job asks; one the job compacts that
 * is not compacted fails it.
 */
public final class TopicSetupMain {
    static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("TopicSetupMain")
                    .options(
                            "the job's Kafka options and topic names; "
                                    + TopicSetupOptions.withDefaults());

    private TopicSetupMain() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = ARGUMENTS.parseOrExit(args).options();
        List<TopicSetup.Mismatch> mismatches =
                TopicSetup.createTopics(
                        conf,
                        conf.get(TopicSetupOptions.PARTITIONS),
                        conf.get(TopicSetupOptions.EVENTS_PARTITIONS));
        warnings(mismatches).forEach(System.out::println);
        Set<String> topics = topics(conf);
        System.out.println(
                "Topics at " + new JobSettings(conf).kafka().bootstrapServers() + ": " + topics);
    }

    /** A line for each existing topic's difference from what the job asks. */
    static List<String> warnings(List<TopicSetup.Mismatch> mismatches) {
        return mismatches.stream().map(m -> "WARNING: " + m + "; left as it is").toList();
    }

    /** The broker's topics, sorted. */
    static Set<String> topics(Configuration conf) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(new JobSettings(conf).kafka().toProperties())) {
            return new TreeSet<>(admin.listTopics().names().get());
        }
    }
}
