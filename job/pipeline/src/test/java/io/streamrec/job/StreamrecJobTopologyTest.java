package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.records.PrivacyOptions;
import io.streamrec.schema.SavepointContract;
import io.streamrec.schema.SavepointContract.Uids;
import io.streamrec.schema.ShardMessage;
import io.streamrec.serving.ModelType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.graph.StreamingJobGraphGenerator;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.SimpleUdfStreamOperatorFactory;
import org.apache.flink.streaming.runtime.partitioner.CustomPartitionerWrapper;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The job graph against the savepoint contract: savepoints map state to operators by uid. */
class StreamrecJobTopologyTest {
    /** Flink derives a Kafka sink committer's uid from the sink's. */
    private static final String COMMITTER_PREFIX = "Sink Committer: ";

    @Test
    void everyOperatorHasAContractUidAndEveryContractUidAnOperator() throws Exception {
        // every optional stage on: pseudonymization exists only with a key file (read at run time),
        // the item flood guard only with a limit
        Configuration conf = new Configuration();
        conf.set(PrivacyOptions.USER_ID_KEY_FILE, "/run/secrets/user-id.key");
        conf.set(GuardOptions.ITEM_EVENTS_PER_HOUR, 50.0);
        StreamGraph graph = jobGraph(conf);

        assertThat(graph.getStreamNodes())
                .allSatisfy(node -> assertThat(node.getTransformationUID()).isNotNull());
        Set<String> uids =
                graph.getStreamNodes().stream()
                        .map(StreamNode::getTransformationUID)
                        .map(uid -> uid.replace(COMMITTER_PREFIX, ""))
                        .collect(Collectors.toSet());
        assertThat(uids).isEqualTo(contractUids());
    }

    @Test
    void theContractsKafkaSinksAreTheSinksWithACommitter() {
        Configuration conf = new Configuration();
        conf.set(PrivacyOptions.USER_ID_KEY_FILE, "/run/secrets/user-id.key");
        conf.set(GuardOptions.ITEM_EVENTS_PER_HOUR, 50.0);

        // the committers whose state WithoutPendingTransactions leaves out of a savepoint's copy
        assertThat(
                        jobGraph(conf).getStreamNodes().stream()
                                .map(StreamNode::getTransformationUID)
                                .filter(uid -> uid.startsWith(COMMITTER_PREFIX)))
                .containsExactlyInAnyOrderElementsOf(
                        SavepointContract.KAFKA_SINKS.stream()
                                .map(SavepointContract::committerOf)
                                .toList());
    }

    @Test
    void operatorsKeepTheirNames() {
        StreamGraph graph = jobGraph(new Configuration());

        // task thread names (and StageCpuSampler's stages) come from these
        assertThat(nameOf(graph, Uids.WORKERS)).isEqualTo("workers");
        assertThat(nameOf(graph, Uids.PARAMETER_SERVER)).isEqualTo("parameter-server");
        assertThat(nameOf(graph, Uids.SERVING)).isEqualTo("serving");
        assertThat(nameOf(graph, Uids.VALIDATE_EVENTS)).isEqualTo("validate events");
        assertThat(nameOf(graph, Uids.EVENTS_SOURCE)).isEqualTo("Source: events");
        assertThat(nameOf(graph, Uids.MODEL_UPDATES_SINK)).isEqualTo("model updates: Writer");
    }

    @Test
    void stageParallelismsFollowTheirOptions() {
        Configuration conf = new Configuration();
        conf.set(ParallelismOptions.WORKERS, 2);
        conf.set(ParallelismOptions.SHARDS, 4);
        conf.set(ParallelismOptions.SHARDS_MAX, 64);
        conf.set(ParallelismOptions.SERVING, 1);
        StreamGraph graph = jobGraph(conf);

        assertThat(node(graph, Uids.EVENTS_SOURCE).getParallelism()).isEqualTo(2);
        assertThat(node(graph, Uids.WORKERS).getParallelism()).isEqualTo(2);
        assertThat(node(graph, Uids.PARAMETER_SERVER).getParallelism()).isEqualTo(4);
        assertThat(node(graph, Uids.PARAMETER_SERVER).getMaxParallelism()).isEqualTo(64);
        // chained to its shard
        assertThat(node(graph, Uids.MODEL_UPDATES_SINK).getParallelism()).isEqualTo(4);
        assertThat(node(graph, Uids.SERVING).getParallelism()).isEqualTo(1);
        assertThat(node(graph, Uids.ITEMS_SOURCE).getParallelism()).isEqualTo(1);
        assertThat(node(graph, Uids.RESULTS_SINK).getParallelism()).isEqualTo(3);
    }

