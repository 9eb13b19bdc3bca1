package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.KafkaSinkOptions;
import io.streamrec.job.RankerOptions;
import io.streamrec.job.RuntimeDefaults;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.kafka.TopicOptions;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.quickstart.ReplayRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The whole pipeline as the quickstart runs it: events into Kafka, validation, workers, parameter
 * server, refresh, serving and evaluation, results back to Kafka, on a MiniCluster with RocksDB and
 * exactly-once checkpoints ({@link #checkpointInterval}). Each run gets its own topics, consumer
 * group and transactional ids on the shared broker, so runs do not see each other's records. Not
 * final: the sections' tests stand in a subclass whose runs run nothing.
 */
public class PipelineBench {
    private final String bootstrapServers;
    private final Path workDir;
    private final Consumer<String> progress;
    private final Configuration jobOptions;
    private int runs;
    private Map<String, Double> lastCpuMicrosPerEvent = Map.of();
    private ClientLatency lastClientLatency;

    /** The last run's CPU samples (closed), for its cores busy second by second. */
    private StageCpuSampler lastCpu;

    /** Seconds at the start of a run's training window that the warm client figures skip. */
    public static final int CLIENT_WARM_UP_S = 20;

    /**
     * A run's client latencies over its training window: every request due in it, those still
     * waiting for their result when the replay ended included.
     *
     * @param kafkaServed the Kafka requests' part until serving answered them (its {@code
     *     servedAt}), timed from the request's due time as {@code kafka} is, so the rest of {@code
     *     kafka} is the result's way out to the client
     * @param gatewayWarm {@code gateway} without the requests sent in the first {@link
     *     #CLIENT_WARM_UP_S} seconds (JIT compilation, first model rows), as a job that has been
     *     running a while answers
     * @param kafkaWarm {@code kafka} likewise
     * @param csv every request's send time, path and latencies
     */
    public record ClientLatency(
            LatencySamples gateway,
            LatencySamples kafka,
            LatencySamples kafkaServed,
            LatencySamples gatewayWarm,
            LatencySamples kafkaWarm,
            long unanswered,
            List<String> csv) {}

    public PipelineBench(String bootstrapServers, Path workDir, Consumer<String> progress) {
        this(bootstrapServers, workDir, progress, new Configuration());
    }

    /**
     * @param jobOptions job and Flink options under every run's own (e.g. {@code
     *     execution.checkpointing.unaligned.enabled: true}), to measure what a setting costs
     */
    public PipelineBench(
            String bootstrapServers,
            Path workDir,
            Consumer<String> progress,
            Configuration jobOptions) {
        this.bootstrapServers = bootstrapServers;
        this.workDir = workDir;
        this.progress = progress;
        this.jobOptions = jobOptions;
    }

    /**
     * CPU microseconds per trained event by stage in the last run, from its first to its last
     * trained event (start-up excluded), largest first.
     */
    public Map<String, Double> lastCpuMicrosPerEvent() {
        return lastCpuMicrosPerEvent;
    }

    /**
     * Cores the process kept busy in each second of the last run from {@code fromSecond} to {@code
     * toSecond} (epoch seconds), NaN outside its samples ({@link
     * StageCpuSampler#coresBusyBySecond}); the events' source, the broker and the clients count in.
     */
    public double[] lastCoresBusyBySecond(long fromSecond, long toSecond) {
        if (lastCpu == null) {
            throw new IllegalStateException("no run yet");
        }
        return lastCpu.coresBusyBySecond(fromSecond, toSecond);
    }

    /**
     * The checkpoint interval every run gets: {@code execution.checkpointing.interval} from the job
     * options, else the job's default ({@link RuntimeDefaults#CHECKPOINT_INTERVAL}).
     */
    public Duration checkpointInterval() {
        return jobOptions
                .getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                .orElse(RuntimeDefaults.CHECKPOINT_INTERVAL);
    }

    /** The last run's client latencies, null when it ran no client probe. */
    public ClientLatency lastClientLatency() {
        return lastClientLatency;
    }

    /** One replay run ({@code rate} 0 is full speed) with job options beyond the defaults. */
    public ReplayRun.Result run(
            String label,
            List<UserEvent> events,
            ItemCatalog catalog,
            int parallelism,
            double rate,
            boolean wallClockTimestamps,
            int requestEvery,
            Configuration options)
            throws Exception {
        return run(
                label,
                events,
                catalog,
                parallelism,
                rate,
                wallClockTimestamps,
                requestEvery,
                options,
                0.0);
    }

    /**
     * {@link #run} with a {@link ClientLatencyProbe} sending {@code clientRequestsPerSecond}
     * requests a second beside the replay (none at 0), timed at the client.
     */
    public ReplayRun.Result run(
            String label,
            List<UserEvent> events,
            ItemCatalog catalog,
            int parallelism,
            double rate,
            boolean wallClockTimestamps,
            int requestEvery,
            Configuration options,
            double clientRequestsPerSecond)
            throws Exception {
        int run = ++runs;
        Configuration conf = runConfiguration(run, options);
        Configuration flinkConf =
                RuntimeDefaults.embedded(conf, workDir.resolve("checkpoints-" + run));
        announce(label, events.size(), parallelism, rate);
        try (ReplayRun replay =
                ReplayRun.builder()
                        .configuration(flinkConf)
                        .events(events)
                        .catalog(catalog)
                        .environment(
                                c ->
                                        StreamExecutionEnvironment.createLocalEnvironment(
                                                parallelism, c))
                        .eventsPerSecond(rate)
                        .wallClockTimestamps(wallClockTimestamps)
                        .requestEvery(requestEvery)
                        .timeout(Duration.ofMinutes(30))
                        .progress(line -> {})
                        .build()) {
            ReplayRun.Result result = runSampled(replay, conf, events, clientRequestsPerSecond);
            announceResult(result);
            return result;
        }
    }

    private void announce(String label, int events, int parallelism, double rate) {
        progress.accept(
                String.format(
                        "  %s: %,d events, parallelism %d, %s",
                        label,
                        events,
                        parallelism,
                        rate > 0 ? String.format("paced at %,.0f events/s", rate) : "full speed"));
    }

    /**
     * Runs the replay with the process's CPU sampled and, at {@code clientRequestsPerSecond} above
     * 0, a client probe beside it; keeps what they measured within the training window.
     */
    private ReplayRun.Result runSampled(
            ReplayRun replay,
            Configuration conf,
            List<UserEvent> events,
            double clientRequestsPerSecond)
            throws Exception {
        lastClientLatency = null;
        lastCpu = null;
        try (StageCpuSampler cpu = StageCpuSampler.start();
                ClientLatencyProbe probe =
                        clientRequestsPerSecond > 0
                                ? ClientLatencyProbe.start(
                                        conf, probeUsers(events), clientRequestsPerSecond)
                                : null) {
            ReplayRun.Result result = replay.run(List.of(), false);
            cpu.close();
            ReplayRun.TrainingWindow w = result.trainingWindow();
            if (probe != null) {
                lastClientLatency = clientLatency(probe, w);
            }
            lastCpuMicrosPerEvent = cpuMicrosPerEvent(cpu, w);
            lastCpu = cpu;
            return result;
        }
    }

    private void announceResult(ReplayRun.Result result) {
        progress.accept(
                String.format(
                        "    %,.0f events/s, HR@10 model %.4f, %d checkpoints",
                        result.eventsPerSecond(),
                        result.counts().hitRate(0),
                        result.checkpointsCompleted()));
    }

    /** The job's settings for run {@code run}: its own topics, consumer group and transactions. */
    private Configuration runConfiguration(int run, Configuration options) {
        String suffix = "-bench" + run + "-" + System.currentTimeMillis();
        Configuration conf = new Configuration();
        // the bundled catalog lists exactly the rated items, as the quickstart's note says
        conf.set(RankerOptions.UNSEEN_CATALOG_CANDIDATES, false);
        conf.addAll(jobOptions);
        conf.addAll(options);
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        conf.set(KafkaSinkOptions.TRANSACTIONAL_ID_PREFIX, "streamrec" + suffix);
        conf.set(KafkaOptions.GROUP_ID, "streamrec" + suffix);
        for (var topic : TopicOptions.ALL) {
            conf.set(topic, topic.defaultValue() + suffix);
        }
        return conf;
    }

    /**
     * The probe's requests within the training window, and after its warm-up, once each path has
     * recorded those due by the window's end: the job still runs, so the slow ones still in flight
     * return and count.
     */
    private static ClientLatency clientLatency(ClientLatencyProbe probe, ReplayRun.TrainingWindow w)
            throws InterruptedException {
        probe.awaitRecordedThrough(w.lastMillis());
        long warm = w.firstMillis() + CLIENT_WARM_UP_S * 1000L;
        return new ClientLatency(
                probe.gateway(w.firstMillis(), w.lastMillis()),
                probe.kafka(w.firstMillis(), w.lastMillis()),
                probe.kafkaServed(w.firstMillis(), w.lastMillis()),
                probe.gateway(warm, w.lastMillis()),
                probe.kafka(warm, w.lastMillis()),
                probe.unanswered(w.firstMillis(), w.lastMillis()),
                probe.csv(w.firstMillis(), w.lastMillis()));
    }

    /** Each stage's CPU within the training window, per event trained in it. */
    private static Map<String, Double> cpuMicrosPerEvent(
            StageCpuSampler cpu, ReplayRun.TrainingWindow w) {
        // events trained between the samples used: the rate times the sampled span
        double trained = w.eventsPerSecond() * cpu.sampledSeconds(w.firstMillis(), w.lastMillis());
        return microsPerEvent(cpu.secondsByStage(w.firstMillis(), w.lastMillis()), trained);
    }

    /**
     * Each stage's CPU seconds, in microseconds per event of {@code trained}; NaN, not measured,
     * where no event was trained between the samples (or the rate was NaN), never Infinity.
     */
    static Map<String, Double> microsPerEvent(Map<String, Double> secondsByStage, double trained) {
        Map<String, Double> micros = new LinkedHashMap<>();
        secondsByStage.forEach(
                (stage, seconds) ->
                        micros.put(stage, trained > 0 ? seconds * 1e6 / trained : Double.NaN));
        return micros;
    }

    /** Users the replay brings, in order of their first event: requests for known users. */
    private static List<String> probeUsers(List<UserEvent> events) {
        return events.stream().map(UserEvent::userId).distinct().limit(1000).toList();
    }
}
