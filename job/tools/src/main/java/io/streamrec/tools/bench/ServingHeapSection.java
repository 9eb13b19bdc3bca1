package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;

/**
 * Heap per serving subtask with many users and items loaded, at parallelism 1 and 2 (subtask 0),
 * under the learned ranker (the default) and the factorization model alone: how far serving memory
 * divides by parallelism. Heap is deterministic for a seed, so each case runs once.
 */
final class ServingHeapSection extends BenchSection {
    private final ItemCatalog catalog;
    private final int users;
    private final int items;
    private final int eventsPerUser;

    ServingHeapSection(
            BenchReport report, ItemCatalog catalog, int users, int items, int eventsPerUser) {
        super(report);
        this.catalog = catalog;
        this.users = users;
        this.items = items;
        this.eventsPerUser = eventsPerUser;
    }

    @Override
    void run() {
        progress(
                "Serving heap per subtask: %,d users, %,d items, %d events per user (ranker)",
                users, items, eventsPerUser);
        for (boolean ranker : new boolean[] {false, true}) {
            // each model with its own defaults: the factorization model's rows are wider alone
            ModelConfig model = ranker ? defaults.model() : factorizationDefaults.model();
            ServingHeapBench bench = new ServingHeapBench(catalog, model, 42, BenchMain::progress);
            ServingHeapBench.Result p1 = measure(bench, 1, ranker);
            ServingHeapBench.Result p2 = measure(bench, 2, ranker);
            record(ranker ? "" : "bpr_", p1, p2);
        }
    }

    private ServingHeapBench.Result measure(ServingHeapBench bench, int parallelism, boolean r) {
        ServingHeapBench.Result result = bench.run(parallelism, r, users, items, eventsPerUser);
        progress(
                "    %s p=%d: %,.0f MB live heap (%,d events, loaded in %.0f s)",
                r ? "ranker" : "factorization",
                parallelism,
                result.heapBytes() / 1e6,
                result.events(),
                result.loadSeconds());
        return result;
    }

    private void record(String prefix, ServingHeapBench.Result p1, ServingHeapBench.Result p2) {
        double mb1 = p1.heapBytes() / 1e6;
        double mb2 = p2.heapBytes() / 1e6;
        report.result("serving_subtask_heap_mb_" + prefix + "p1", mb1);
        report.result("serving_subtask_heap_mb_" + prefix + "p2", mb2);
        report.result("serving_subtask_heap_" + prefix + "p2_over_p1", mb2 / mb1);
        report.row(
                String.format(
                        "serving heap per subtask, %s, %s users, %s items: p=1 / p=2",
                        prefix.isEmpty() ? "learned ranker" : "factorization model",
                        sizeLabel(users),
                        sizeLabel(items)),
                "p=2 ≤ 0.6 × p=1",
                String.format("%,.0f / %,.0f MB (%.2f ×)", mb1, mb2, mb2 / mb1));
    }
}
