package io.streamrec.job;

import io.streamrec.config.CommandLine;
import io.streamrec.kafka.JobTopics;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the job jar: {@code -Dkey=value} arguments set job options (see {@link
 * StreamrecOptions}) and any Flink option; {@code --create-topics} creates missing topics first. On
 * a cluster, state backend, checkpointing and restarts come from the cluster's configuration;
 * {@code --checkpoint-dir DIR} runs the job on an embedded MiniCluster with {@link
 * RuntimeDefaults#embedded} instead ({@code deploy/job.sh}).
 */
public final class StreamrecMain {
    private static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("StreamrecMain")
                    .value(
                            "checkpoint-dir",
                            "DIR",
                            "run embedded with streamrec's runtime defaults, checkpoints in DIR")
                    .flag("create-topics", "create missing topics first")
                    .options("a job option (README, Configuration) or a Flink option");

    private StreamrecMain() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(ARGUMENTS.usage());
            return;
        }
        // parse, not parseOrExit: a cluster may run this main inside the JobManager
        CommandLine cli = ARGUMENTS.parse(args);
        Configuration conf =
                cli.value("checkpoint-dir")
                        .map(dir -> RuntimeDefaults.embedded(cli.options(), Path.of(dir)))
                        .orElse(cli.options());
        // out-of-range options fail here, before anything starts
        JobSettings settings = new JobSettings(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (cli.has("create-topics")) {
            // requests, results, dead letters and model updates: the worker parallelism (unset: the
            // job's, at least 2), so every subtask reading requests has a partition; events one, as
            // TopicSetupOptions.EVENTS_PARTITIONS says (more would judge each partition's event
            // time on its own), so one events-source subtask reads them all
            int partitions = settings.workerParallelism(Math.max(2, env.getParallelism()));
            TopicSetup.createTopics(conf, partitions, 1);
        }
        StreamrecJob.builder().configuration(conf).build().addTo(env);
        if (cli.value("checkpoint-dir").isPresent()) {
            runEmbedded(env, settings);
        } else {
            env.execute("streamrec");
        }
    }

    /**
     * Runs the job on its MiniCluster and says where it reads and writes once it is submitted:
     * {@code deploy/job.sh}'s user otherwise sees only the operators' start-up lines and cannot
     * tell when to send events.
     */
    private static void runEmbedded(StreamExecutionEnvironment env, JobSettings settings)
            throws Exception {
        JobClient job = env.executeAsync("streamrec");
        JobTopics topics = settings.topics();
        System.out.printf(
                "Submitted streamrec job %s to an embedded MiniCluster: events from topic '%s' and"
                        + " requests from '%s' at %s, results to '%s', rejected input to '%s'."
                        + " Ctrl-C stops it.%n",
                job.getJobID(),
                topics.events(),
                topics.requests(),
                settings.kafka().bootstrapServers(),
                topics.results(),
                topics.deadLetters());
        job.getJobExecutionResult().get();
    }
}
