package io.streamrec.tools.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.datasets.RatingsFormat;
import io.streamrec.tools.datasets.RatingsReplay;
import io.streamrec.tools.offline.QualityReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
        PrequentialCounts c = r.counts();
        long valid = r.producedEvents() - r.deadLetters();
        System.out.println();
        System.out.println("=== streamrec quickstart summary ===");
        System.out.printf(
                "events processed      %,d (%,d dead-lettered)%n", valid, r.deadLetters());
        System.out.printf(
                "events/s              %,.0f (training loop, steady state)%n", r.eventsPerSecond());
        System.out.printf(
                "wall time             %.1f s (replay pace: %s)%n",
                r.wallSeconds(), rate > 0 ? rate + " events/s" : "full speed");
        System.out.printf("checkpoints completed %d%n", r.checkpointsCompleted());
        System.out.println("prequential quality (test-then-learn, user's own items excluded):");
        System.out.printf("  %-22s HR@10 %.4f   NDCG@10 %.4f%n", "model", c.hitRate(0), c.ndcg(0));
        System.out.printf(
                "  %-22s HR@10 %.4f   NDCG@10 %.4f%n",
                "all-time popularity", c.hitRate(1), c.ndcg(1));
        System.out.printf(
                "  %-22s HR@10 %.4f   NDCG@10 %.4f%n",
                "trending popularity", c.hitRate(2), c.ndcg(2));
        System.out.println("HR@10 per 4-week window (model / popularity / trending):");
        long weeks4 = Duration.ofDays(28).toMillis();
        Map<Long, double[]> coarse = new java.util.TreeMap<>();
        c.windows()
                .forEach(
                        (start, v) -> {
                            double[] w =
                                    coarse.computeIfAbsent(
                                            Math.floorDiv(start, weeks4) * weeks4,
                                            x -> new double[v.length]);
                            for (int i = 0; i < v.length; i++) {
                                w[i] += v[i];
                            }
                        });
        coarse.forEach(
                (start, v) ->
                        System.out.printf(
                                "  %s  n=%6.0f  %.3f / %.3f / %.3f%n",
                                Instant.ofEpochMilli(start).toString().substring(0, 10),
                                v[0],
                                v[1] / v[0],
                                v[2] / v[0],
                                v[3] / v[0]));
        System.out.println(
                "example recommendations (top 5, excluding what the user already rated):");
        r.examples()
                .forEach(
                        (user, items) -> {
                            System.out.printf(
                                    "  user %s (%s):%n", user, r.exampleReasons().get(user));
                            items.forEach(i -> System.out.printf("    - %s%n", catalog.title(i)));
                        });

        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode json = mapper.createObjectNode();
        json.put("events", valid);
        json.put("dead_letters", r.deadLetters());
        json.put("hr_at_10", c.hitRate(0));
        json.put("ndcg_at_10", c.ndcg(0));
        json.put("baseline_popularity_hr_at_10", c.hitRate(1));
        json.put("baseline_popularity_ndcg_at_10", c.ndcg(1));
        json.put("baseline_trending_hr_at_10", c.hitRate(2));
        json.put("baseline_trending_ndcg_at_10", c.ndcg(2));
        json.put("events_per_second", r.eventsPerSecond());
        json.put("wall_seconds", r.wallSeconds());
        json.put("replay_events_per_second_pace", rate);
        json.put("checkpoints_completed", r.checkpointsCompleted());
        ArrayNode windows = json.putArray("windows");
        c.windows()
                .forEach(
                        (start, v) ->
                                windows.addObject()
                                        .put("start", Instant.ofEpochMilli(start).toString())
                                        .put("events", v[0])
                                        .put("hr_model", v[1] / v[0])
                                        .put("hr_popularity", v[2] / v[0])
                                        .put("hr_trending", v[3] / v[0]));
        ObjectNode examples = json.putObject("examples");
        r.examples()
                .forEach(
                        (user, items) -> {
                            ArrayNode a = examples.putArray(user);
                            items.forEach(
                                    i ->
                                            a.addObject()
                                                    .put("itemId", i)
                                                    .put("title", catalog.title(i)));
                        });
        Path file = output.resolve("summary.json");
        mapper.writeValue(file.toFile(), json);
        System.out.println("summary written to " + file);
        QualityReport.write(c, "streamrec prequential HR@10 per event-time window", output);
        System.out.println(
                "quality plot written to "
                        + output.resolve("quality.png")
                        + " (and "
                        + output.resolve("report.html")
                        + ")");
    }
}
