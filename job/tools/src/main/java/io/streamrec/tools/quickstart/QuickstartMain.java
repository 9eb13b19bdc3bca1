package io.streamrec.tools.quickstart;

import io.streamrec.config.CommandLine;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.InputFileException;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.job.CatalogOptions;
import io.streamrec.job.EvaluationOptions;
import io.streamrec.job.JobSettings;
import io.streamrec.job.KafkaSinkOptions;
import io.streamrec.job.ParallelismOptions;
import io.streamrec.job.RankerOptions;
import io.streamrec.job.RuntimeDefaults;
import io.streamrec.kafka.KafkaOptions;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.datasets.RatingsFormat;
import io.streamrec.tools.datasets.RatingsReplay;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * The embedded default: starts a Kafka broker in this JVM (or uses {@code --bootstrap-servers}),
 * runs the job on a Flink MiniCluster with streamrec's {@link RuntimeDefaults} (RocksDB,
 * exactly-once checkpoints every 2 s, exponential-delay restarts), replays a ratings file in time
 * order, and prints and saves what the model learned. {@code --help} lists the arguments.
 */
public final class QuickstartMain {
    /** Serving's parallelism unless {@code -Dparallelism.serving} says otherwise. */
    static final int QUICKSTART_SERVING_PARALLELISM = 1;

    private static final Duration ONE_WEEK = Duration.ofDays(7);

    private static final String BUNDLED = "data/movietweetings-100k/";
    private static final String FORMATS = "movietweetings | movielens-100k | movielens-csv";
    static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("deploy/quickstart.sh")
                    .value("ratings", "PATH", "ratings file (default: " + BUNDLED + "ratings.dat)")
                    .value("ratings-format", "F", FORMATS + " (default: movietweetings)")
                    .value(
                            "items",
                            "PATH",
                            "item file, or -Ditems.path (default: the bundled movies.dat)")
                    .value(
                            "items-format",
                            "F",
                            FORMATS + ", or -Ditems.format (default: movietweetings)")
                    .value(
                            "items-charset",
                            "C",
                            "the item file's charset, e.g. ISO-8859-1, or -Ditems.charset"
                                    + " (default: auto, see items.charset)")
                    .value(
                            "rate",
                            "N",
                            "replay pace in whole events/s (default 0: as fast as it goes)")
                    // refused with the usage: -5, NaN or Infinity ran at full speed unsaid
                    .range("rate", 0, Integer.MAX_VALUE)
                    .value("limit", "N", "replay only the first N events in time order")
                    // 0 replayed nothing after starting Kafka, -1 failed in subList
                    .range("limit", 1, Integer.MAX_VALUE)
                    .value("output", "DIR", "where summary.json goes (default: target/quickstart)")
                    .value("bootstrap-servers", "S", "this Kafka instead of an in-process broker")
                    .options("any job option (README), e.g. -Dworker.batch-size=128");

    private QuickstartMain() {}

    /** The replayed events and the item catalog. */
    record Input(List<UserEvent> events, ItemCatalog catalog) {
        /**
         * Reads the ratings and the items, printing what was read to {@code out}; an
         * InputFileException (a file none of whose lines is a rating of its format, among others)
         * is the caller's to print, before Kafka and the MiniCluster start for nothing.
         */
        static Input read(CommandLine cli, PrintStream out) throws IOException {
            Path ratings = Path.of(cli.value("ratings", BUNDLED + "ratings.dat"));
            RatingsFormat format =
                    RatingsFormat.parse(cli.value("ratings-format", "movietweetings"));
            ItemsSource items = ItemsSource.of(cli);
            List<UserEvent> events = RatingsReplay.readForReplay(ratings, format, out).events();
            int limit = cli.intValue("limit", Integer.MAX_VALUE); // ARGUMENTS: at least 1
            if (limit < events.size()) {
                events = events.subList(0, limit);
                out.printf("Replaying the first %,d events (--limit)%n", limit);
            }
            ItemCatalog catalog =
                    items.path().isEmpty()
                            ? ItemCatalog.empty()
                            : ItemCatalog.read(
                                    Path.of(items.path()),
                                    ItemFormat.parse(items.format()),
                                    JobSettings.itemsCharset(items.charset()));
            out.printf("%,d items in the catalog%n", catalog.size());
            return new Input(events, catalog);
        }
    }

