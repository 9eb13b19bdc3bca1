package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.tools.report.Charts;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serving latency and requests/s per core over catalogs of several sizes, on the in-operator code
 * path in one thread: exact scoring of every item, and from {@code annFrom} items on also HNSW
 * candidates with exact rescoring, with its recall against exact.
 */
final class ServingSection extends BenchSection {
    private final ItemCatalog catalog;
    private final List<Integer> sizes;
    private final int annFrom;

    /** Each run's sorted latencies by what it measured, for the CDF plot. */
    private final Map<String, double[]> cdfs = new LinkedHashMap<>();

    ServingSection(BenchReport report, ItemCatalog catalog, List<Integer> sizes, int annFrom) {
        super(report);
        this.catalog = catalog;
        this.sizes = sizes;
        this.annFrom = annFrom;
    }

    /** The figures of one way of serving, over {@code repeats} runs. */
    private record Measured(
            Summary p50, Summary p99, Summary rate, Summary recall, double[] sortedLatencies) {

        void record(BenchReport report, String prefix, String label) {
            report.figure(prefix + "ms_p50_" + label, p50, "ms");
            report.figure(prefix + "ms_p99_" + label, p99, "ms");
            report.figure(prefix + "requests_per_s_" + label, rate, "requests/s (1 core)");
        }
    }

    @Override
    void run() throws Exception {
        progress("Serving latency (in-operator code path, one thread)");
        for (int items : sizes) {
            measure(items);
        }
        Charts.cdf(
                report.plot("serving-latency.png"),
                "Serving latency per request, one core: exact (score all items + top-10),"
                        + " HNSW (candidates, exact rescoring)",
                cdfs);
    }

    private void measure(int items) {
        String label = sizeLabel(items);
        ServingBench bench =
                new ServingBench(
                        catalog, items, factorizationDefaults.model(), 42, BenchMain::progress);
        int requests = items >= 1_000_000 ? 300 : items >= 100_000 ? 2000 : 5000;
        Measured exact = repeat(bench, label + " items", requests / 5, requests, false);
        exact.record(report, "serving_", label);
        cdfs.put(label + " items, exact", exact.sortedLatencies());
        if (items >= annFrom) {
            measureApproximate(bench, label, requests);
        }
        report.row(
                "serving p99, " + label + " items, in-operator",
                label.equals("100k") ? "<= 10 ms" : "–",
                exact.p99(),
                "ms");
        report.row(
                "serving requests/s per core, " + label + " items",
                label.equals("100k") ? ">= 2,000" : "–",
                exact.rate(),
                "");
    }

    private void measureApproximate(ServingBench bench, String label, int requests) {
        double build = bench.buildAnn();
        progress("    %s items: HNSW index built in %.0f s", label, build);
        Measured ann = repeat(bench, label + " items, HNSW", requests, 2 * requests, true);
        ann.record(report, "serving_ann_", label);
        report.figure("serving_ann_recall_at_10_" + label, ann.recall(), "");
        report.result("serving_ann_build_s_" + label, build);
        report.row(
                "serving p99, " + label + " items, HNSW candidates + exact rescoring",
                "<= 10 ms",
                ann.p99(),
                "ms");
        report.row(
                "serving requests/s per core, " + label + " items, HNSW",
                ">= 2,000",
                ann.rate(),
                "");
        report.row(
                "recall@10 of HNSW serving vs exact, " + label + " items", "–", ann.recall(), "");
        cdfs.put(label + " items, HNSW", ann.sortedLatencies());
    }

    /** {@code repeats} runs of {@code requests} requests each, after {@code warmup} more. */
    private Measured repeat(
            ServingBench bench, String what, int warmup, int requests, boolean approximate) {
        double[] p50 = new double[repeats];
        double[] p99 = new double[repeats];
        double[] rate = new double[repeats];
        double[] recall = new double[repeats];
        ServingBench.Result last = null;
        for (int r = 0; r < repeats; r++) {
            last = bench.run(warmup, requests, approximate);
            p50[r] = last.p50Ms();
            p99[r] = last.p99Ms();
            rate[r] = last.requestsPerSecond();
            recall[r] = last.recallAt10();
            progress(
                    "    %s run %d: p50 %.3f ms, p99 %.3f ms, %,.0f requests/s%s",
                    what,
                    r + 1,
                    last.p50Ms(),
                    last.p99Ms(),
                    last.requestsPerSecond(),
                    approximate ? String.format(", recall@10 %.3f", last.recallAt10()) : "");
        }
        double[] sorted = last.latenciesMs().clone();
        Arrays.sort(sorted);
        return new Measured(
                Summary.of(p50), Summary.of(p99), Summary.of(rate), Summary.of(recall), sorted);
    }
}
