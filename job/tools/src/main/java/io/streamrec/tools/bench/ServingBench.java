package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.ParameterRow;
import io.streamrec.serving.ServingModel;
import io.streamrec.serving.TopK;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Serving latency in the operator's own code path: a {@link ServingModel} replica holding a catalog
 * of {@code items} (the real catalog's items plus synthetic ones with its genres), trained rows for
 * every item and a thousand users; each request asks for the top 10 of a user with ten recent
 * items, excluding them, as {@code ServingOperator} does: exactly ({@link ServingModel#exactTopK},
 * the job's default) or through the approximate index ({@link ServingModel#topK} after {@link
 * #buildAnn}). One thread, so requests/s is per core.
 */
public final class ServingBench {
    private static final float[] NO_SLOTS = new float[0];

    /** Latency percentiles (ms) and the single-thread request rate of one run. */
    public record Result(
            int items,
            boolean approximate,
            double recallAt10,
            double p50Ms,
            double p99Ms,
            double maxMs,
            double requestsPerSecond,
            double[] latenciesMs) {}

    private final ServingModel model;
    private final List<String> itemIds;
    private final int users = 1000;
    private final SplittableRandom random;

    public ServingBench(
            ItemCatalog realCatalog,
            int items,
            ModelConfig config,
            long seed,
            Consumer<String> progress) {
        random = new SplittableRandom(seed);
        progress.accept(String.format("  serving: building a replica of %,d items", items));
        ItemCatalog catalog = SyntheticCatalog.of(realCatalog, items, random);
        model = new ServingModel(config, new ModelRowInitializer(config), catalog);
        itemIds = catalog.ids();
        applyItemRows(config.dim());
        applyUserRows(config.dim());
    }

    /** Trained rows for every item, with a long-tailed popularity: a fifth of the items trend. */
    private void applyItemRows(int d) {
        long now = 1_400_000_000_000L;
        for (int i = 0; i < itemIds.size(); i++) {
            float[] w = gaussian(d + 1, 0.1);
            long positives = (long) Math.floor(1000.0 / (1 + i % 5000));
            boolean trending = random.nextInt(5) == 0;
            model.apply(
                    new ParameterRow(
                            RowKeys.item(itemIds.get(i)),
                            w,
                            NO_SLOTS,
                            1,
                            positives,
                            positives,
                            trending ? (float) (1 + random.nextDouble() * 20) : 0f,
                            trending ? now - random.nextInt(86_400_000) : 0L));
        }
    }

    private void applyUserRows(int d) {
        for (int u = 0; u < users; u++) {
            model.apply(
                    new ParameterRow(
                            RowKeys.user("bench-user-" + u),
                            gaussian(d, 0.1),
                            NO_SLOTS,
                            1,
                            1,
                            0,
                            0f,
                            0L));
        }
    }

    private float[] gaussian(int n, double scale) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (nextGaussian() * scale);
        }
        return w;
    }

    private double nextGaussian() {
        // Box-Muller: SplittableRandom has no Gaussian
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
                * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /**
     * Builds the approximate index (not part of {@link #run}); returns the seconds it took. The job
     * switches it off by default ({@code serving.ann-min-items} 0) and builds it on a background
     * thread; here it is switched on for any catalog size and built on this thread, so the first
     * request finds it ready and the build is timed.
     */
    public double buildAnn() {
        model.useAnnFrom(1, Runnable::run);
        long t = System.nanoTime();
        model.topK("bench-user-0", new String[0], 1_400_000_000_000L, 10, Set.of());
        double seconds = (System.nanoTime() - t) / 1e9;
        if (!model.annReady()) {
            throw new IllegalStateException("the approximate index was not built");
        }
        return seconds;
    }

    /**
     * Times {@code requests} requests after {@code warmup} untimed ones, as the operator answers
     * them: exact ({@link ServingModel#exactTopK}), or through the approximate index built by
     * {@link #buildAnn} ({@link ServingModel#topK}), whose recall@10 against the exact top 10 of
     * the same request is checked outside the timed part. Requests/s is one thread's rate: requests
     * over the summed request times.
     */
    public Result run(int warmup, int requests, boolean approximate) {
        if (approximate && !model.annReady()) {
            throw new IllegalStateException("call buildAnn() before an approximate run");
        }
        long now = 1_400_000_000_000L;
        double[] latencies = new double[requests];
        long sink = 0;
        long hits = 0;
        long timedNanos = 0;
        for (int r = -warmup; r < requests; r++) {
            Request request = nextRequest();
            String user = request.user();
            String[] history = request.history();
            long t = System.nanoTime();
            Set<Integer> excluded = model.indicesOf(history);
            int[] top =
                    approximate
                            ? model.topK(user, history, now, 10, excluded).items()
                            : model.exactTopK(user, history, now, 10, excluded).items();
            long elapsed = System.nanoTime() - t;
            sink += top.length > 0 ? top[0] : 0;
            if (r >= 0) {
                latencies[r] = elapsed / 1e6;
                timedNanos += elapsed;
                if (approximate) {
                    hits += exactTop10Hits(request, now, excluded, top);
                }
            }
        }
        if (sink == Long.MIN_VALUE) {
            throw new AssertionError(); // keeps the results alive for the JIT
        }
        return result(approximate, requests, latencies, hits, timedNanos);
    }

    /** A user and the ten recent items the request excludes. */
    private record Request(String user, String[] history) {}

    private Request nextRequest() {
        String user = "bench-user-" + random.nextInt(users);
        String[] history = new String[10];
        for (int j = 0; j < history.length; j++) {
            history[j] = itemIds.get(random.nextInt(itemIds.size()));
        }
        return new Request(user, history);
    }

    /** How many of {@code top} are in the exact top 10 of the same request. */
    private long exactTop10Hits(Request request, long now, Set<Integer> excluded, int[] top) {
        Set<Integer> truth = new HashSet<>();
        for (int i :
                TopK.select(model.score(request.user(), request.history(), now), 10, excluded)) {
            truth.add(i);
        }
        long hits = 0;
        for (int i : top) {
            hits += truth.contains(i) ? 1 : 0;
        }
        return hits;
    }

    private Result result(
            boolean approximate, int requests, double[] latencies, long hits, long timedNanos) {
        double[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Result(
                itemIds.size(),
                approximate,
                approximate ? hits / (10.0 * requests) : 1.0,
                Summary.quantile(sorted, 0.5),
                Summary.quantile(sorted, 0.99),
                sorted[sorted.length - 1],
                requests / (timedNanos / 1e9),
                latencies);
    }
}
