package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.ranking.CandidateRanker;
import io.streamrec.ranking.RankedCandidates;
import io.streamrec.schema.EventType;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.RankerSettings;
import io.streamrec.serving.ServingModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Request latency of the learned ranker (the default model) on serving's code path for a request,
 * in one thread and with no events between requests: a user's candidates from the statistics, their
 * features (the factorization feature from a {@link ServingModel} replica), the scores, the ranking
 * and the top 10 as an answer, as {@code LearnedRanking#recommend} and {@code ServingOperator}
 * answer a recommendation request. The ranker is built from the job's settings ({@link
 * RankerSettings#newRanker}). Its statistics are loaded first, from the bundled MovieTweetings
 * events (real co-occurrence and similar users) or from synthetic events over a catalog of any size
 * ({@link SyntheticCatalog}, items drawn long-tailed as {@link ServingHeapBench} draws them). The
 * last {@link #TRAINED_EVENTS} events also train the scorer, in batches of 64, so that its weights
 * and feature scaling are not a fresh scorer's (a long-running job's have seen more). The serving
 * model's rows are random ({@link SyntheticRows}): scoring them costs what trained rows cost.
 */
public final class RankerServingBench implements AutoCloseable {
    /** Events at the end of the load that also train the scorer. */
    static final int TRAINED_EVENTS = 5_000;

    private static final int BATCH = 64;
    private static final int K = 10;
    private static final long START_MS = 1_600_000_000_000L;

    /** Latency percentiles (ms), the single-thread request rate and candidates per request. */
    public record Result(
            double candidatesPerRequest,
            int fewestCandidates,
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
            ModelConfig model,
            RankerSettings settings,
            SplittableRandom random,
            Consumer<String> progress) {
        ranker = settings.newRanker(settings.newStatistics(catalog));
        users = learn(load, progress);
        factorization = replica(catalog, model, random, load.get(0).timestamp());
        now = load.get(load.size() - 1).timestamp() + 60_000L;
        items = catalog.size();
        events = load.size();
    }

    /** Statistics of {@code events} (time order) over {@code catalog}. */
    public static RankerServingBench ofEvents(
            ItemCatalog catalog,
            List<UserEvent> events,
            ModelConfig model,
            RankerSettings settings,
            long seed,
            Consumer<String> progress) {
        return new RankerServingBench(
                catalog, events, model, settings, new SplittableRandom(seed), progress);
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
            ModelConfig model,
            RankerSettings settings,
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
        return new RankerServingBench(catalog, load, model, settings, random, progress);
    }

    /** Applies {@code load} to the statistics, training on its last events; its users. */
    private List<String> learn(List<UserEvent> load, Consumer<String> progress) {
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
        return new ArrayList<>(seen);
    }

    /** A serving model with a row per catalog item and per user. */
    private ServingModel replica(
            ItemCatalog catalog, ModelConfig model, SplittableRandom random, long trendMs) {
        ServingModel replica = new ServingModel(model, new ModelRowInitializer(model), catalog);
        SyntheticRows rows = new SyntheticRows(model, random, trendMs);
        catalog.ids().forEach(item -> replica.apply(rows.item(item)));
        users.forEach(user -> replica.apply(rows.user(user)));
        return replica;
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
            answer(random);
        }
        double[] latencies = new double[requests];
        long candidates = 0;
        int fewest = Integer.MAX_VALUE;
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            int n = answer(random);
            latencies[i] = (System.nanoTime() - t0) / 1e6;
            candidates += n;
            fewest = Math.min(fewest, n);
        }
        // requests over the loop's wall time: what one core answers back to back
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Result(
                (double) candidates / requests,
                fewest,
                Summary.quantile(sorted, 0.50),
                Summary.quantile(sorted, 0.99),
                sorted[sorted.length - 1],
                requests / seconds,
                latencies);
    }

    /** Answers a request of a user drawn at random; its candidates. */
    private int answer(SplittableRandom random) {
        String user = users.get(random.nextInt(users.size()));
        String[] userItems = ranker.statistics().userItemsOldestFirst(user);
        RankedCandidates ranked =
                ranker.recommend(
                        user,
                        now,
                        items ->
                                factorization.scoreItemsWithCurrentContent(
                                        user, userItems, now, items));
        List<String> top = ranked.top(K);
        List<RecommendationResult.ScoredItem> answer = new ArrayList<>(top.size());
        for (int r = 0; r < top.size(); r++) {
            answer.add(new RecommendationResult.ScoredItem(top.get(r), ranked.score(r)));
        }
        return answer.isEmpty() ? 0 : ranked.size();
    }

    @Override
    public void close() {
        ranker.close();
    }
}
