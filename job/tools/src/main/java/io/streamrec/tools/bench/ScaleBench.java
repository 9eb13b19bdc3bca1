package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.job.JobSettings;
import io.streamrec.job.RuntimeDefaults;
import io.streamrec.job.StreamrecJob;
import io.streamrec.ps.ParameterShardOperator;
import io.streamrec.schema.ShardMessage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Parameter rows held by one TaskManager: {@code rows} rows of {@code model.dim} weights (plus
 * AdaGrad slots) with synthetic ids, written through the real {@link ParameterShardOperator}
 * (write-back cache, RocksDB keyed state), added by the job's own stage {@link
 * StreamrecJob#parameterServer}, on a one-slot MiniCluster. Once every row exists it triggers a
 * full checkpoint through Flink's REST API; after a tenth of the rows changed, an incremental one;
 * reads their size and duration from Flink's checkpoint statistics, then cancels and restores the
 * job from the incremental checkpoint and times until every task runs again.
 */
public final class ScaleBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Updates generated so far (the MiniCluster runs in this JVM). */
    static final AtomicLong GENERATED = new AtomicLong();

    /**
     * Updates the generator may make: all rows once, then a tenth again after the full checkpoint.
     */
    static final AtomicLong ALLOWED = new AtomicLong();

    /** What one scale run measured. */
    public record Result(
            long rows,
            double loadSeconds,
            long heapUsedBytes,
            long fullCheckpointBytes,
            double fullCheckpointSeconds,
            long incrementalCheckpointBytes,
            long incrementalStateBytes,
            double incrementalCheckpointSeconds,
            double restoreSeconds) {}

    private final HttpClient http = HttpClient.newHttpClient();
    private final Consumer<String> progress;
    private final Path workDir;

    public ScaleBench(Path workDir, Consumer<String> progress) {
        this.workDir = workDir;
        this.progress = progress;
    }

    public Result run(long rows, JobSettings settings) throws Exception {
        int port = freePort();
        String rest = "http://127.0.0.1:" + port;
        Configuration conf = configuration(workDir.resolve("scale-" + rows), port);
        System.gc();
        long heapBefore = heapUsed();
        GENERATED.set(0);
        ALLOWED.set(rows);
        long start = System.nanoTime();
        JobClient job = submit(conf, rows, settings);
        progress.accept(
                String.format("  scale: writing %,d rows through the parameter server", rows));
        awaitRowsWithProgress(rows);
        double load = (System.nanoTime() - start) / 1e9;
        System.gc();
        long heap = heapUsed() - heapBefore;
        String id = job.getJobID().toString();

        JsonNode full = checkpoint(rest, id, "FULL");
        JsonNode incremental = incrementalCheckpointAfterATenth(rest, id, rows);
        String path = incremental.path("external_path").asText();
        job.cancel().get();
        double restoreSeconds = restoreSeconds(conf, path, settings);
        return result(rows, load, heap, full, incremental, restoreSeconds);
    }

    /** A tenth of the rows change, then the incremental checkpoint uploads only that delta. */
    private JsonNode incrementalCheckpointAfterATenth(String rest, String id, long rows)
            throws Exception {
        long target = GENERATED.get() + rows / 10;
        ALLOWED.set(target);
        while (GENERATED.get() < target) {
            Thread.sleep(100); // polling the generator's progress counter
        }
        // CONFIGURED: the backend's kind, incremental here (an explicit INCREMENTAL trigger is not
        // supported, FLINK-33723)
        return checkpoint(rest, id, "CONFIGURED");
    }

    private static Result result(
            long rows,
            double load,
            long heap,
            JsonNode full,
            JsonNode incremental,
            double restoreSeconds) {
        return new Result(
                rows,
                load,
                heap,
                full.path("state_size").asLong(),
                full.path("end_to_end_duration").asLong() / 1e3,
                incremental.path("checkpointed_size").asLong(),
                incremental.path("state_size").asLong(),
                incremental.path("end_to_end_duration").asLong() / 1e3,
                restoreSeconds);
    }

    /** Checkpoints only when triggered here, retained for the restore; REST on {@code port}. */
    private static Configuration configuration(Path checkpoints, int port) {
        Configuration conf = RuntimeDefaults.embedded(new Configuration(), checkpoints);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofHours(1));
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofMinutes(30));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
        restOn(conf, port);
        return conf;
    }

    /** The MiniCluster's REST endpoint on {@code port}, where the checkpoints are triggered. */
    private static void restOn(Configuration conf, int port) {
        conf.setString("rest.bind-port", Integer.toString(port));
        conf.setString("rest.port", Integer.toString(port));
    }

    /** Waits until the generator has written {@code rows}, a progress line every 10 s. */
    private void awaitRowsWithProgress(long rows) throws InterruptedException {
        long nextReport = System.nanoTime();
        while (GENERATED.get() < rows) {
            if (System.nanoTime() > nextReport) {
                progress.accept(String.format("    %,d rows", GENERATED.get()));
                nextReport = System.nanoTime() + 10_000_000_000L;
            }
            Thread.sleep(200); // polling the generator's progress counter
        }
    }

    /** Seconds from submitting a job restored from {@code path} to all its tasks running. */
    private double restoreSeconds(Configuration conf, String path, JobSettings settings)
            throws Exception {
        progress.accept("    restoring from " + path);
        Configuration restore = new Configuration(conf);
        restore.setString("execution.state-recovery.path", path);
        // a new port: the cancelled job's MiniCluster may still be shutting down on the old one
        int restorePort = freePort();
        restOn(restore, restorePort);
        long restoreStart = System.nanoTime();
        JobClient restored = submit(restore, 0, settings);
        awaitAllRunning("http://127.0.0.1:" + restorePort, restored.getJobID().toString());
        double seconds = (System.nanoTime() - restoreStart) / 1e9;
        restored.cancel().get();
        return seconds;
    }

    private JobClient submit(Configuration conf, long rows, JobSettings settings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        int dim = settings.model().dim();
        // every row once, then random rows again: the job stays up for the checkpoints
        DataStream<ShardMessage> updates =
                env.fromSequence(0, Long.MAX_VALUE)
                        .map(new SyntheticGradients(rows, dim))
                        .returns(ShardMessage.typeInfo());
        // the job's own parameter-server stage: parallelism.shards, by default the environment's 1
        StreamrecJob.parameterServer(updates, settings)
                .sinkTo(new DiscardingSink<>())
                .name("discard");
        return env.executeAsync("streamrec scale " + rows);
    }

    /**
     * The n-th update touches row {@code n mod rows} (an item row) with a small random gradient.
     */
    static final class SyntheticGradients implements MapFunction<Long, ShardMessage> {
        private final long rows;
        private final int dim;
        private transient SplittableRandom random;

        SyntheticGradients(long rows, int dim) {
            this.rows = Math.max(1, rows);
            this.dim = dim;
        }

        @Override
        public ShardMessage map(Long n) throws Exception {
            if (random == null) {
                random = new SplittableRandom(42);
            }
            if (GENERATED.get() >= ALLOWED.get()) {
                // a trickle between phases; never block: the checkpoint barrier must get through
                Thread.sleep(1);
            }
            GENERATED.incrementAndGet();
            float[] g = new float[dim + 1];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (random.nextDouble() - 0.5) * 0.01f;
            }
            return ShardMessage.gradient("i:syn-" + (n % rows), g, 1, 0, 0f, 0L);
        }
    }

    private JsonNode checkpoint(String rest, String job, String type) throws Exception {
        JsonNode trigger =
                post(
                        rest + "/jobs/" + job + "/checkpoints",
                        "{\"checkpointType\":\"" + type + "\"}");
        String request = trigger.path("request-id").asText();
        progress.accept("    " + type.toLowerCase() + " checkpoint triggered");
        long checkpointId = -1;
        while (checkpointId < 0) {
            JsonNode status = get(rest + "/jobs/" + job + "/checkpoints/" + request);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode op = status.path("operation");
                if (op.has("failure-cause")) {
                    throw new IllegalStateException(
                            "checkpoint failed: "
                                    + op.path("failure-cause")
                                            .path("stack-trace")
                                            .asText()
                                            .lines()
                                            .findFirst()
                                            .orElse(""));
                }
                checkpointId = op.path("checkpointId").asLong();
            } else {
                Thread.sleep(200); // polling the trigger's status
            }
        }
        // the statistics arrive a moment after completion
        while (true) {
            for (JsonNode c : get(rest + "/jobs/" + job + "/checkpoints").path("history")) {
                if (c.path("id").asLong() == checkpointId
                        && "COMPLETED".equals(c.path("status").asText())) {
                    return c;
                }
            }
            Thread.sleep(200); // polling the checkpoint statistics
        }
    }

    private void awaitAllRunning(String rest, String job) throws Exception {
        while (true) {
            JsonNode j = get(rest + "/jobs/" + job);
            boolean all = j.path("vertices").size() > 0;
            for (JsonNode v : j.path("vertices")) {
                all &= "RUNNING".equals(v.path("status").asText());
            }
            if (all) {
                return;
            }
            Thread.sleep(100); // polling the job's task states
        }
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private JsonNode post(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode node = JSON.readTree(r.body());
        if (node.has("errors")) {
            throw new IllegalStateException("POST " + url + ": " + node.path("errors"));
        }
        return node;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
