package io.streamrec.tools.bench;

import io.streamrec.config.CommandLine;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.datasets.RatingsFormat;
import io.streamrec.tools.datasets.RatingsReplay;
import io.streamrec.tools.quickstart.EmbeddedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;

/**
 * The benchmark suite ({@code deploy/bench.sh}): training throughput through the whole pipeline at
 * parallelism 1 and 2 beside the in-process loop, freshness at half of peak load, serving latency
 * over 10k/100k/1M items (the factorization model's exact and HNSW scoring, and the learned
 * ranker's candidates), prequential quality against baselines on MovieTweetings, and parameter rows
 * per TaskManager with RocksDB. Writes {@code results.json}, PNG plots and {@code report.html} to
 * {@code --out}, and appends a dated section to {@code BENCHMARKS.md}.
 *
 * <p>{@code --help} lists the arguments.
 */
public final class BenchMain {
    private static final long START = System.nanoTime();
    private static final String DATA = "data/movietweetings-100k/";
    static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("deploy/bench.sh")
                    .value(
                            "out",
                            "DIR",
                            "where results, plots and report go (default target/bench)")
                    .value("repeats", "N", "runs per figure: median, min, max (default 3)")
                    .range("repeats", 1, Integer.MAX_VALUE)
                    .value(
                            "events",
                            "N",
                            "events per throughput/freshness run, the first N in time order"
                                    + " (default 100000; JIT warm-up included: an untimed warm-up"
                                    + " replay of 20000 events precedes the pipeline runs, so the"
                                    + " first timed run does not pay for all of it, but compilation"
                                    + " still takes part of each run's CPU)")
                    .range("events", 1, Integer.MAX_VALUE)
                    .value("serving-sizes", "A,B,C", "catalog sizes (default 10000,100000,1000000)")
                    .value(
                            "ann-from",
                            "N",
                            "catalog size from which serving uses the ANN index (default 100000)")
                    .range("ann-from", 0, Integer.MAX_VALUE)
                    .value(
                            "freshness-rate",
                            "R",
                            "freshness pace when no pipeline peak was measured (default 500)")
                    .value("scale-rows", "A,B", "parameter rows (default 1000000,10000000)")
                    .value(
                            "heap-load",
                            "USERS,ITEMS,E",
                            "serving heap: users, items, events per user (default"
                                    + " 1000000,100000,3)")
                    .value(
                            "ranker-load",
                            "USERS,E",
                            "learned ranker serving: synthetic users and events per user loaded"
                                    + " at each catalog size (default 100000,5)")
                    .value(
                            "only",
                            "S1,S2",
                            "sections: serving, ranker-serving, loop, pipeline, freshness,"
                                    + " quality, scale, heap (default all)")
                    .value(
                            "job-options",
                            "K=V,K=V",
                            "job or Flink options for every pipeline, freshness and quality run,"
                                    + " e.g. execution.checkpointing.unaligned.enabled=true")
                    .value("commit", "SHA", "the commit measured, for the report")
                    .value("command", "CMD", "the command that ran, for the report")
                    .value("benchmarks", "FILE", "BENCHMARKS.md to append to; \"\" for none");

    /** The sections {@code --only} may name, in the order they run. */
    static final List<String> SECTIONS =
            List.of(
                    "serving",
                    "ranker-serving",
                    "loop",
                    "pipeline",
                    "freshness",
                    "quality",
                    "scale",
                    "heap");

    private final Map<String, String> opts;
    private final Path out;
    private final int repeats;
    private final Set<String> sections;

    private BenchMain(Map<String, String> opts) {
        this.opts = opts;
        this.out = Path.of(opts.getOrDefault("out", "target/bench")).toAbsolutePath();
        this.repeats = Integer.parseInt(opts.getOrDefault("repeats", "3").trim());
        this.sections = sections(opts.getOrDefault("only", String.join(",", SECTIONS)));
        checkLists();
    }

    /**
     * The sections of {@code --only}; a name that is none of them is refused, where it measured
     * nothing and still appended an empty section to BENCHMARKS.md.
     */
    static Set<String> sections(String only) {
        Set<String> named = new LinkedHashSet<>();
        for (String name : only.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            if (!SECTIONS.contains(name.trim())) {
                throw new IllegalArgumentException(
                        "--only: unknown section '"
                                + name.trim()
                                + "'; the sections are "
                                + String.join(", ", SECTIONS));
            }
            named.add(name.trim());
        }
        if (named.isEmpty()) {
            throw new IllegalArgumentException(
                    "--only names no section; the sections are " + String.join(", ", SECTIONS));
        }
        return named;
    }

