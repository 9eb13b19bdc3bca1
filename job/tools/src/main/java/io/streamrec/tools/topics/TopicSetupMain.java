package io.streamrec.tools.topics;

import io.streamrec.config.CommandLine;
import io.streamrec.job.JobSettings;
import io.streamrec.job.TopicSetup;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;

/**
 * Creates the job's missing topics ({@link TopicSetup#createTopics}) and prints the broker's topics
 * ({@code deploy/kafka.sh topics}): the broker and topic names from the job's {@code -Dkey=value}
 * options, the partitions from {@link TopicSetupOptions}.
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
        Set<String> topics = createTopics(conf);
        System.out.println(
                "Topics at " + new JobSettings(conf).kafka().bootstrapServers() + ": " + topics);
    }

    /** Creates the missing topics as {@code conf} says; the broker's topics after, sorted. */
    static Set<String> createTopics(Configuration conf)
            throws ExecutionException, InterruptedException {
        TopicSetup.createTopics(
                conf,
                conf.get(TopicSetupOptions.PARTITIONS),
                conf.get(TopicSetupOptions.EVENTS_PARTITIONS));
        try (Admin admin = Admin.create(new JobSettings(conf).kafka().toProperties())) {
            return new TreeSet<>(admin.listTopics().names().get());
        }
    }
}