    /**
     * Without parallelism.shards the shards take the job's parallelism ({@code -p}), which the
     * settings learn only here: past parallelism.shards-max (128 by default) the job fails naming
     * it, not in the workers' builder with a message naming no option.
     */
    @Test
    void aJobParallelismAboveTheShardsMaxFailsNamingIt() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        200, RuntimeDefaults.checkpointsAndRestarts());
        StreamrecJob job =
                StreamrecJob.builder()
                        .configuration(new Configuration())
                        .catalog(ItemCatalog.empty())
                        .build();

        assertThatThrownBy(() -> job.addTo(env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option parallelism.shards-max = 128 is out of range")
                .hasMessageContaining("200");
    }

    @Test
    void parameterServerStageStandsAlone() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        Configuration conf = new Configuration();
        conf.set(ParallelismOptions.SHARDS_MAX, 32);

        StreamrecJob.parameterServer(
                        env.fromData(ShardMessage.gradient("i:a", new float[33], 1, 0, 0f, 0L)),
                        new JobSettings(conf))
                .print();

        StreamNode shard = node(env.getStreamGraph(), Uids.PARAMETER_SERVER);
        assertThat(shard.getOperatorName()).isEqualTo("parameter-server");
        assertThat(shard.getParallelism()).isEqualTo(2);
        assertThat(shard.getMaxParallelism()).isEqualTo(32);
    }

    @Test
    void theRankerWithDirectRequestsTakesUnalignedCheckpoints() {
        StreamGraph graph = jobGraph(new Configuration(), unalignedCheckpoints());
        assertThat(routesByACustomPartitioner(graph)).isFalse();

        JobGraph job = StreamingJobGraphGenerator.createJobGraph(graph);
        assertThat(unaligned(job)).isTrue();
    }

    /**
     * Serving's input arrives broadcast, which Flink does not checkpoint unaligned: under unaligned
     * checkpoints, forced ones included, it sends serving's inputs aligned barriers, so every
     * serving subtask snapshots after the same records of each shard and no subtask replays
     * in-flight input of its own on restore. {@code MarkerCopies.restore} relies on it: every
     * subtask's entries hold the same copies of each evaluation marker.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void servingsInputStaysAlignedUnderUnalignedCheckpoints(boolean forced) {
        Configuration conf = new Configuration();
        Configuration runtime = unalignedCheckpoints();
        if (forced) {
            conf.set(ServingOptions.DIRECT_REQUESTS, false);
            runtime.set(CheckpointingOptions.FORCE_UNALIGNED, true);
        }
        StreamGraph graph = jobGraph(conf, runtime);
        assertThat(unaligned(StreamingJobGraphGenerator.createJobGraph(graph))).isTrue();

        assertThat(node(graph, Uids.SERVING).getInEdges())
                .isNotEmpty()
                .allSatisfy(edge -> assertThat(edge.supportsUnalignedCheckpoints()).isFalse());
        assertThat(node(graph, Uids.PARAMETER_SERVER).getInEdges())
                .as("unlike the shards' keyed input")
                .anySatisfy(edge -> assertThat(edge.supportsUnalignedCheckpoints()).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"BPR", "RANKER without direct requests"})
    void requestsRoutedByACustomPartitionerTakeAlignedCheckpoints(String setup) {
        Configuration conf = new Configuration();
        if (setup.equals("BPR")) {
            conf.set(ModelOptions.TYPE, ModelType.BPR);
        } else {
            conf.set(ServingOptions.DIRECT_REQUESTS, false);
        }
        StreamGraph graph = jobGraph(conf, unalignedCheckpoints());
        assertThat(routesByACustomPartitioner(graph)).isTrue();

        // Flink refuses unaligned checkpoints with a custom partitioner: this would throw
        JobGraph job = StreamingJobGraphGenerator.createJobGraph(graph);
        assertThat(unaligned(job)).isFalse();
    }

    @Test
    void forcedUnalignedCheckpointsStayWithACustomPartitioner() {
        Configuration conf = new Configuration();
        conf.set(ServingOptions.DIRECT_REQUESTS, false);
        Configuration runtime = unalignedCheckpoints();
        runtime.set(CheckpointingOptions.FORCE_UNALIGNED, true);
        StreamGraph graph = jobGraph(conf, runtime);
        assertThat(routesByACustomPartitioner(graph)).isTrue();

        JobGraph job = StreamingJobGraphGenerator.createJobGraph(graph);
        assertThat(unaligned(job)).isTrue();
    }

    @Test
    void checkpointsWithoutAlignmentAreRefused() {
        Configuration runtime = RuntimeDefaults.checkpointsAndRestarts();
        runtime.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.AT_LEAST_ONCE);

        assertThatThrownBy(() -> jobGraph(new Configuration(), runtime))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "execution.checkpointing.mode: AT_LEAST_ONCE is not supported")
                .hasMessageContaining("execution.checkpointing.unaligned.enabled");
        // the runtime defaults, unaligned checkpoints and a job without checkpoints all build
        assertThat(jobGraph(new Configuration(), RuntimeDefaults.checkpointsAndRestarts()))
                .isNotNull();
        assertThat(jobGraph(new Configuration(), unalignedCheckpoints())).isNotNull();
        assertThat(jobGraph(new Configuration())).isNotNull();
        // nor without checkpoints: the exactly-once sinks would never commit
        assertThatThrownBy(() -> jobGraph(new Configuration(), new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("execution.checkpointing.interval is not set");
    }

    /**
     * No edge and no state of the job falls back to Kryo, with every optional stage on, under both
     * models and both request paths: the runtime defaults turn generic types off ({@code
     * pipeline.generic-types: false}), and with them off the job graph builds (each edge's and
     * key's serializer is made from its type as the graph is built) and every operator of the job's
     * own registers its state (a state's serializer is made from its descriptor as the state is
     * registered, at run time: here in an operator harness under the same configuration). Keyed UDF
     * operators register theirs in {@code open()}, the others in {@code initializeState}. The Kafka
     * sources and sinks are Flink's, with their own serializers, and are not opened here.
     */
    @ParameterizedTest
    @CsvSource({"RANKER, true", "RANKER, false", "BPR, true", "BPR, false"})
    void noEdgeOrStateFallsBackToKryo(ModelType model, boolean directRequests) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PrivacyOptions.USER_ID_KEY_FILE, "/run/secrets/user-id.key");
        conf.set(GuardOptions.ITEM_EVENTS_PER_HOUR, 50.0);
        conf.set(ModelOptions.TYPE, model);
        conf.set(ServingOptions.DIRECT_REQUESTS, directRequests);
        Configuration runtime = RuntimeDefaults.checkpointsAndRestarts();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(3, runtime);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();

        StreamrecJob.builder().configuration(conf).catalog(ItemCatalog.empty()).build().addTo(env);
        StreamGraph graph = env.getStreamGraph();
        assertThat(StreamingJobGraphGenerator.createJobGraph(graph)).isNotNull();

        Set<String> registered = new java.util.HashSet<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getOperatorFactory() instanceof SimpleOperatorFactory<?> factory) {
                registerStates(node, InstantiationUtil.clone(factory), runtime);
                registered.add(node.getTransformationUID());
            }
        }
        assertThat(registered)
                .contains(
                        Uids.WORKERS,
                        Uids.PARAMETER_SERVER,
                        Uids.SERVING,
                        Uids.VALIDATE_EVENTS,
                        Uids.ITEM_FLOOD_GUARD);
    }

    /**
     * Sets {@code factory}'s operator up as {@code node} and registers its states. An operator that
     * was not opened is not closed either (the job's operators take close() to follow open()); its
     * harness's heap state goes with the test JVM.
     */
    private static <T> void registerStates(
            StreamNode node, SimpleOperatorFactory<T> factory, Configuration runtime)
            throws Exception {
        AbstractStreamOperatorTestHarness<T> h =
                new AbstractStreamOperatorTestHarness<>(factory, 128, 1, 0);
        h.getExecutionConfig().configure(runtime, StreamrecJobTopologyTest.class.getClassLoader());
        assertThat(h.getExecutionConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        KeySelector<?, ?>[] keys = node.getStatePartitioners();
        for (int i = 0; i < keys.length; i++) {
            h.getStreamConfig().setStatePartitioner(i, keys[i]);
        }
        if (node.getStateKeySerializer() != null) {
            h.getStreamConfig().setStateKeySerializer(node.getStateKeySerializer());
        }
        h.getStreamConfig().serializeAllConfigs();
        h.setup();
        h.initializeEmptyState();
        if (keys.length > 0 && factory instanceof SimpleUdfStreamOperatorFactory<?>) {
            h.open();
            h.close();
        }
    }

    private static boolean routesByACustomPartitioner(StreamGraph graph) {
        return graph.getStreamNodes().stream()
                .flatMap(n -> n.getInEdges().stream())
                .anyMatch(e -> e.getPartitioner() instanceof CustomPartitionerWrapper);
    }

    /** The runtime defaults with unaligned checkpoints, as docs/operations.md describes them. */
    private static Configuration unalignedCheckpoints() {
        Configuration runtime = RuntimeDefaults.checkpointsAndRestarts();
        runtime.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        return runtime;
    }

    private static boolean unaligned(JobGraph job) {
        return job.getCheckpointingSettings()
                .getCheckpointCoordinatorConfiguration()
                .isUnalignedCheckpointsEnabled();
    }

    private static StreamGraph jobGraph(Configuration conf) {
        return jobGraph(conf, RuntimeDefaults.checkpointsAndRestarts());
    }

    private static StreamGraph jobGraph(Configuration conf, Configuration runtime) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(3, runtime);
        StreamrecJob.builder().configuration(conf).catalog(ItemCatalog.empty()).build().addTo(env);
        return env.getStreamGraph();
    }

    private static StreamNode node(StreamGraph graph, String uid) {
        return graph.getStreamNodes().stream()
                .filter(n -> uid.equals(n.getTransformationUID()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no operator with uid " + uid));
    }

    private static String nameOf(StreamGraph graph, String uid) {
        return node(graph, uid).getOperatorName();
    }

    private static Set<String> contractUids() throws IllegalAccessException {
        Set<String> uids = new java.util.HashSet<>();
        for (Field f : Uids.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                uids.add((String) f.get(null));
            }
        }
        return uids;
    }
}