    /**
     * The item file the quickstart reads: {@code path} ("" for none), and the names of its format
     * and charset. The quickstart hands the job the catalog it read, so the job never reads {@code
     * items.*} itself: each {@code --items*} flag, or else its {@code -Ditems.*} option, or else
     * the default, decides here, and a flag and an option that disagree fail naming both.
     */
    record ItemsSource(String path, String format, String charset) {
        static ItemsSource of(CommandLine cli) {
            // the bundled items go with the bundled ratings only
            String bundled = cli.value("ratings").isPresent() ? "" : BUNDLED + "movies.dat";
            return new ItemsSource(
                    flagOrOption(cli, "items", CatalogOptions.PATH, bundled, ItemsSource::samePath),
                    flagOrOption(
                            cli,
                            "items-format",
                            CatalogOptions.FORMAT,
                            null,
                            ItemsSource::sameFormat),
                    flagOrOption(
                            cli,
                            "items-charset",
                            CatalogOptions.CHARSET,
                            null,
                            ItemsSource::sameCharset));
        }

        /**
         * The flag's value, else the -D option's, else {@code fallback} or the option default.
         *
         * @param same whether the flag's and the option's values name the same thing
         */
        private static String flagOrOption(
                CommandLine cli,
                String flag,
                ConfigOption<String> option,
                String fallback,
                BiPredicate<String, String> same) {
            Optional<String> given = cli.value(flag);
            Optional<String> set = cli.options().getOptional(option);
            if (given.isPresent() && set.isPresent() && !same.test(given.get(), set.get())) {
                throw new IllegalArgumentException(
                        String.format(
                                "--%s %s and -D%s=%s disagree: give one of them",
                                flag, given.get(), option.key(), set.get()));
            }
            return given.or(() -> set)
                    .orElseGet(() -> fallback != null ? fallback : option.defaultValue());
        }

        /** "u.item" and "./u.item" are one file. */
        static boolean samePath(String a, String b) {
            try {
                return Path.of(a)
                        .toAbsolutePath()
                        .normalize()
                        .equals(Path.of(b).toAbsolutePath().normalize());
            } catch (InvalidPathException e) {
                return a.equals(b);
            }
        }

        /** ItemFormat.parse ignores case and takes '-' for '_', so the names compare as parsed. */
        static boolean sameFormat(String a, String b) {
            try {
                return ItemFormat.parse(a) == ItemFormat.parse(b);
            } catch (IllegalArgumentException e) {
                return a.equals(b); // an unknown format fails later, naming it
            }
        }

        /** "auto" in any case (as JobSettings.itemsCharset takes it), else by charset: latin1. */
        static boolean sameCharset(String a, String b) {
            if (a.equalsIgnoreCase("auto") || b.equalsIgnoreCase("auto")) {
                return a.equalsIgnoreCase(b);
            }
            try {
                return Charset.forName(a).equals(Charset.forName(b));
            } catch (IllegalArgumentException e) {
                return a.equalsIgnoreCase(b); // an unknown charset fails later, naming it
            }
        }
    }

    /** The input, or a one-line error naming the file and line (and charset), and exit code 2. */
    private static Input readInputOrExit(CommandLine cli) throws IOException {
        try {
            return Input.read(cli, System.out);
        } catch (InputFileException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            throw new AssertionError(e);
        }
    }

