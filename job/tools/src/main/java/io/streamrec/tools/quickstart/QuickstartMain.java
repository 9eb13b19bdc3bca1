package io.streamrec.tools.quickstart;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.datasets.RatingsFormat;
import io.streamrec.tools.datasets.RatingsReplay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded default: starts a Kafka broker in this JVM (or uses {@code --bootstrap-servers}),
 * runs the job on a Flink MiniCluster with RocksDB and 1 s exactly-once checkpoints, replays a
 * ratings file in time order, and prints and saves what the model learned.
 *
 * <pre>
 * --ratings PATH          ratings file (default: data/movietweetings-100k/ratings.dat)
 * --ratings-format F      movietweetings | movielens-100k | movielens-csv
 * --items PATH            optional item file (default: the bundled movies.dat)
 * --items-format F        movietweetings | movielens-100k | movielens-csv
 * --rate N                replay pace in events/s (default 0: as fast as the job goes)
 * --limit N               replay only the first N events in time order
 * --output DIR            where summary.json goes (default: target/quickstart)
 * --bootstrap-servers S   use this Kafka instead of the in-process broker
 * -Dkey=value             any job option (see README), e.g. -Dworker.batch-size=128
 * </pre>
 */
public final class QuickstartMain {
    private QuickstartMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        Map<String, String> jobOptions = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("-D") && args[i].contains("=")) {
                String kv = args[i].substring(2);
                jobOptions.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                opts.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
        }
        Path ratings =
                Path.of(opts.getOrDefault("ratings", "data/movietweetings-100k/ratings.dat"));
        RatingsFormat ratingsFormat =
                RatingsFormat.parse(opts.getOrDefault("ratings-format", "movietweetings"));
        String itemsDefault =
                opts.containsKey("ratings") ? "" : "data/movietweetings-100k/movies.dat";
        String itemsPath = opts.getOrDefault("items", itemsDefault);
        Path output = Path.of(opts.getOrDefault("output", "target/quickstart"));
        double rate = Double.parseDouble(opts.getOrDefault("rate", "0"));

        System.out.println("streamrec quickstart");
        RatingsReplay replay = RatingsReplay.read(ratings, ratingsFormat);
        List<UserEvent> events = replay.events();
        if (opts.containsKey("limit")) {
            events =
                    events.subList(0, Math.min(events.size(), Integer.parseInt(opts.get("limit"))));
        }
        ItemCatalog catalog =
                itemsPath.isEmpty()
                        ? ItemCatalog.empty()
                        : ItemCatalog.read(
                                Path.of(itemsPath),
                                ItemFormat.parse(
                                        opts.getOrDefault("items-format", "movietweetings")));
        System.out.printf(
                "Read %,d events from %s (%s), skipped %s; %,d items in the catalog%n",
                events.size(), ratings, ratingsFormat, replay.rejected(), catalog.size());

        Files.createDirectories(output);
        EmbeddedKafka kafka = null;
        String bootstrap = opts.get("bootstrap-servers");
        if (bootstrap == null) {
            System.out.println("Starting an in-process Kafka broker (KRaft) ...");
            kafka = EmbeddedKafka.start();
            bootstrap = kafka.bootstrapServers();
        }
        System.out.println("Kafka at " + bootstrap);

        Configuration conf = new Configuration();
        conf.set(StreamrecOptions.BOOTSTRAP_SERVERS, bootstrap);
        conf.set(
                StreamrecOptions.TRANSACTIONAL_ID_PREFIX,
                "streamrec-quickstart-" + System.currentTimeMillis());
        jobOptions.forEach((k, v) -> conf.setString(k, v));
        Path checkpoints = output.resolve("checkpoints").toAbsolutePath();
        Configuration flinkConf = embeddedClusterConfig(conf, checkpoints);
        int parallelism = conf.getOptional(StreamrecOptions.WORKER_PARALLELISM).orElse(2);

        List<String> exampleUsers = exampleUsers(events);
        ReplayRun run =
                ReplayRun.builder()
                        .configuration(flinkConf)
                        .events(events)
                        .catalog(catalog)
                        .environment(
                                c ->
                                        StreamExecutionEnvironment.createLocalEnvironment(
                                                parallelism, c))
                        .eventsPerSecond(rate)
                        .timeout(Duration.ofMinutes(60))
                        .progress(System.out::println)
                        .build();
        final EmbeddedKafka broker = kafka;
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stopAll =
                () -> {
                    try {
                        run.close();
                    } catch (Exception ignored) {
                        // best effort: the MiniCluster may already be down
                    }
                    try {
                        if (broker != null) {
                            broker.close();
                        }
                    } catch (Exception ignored) {
                        // best effort: the broker may already be down
                    }
                };
        Thread onSignal =
                new Thread(
                        () -> {
                            stopping.set(true);
                            System.out.println("Interrupted: cancelling the job, stopping Kafka");
                            stopAll.run();
                        });
        Runtime.getRuntime().addShutdownHook(onSignal);
        System.out.printf(
                "Running the job on a MiniCluster (parallelism %d, RocksDB, checkpoints every %s)%n",
                parallelism, flinkConf.getString("execution.checkpointing.interval", "?"));
        int exitCode = 1;
        try {
            ReplayRun.Result result = run.run(exampleUsers, false);
            run.close();
            printAndSave(result, catalog, output, rate);
            exitCode = 0;
        } catch (Exception e) {
            if (stopping.get()) {
                return; // Ctrl-C: the shutdown hook cleans up
            }
            System.err.println("quickstart failed: " + e);
            e.printStackTrace();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
            return;
        }
        stopAll.run();
        // Kafka and Flink leave non-daemon threads behind; the run is over either way
        System.exit(exitCode);
    }

    /** MiniCluster settings of the embedded default: RocksDB, 1 s checkpoints, restarts on. */
    public static Configuration embeddedClusterConfig(Configuration jobConf, Path checkpointDir) {
        Configuration c = new Configuration();
        c.setString("state.backend.type", "rocksdb");
        c.setString("execution.checkpointing.incremental", "true");
        c.setString("execution.checkpointing.interval", "1 s");
        c.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
        c.setString("execution.checkpointing.storage", "filesystem");
        c.setString("execution.checkpointing.dir", checkpointDir.toUri().toString());
        c.setString("restart-strategy.type", "fixed-delay");
        c.setString("restart-strategy.fixed-delay.attempts", "10");
        c.setString("restart-strategy.fixed-delay.delay", "1 s");
        c.setString("taskmanager.memory.managed.size", "256m");
        c.addAll(jobConf);
        return c;
    }

    /** The three most active users and a user the replay has never seen (cold start). */
    static List<String> exampleUsers(List<UserEvent> events) {
        Map<String, Integer> counts = new HashMap<>();
        events.forEach(e -> counts.merge(e.userId(), 1, Integer::sum));
        List<String> users =
                new ArrayList<>(
                        counts.entrySet().stream()
                                .sorted(
                                        Map.Entry.<String, Integer>comparingByValue(
                                                        Comparator.reverseOrder())
                                                .thenComparing(Map.Entry.comparingByKey()))
                                .limit(3)
                                .map(Map.Entry::getKey)
                                .toList());
        users.add("new-user-0");
        return users;
    }

    private static void printAndSave(
            ReplayRun.Result r, ItemCatalog catalog, Path output, double rate) throws Exception {
        QuickstartSummary summary = new QuickstartSummary(r, catalog, rate);
        summary.print(System.out);
        summary.save(output, System.out);
    }
}
