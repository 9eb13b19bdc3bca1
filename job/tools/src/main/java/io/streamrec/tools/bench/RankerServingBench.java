package io.streamrec.tools.bench;

import ai.djl.Device;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.ranking.CandidateFeatures;
import io.streamrec.ranking.CandidateRanker;
import io.streamrec.ranking.Feature;
import io.streamrec.ranking.ListwiseScorer;
import io.streamrec.ranking.RankedCandidates;
import io.streamrec.ranking.ScorerSettings;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Request latency of the learned ranker (the default model, with the job's default settings) on
 * serving's own code path, one thread: a user's candidates from the statistics, their features, the
 * scores and the ranking ({@link CandidateRanker#recommend}), as {@code ServingOperator} answers a
 * recommendation request. The statistics are loaded first, from the bundled MovieTweetings events
 * (real co-occurrence and similar users) or from synthetic events over a catalog of any size
 * ({@link SyntheticCatalog}, items drawn long-tailed as {@link ServingHeapBench} draws them). The
 * last {@link #TRAINED_EVENTS} events also train the scorer, in batches of 64, so that its weights
 * and feature scaling are a trained ranker's. The factorization feature comes from a {@link
 * ServingModel} replica holding a row per item and per user ({@link SyntheticRows}: random, not
 * trained, which costs the same), scored as serving scores a request's candidates.
 */
public final class RankerServingBench implements AutoCloseable {
    /** Events at the end of the load that also train the scorer. */
    static final int TRAINED_EVENTS = 5_000;

    private static final int BATCH = 64;
    private static final long START_MS = 1_600_000_000_000L;

    /** Latency percentiles (ms), the single-thread request rate and candidates per request. */
    public record Result(
            double candidatesPerRequest,
            double p50Ms,
            double p99Ms,
            double maxMs,
            double requestsPerSecond,
            double[] latenciesMs) {}

    private final CandidateRanker ranker;
    private final ServingModel factorization;
    private final List<String> users;
    private final long now;
    private final int items;
    private final long events;

    private RankerServingBench(
            ItemCatalog catalog,
            List<UserEvent> load,
            ModelConfig config,
            SplittableRandom random,
            Consumer<String> progress) {
        CandidateGenerator statistics =
                new CandidateGenerator(CandidateSettings.defaults(), catalog);
        ranker =
                new CandidateRanker(
                        statistics,
                        new CandidateFeatures(statistics),
                        new ListwiseScorer(Feature.COUNT, ScorerSettings.defaults(), Device.cpu()));
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        int trainFrom = Math.max(0, load.size() - TRAINED_EVENTS);
        for (int i = 0; i < load.size(); i++) {
            UserEvent event = load.get(i);
            seen.add(event.userId());
            if (i < trainFrom) {
                ranker.learnStatistics(event);
            } else {
                ranker.learn(event, null);
                if ((i - trainFrom + 1) % BATCH == 0) {
                    ranker.endBatch();
                }
            }
            if ((i + 1) % 500_000 == 0) {
                progress.accept(String.format("    %,d of %,d events loaded", i + 1, load.size()));
            }
        }
        ranker.endBatch();
        users = new ArrayList<>(seen);
        factorization = new ServingModel(config, new ModelRowInitializer(config), catalog);
        SyntheticRows rows = new SyntheticRows(config, random, load.get(0).timestamp());
        catalog.ids().forEach(item -> factorization.apply(rows.item(item)));
        users.forEach(user -> factorization.apply(rows.user(user)));
        now = load.get(load.size() - 1).timestamp() + 60_000L;
        items = catalog.size();
        events = load.size();
    }

    /** Statistics of {@code events} (time order) over {@code catalog}. */
    public static RankerServingBench ofEvents(
            ItemCatalog catalog,
            List<UserEvent> events,
            ModelConfig config,
            long seed,
            Consumer<String> progress) {
        return new RankerServingBench(
                catalog, events, config, new SplittableRandom(seed), progress);
    }

    /**
     * Statistics of {@code users} users acting {@code eventsPerUser} times each, in rounds, over a
     * synthetic catalog of {@code items} items; one event a second.
     */
    public static RankerServingBench synthetic(
            ItemCatalog real,
            int items,
            int users,
            int eventsPerUser,
            ModelConfig config,
            long seed,
            Consumer<String> progress) {
        SplittableRandom random = new SplittableRandom(seed);
        ItemCatalog catalog = SyntheticCatalog.of(real, items, random);
        List<String> itemIds = catalog.ids();
        List<UserEvent> load = new ArrayList<>(users * eventsPerUser);
        for (int round = 0; round < eventsPerUser; round++) {
            for (int u = 0; u < users; u++) {
                double x = random.nextDouble();
                String item = itemIds.get((int) (itemIds.size() * x * x * x));
                long n = load.size();
                load.add(
                        new UserEvent(
                                "e" + n,
                                "bench-user-" + u,
                                item,
                                EventType.CLICK,
                                Float.NaN,
                                START_MS + n * 1000L));
            }
        }
        return new RankerServingBench(catalog, load, config, random, progress);
    }

    int items() {
        return items;
    }

    long events() {
        return events;
    }

    /** {@code requests} timed requests of users drawn at random, after {@code warmup} untimed. */
    public Result run(int warmup, int requests, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < warmup; i++) {
            recommend(random);
        }
        double[] latencies = new double[requests];
        long candidates = 0;
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            RankedCandidates ranked = recommend(random);
            latencies[i] = (System.nanoTime() - t0) / 1e6;
            candidates += ranked.size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Result(
                (double) candidates / requests,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                sorted[sorted.length - 1],
                requests / seconds,
                latencies);
    }

    private RankedCandidates recommend(SplittableRandom random) {
        String user = users.get(random.nextInt(users.size()));
        String[] userItems = oldestFirst(ranker.statistics().userItems(user));
        RankedCandidates ranked =
                ranker.recommend(
                        user,
                        now,
                        items ->
                                factorization.scoreItemsWithCurrentContent(
                                        user, userItems, now, items));
        ranked.top(10);
        return ranked;
    }

    /** As serving hands a request's user items to the factorization model. */
    private static String[] oldestFirst(List<String> recentFirst) {
        String[] out = new String[recentFirst.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = recentFirst.get(out.length - 1 - i);
        }
        return out;
    }

    private static double percentile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    @Override
    public void close() {
        ranker.close();
    }
}
