package io.streamrec.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the job jar on a Flink cluster: {@code -Dkey=value} arguments set job options (see
 * {@link StreamrecOptions}); {@code --create-topics} creates missing topics first. State backend,
 * checkpointing and restarts come from the cluster's configuration.
 */
public final class StreamrecMain {
    private StreamrecMain() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = new Configuration();
        boolean createTopics = false;
        for (String arg : args) {
            if (arg.equals("--create-topics")) {
                createTopics = true;
            } else if (arg.startsWith("-D") && arg.contains("=")) {
                String kv = arg.substring(2);
                conf.setString(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException(
                        "unexpected argument '" + arg + "': use -Dkey=value or --create-topics");
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (createTopics) {
            // partitions: at least the worker parallelism, so every source subtask has work
            int partitions =
                    conf.getOptional(StreamrecOptions.WORKER_PARALLELISM)
                            .orElse(Math.max(2, env.getParallelism()));
            TopicSetup.createTopics(conf, partitions, 1);
        }
        StreamrecJob.builder().configuration(conf).build().addTo(env);
        env.execute("streamrec");
    }
}
