package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.eval.LatencyHistogram;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.job.CommandLine;
import io.streamrec.job.JobSettings;
import io.streamrec.job.StreamrecOptions;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.datasets.RatingsFormat;
import io.streamrec.tools.datasets.RatingsReplay;
import io.streamrec.tools.offline.BaselineEvaluator;
import io.streamrec.tools.quickstart.EmbeddedKafka;
import io.streamrec.tools.quickstart.ReplayRun;
import io.streamrec.tools.report.Charts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;

/**
 * The benchmark suite ({@code deploy/bench.sh}): training throughput through the whole pipeline at
 * parallelism 1 and 2 beside the in-process loop, freshness at half of peak load, serving latency
 * over 10k/100k/1M items, prequential quality against baselines on MovieTweetings, and parameter
 * rows per TaskManager with RocksDB. Writes {@code results.json}, PNG plots and {@code report.html}
 * to {@code --out}, and appends a dated section to {@code BENCHMARKS.md}.
 *
 * <p>{@code --help} lists the arguments.
 */
public final class BenchMain {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long START = System.nanoTime();
    private static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("deploy/bench.sh")
                    .value(
                            "out",
                            "DIR",
                            "where results, plots and report go (default target/bench)")
                    .value("repeats", "N", "runs per figure: median, min, max (default 3)")
                    .value(
                            "events",
                            "N",
                            "events per throughput/freshness run, the first N in time order"
                                    + " (default 100000: long enough that JIT compilation is not"
                                    + " part of the figure)")
                    .value("serving-sizes", "A,B,C", "catalog sizes (default 10000,100000,1000000)")
                    .value(
                            "ann-from",
                            "N",
                            "catalog size from which serving uses the ANN index (default 100000)")
                    .value(
                            "freshness-rate",
                            "R",
                            "freshness pace when no pipeline peak was measured (default 500)")
                    .value("scale-rows", "A,B", "parameter rows (default 1000000,10000000)")
                    .value(
                            "only",
                            "S1,S2",
                            "sections: serving, loop, pipeline, freshness, quality, scale"
                                    + " (default all)")
                    .value("commit", "SHA", "the commit measured, for the report")
                    .value("command", "CMD", "the command that ran, for the report")
                    .value("benchmarks", "FILE", "BENCHMARKS.md to append to; \"\" for none");

    private final Map<String, String> opts;
    private final Path out;
    private final int repeats;
    private final Set<String> sections;
    private final ObjectNode results = JSON.createObjectNode();
    private final ObjectNode details = JSON.createObjectNode();
    private final List<String> tableRows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> plots = new ArrayList<>();
    private final JobSettings defaults = new JobSettings(new Configuration());