    /** The number lists and options read later, checked now: before minutes of data reading. */
    private void checkLists() {
        integers("serving-sizes", "10000,100000,1000000", 1);
        integers("ranker-load", "100000,5", 2);
        integers("heap-load", "1000000,100000,3", 3);
        list("scale-rows", "1000000,10000000").forEach(v -> number("scale-rows", v, Long::valueOf));
        String rate = opts.getOrDefault("freshness-rate", "500");
        if (!(number("freshness-rate", rate, Double::valueOf) > 0)) {
            throw new IllegalArgumentException("--freshness-rate must be positive, got " + rate);
        }
        jobOptions();
    }

    /** The suite {@code args} ask for, or an IllegalArgumentException naming what is wrong. */
    static BenchMain parse(String... args) {
        return new BenchMain(ARGUMENTS.parse(args).values());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = ARGUMENTS.parseOrExit(args).values();
        BenchMain bench;
        try {
            bench = new BenchMain(opts);
        } catch (IllegalArgumentException e) {
            System.err.print("error: " + e.getMessage() + "\n" + ARGUMENTS.usage());
            System.exit(2);
            return;
        }
        int status = 1;
        try {
            bench.run();
            status = 0;
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            System.exit(status); // Flink and Kafka leave non-daemon threads behind
        }
    }

    static void progress(String line) {
        long s = (System.nanoTime() - START) / 1_000_000_000L;
        System.out.printf("[%02d:%02d] %s%n", s / 60, s % 60, line);
    }

    private void run() throws Exception {
        Files.createDirectories(out);
        RatingsReplay ratings = readRatings();
        List<UserEvent> all = ratings.events();
        ItemCatalog catalog =
                ItemCatalog.read(Path.of(DATA + "movies.dat"), ItemFormat.parse("movietweetings"));
        int n =
                Math.min(
                        all.size(), Integer.parseInt(opts.getOrDefault("events", "100000").trim()));
        List<UserEvent> subset = all.subList(0, n);
        progress(
                String.format(
                        "streamrec benchmarks: %,d MovieTweetings events (%,d per throughput run),"
                                + " %,d catalog items, %d repeats -> %s",
                        all.size(), n, catalog.size(), repeats, out));
        BenchReport report =
                new BenchReport(
                        out,
                        repeats,
                        opts.getOrDefault("command", "deploy/bench.sh"),
                        opts.get("commit"));
        // a bad line of the bundled ratings would shrink every section's input unseen
        report.result("ratings_skipped_lines", ratings.skippedLineCount());
        runServingSections(report, all, catalog);
        if (sections.contains("loop")) {
            runSection(new LoopSection(report, subset, catalog), report);
        }
        if (sections.contains("pipeline")
                || sections.contains("freshness")
                || sections.contains("quality")) {
            runKafkaSections(report, all, subset, catalog);
        }
        runScaleAndHeapSections(report, catalog);
        appendToBenchmarks(report);
    }

    /** The MovieTweetings ratings (events in time order), what was skipped printed. */
    private static RatingsReplay readRatings() throws IOException {
        return RatingsReplay.readForReplay(
                Path.of(DATA + "ratings.dat"), RatingsFormat.parse("movietweetings"), System.out);
    }

    /** Serving latency over the catalog sizes: the factorization model's, then the ranker's. */
    private void runServingSections(BenchReport report, List<UserEvent> all, ItemCatalog catalog)
            throws Exception {
        if (sections.contains("serving")) {
            List<Integer> sizes = integers("serving-sizes", "10000,100000,1000000", 1);
            int annFrom = Integer.parseInt(opts.getOrDefault("ann-from", "100000").trim());
            runSection(new ServingSection(report, catalog, sizes, annFrom), report);
        }
        if (sections.contains("ranker-serving")) {
            List<Integer> sizes = integers("serving-sizes", "10000,100000,1000000", 1);
            List<Integer> load = integers("ranker-load", "100000,5", 2);
            runSection(
                    new RankerServingSection(report, catalog, all, sizes, load.get(0), load.get(1)),
                    report);
        }
    }

