package io.streamrec.tools.bench;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.ranking.ItemInteraction;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingModel;
import io.streamrec.serving.UserOwner;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The heap one serving subtask holds, subtask 0 of {@code parallelism}: its {@link ServingModel}
 * (every item row, and the rows of the users it owns, as {@code ServingOperator} builds it) and,
 * under the learned ranker, the candidate statistics ({@link CandidateGenerator}, updated by every
 * event as on every subtask, similar users kept for the subtask's own users) and the scorer's item
 * vectors ({@link ItemInteraction}) as if every item had been a candidate. Users act {@code
 * eventsPerUser} times each, in rounds, on items drawn from a long-tailed distribution; the heap is
 * the live heap after a full GC, loaded minus empty.
 */
public final class ServingHeapBench {
    private static final long START_MS = 1_600_000_000_000L;

    /** One loaded subtask: its live heap and how long loading took. */
    public record Result(
            int parallelism,
            boolean ranker,
            int users,
            int items,
            long events,
            long heapBytes,
            double loadSeconds) {}

    private final ItemCatalog realCatalog;
    private final ModelConfig config;
    private final long seed;
    private final Consumer<String> progress;

    public ServingHeapBench(
            ItemCatalog realCatalog, ModelConfig config, long seed, Consumer<String> progress) {
        this.realCatalog = realCatalog;
        this.config = config;
        this.seed = seed;
        this.progress = progress;
    }

    /** Loads subtask 0 of {@code parallelism} and measures its heap. */
    public Result run(int parallelism, boolean ranker, int users, int items, int eventsPerUser) {
        SplittableRandom random = new SplittableRandom(seed);
        long before = liveHeap();
        long start = System.nanoTime();
        ItemCatalog catalog = SyntheticCatalog.of(realCatalog, items, random);
        ServingModel model = servingModel(catalog, parallelism);
        List<String> itemIds = catalog.ids();
        applyRows(model, itemIds, users, random);
        RankerHeap rankerHeap =
                ranker
                        ? loadRanker(catalog, itemIds, parallelism, users, eventsPerUser, random)
                        : RankerHeap.NONE;
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        long heap = liveHeap() - before;
        Reference.reachabilityFence(model);
        Reference.reachabilityFence(rankerHeap.statistics());
        Reference.reachabilityFence(rankerHeap.itemVectors());
        Reference.reachabilityFence(catalog);
        return new Result(
                parallelism, ranker, users, items, rankerHeap.events(), heap, loadSeconds);
    }

    /** What the learned ranker adds to a subtask's heap, and the events that built it. */
    private record RankerHeap(
            CandidateGenerator statistics, ItemInteraction itemVectors, long events) {
        static final RankerHeap NONE = new RankerHeap(null, null, 0);
    }

    private ServingModel servingModel(ItemCatalog catalog, int parallelism) {
        ModelRowInitializer initializer = new ModelRowInitializer(config);
        return new ServingModel(config, initializer, catalog, UserOwner.share(0, parallelism));
    }

    /** Every item row and every user row; the model keeps those of the users it owns. */
    private void applyRows(
            ServingModel model, List<String> itemIds, int users, SplittableRandom random) {
        SyntheticRows rows = new SyntheticRows(config, random, START_MS);
        for (String item : itemIds) {
            model.apply(rows.item(item));
        }
        for (int u = 0; u < users; u++) {
            model.apply(rows.user(userId(u)));
        }
    }

    private RankerHeap loadRanker(
            ItemCatalog catalog,
            List<String> itemIds,
            int parallelism,
            int users,
            int eventsPerUser,
            SplittableRandom random) {
        long events = 0;
        CandidateGenerator statistics =
                new CandidateGenerator(CandidateSettings.defaults(), catalog);
        statistics.keepUserStatisticsOf(UserOwner.share(0, parallelism));
        for (int round = 0; round < eventsPerUser; round++) {
            for (int u = 0; u < users; u++) {
                statistics.update(event(events++, u, itemIds, random));
            }
            progress.accept(
                    String.format(
                            "    p=%d ranker: %,d of %,d events into the statistics",
                            parallelism, events, (long) users * eventsPerUser));
        }
        progress.accept("    statistics: " + statistics.size());
        ItemInteraction itemVectors = vectorsForEveryItem(itemIds);
        progress.accept("    item vectors: " + itemVectors.size());
        return new RankerHeap(statistics, itemVectors, events);
    }

    /**
     * The scorer's item vectors once every item has been a candidate: the most a serving subtask
     * holds of them (it makes one for an item the first time it trains on a list holding it).
     */
    private ItemInteraction vectorsForEveryItem(List<String> itemIds) {
        ItemInteraction vectors = new ItemInteraction(ItemInteraction.Settings.defaults(seed));
        for (int from = 0; from < itemIds.size(); from += 1000) {
            int to = Math.min(itemIds.size(), from + 1000);
            vectors.example(itemIds.subList(from, to), List.of());
        }
        return vectors;
    }

    /** Item index {@code items · x³} for uniform x: a few items take most events, as in ratings. */
    private static UserEvent event(long n, int user, List<String> itemIds, SplittableRandom r) {
        double x = r.nextDouble();
        String item = itemIds.get((int) (itemIds.size() * x * x * x));
        return new UserEvent(
                "e" + n, userId(user), item, EventType.CLICK, Float.NaN, START_MS + n * 1000L);
    }

    private static String userId(int u) {
        return "bench-user-" + u;
    }

    /** Heap in use after full collections: what is reachable. */
    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
