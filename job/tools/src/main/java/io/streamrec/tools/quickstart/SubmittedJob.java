package io.streamrec.tools.quickstart;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A job submitted from a stream environment, and where the REST endpoint of the cluster it runs on
 * listens, where that is known.
 *
 * <p>A local environment's job runs on a MiniCluster of its own, as {@link
 * StreamExecutionEnvironment#executeAsync} would start it, but started here so that the address its
 * REST endpoint bound is read back from it ({@link MiniCluster#getRestAddress}): a free port chosen
 * beforehand and named in the configuration could be taken by another process before the
 * MiniCluster binds it. The MiniCluster shuts down when the job ends. Any other environment (a
 * test's shared MiniCluster) submits as usual, its endpoint unknown.
 */
record SubmittedJob(JobClient client, Optional<URI> restAddress) {

    static SubmittedJob submit(StreamExecutionEnvironment env, String jobName) throws Exception {
        if (!(env instanceof LocalStreamEnvironment)) {
            return new SubmittedJob(env.executeAsync(jobName), Optional.empty());
        }
        Configuration conf = Configuration.fromMap(env.getConfiguration().toMap());
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(jobName);
        AtomicReference<MiniCluster> cluster = new AtomicReference<>();
        JobClient client =
                LocalExecutor.createWithFactory(
                                conf,
                                clusterConf -> {
                                    cluster.set(new MiniCluster(clusterConf));
                                    return cluster.get();
                                })
                        .execute(graph, conf, SubmittedJob.class.getClassLoader())
                        .get();
        try {
            return new SubmittedJob(client, Optional.of(cluster.get().getRestAddress().get()));
        } catch (Exception | Error e) {
            // the job runs: nothing would stop it or its cluster once this throws
            client.cancel();
            cluster.get().closeAsync();
            throw e;
        }
    }
}
