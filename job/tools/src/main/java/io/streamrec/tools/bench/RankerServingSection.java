package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.UserEvent;
import io.streamrec.tools.report.Charts;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request latency and requests/s per core of the learned ranker, the default model, on serving's
 * code path in one thread ({@link RankerServingBench}): over the statistics of the bundled events,
 * then of synthetic events over catalogs of several sizes. Its cost follows the candidates per
 * request, not the catalog: the ranker scores what its sources return.
 */
final class RankerServingSection extends BenchSection {
    private static final int WARMUP = 5_000;
    private static final int REQUESTS = 5_000;

    private final ItemCatalog catalog;
    private final List<UserEvent> bundled;
    private final List<Integer> sizes;
    private final int users;
    private final int eventsPerUser;
    private final Map<String, double[]> cdfs = new LinkedHashMap<>();

    RankerServingSection(
            BenchReport report,
            ItemCatalog catalog,
            List<UserEvent> bundled,
            List<Integer> sizes,
            int users,
            int eventsPerUser) {
        super(report);
        this.catalog = catalog;
        this.bundled = bundled;
        this.sizes = sizes;
        this.users = users;
        this.eventsPerUser = eventsPerUser;
    }

    @Override
    void run() throws Exception {
        progress("Serving latency, learned ranker (in-operator code path, one thread)");
        progress("  bundled: %,d MovieTweetings events", bundled.size());
        try (RankerServingBench bench =
                RankerServingBench.ofEvents(
                        catalog,
                        bundled,
                        defaults.model(),
                        defaults.serving().ranker(),
                        42,
                        BenchMain::progress)) {
            measure(bench, "bundled", "MovieTweetings, " + sizeLabel(bench.items()) + " items");
        }
        for (int items : sizes) {
            progress("  synthetic: %,d items, %,d users x %d events", items, users, eventsPerUser);
            try (RankerServingBench bench =
                    RankerServingBench.synthetic(
                            catalog,
                            items,
                            users,
                            eventsPerUser,
                            defaults.model(),
                            defaults.serving().ranker(),
                            42,
                            BenchMain::progress)) {
                String label = sizeLabel(items);
                measure(bench, label, label + " items, synthetic");
            }
        }
        Charts.cdf(
                report.plot("ranker-serving-latency.png"),
                "Learned ranker, latency per request (candidates, features, scores), one core",
                cdfs);
    }

    private void measure(RankerServingBench bench, String label, String what) {
        Repeats repeated = new Repeats(repeats);
        RankerServingBench.Result last = null;
        for (int r = 0; r < repeats; r++) {
            last = bench.run(WARMUP, REQUESTS, 42 + r);
            repeated.put(r, last);
            progress(
                    "    %s run %d: p50 %.3f ms, p99 %.3f ms, max %.1f ms, %,.0f requests/s,"
                            + " %.0f candidates per request",
                    what,
                    r + 1,
                    last.p50Ms(),
                    last.p99Ms(),
                    last.maxMs(),
                    last.requestsPerSecond(),
                    last.candidatesPerRequest());
        }
        reportRepeats(label, what, repeated);
        double[] sorted = last.latenciesMs().clone();
        Arrays.sort(sorted);
        cdfs.put(what, sorted);
    }

    /** Each run's figures, one slot per repeat. */
    private record Repeats(double[] p50, double[] p99, double[] rate, double[] candidates) {
        Repeats(int n) {
            this(new double[n], new double[n], new double[n], new double[n]);
        }

        void put(int r, RankerServingBench.Result result) {
            p50[r] = result.p50Ms();
            p99[r] = result.p99Ms();
            rate[r] = result.requestsPerSecond();
            candidates[r] = result.candidatesPerRequest();
        }
    }

    private void reportRepeats(String label, String what, Repeats repeated) {
        report.figure("ranker_serving_ms_p50_" + label, Summary.of(repeated.p50()), "ms");
        report.figure("ranker_serving_ms_p99_" + label, Summary.of(repeated.p99()), "ms");
        report.figure(
                "ranker_serving_requests_per_s_" + label,
                Summary.of(repeated.rate()),
                "requests/s (1 core)");
        report.figure("ranker_serving_candidates_" + label, Summary.of(repeated.candidates()), "");
        boolean target = label.equals("100k");
        report.row(
                "serving p99, learned ranker, " + what + ", requests only, one thread",
                target ? "<= 10 ms" : "–",
                Summary.of(repeated.p99()),
                "ms");
        report.row(
                "serving requests/s per core, learned ranker, " + what,
                target ? ">= 2,000" : "–",
                Summary.of(repeated.rate()),
                "");
    }
}