    /** Parameter rows per TaskManager, then serving's heap. */
    private void runScaleAndHeapSections(BenchReport report, ItemCatalog catalog) throws Exception {
        if (sections.contains("scale")) {
            List<Long> rows =
                    list("scale-rows", "1000000,10000000").stream().map(Long::valueOf).toList();
            runSection(new ScaleSection(report, out, rows), report);
        }
        if (sections.contains("heap")) {
            List<Integer> heap = integers("heap-load", "1000000,100000,3", 3);
            runSection(
                    new ServingHeapSection(report, catalog, heap.get(0), heap.get(1), heap.get(2)),
                    report);
        }
    }

    /** {@code --job-options}: comma-separated {@code key=value} pairs. */
    private Configuration jobOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        String given = opts.getOrDefault("job-options", "");
        for (String pair : given.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "--job-options takes key=value pairs, got '" + pair + "'");
            }
            options.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return Configuration.fromMap(options);
    }

    /** The sections that replay through the pipeline, on one in-process broker. */
    private void runKafkaSections(
            BenchReport report, List<UserEvent> all, List<UserEvent> subset, ItemCatalog catalog)
            throws Exception {
        progress("Starting an in-process Kafka broker (KRaft) ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            PipelineBench pipeline =
                    new PipelineBench(
                            kafka.bootstrapServers(), out, BenchMain::progress, jobOptions());
            double peak = Double.NaN;
            if (sections.contains("pipeline")) {
                PipelineSection throughput = new PipelineSection(report, pipeline, subset, catalog);
                runSection(throughput, report);
                peak = throughput.peak();
            }
            if (sections.contains("freshness")) {
                double rate =
                        Double.isNaN(peak)
                                ? Double.parseDouble(
                                        opts.getOrDefault("freshness-rate", "500").trim())
                                : peak / 2;
                runSection(
                        new FreshnessSection(
                                report,
                                pipeline,
                                subset,
                                catalog,
                                rate,
                                Double.isNaN(peak)
                                        ? opts.containsKey("freshness-rate")
                                                ? "a given pace (--freshness-rate)"
                                                : "the default pace (--freshness-rate 500)"
                                        : "half of peak"),
                        report);
            }
            if (sections.contains("quality")) {
                runSection(new QualitySection(report, pipeline, all, catalog), report);
            }
        }
    }

    /** Runs a section and writes what was measured so far (a failing later one leaves it). */
    private static void runSection(BenchSection section, BenchReport report) throws Exception {
        section.run();
        report.write();
    }

    /** The comma-separated whole numbers of an option, at least {@code min} of them. */
    private List<Integer> integers(String option, String defaults, int min) {
        List<Integer> values =
                list(option, defaults).stream()
                        .map(v -> number(option, v, Integer::valueOf))
                        .toList();
        if (values.size() < min) {
            throw new IllegalArgumentException(
                    "--" + option + " takes " + min + " comma-separated numbers, got " + values);
        }
        return values;
    }

    /** A number of an option ({@code parse} reads it), or an error naming the option. */
    private static <T> T number(String option, String value, Function<String, T> parse) {
        try {
            return parse.apply(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + option + " expects numbers, got '" + value + "'", e);
        }
    }

    /** The comma-separated values of an option. */
    private List<String> list(String option, String defaults) {
        return Arrays.stream(opts.getOrDefault(option, defaults).split(","))
                .map(String::trim)
                .toList();
    }

    /** Writes the report and appends its section to BENCHMARKS.md (unless told otherwise). */
    private void appendToBenchmarks(BenchReport report) throws Exception {
        String section = report.write();
        String benchmarks = opts.getOrDefault("benchmarks", "BENCHMARKS.md");
        if (!benchmarks.isEmpty() && Files.exists(Path.of(benchmarks))) {
            Files.writeString(
                    Path.of(benchmarks),
                    section,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        }
        progress(
                "Wrote "
                        + out.resolve("results.json")
                        + ", "
                        + out.resolve("report.html")
                        + " and "
                        + report.plots()
                        + (benchmarks.isEmpty() ? "" : "; appended a section to " + benchmarks));
    }
}
