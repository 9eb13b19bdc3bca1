package io.streamrec.tools.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.job.CommandLine;
import io.streamrec.job.JobSettings;
import io.streamrec.job.RuntimeDefaults;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.datasets.RatingsFormat;
import io.streamrec.tools.datasets.RatingsReplay;
import io.streamrec.tools.offline.QualityReport;
import java.io.IOException;
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
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * The embedded default: starts a Kafka broker in this JVM (or uses {@code --bootstrap-servers}),
 * runs the job on a Flink MiniCluster with streamrec's {@link RuntimeDefaults} (RocksDB, 1 s
 * exactly-once checkpoints, exponential-delay restarts), replays a ratings file in time order, and
 * prints and saves what the model learned. {@code --help} lists the arguments.
 */
public final class QuickstartMain {
    private static final String BUNDLED = "data/movietweetings-100k/";
    private static final String FORMATS = "movietweetings | movielens-100k | movielens-csv";
    private static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("deploy/quickstart.sh")
                    .value("ratings", "PATH", "ratings file (default: " + BUNDLED + "ratings.dat)")
                    .value("ratings-format", "F", FORMATS + " (default: movietweetings)")
                    .value("items", "PATH", "item file (default: the bundled movies.dat)")
                    .value("items-format", "F", FORMATS + " (default: movietweetings)")
                    .value(
                            "items-charset",
                            "C",
                            "the item file's charset, e.g. ISO-8859-1 (default: auto, see"
                                    + " items.charset)")
                    .value("rate", "N", "replay pace in events/s (default 0: as fast as it goes)")
                    .value("limit", "N", "replay only the first N events in time order")
                    .value("output", "DIR", "where summary.json goes (default: target/quickstart)")
                    .value("bootstrap-servers", "S", "this Kafka instead of an in-process broker")
                    .options("any job option (README), e.g. -Dworker.batch-size=128");

    private QuickstartMain() {}

    /** The replayed events and the item catalog. */
    private record Input(List<UserEvent> events, ItemCatalog catalog) {
        static Input read(CommandLine cli) throws IOException {
            Path ratings = Path.of(cli.value("ratings", BUNDLED + "ratings.dat"));
            RatingsFormat format =
                    RatingsFormat.parse(cli.value("ratings-format", "movietweetings"));
            // the bundled items go with the bundled ratings only
            String items =
                    cli.value(
                            "items",
                            cli.value("ratings").isPresent() ? "" : BUNDLED + "movies.dat");
            RatingsReplay replay = RatingsReplay.read(ratings, format);
            List<UserEvent> events = replay.events();
            events =
                    events.subList(
                            0, Math.min(events.size(), cli.intValue("limit", events.size())));
            ItemCatalog catalog =
                    items.isEmpty()
                            ? ItemCatalog.empty()
                            : ItemCatalog.read(
                                    Path.of(items),
                                    ItemFormat.parse(cli.value("items-format", "movietweetings")),
                                    JobSettings.itemsCharset(cli.value("items-charset", "auto")));
            System.out.printf(
                    "Read %,d events from %s (%s), skipped %s; %,d items in the catalog%n",
                    events.size(), ratings, format, replay.rejected(), catalog.size());
            return new Input(events, catalog);
        }
    }

    public static void main(String[] args) throws Exception {
        CommandLine cli = ARGUMENTS.parseOrExit(args);
        try {
            JobSettings.validate(cli.options()); // before reading data and starting Kafka
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
        Path output = Path.of(cli.value("output", "target/quickstart"));
        double rate = cli.doubleValue("rate", 0);
        System.out.println("streamrec quickstart");
        Input input = Input.read(cli);
        Files.createDirectories(output);
        EmbeddedKafka kafka = null;
        String bootstrap = cli.value("bootstrap-servers").orElse(null);
        if (bootstrap == null) {
            System.out.println("Starting an in-process Kafka broker (KRaft) ...");
            kafka = EmbeddedKafka.start();
            bootstrap = kafka.bootstrapServers();
        }
        System.out.println("Kafka at " + bootstrap);

        Configuration jobConf = new Configuration();
        jobConf.set(StreamrecOptions.BOOTSTRAP_SERVERS, bootstrap);
        jobConf.set(
                StreamrecOptions.TRANSACTIONAL_ID_PREFIX,
                "streamrec-quickstart-" + System.currentTimeMillis());
        jobConf.addAll(cli.options());
        Configuration flinkConf = RuntimeDefaults.embedded(jobConf, output.resolve("checkpoints"));
        int parallelism = jobConf.getOptional(StreamrecOptions.WORKER_PARALLELISM).orElse(2);
        ReplayRun run =
                ReplayRun.builder()
                        .configuration(flinkConf)
                        .events(input.events())
                        .catalog(input.catalog())
                        .environment(
                                c ->
                                        StreamExecutionEnvironment.createLocalEnvironment(
                                                parallelism, c))
                        .eventsPerSecond(rate)
                        .timeout(Duration.ofMinutes(60))
                        .progress(System.out::println)
                        .build();
        System.out.printf(
                "Running the job on a MiniCluster (parallelism %d, RocksDB, checkpoints every %s)%n",
                parallelism,
                TimeUtils.formatWithHighestUnit(
                        flinkConf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)));
        runToTheEnd(run, kafka, () -> report(run, input, output, rate));
    }

    /** Runs the replay and prints and saves its summary. */
    private static void report(ReplayRun run, Input input, Path output, double rate)
            throws Exception {
        ReplayRun.Result result = run.run(exampleUsers(input.events()), false);
        run.close();
        printAndSave(result, input.catalog(), output, rate);
    }

    /**
     * Runs {@code work}, then stops the job and the broker and exits; Ctrl-C cancels the job and
     * stops the broker instead. Kafka and Flink leave non-daemon threads behind, hence the exit.
     */
    private static void runToTheEnd(
            ReplayRun run, EmbeddedKafka broker, ThrowingRunnable<Exception> work) {
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
        int exitCode = 1;
        try {
            work.run();
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
        System.exit(exitCode);
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