    public static void main(String[] args) throws Exception {
        CommandLine cli = ARGUMENTS.parseOrExit(args);
        validateOrExit(cli.options()); // before reading data and starting Kafka
        Path output = Path.of(cli.value("output", "target/quickstart"));
        double rate = cli.doubleValue("rate", 0);
        System.out.println("streamrec quickstart");
        Input input = readInputOrExit(cli);
        Files.createDirectories(output);
        Kafka kafka = Kafka.givenOrStarted(cli);

        Duration evalWindow = evalWindowFor(input.events());
        Configuration jobConf =
                jobConfiguration(kafka.bootstrapServers(), cli.options(), evalWindow);
        printWidenedEvalWindow(jobConf, evalWindow);
        Configuration flinkConf = RuntimeDefaults.embedded(jobConf, output.resolve("checkpoints"));
        int parallelism = jobConf.getOptional(ParallelismOptions.WORKERS).orElse(2);
        ReplayRun run = replayRun(flinkConf, input, parallelism, rate);
        System.out.printf(
                "Running the job on a MiniCluster (parallelism %d, serving %d, RocksDB, checkpoints"
                        + " every %s)%n",
                parallelism,
                jobConf.get(ParallelismOptions.SERVING),
                TimeUtils.formatWithHighestUnit(
                        flinkConf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)));
        runToTheEnd(run, kafka.embedded(), () -> report(run, input, output, rate));
    }

    /** The job options' check, or a one-line error and exit code 2. */
    private static void validateOrExit(Configuration options) {
        try {
            JobSettings.validate(options);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * The Kafka the job uses: {@code --bootstrap-servers}, or a broker started in this JVM.
     *
     * @param embedded the broker started here, which the quickstart stops at its end; null for the
     *     given one
     */
    private record Kafka(EmbeddedKafka embedded, String bootstrapServers) {
        static Kafka givenOrStarted(CommandLine cli) throws Exception {
            String given = cli.value("bootstrap-servers").orElse(null);
            Kafka kafka = given != null ? new Kafka(null, given) : started();
            System.out.println("Kafka at " + kafka.bootstrapServers());
            return kafka;
        }

        private static Kafka started() throws Exception {
            System.out.println("Starting an in-process Kafka broker (KRaft) ...");
            EmbeddedKafka broker = EmbeddedKafka.start();
            return new Kafka(broker, broker.bootstrapServers());
        }
    }

    /** Says so where {@link #evalWindowFor} widened the windows and no flag overrode it. */
    private static void printWidenedEvalWindow(Configuration jobConf, Duration evalWindow) {
        if (jobConf.get(EvaluationOptions.WINDOW).equals(evalWindow)
                && !evalWindow.equals(ONE_WEEK)) {
            System.out.printf(
                    "Evaluation windows of %s: the replay spans more than %d weeks%n",
                    TimeUtils.formatWithHighestUnit(evalWindow), PrequentialCounts.MAX_WINDOWS);
        }
    }

    /** The replay of {@code input} on a local environment, printing its progress. */
    private static ReplayRun replayRun(
            Configuration flinkConf, Input input, int parallelism, double rate) {
        return ReplayRun.builder()
                .configuration(flinkConf)
                .events(input.events())
                .catalog(input.catalog())
                .environment(c -> StreamExecutionEnvironment.createLocalEnvironment(parallelism, c))
                .eventsPerSecond(rate)
                .timeout(Duration.ofMinutes(60))
                .progress(System.out::println)
                .build();
    }

    /**
     * The job's options: the quickstart's own, then {@code options} (the -D flags) on top. Unless
     * the flags set it, {@code evalWindow} is the evaluation window.
     */
    static Configuration jobConfiguration(
            String bootstrap, Configuration options, Duration evalWindow) {
        Configuration jobConf = new Configuration();
        jobConf.set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrap);
        jobConf.set(EvaluationOptions.WINDOW, evalWindow);
        jobConf.set(
                KafkaSinkOptions.TRANSACTIONAL_ID_PREFIX,
                "streamrec-quickstart-" + System.currentTimeMillis());
        // one serving subtask on the quickstart's two cores: its scorer learns from every event
        // (two scorers, each on half of the users, cost 0.0024 HR@10 in the replay), and a second
        // subtask would apply every event's statistics a second time (BENCHMARKS, tenth session)
        jobConf.set(ParallelismOptions.SERVING, QUICKSTART_SERVING_PARALLELISM);
        // a rating dataset's catalog lists exactly the items its ratings name: one not named yet
        // is certain to come, so offering it would leak the future into the evaluation
        jobConf.set(RankerOptions.UNSEEN_CATALOG_CANDIDATES, false);
        jobConf.addAll(options);
        return jobConf;
    }

    /**
     * Whole weeks, as few as keep the replay's span in {@link PrequentialCounts#MAX_WINDOWS}
     * evaluation windows (one week for the bundled 7 months, 5 for MovieLens latest-small's 22
     * years), so the per-window table and plot cover the whole replay: the job folds older windows
     * into one total.
     */
    static Duration evalWindowFor(List<UserEvent> events) {
        LongSummaryStatistics times =
                events.stream().mapToLong(UserEvent::timestamp).summaryStatistics();
        long span = events.isEmpty() ? 0 : times.getMax() - times.getMin();
        // windows start at multiples of their length, so a span of S windows touches up to
        // floor(S) + 2 of them: the smallest whole number of weeks k with floor(span / k) + 2 <=
        // MAX
        long weeks = span / (ONE_WEEK.toMillis() * (PrequentialCounts.MAX_WINDOWS - 1)) + 1;
        return ONE_WEEK.multipliedBy(weeks);
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
        Thread onSignal =
                new Thread(
                        () -> {
                            stopping.set(true);
                            System.out.println("Interrupted: cancelling the job, stopping Kafka");
                            stopAll(run, broker);
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
        stopAll(run, broker);
        System.exit(exitCode);
    }

    /** Closes the job's MiniCluster, then the broker if this JVM started one. */
    private static void stopAll(ReplayRun run, EmbeddedKafka broker) {
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