    private BenchMain(Map<String, String> opts) {
        this.opts = opts;
        this.out = Path.of(opts.getOrDefault("out", "target/bench")).toAbsolutePath();
        this.repeats = Integer.parseInt(opts.getOrDefault("repeats", "3"));
        this.sections =
                Set.of(
                        opts.getOrDefault("only", "serving,loop,pipeline,freshness,quality,scale")
                                .split(","));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = ARGUMENTS.parseOrExit(args).values();
        int status = 1;
        try {
            new BenchMain(opts).run();
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
        RatingsReplay replay =
                RatingsReplay.read(
                        Path.of("data/movietweetings-100k/ratings.dat"),
                        RatingsFormat.parse("movietweetings"));
        List<UserEvent> all = replay.events();
        ItemCatalog catalog =
                ItemCatalog.read(
                        Path.of("data/movietweetings-100k/movies.dat"),
                        ItemFormat.parse("movietweetings"));
        int n = Math.min(all.size(), Integer.parseInt(opts.getOrDefault("events", "100000")));
        List<UserEvent> subset = all.subList(0, n);
        progress(
                String.format(
                        "streamrec benchmarks: %,d MovieTweetings events (%,d per throughput run),"
                                + " %,d catalog items, %d repeats -> %s",
                        all.size(), n, catalog.size(), repeats, out));

        if (sections.contains("serving")) {
            serving(catalog);
            writeFiles();
        }
        if (sections.contains("loop")) {
            loop(subset, catalog);
            writeFiles();
        }
        boolean needsKafka =
                sections.contains("pipeline")
                        || sections.contains("freshness")
                        || sections.contains("quality");
        if (needsKafka) {
            progress("Starting an in-process Kafka broker (KRaft) ...");
            try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
                PipelineBench pipeline =
                        new PipelineBench(kafka.bootstrapServers(), out, BenchMain::progress);
                double peak = Double.NaN;
                if (sections.contains("pipeline")) {
                    peak = pipeline(pipeline, subset, catalog);
                    writeFiles();
                }
                if (sections.contains("freshness")) {
                    freshness(pipeline, subset, catalog, peak);
                    writeFiles();
                }
                if (sections.contains("quality")) {
                    quality(pipeline, all, catalog);
                    writeFiles();
                }
            }
        }
        if (sections.contains("scale")) {
            scale();
        }
        String section = writeFiles();
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
                        + plots
                        + (benchmarks.isEmpty() ? "" : "; appended a section to " + benchmarks));
    }

    // ---- serving ----

    private void serving(ItemCatalog catalog) throws Exception {
        int annFrom = Integer.parseInt(opts.getOrDefault("ann-from", "100000"));
        progress("Serving latency (in-operator code path, one thread)");
        Map<String, double[]> cdfs = new LinkedHashMap<>();
        for (String size : opts.getOrDefault("serving-sizes", "10000,100000,1000000").split(",")) {
            int items = Integer.parseInt(size.trim());
            String label = items >= 1_000_000 ? (items / 1_000_000) + "m" : (items / 1000) + "k";
            ServingBench bench =
                    new ServingBench(catalog, items, defaults.model(), 42, BenchMain::progress);
            int requests = items >= 1_000_000 ? 300 : items >= 100_000 ? 2000 : 5000;
            double[] p50 = new double[repeats];
            double[] p99 = new double[repeats];
            double[] rate = new double[repeats];
            ServingBench.Result last = null;
            for (int r = 0; r < repeats; r++) {
                last = bench.run(requests / 5, requests, false);
                p50[r] = last.p50Ms();
                p99[r] = last.p99Ms();
                rate[r] = last.requestsPerSecond();
                progress(
                        String.format(
                                "    %s items run %d: p50 %.3f ms, p99 %.3f ms, %,.0f requests/s",
                                label,
                                r + 1,
                                last.p50Ms(),
                                last.p99Ms(),
                                last.requestsPerSecond()));
            }
            figure("serving_ms_p50_" + label, Summary.of(p50), "ms");
            figure("serving_ms_p99_" + label, Summary.of(p99), "ms");
            figure("serving_requests_per_s_" + label, Summary.of(rate), "requests/s (1 core)");
            double[] sorted = last.latenciesMs().clone();
            Arrays.sort(sorted);
            cdfs.put(label + " items, exact", sorted);
            if (items >= annFrom) {
                approximate(bench, label, requests, cdfs);
            }
            row(
                    "serving p99, " + label + " items, in-operator",
                    label.equals("100k") ? "<= 10 ms" : "–",
                    Summary.of(p99),
                    "ms");
            row(
                    "serving requests/s per core, " + label + " items",
                    label.equals("100k") ? ">= 2,000" : "–",
                    Summary.of(rate),
                    "");
        }
        Charts.cdf(
                out.resolve("serving-latency.png"),
                "Serving latency per request (score all items + top-10), one core",
                cdfs);
        plots.add("serving-latency.png");
    }

    private void approximate(
            ServingBench bench, String label, int requests, Map<String, double[]> cdfs) {
        double build = bench.buildAnn();
        progress(String.format("    %s items: HNSW index built in %.0f s", label, build));
        double[] p50 = new double[repeats];
        double[] p99 = new double[repeats];
        double[] rate = new double[repeats];
        double[] recall = new double[repeats];
        ServingBench.Result last = null;
        for (int r = 0; r < repeats; r++) {
            last = bench.run(requests, 2 * requests, true);
            p50[r] = last.p50Ms();
            p99[r] = last.p99Ms();
            rate[r] = last.requestsPerSecond();
            recall[r] = last.recallAt10();
            progress(
                    String.format(
                            "    %s items, HNSW run %d: p50 %.3f ms, p99 %.3f ms, %,.0f requests/s,"
                                    + " recall@10 %.3f",
                            label,
                            r + 1,
                            last.p50Ms(),
                            last.p99Ms(),
                            last.requestsPerSecond(),
                            last.recallAt10()));
        }
        figure("serving_ann_ms_p50_" + label, Summary.of(p50), "ms");
        figure("serving_ann_ms_p99_" + label, Summary.of(p99), "ms");
        figure("serving_ann_requests_per_s_" + label, Summary.of(rate), "requests/s (1 core)");
        figure("serving_ann_recall_at_10_" + label, Summary.of(recall), "");
        results.put("serving_ann_build_s_" + label, build);
        row(
                "serving p99, " + label + " items, HNSW candidates + exact rescoring",
                "<= 10 ms",
                Summary.of(p99),
                "ms");
        row(
                "serving requests/s per core, " + label + " items, HNSW",
                ">= 2,000",
                Summary.of(rate),
                "");
        row("recall@10 of HNSW serving vs exact, " + label + " items", "–", Summary.of(recall), "");
        double[] sorted = last.latenciesMs().clone();
        Arrays.sort(sorted);
        cdfs.put(label + " items, HNSW", sorted);
    }

    // ---- in-process loop ----

    private void loop(List<UserEvent> events, ItemCatalog catalog) {
        progress("In-process loop (single thread, no Flink, no Kafka)");
        double[] train = new double[repeats];
        double[] withEval = new double[repeats];
        InProcessLoop.Result profile = null;
        // warm-up: engine load and JIT compilation are not part of the figure
        InProcessLoop.run(
                events.subList(0, Math.min(events.size(), 5000)), catalog, defaults, true);
        for (int r = 0; r < repeats; r++) {
            train[r] = InProcessLoop.run(events, catalog, defaults, false).eventsPerSecond();
            profile = InProcessLoop.run(events, catalog, defaults, true);
            withEval[r] = profile.eventsPerSecond();
            progress(
                    String.format(
                            "    run %d: %,.0f events/s training only, %,.0f events/s with"
                                    + " evaluation",
                            r + 1, train[r], withEval[r]));
        }
        figure("inprocess_loop_events_per_s", Summary.of(train), "events/s");
        figure("inprocess_loop_with_eval_events_per_s", Summary.of(withEval), "events/s");
        ObjectNode p = details.putObject("inprocess_profile_us_per_event");
        p.put("examples_and_sampling", profile.examplesMicros());
        p.put("djl_forward_backward", profile.gradientMicros());
        p.put("row_updates", profile.rowUpdateMicros());
        p.put("prequential_evaluation", profile.evaluationMicros());
        notes.add(
                String.format(
                        "Per event in the in-process loop (last run with evaluation): examples and"
                                + " sampling %.1f us, DJL forward/backward %.1f us, row updates %.1f"
                                + " us, prequential evaluation (ranking the event's item among"
                                + " all %,d items for the model, popularity and trending) %.1f"
                                + " us.",
                        profile.examplesMicros(),
                        profile.gradientMicros(),
                        profile.rowUpdateMicros(),
                        catalog.size(),
                        profile.evaluationMicros()));
        row("in-process loop, training only (1 thread)", "–", Summary.of(train), "events/s");
        row(
                "in-process loop, training + evaluation (1 thread)",
                "–",
                Summary.of(withEval),
                "events/s");
    }

    // ---- pipeline throughput ----

    private double pipeline(PipelineBench pipeline, List<UserEvent> events, ItemCatalog catalog)
            throws Exception {
        progress(
                "Training throughput through the whole pipeline (Kafka, RocksDB, 1 s checkpoints)");
        double[] p1 = new double[repeats];
        double[] p2 = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            p1[r] =
                    pipeline.run("p=1 run " + (r + 1), events, catalog, 1, 0, false, 0)
                            .eventsPerSecond();
            p2[r] =
                    pipeline.run("p=2 run " + (r + 1), events, catalog, 2, 0, false, 0)
                            .eventsPerSecond();
            if (r == 0) {
                cpuProfile(pipeline.lastCpuMicrosPerEvent());
            }
        }
        // where the time goes: the same p=2 run evaluating a 10% sample of the events
        Configuration sampled = new Configuration();
        sampled.set(StreamrecOptions.EVAL_SAMPLE_RATE, 0.1);
        double[] p2Sampled = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            p2Sampled[r] =
                    pipeline.run(
                                    "p=2, 10% evaluated, run " + (r + 1),
                                    events,
                                    catalog,
                                    2,
                                    0,
                                    false,
                                    0,
                                    sampled)
                            .eventsPerSecond();
        }
        figure("train_events_per_s_p2_eval_sample_10pct", Summary.of(p2Sampled), "events/s");
        row(
                "training throughput, p=2, eval.sample-rate=0.1",
                "–",
                Summary.of(p2Sampled),
                "events/s");
        Summary s1 = Summary.of(p1);
        Summary s2 = Summary.of(p2);
        figure("train_events_per_s_p1", s1, "events/s");
        figure("train_events_per_s_p2", s2, "events/s");
        results.put("p2_over_p1", s2.median() / s1.median());
        row("training throughput, p=1", "–", s1, "events/s");
        row("training throughput, p=2", ">= 100,000", s2, "events/s");
        tableRows.add(
                String.format(
                        "| p=2 / p=1 (same run) | >= 1.8 | %.2f | %s |",
                        s2.median() / s1.median(), today()));
        if (results.has("inprocess_loop_events_per_s")) {
            double loop = results.get("inprocess_loop_events_per_s").asDouble();
            results.put("pipeline_to_inprocess_ratio", s2.median() / loop);
            tableRows.add(
                    String.format(
                            "| pipeline p=2 / in-process loop (training only) | >= 0.3 | %.3f | %s |",
                            s2.median() / loop, today()));
            if (results.has("inprocess_loop_with_eval_events_per_s")) {
                double withEval = results.get("inprocess_loop_with_eval_events_per_s").asDouble();
                results.put("pipeline_to_inprocess_with_eval_ratio", s2.median() / withEval);
            }
        }
        return s2.median();
    }

    /** Where the p=2 run's CPU went, per event and stage (first run). */
    private void cpuProfile(Map<String, Double> microsPerEvent) {
        ObjectNode p = details.putObject("pipeline_p2_cpu_us_per_event");
        StringBuilder line = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Double> e : microsPerEvent.entrySet()) {
            double micros = e.getValue();
            total += micros;
            p.put(e.getKey(), micros);
            line.append(
                    String.format(
                            "%s%s %.0f us", line.length() > 0 ? "; " : "", e.getKey(), micros));
        }
        p.put("total", total);
        progress("    CPU per event at p=2: " + line);
        notes.add(
                String.format(
                        "CPU per event in the first p=2 pipeline run, first to last trained event"
                                + " (thread CPU time by stage; replay producer and embedded broker"
                                + " run in the same JVM): %s; total"
                                + " %.0f us, i.e. at most %,.0f events/s on 2 cores.",
                        line, total, 2e6 / total));
    }

    // ---- freshness ----

    private void freshness(
            PipelineBench pipeline, List<UserEvent> events, ItemCatalog catalog, double peak)
            throws Exception {
        double rate =
                Double.isNaN(peak)
                        ? Double.parseDouble(opts.getOrDefault("freshness-rate", "500"))
                        : peak / 2;
        progress(
                String.format(
                        "Freshness at half of peak load (%,.0f events/s), events stamped with their"
                                + " send time",
                        rate));
        double[] p50 = new double[repeats];
        double[] p90 = new double[repeats];
        double[] p99 = new double[repeats];
        double[] max = new double[repeats];
        LatencyHistogram lastRun = null;
        LatencyHistogram e2e = new LatencyHistogram();
        for (int r = 0; r < repeats; r++) {
            ReplayRun.Result run =
                    pipeline.run("freshness run " + (r + 1), events, catalog, 2, rate, true, 100);
            LatencyHistogram f = run.freshness();
            e2e.addAll(run.requestLatency());
            p50[r] = f.quantileMs(0.5);
            p90[r] = f.quantileMs(0.9);
            p99[r] = f.quantileMs(0.99);
            max[r] = f.maxMs();
            lastRun = f;
            progress(
                    String.format(
                            "    %,d samples: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms",
                            f.count(), p50[r], p90[r], p99[r], max[r]));
        }
        figure("freshness_ms_p50", Summary.of(p50), "ms");
        figure("freshness_ms_p90", Summary.of(p90), "ms");
        figure("freshness_ms_p99", Summary.of(p99), "ms");
        figure("freshness_ms_max", Summary.of(max), "ms");
        results.put("freshness_load_events_per_s", rate);
        results.put("e2e_request_ms_p50", e2e.quantileMs(0.5));
        results.put("e2e_request_ms_p99", e2e.quantileMs(0.99));
        details.putObject("e2e_request_ms")
                .put("requests", e2e.count())
                .put("p90", e2e.quantileMs(0.9))
                .put("max", e2e.maxMs())
                .put(
                        "what",
                        "request sent to the requests topic -> result written to the results topic"
                                + " (CreateTime), a request every 100 events in the freshness runs (half of peak load); a read_committed reader sees it"
                                + " after the next checkpoint (+0.5 s on average)");
        tableRows.add(
                String.format(
                        "| end to end request -> result through Kafka at half of peak, p50 / p99 |"
                                + " – | %.0f / %.0f ms (%d requests) | %s |",
                        e2e.quantileMs(0.5), e2e.quantileMs(0.99), e2e.count(), today()));
        row("freshness p50 (event append -> serving uses it)", "–", Summary.of(p50), "ms");
        row("freshness p99", "<= 500 ms", Summary.of(p99), "ms");
        // the distribution of the last run, expanded from its buckets for the CDF plot
        List<Double> samples = new ArrayList<>();
        lastRun.distribution()
                .forEach(
                        (ms, count) -> {
                            for (long i = 0; i < count; i++) {
                                samples.add(ms);
                            }
                        });
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Charts.cdf(
                out.resolve("freshness.png"),
                String.format(
                        "Freshness at %,.0f events/s (event append -> serving replica)", rate),
                Map.of("freshness", sorted));
        plots.add("freshness.png");
    }

    // ---- quality ----

    private void quality(PipelineBench pipeline, List<UserEvent> events, ItemCatalog catalog)
            throws Exception {
        progress("Quality: the full replay through the pipeline, baselines on the same stream");
        ReplayRun.Result run = pipeline.run("quality", events, catalog, 2, 0, false, 0);
        PrequentialCounts model = run.counts();
        long day = 86_400_000L;
        long[] halfLives = {3_600_000L, 6 * 3_600_000L, day, 3 * day, 7 * day};
        double[] lambdas = {1.0, 3.0, 10.0};
        long window = defaults.get(StreamrecOptions.EVAL_WINDOW).toMillis();
        BaselineEvaluator baselines =
                new BaselineEvaluator(
                        catalog.ids(),
                        10,
                        window,
                        defaults.get(StreamrecOptions.MAX_USER_ITEMS),
                        halfLives,
                        lambdas);
        for (int i = 0; i < events.size(); i++) {
            baselines.accept(events.get(i));
            if ((i + 1) % 25_000 == 0) {
                progress(String.format("    baselines: %,d/%,d events", i + 1, events.size()));
            }
        }
        String bestTrending = null;
        String bestBlend = null;
        ObjectNode b = details.putObject("baselines_hr_at_10");
        for (Map.Entry<String, BaselineEvaluator.WindowedHits> e : baselines.results().entrySet()) {
            b.put(e.getKey(), e.getValue().hitRate());
            if (e.getKey().startsWith("trending")
                    && (bestTrending == null
                            || e.getValue().hitRate()
                                    > baselines.results().get(bestTrending).hitRate())) {
                bestTrending = e.getKey();
            }
            if (e.getKey().startsWith("co-occurrence")
                    && (bestBlend == null
                            || e.getValue().hitRate()
                                    > baselines.results().get(bestBlend).hitRate())) {
                bestBlend = e.getKey();
            }
        }
        Map<String, BaselineEvaluator.WindowedHits> r = baselines.results();
        String best = bestTrending;
        for (String name : List.of("popularity", bestTrending, bestBlend)) {
            if (r.get(name).hitRate() > r.get(best).hitRate()) {
                best = name;
            }
        }
        double hr = model.hitRate(0);
        results.put("hr_at_10", hr);
        results.put("ndcg_at_10", model.ndcg(0));
        results.put("best_baseline_hr_at_10", r.get(best).hitRate());
        results.put("best_baseline", best);
        results.put("hr_ratio_to_best_baseline", hr / r.get(best).hitRate());
        results.put("popularity_hr_at_10", r.get("popularity").hitRate());
        results.put("trending_best_hr_at_10", r.get(bestTrending).hitRate());
        results.put("trending_best", bestTrending);
        results.put("cooc_blend_best_hr_at_10", r.get(bestBlend).hitRate());
        results.put("cooc_blend_best", bestBlend);
        results.put("quality_run_events_per_s", run.eventsPerSecond());
        ObjectNode inPipeline = details.putObject("in_pipeline_baselines_hr_at_10");
        inPipeline.put("popularity", model.hitRate(1));
        inPipeline.put("trending(1d)", model.hitRate(2));
        progress(
                String.format(
                        "    model HR@10 %.4f (NDCG %.4f); popularity %.4f; best trending %s %.4f;"
                                + " best blend %s %.4f",
                        hr,
                        model.ndcg(0),
                        r.get("popularity").hitRate(),
                        bestTrending,
                        r.get(bestTrending).hitRate(),
                        bestBlend,
                        r.get(bestBlend).hitRate()));
        tableRows.add(
                String.format(
                        "| HR@10 model (MovieTweetings 100K, prequential) | >= 1.2 x best baseline"
                                + " | %.4f (%.2f x %s %.4f) | %s |",
                        hr, hr / r.get(best).hitRate(), best, r.get(best).hitRate(), today()));
        tableRows.add(
                String.format(
                        "| NDCG@10 model / popularity / %s / %s | – | %.4f / %.4f / %.4f / %.4f | %s |",
                        bestTrending,
                        bestBlend,
                        model.ndcg(0),
                        r.get("popularity").ndcg(),
                        r.get(bestTrending).ndcg(),
                        r.get(bestBlend).ndcg(),
                        today()));

        // HR@10 per window, all on one chart
        TreeMap<Long, double[]> windows = new TreeMap<>(model.windows());
        List<String> labels = new ArrayList<>();
        List<Long> starts = new ArrayList<>(windows.keySet());
        starts.forEach(t -> labels.add(Instant.ofEpochMilli(t).toString().substring(0, 10)));
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("model", perWindow(starts, t -> windows.get(t)[1] / windows.get(t)[0]));
        for (String name : List.of("popularity", bestTrending, bestBlend)) {
            TreeMap<Long, Double> w = r.get(name).hitRatePerWindow();
            series.put(name, perWindow(starts, t -> w.getOrDefault(t, Double.NaN)));
        }
        Charts.lines(
                out.resolve("quality.png"),
                "Prequential HR@10 per week, MovieTweetings 100K",
                "HR@10",
                labels,
                series);
        plots.add("quality.png");
    }

    private static double[] perWindow(
            List<Long> starts, java.util.function.ToDoubleFunction<Long> f) {
        double[] v = new double[starts.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(starts.get(i));
        }
        return v;
    }

    // ---- scale ----

    private void scale() throws Exception {
        progress("Parameter rows per TaskManager (RocksDB, one slot)");
        ScaleBench bench = new ScaleBench(out, BenchMain::progress);
        for (String size : opts.getOrDefault("scale-rows", "1000000,10000000").split(",")) {
            long rows = Long.parseLong(size.trim());
            String label = rows >= 1_000_000 ? (rows / 1_000_000) + "m" : (rows / 1000) + "k";
            ScaleBench.Result r = bench.run(rows, defaults);
            ObjectNode s = details.putObject("scale_" + label);
            s.put("rows", r.rows());
            s.put("load_seconds", r.loadSeconds());
            s.put("heap_used_bytes", r.heapUsedBytes());
            s.put("full_checkpoint_bytes", r.fullCheckpointBytes());
            s.put("full_checkpoint_seconds", r.fullCheckpointSeconds());
            s.put("incremental_checkpoint_bytes", r.incrementalCheckpointBytes());
            s.put("incremental_state_bytes", r.incrementalStateBytes());
            s.put("incremental_checkpoint_seconds", r.incrementalCheckpointSeconds());
            s.put("restore_seconds", r.restoreSeconds());
            results.put("scale_full_checkpoint_s_" + label, r.fullCheckpointSeconds());
            results.put(
                    "scale_incremental_checkpoint_s_" + label, r.incrementalCheckpointSeconds());
            results.put("scale_restore_s_" + label, r.restoreSeconds());
            results.put("scale_heap_mb_" + label, r.heapUsedBytes() / 1e6);
            progress(
                    String.format(
                            "    %s rows: loaded in %.0f s, heap +%.0f MB; full checkpoint %.0f MB in"
                                    + " %.1f s; incremental %.0f MB (state %.0f MB) in %.1f s;"
                                    + " restore %.1f s",
                            label,
                            r.loadSeconds(),
                            r.heapUsedBytes() / 1e6,
                            r.fullCheckpointBytes() / 1e6,
                            r.fullCheckpointSeconds(),
                            r.incrementalCheckpointBytes() / 1e6,
                            r.incrementalStateBytes() / 1e6,
                            r.incrementalCheckpointSeconds(),
                            r.restoreSeconds()));
            tableRows.add(
                    String.format(
                            "| %s rows x %d dims: full / incremental checkpoint, restore | – | %.0f MB"
                                    + " in %.1f s / %.0f MB in %.1f s, restore %.1f s (heap +%.0f MB)"
                                    + " | %s |",
                            label,
                            defaults.model().dim(),
                            r.fullCheckpointBytes() / 1e6,
                            r.fullCheckpointSeconds(),
                            r.incrementalCheckpointBytes() / 1e6,
                            r.incrementalCheckpointSeconds(),
                            r.restoreSeconds(),
                            r.heapUsedBytes() / 1e6,
                            today()));
        }
    }

    // ---- output ----

    private void figure(String key, Summary s, String unit) {
        results.put(key, s.median());
        ObjectNode d = details.putObject(key);
        d.put("median", s.median());
        d.put("min", s.min());
        d.put("max", s.max());
        d.put("unit", unit);
        d.putPOJO("runs", s.runs());
    }

    private void row(String figure, String target, Summary s, String unit) {
        String fmt = s.median() >= 100 ? "%,.0f" : s.median() >= 1 ? "%.2f" : "%.3f";
        tableRows.add(
                String.format(
                        "| %s | %s | %s (min %s, max %s)%s | %s |",
                        figure,
                        target,
                        String.format(fmt, s.median()),
                        String.format(fmt, s.min()),
                        String.format(fmt, s.max()),
                        unit.isEmpty() ? "" : " " + unit,
                        today()));
    }

    private static String today() {
        return Instant.now().toString().substring(0, 10);
    }

    /**
     * Writes results.json, section.md and report.html with what was measured so far (a failing
     * later section leaves the earlier figures); returns the BENCHMARKS.md section.
     */
    private String writeFiles() throws Exception {
        String machine = machine();
        results.put("date", Instant.now().toString());
        results.put("machine", machine);
        results.put("commit", opts.getOrDefault("commit", ""));
        results.put("command", opts.getOrDefault("command", "deploy/bench.sh"));
        results.put("repeats", repeats);
        results.set("details", details);
        Files.writeString(out.resolve("results.json"), JSON.writeValueAsString(results));

        StringBuilder md = new StringBuilder();
        md.append("\n## Benchmark suite, ")
                .append(today())
                .append("\n\nCommand: `")
                .append(opts.getOrDefault("command", "deploy/bench.sh"))
                .append("` at commit `")
                .append(opts.getOrDefault("commit", "?"))
                .append("`; machine: ")
                .append(machine)
                .append(". Medians of ")
                .append(repeats)
                .append(" runs (min, max); raw figures in `target/bench/results.json`, plots in")
                .append(" `target/bench/report.html`.\n\n| figure | target | measured | date |\n")
                .append("|---|---|---|---|\n");
        tableRows.forEach(r -> md.append(r).append('\n'));
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(n -> md.append(n).append('\n'));
        }
        Files.writeString(out.resolve("section.md"), md.toString());

        StringBuilder html = new StringBuilder();
        html.append(
                        "<!doctype html><html><head><meta charset=\"utf-8\"><title>streamrec benchmarks")
                .append(
                        "</title><style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px}")
                .append(
                        "table{border-collapse:collapse}td{border-top:1px solid #ddd}</style></head><body>")
                .append("<h1>streamrec benchmarks</h1><p>")
                .append(escape(machine))
                .append(", ")
                .append(Instant.now())
                .append(
                        "</p><table><tr><th>figure</th><th>target</th><th>measured</th><th>date</th></tr>");
        for (String r : tableRows) {
            String[] cells = r.substring(2, r.length() - 2).split(" \\| ");
            html.append("<tr>");
            for (String c : cells) {
                html.append("<td>").append(escape(c)).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
        notes.forEach(n -> html.append("<p>").append(escape(n)).append("</p>"));
        plots.forEach(
                p ->
                        html.append("<p><img src=\"")
                                .append(p)
                                .append("\" alt=\"")
                                .append(p)
                                .append("\"></p>"));
        html.append("</body></html>\n");
        Files.writeString(out.resolve("report.html"), html);
        return md.toString();
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu =
                    Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                            .filter(l -> l.startsWith("model name"))
                            .map(l -> l.substring(l.indexOf(':') + 1).trim())
                            .findFirst()
                            .orElse(cpu);
        } catch (Exception e) {
            // not Linux: keep the default
        }
        return String.format(
                "%d vCPU (%s), %d GiB heap max, Java %s, %s",
                Runtime.getRuntime().availableProcessors(),
                cpu,
                Runtime.getRuntime().maxMemory() >> 30,
                System.getProperty("java.version"),
                System.getProperty("os.name"));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
