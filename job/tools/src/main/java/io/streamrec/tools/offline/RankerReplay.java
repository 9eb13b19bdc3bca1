package io.streamrec.tools.offline;

import ai.djl.Device;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.candidates.ItemTextVectors;
import io.streamrec.candidates.ScoredItem;
import io.streamrec.candidates.SimilarUsers;
import io.streamrec.candidates.Source;
import io.streamrec.config.CommandLine;
import io.streamrec.eval.EventSample;
import io.streamrec.ingest.InputFileException;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemFormat;
import io.streamrec.job.JobSettings;
import io.streamrec.ranking.CandidateFeatures;
import io.streamrec.ranking.CandidateRanker;
import io.streamrec.ranking.EventWeighting;
import io.streamrec.ranking.Feature;
import io.streamrec.ranking.FeatureFamily;
import io.streamrec.ranking.FeatureScaler;
import io.streamrec.ranking.ItemInteraction;
import io.streamrec.ranking.ListwiseScorer;
import io.streamrec.ranking.PrivacyAccountant;
import io.streamrec.ranking.RankedCandidates;
import io.streamrec.ranking.ScorerSettings;
import io.streamrec.ranking.ScoringStage;
import io.streamrec.ranking.TrendingCooccurrence;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.StatisticsCheckpoint;
import io.streamrec.serving.StatisticsCheckpointSerializer;
import io.streamrec.serving.UserOwner;
import io.streamrec.tools.bench.Summary;
import io.streamrec.tools.datasets.RatingsFormat;
import io.streamrec.tools.datasets.RatingsReplay;
import io.streamrec.worker.FloodLimit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Replays a ratings file in time order through the learned ranker alone, without Flink or Kafka, as
 * the serving operator runs it: each event ranked before it is learned, the scorer trained per
 * micro-batch of {@value #BATCH} events (the workers' default batch size; {@code --batch N} changes
 * it). Prints HR@10 and NDCG@10 of the ranker, trending (1-day decayed popularity) and trending +
 * co-occurrence, and candidate recall, for all events, events of users with no history and events
 * on items first seen in the last 7 days. {@code --without FAMILY,...} switches feature families
 * off (the ablation table in BENCHMARKS).
 *
 * <p>Usage: {@code RankerReplay <ratings> <items> [format] [flags]}; flags: {@code --without
 * FAMILY,...}, {@code --without-hidden}, {@code --without-gating}, {@code --batch N}, {@code
 * --training-passes N}, {@code --training-negatives SHARE} (of each training list's negatives, 1:
 * all), {@code --item-vectors D} (the item interaction's dimension, 0: off), {@code --learning-rate
 * R}, {@code --initial-accumulator G}, {@code --seed S}, {@code --scaler-horizon ROWS}, {@code
 * --event-weighting uniform|linear|low-half|low-skip}, {@code --per-source N}, {@code
 * --popularity-per-source N}, {@code --similar-users earlier|both-ways} ({@link SimilarUsers}),
 * {@code --context-scaling none|activity|all}, {@code --unseen-catalog-candidates} (the content
 * sources also offer catalog items no event named yet: off by default, since a rating dataset's
 * catalog lists exactly the items it rates), {@code --item-text-vectors} (MiniLM vectors of the
 * catalog's titles and attributes: a source and the TEXT features; prints the catalog's encode
 * time); poisoning: {@code --bots SHARE} (bot accounts pushing the least-taken item, that share of
 * all events, over {@code --bot-window-days D} in the middle of the data, from {@code
 * --bot-accounts N}), {@code --user-flood RATE/BURST} (the workers' flood limit, events per hour /
 * burst), {@code --item-flood RATE/BURST} (the item flood guard's); robust training: {@code
 * --clip-norm C} (per-event gradient clipping), {@code --dp-noise σ} (DP-SGD noise, with the
 * privacy spent printed; the noise is seeded by {@code --seed} so a replay is reproducible, which
 * makes its weights not private: the job draws it from SecureRandom), {@code --gradient-norms}
 * (prints percentiles of the per-event gradient norms; computes them on their own, clipping
 * nothing, unless a clip norm is set); data shape: {@code --min-user-events N} (only the users with
 * at least N events, a history as long as MovieLens' users have at 20), {@code --time-scale K}
 * (every gap between events K times as long, {@link #timeScaled}); order: {@code --pipeline-order
 * W} (the events in the order the job's serving sees them at full speed with W workers, {@link
 * PipelineOrder}); {@code --serving-subtasks S} (a scorer and feature scaler per serving subtask,
 * each learning from and ranking its own users' events, as the job's S serving subtasks do; the
 * statistics are shared); {@code --eval-sample-rate R} (only that share of the events, by event id
 * as {@code eval.sample-rate} takes it, is ranked and tallied; the others are learned as serving
 * learns an unevaluated event: the CPU of the job's sampled evaluation); {@code --scoring-inline}
 * (scores and training on the replay's thread, where by default they run on a second one, as
 * serving runs them: the same tallies, in more time on two cores); {@code --items-charset C} (the
 * item file's charset, as the quickstart's flag; default: detected, UTF-8 or ISO-8859-1). An
 * unreadable ratings or item file is a one-line error naming the file and line, exit status 2.
 */
public final class RankerReplay {
    static final int BATCH = 64;

    /** Events prepared ahead of the scoring thread, at most (unless {@code --scoring-inline}). */
    static final int MAX_IN_FLIGHT = 64;

    private final int batch;
    private final double evalSampleRate;
    private static final int K = 10;
    private static final long NEW_ITEM_MS = 7L * 24 * 3_600_000L;
    private static final String[] COLUMNS = {"ranker", "trending", "trending+cooccurrence"};

    private final CandidateRanker ranker;
    private final List<CandidateRanker> others = new ArrayList<>();
    private final TrendingCooccurrence heuristic;
    private final Map<String, Long> firstSeen = new HashMap<>();
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private final FloodGate itemFlood;
    private final FloodGate userFlood;
    private BotTraffic attack;
    private long ordinaryDuringAttack;
    private long pushedInTop10;

    /**
     * The pushed item's rank (1 = first) for each ordinary event from the attack on; MAX_VALUE: not
     * a candidate.
     */
    private final List<Integer> pushedRanks = new ArrayList<>();

    private int inBatch;

    /** Events of the dataset and of the bots the replay worked on. */
    private long processedDataset;

    private long processedBots;

    /** Where the ranker's second half runs: inline, or on a thread of its own. */
    private final ScoringStage scoring;

    private final List<Double> gradientNorms = new ArrayList<>();

    RankerReplay(ItemCatalog catalog, Options options) {
        this.batch = options.batch;
        this.evalSampleRate = options.evalSampleRate;
        this.itemFlood = new FloodGate("item flood guard", options.itemFlood, UserEvent::itemId);
        this.userFlood = new FloodGate("user flood limit", options.userFlood, UserEvent::userId);
        CandidateGenerator statistics =
                new CandidateGenerator(
                        options.candidates(),
                        catalog,
                        options.itemTextVectors ? ItemTextVectors.miniLm() : null);
        this.ranker = newRanker(statistics, options);
        // the other serving subtasks' rankers: the same statistics (every subtask applies every
        // event), a scorer and scaler each, learning from their own users' events only
        for (int s = 1; s < options.servingSubtasks; s++) {
            others.add(newRanker(statistics, options));
        }
        if (options.gradientNorms) {
            ranker.scorer().reportNormsTo(gradientNorms::add);
        }
        this.heuristic = new TrendingCooccurrence(statistics);
        // the replay's loop hands results over at each event: nothing to wake
        this.scoring =
                options.scoringThread
                        ? ScoringStage.onThread("ranker scoring", MAX_IN_FLIGHT, () -> {})
                        : ScoringStage.inline();
        tallies.put("all events", new Tally());
        tallies.put("users with no history", new Tally());
        tallies.put("items first seen <= 7 d ago", new Tally());
    }

    private static CandidateRanker newRanker(CandidateGenerator statistics, Options options) {
        CandidateRanker ranker =
                new CandidateRanker(
                        statistics,
                        new CandidateFeatures(statistics, options.switchedOff),
                        // seeded noise: the replay is reproducible, and so not private
                        ListwiseScorer.withSeededNoise(Feature.COUNT, options.scorer, Device.cpu())
                                .withItemInteraction(
                                        ItemInteraction.Settings.defaults(options.scorer.seed())
                                                .withDimension(options.itemVectors)),
                        new FeatureScaler(
                                Feature.COUNT, options.scalerHorizon, options.contextScaling),
                        new EventWeighting(options.weighting));
        ranker.learnFrom(options.learnSampleRate);
        ranker.trainingPasses(options.trainingPasses);
        ranker.trainingNegatives(options.trainingNegatives);
        return ranker;
    }

    /** The ranker of the serving subtask that owns {@code userId} ({@link UserOwner}). */
    private CandidateRanker rankerOf(String userId) {
        int owner = UserOwner.of(userId, 1 + others.size());
        return owner == 0 ? ranker : others.get(owner - 1);
    }

    /**
     * Ranks, tallies and learns one event; trains the scorer after every {@value #BATCH}. An event
     * over its item's or its user's flood limit is dropped, as the job drops it: the item flood
     * guard first, then the workers' user limit.
     */
    void accept(UserEvent e) throws InterruptedException {
        scoring.deliver();
        if (!itemFlood.admits(e) || !userFlood.admits(e)) {
            return; // dropped before any work: not in the events/s
        }
        if (attack != null && BotTraffic.isBot(e.userId())) {
            processedBots++;
            CandidateRanker owner = rankerOf(e.userId());
            complete(
                    owner,
                    owner.prepareRanking(
                            e, ranker.statistics().candidates(e.userId(), e.timestamp()), null),
                    ranked -> {});
            endBatchIfFull();
            return; // bots are not evaluated
        }
        processedDataset++;
        if (!EventSample.includes(e.eventId(), evalSampleRate)) {
            // learned as serving learns an event outside eval.sample-rate: nothing ranked
            firstSeen.putIfAbsent(e.itemId(), e.timestamp());
            CandidateRanker owner = rankerOf(e.userId());
            complete(owner, owner.prepareLearning(e, null), ranked -> {});
            endBatchIfFull();
            return;
        }
        CandidateGenerator stats = ranker.statistics();
        boolean newUser = !stats.knows(e.userId());
        Long first = firstSeen.putIfAbsent(e.itemId(), e.timestamp());
        boolean newItem = first == null || e.timestamp() - first <= NEW_ITEM_MS;
        CandidateSet candidates = stats.candidates(e.userId(), e.timestamp());
        int[] ranks = {
            -1,
            rankIn(candidates.list(Source.POPULARITY_1D), e.itemId()),
            heuristic.rank(e.userId(), candidates, e.timestamp(), K).rankOf(e.itemId(), K)
        };
        boolean candidate = candidates.contains(e.itemId());
        int candidateCount = candidates.size();
        CandidateRanker owner = rankerOf(e.userId());
        complete(
                owner,
                owner.prepareRanking(e, candidates, null),
                ranked -> tally(e, ranked, ranks, candidate, candidateCount, newUser, newItem));
        endBatchIfFull();
    }

    /** Finishes an event's prepared work on the scoring stage; {@code then} gets its ranking. */
    private void complete(
            CandidateRanker owner,
            CandidateRanker.Prepared prepared,
            Consumer<RankedCandidates> then)
            throws InterruptedException {
        scoring.submit(() -> owner.complete(prepared), then);
    }

    /** Tallies an evaluated event once its ranking is back. */
    private void tally(
            UserEvent e,
            RankedCandidates ranked,
            int[] ranks,
            boolean candidate,
            int candidates,
            boolean newUser,
            boolean newItem) {
        ranks[0] = ranked.rankOf(e.itemId(), K);
        if (attack != null && e.timestamp() >= attack.from()) {
            ordinaryDuringAttack++;
            pushedInTop10 += ranked.rankOf(attack.target(), K) >= 0 ? 1 : 0;
            int rank = ranked.rankOf(attack.target(), Integer.MAX_VALUE);
            pushedRanks.add(rank < 0 ? Integer.MAX_VALUE : rank + 1);
        }
        tallies.get("all events").record(ranks, candidate, candidates);
        if (newUser) {
            tallies.get("users with no history").record(ranks, candidate, candidates);
        }
        if (newItem) {
            tallies.get("items first seen <= 7 d ago").record(ranks, candidate, candidates);
        }
    }

    private void endBatchIfFull() throws InterruptedException {
        if (++inBatch == batch) {
            scoring.run(
                    () -> {
                        ranker.endBatch();
                        others.forEach(CandidateRanker::endBatch);
                    });
            inBatch = 0;
        }
    }

    /** The events the replay worked on, the dataset's and the bots'. */
    long processedEvents() {
        return processedDataset + processedBots;
    }

    /** The bots' events the replay worked on. */
    long processedBotEvents() {
        return processedBots;
    }

    /** Stops the scoring thread, then closes the rankers. */
    void close() {
        scoring.close();
        ranker.close();
        others.forEach(CandidateRanker::close);
    }

    /** HR@10, NDCG@10 and candidate recall of each tally. */
    void printTallies(PrintStream out) {
        tallies.forEach((name, tally) -> tally.print(name, out));
    }

    /** Waits for the scoring thread's work and results (every tally complete). */
    void awaitScoring() throws InterruptedException {
        scoring.awaitIdle();
    }

    /**
     * The attack's effect: how often ordinary users were shown the pushed item, what was dropped.
     */
    private void printAttack(PrintStream out) {
        if (attack != null) {
            out.printf(
                    "%nbots pushing %s from %d to %d: in the ranker's top 10 of %.4f of the %d"
                            + " ordinary events from the attack on%n",
                    attack.target(),
                    attack.from(),
                    attack.to(),
                    ordinaryDuringAttack == 0 ? 0 : (double) pushedInTop10 / ordinaryDuringAttack,
                    ordinaryDuringAttack);
            printPushedRanks(out);
        }
        itemFlood.print(out);
        userFlood.print(out);
    }

    /**
     * The pushed item's rank for ordinary users: how often it was a candidate at all, and the
     * rank's quartiles over all their events, an event where it was no candidate counting as ranked
     * after every candidate.
     */
    private void printPushedRanks(PrintStream out) {
        if (!pushedRanks.isEmpty()) {
            out.println(pushedRanksLine(pushedRanks));
        }
    }

    /**
     * The pushed item's ranks (1 first, {@link Integer#MAX_VALUE} where it was no candidate): the
     * share where it was a candidate and the rank's quartiles.
     */
    static String pushedRanksLine(List<Integer> ranks) {
        // Integer.MAX_VALUE is exact as a double, so "not a candidate" survives the quantile
        double[] sorted = ranks.stream().mapToDouble(Integer::doubleValue).sorted().toArray();
        long candidate = ranks.stream().filter(r -> r != Integer.MAX_VALUE).count();
        return String.format(
                "pushed item a candidate in %.4f of them; its rank p25 / p50 / p75: %s / %s / %s",
                (double) candidate / sorted.length,
                rankText(Summary.quantile(sorted, 0.25)),
                rankText(Summary.quantile(sorted, 0.5)),
                rankText(Summary.quantile(sorted, 0.75)));
    }

    private static String rankText(double rank) {
        return rank == Integer.MAX_VALUE ? "not a candidate" : Long.toString((long) rank);
    }

    /** Clipping, gradient norms and the privacy spent, where the options asked for them. */
    private void printRobustTraining(PrintStream out) {
        ListwiseScorer scorer = ranker.scorer();
        if (scorer.examinedLists() > 0) {
            out.printf(
                    "%nclip norm %s: %,d of %,d training lists clipped (%.4f)%n",
                    scorer.settings().clipNorm(),
                    scorer.clippedLists(),
                    scorer.examinedLists(),
                    (double) scorer.clippedLists() / scorer.examinedLists());
        }
        if (!gradientNorms.isEmpty()) {
            double[] norms =
                    gradientNorms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.printf("per-list gradient norms (before clipping), %,d lists:", norms.length);
            for (double q : new double[] {0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99}) {
                out.printf(
                        Locale.ROOT, " p%.0f %.4f", q * 100, norms[(int) (q * (norms.length - 1))]);
            }
            out.printf(Locale.ROOT, " max %.4f%n", norms[norms.length - 1]);
        }
        PrivacyAccountant privacy = ranker.privacy();
        if (privacy != null) {
            FloodLimit limit = userFlood.limit();
            long floodBound =
                    limit.isOn() ? limit.burst() + (long) Math.ceil(24 * limit.eventsPerHour()) : 0;
            out.println(privacy.report(floodBound, batch));
        }
    }

    private static int rankIn(List<ScoredItem> list, String itemId) {
        for (int r = 0; r < Math.min(K, list.size()); r++) {
            if (list.get(r).itemId().equals(itemId)) {
                return r;
            }
        }
        return -1;
    }

    /** Hits, NDCG and candidate recall over a set of events. */
    static final class Tally {
        private final double[] hits = new double[COLUMNS.length];
        private final double[] ndcg = new double[COLUMNS.length];
        private long events;
        private long inCandidates;
        private long candidateCount;

        void record(int[] ranks, boolean candidate, int candidates) {
            events++;
            inCandidates += candidate ? 1 : 0;
            candidateCount += candidates;
            for (int c = 0; c < ranks.length; c++) {
                if (ranks[c] >= 0) {
                    hits[c]++;
                    ndcg[c] += 1.0 / (Math.log(ranks[c] + 2) / Math.log(2));
                }
            }
        }

        double hitRate(int column) {
            return events == 0 ? 0 : hits[column] / events;
        }

        void print(String name, PrintStream out) {
            out.printf(
                    "%n%s: %d events, candidate recall %.4f, %.1f candidates per event%n",
                    name,
                    events,
                    events == 0 ? 0 : (double) inCandidates / events,
                    events == 0 ? 0 : (double) candidateCount / events);
            out.printf("  %-24s %8s %8s%n", "recommender", "HR@10", "NDCG@10");
            for (int c = 0; c < COLUMNS.length; c++) {
                out.printf(
                        "  %-24s %8.4f %8.4f%n",
                        COLUMNS[c], hitRate(c), events == 0 ? 0 : ndcg[c] / events);
            }
        }
    }

    /** What a replay varies, from the command line; every flag is an experiment to reproduce. */
    static final class Options {
        Set<FeatureFamily> switchedOff = EnumSet.noneOf(FeatureFamily.class);
        ScorerSettings scorer = ScorerSettings.defaults();
        int itemVectors = ItemInteraction.Settings.defaults(0).dimension();
        int batch = BATCH;
        double learnSampleRate = 1.0;
        double evalSampleRate = 1.0;
        int trainingPasses = CandidateRanker.TRAINING_PASSES;
        double trainingNegatives = CandidateRanker.TRAINING_NEGATIVES;
        double scalerHorizon = CandidateRanker.SCALER_HORIZON;
        EventWeighting.Mode weighting = EventWeighting.Mode.UNIFORM;
        int perSource = CandidateSettings.defaults().perSource();
        int popularityPerSource = CandidateSettings.defaults().popularityPerSource();
        int neighbourCap = CandidateSettings.defaults().neighbourCap();
        int similarPerUser = CandidateSettings.defaults().similarPerUser();
        int itemsPerSimilarUser = CandidateSettings.defaults().itemsPerSimilarUser();
        SimilarUsers similarUsers = CandidateSettings.defaults().similarUsers();
        // the bundled and MovieLens catalogs list exactly the rated items (QuickstartMain too)
        boolean unseenCatalogCandidates;
        FeatureScaler.ContextScaling contextScaling = CandidateRanker.CONTEXT_SCALING;
        boolean itemTextVectors;
        double bots;
        int botAccounts = 5;
        double botWindowDays = 1;
        FloodLimit userFlood = FloodLimit.OFF;
        FloodLimit itemFlood = FloodLimit.OFF;
        boolean gradientNorms;
        int minUserEvents;
        double timeScale = 1.0;
        int workers = 1;
        int servingSubtasks = 1;
        boolean scoringThread = true;
        // null: detected, as the job's items.charset "auto" (JobSettings.itemsCharset)
        Charset itemsCharset;

        /** A flag that takes a value: its placeholder, help, and what the value sets. */
        private record ValueFlag(
                String placeholder, String help, BiConsumer<Options, String> set) {}

        /** A switch: its help and what it sets. */
        private record Switch(String help, Consumer<Options> set) {}

        private static final Map<String, Switch> SWITCHES = new LinkedHashMap<>();
        private static final Map<String, ValueFlag> VALUE_FLAGS = new LinkedHashMap<>();

        static {
            switchFlag(
                    "without-hidden",
                    "no hidden layer",
                    o -> o.scorer = o.scorer.withHiddenLayer(false));
            switchFlag(
                    "without-gating",
                    "no context gating",
                    o -> o.scorer = o.scorer.withContextGating(false));
            switchFlag(
                    "item-text-vectors",
                    "MiniLM vectors of the catalog's titles and attributes: a source and the TEXT"
                            + " features",
                    o -> o.itemTextVectors = true);
            switchFlag(
                    "unseen-catalog-candidates",
                    "content sources also offer catalog items no event named yet",
                    o -> o.unseenCatalogCandidates = true);
            switchFlag(
                    "gradient-norms",
                    "print percentiles of the per-event gradient norms",
                    o -> o.gradientNorms = true);
            switchFlag(
                    "scoring-inline",
                    "score and train on the replay's thread, not a second one",
                    o -> o.scoringThread = false);
            // the ranker's features, scorer and training
            value(
                    "without",
                    "FAMILY,...",
                    "feature families off, e.g. CONTENT,NEIGHBOURS",
                    (o, v) -> {
                        for (String f : v.split(",")) {
                            o.switchedOff.add(choice(f, FeatureFamily.class));
                        }
                    });
            value(
                    "batch",
                    "N",
                    "events per micro-batch (default " + BATCH + ")",
                    (o, v) -> o.batch = integer(v, 1));
            value(
                    "learn-sample-rate",
                    "R",
                    "share of the events learned, (0, 1]",
                    (o, v) ->
                            o.learnSampleRate =
                                    EventSample.checkRate(real(v), "learn sample rate"));
            value(
                    "training-passes",
                    "N",
                    "AdaGrad steps per batch",
                    (o, v) -> o.trainingPasses = integer(v, 1));
            value(
                    "training-negatives",
                    "SHARE",
                    "share of each training list's negatives, (0, 1]",
                    (o, v) ->
                            o.trainingNegatives =
                                    EventSample.checkRate(real(v), "training negatives share"));
            value(
                    "item-vectors",
                    "D",
                    "the item interaction's dimension (0: off)",
                    (o, v) -> o.itemVectors = integer(v, 0));
            value(
                    "learning-rate",
                    "R",
                    "the scorer's learning rate",
                    (o, v) -> o.scorer = o.scorer.withLearningRate(real(v)));
            value(
                    "initial-accumulator",
                    "G",
                    "AdaGrad's initial accumulator",
                    (o, v) -> o.scorer = o.scorer.withInitialAccumulator(real(v)));
            value(
                    "seed",
                    "S",
                    "the scorer's seed (its DP noise too)",
                    (o, v) -> o.scorer = o.scorer.withSeed(longInteger(v)));
            value(
                    "scaler-horizon",
                    "ROWS",
                    "the feature scaler's horizon",
                    (o, v) -> o.scalerHorizon = real(v));
            value(
                    "event-weighting",
                    "MODE",
                    names(EventWeighting.Mode.class),
                    (o, v) -> o.weighting = choice(v, EventWeighting.Mode.class));
            value(
                    "context-scaling",
                    "MODE",
                    names(FeatureScaler.ContextScaling.class),
                    (o, v) -> o.contextScaling = choice(v, FeatureScaler.ContextScaling.class));
            value(
                    "clip-norm",
                    "C",
                    "per-event gradient clipping",
                    (o, v) -> o.scorer = o.scorer.withClipNorm(real(v)));
            value(
                    "dp-noise",
                    "SIGMA",
                    "DP-SGD noise multiplier, seeded by --seed",
                    (o, v) -> o.scorer = o.scorer.withNoiseMultiplier(real(v)));
            // the candidate sources
            value(
                    "per-source",
                    "N",
                    "candidates per source",
                    (o, v) -> o.perSource = integer(v, 0));
            value(
                    "popularity-per-source",
                    "N",
                    "candidates per popularity source",
                    (o, v) -> o.popularityPerSource = integer(v, 0));
            value(
                    "neighbour-cap",
                    "N",
                    "co-occurrence neighbours kept per item",
                    (o, v) -> o.neighbourCap = integer(v, 0));
            value(
                    "similar-per-user",
                    "N",
                    "similar users per user",
                    (o, v) -> o.similarPerUser = integer(v, 0));
            value(
                    "items-per-similar-user",
                    "N",
                    "a similar user's latest items offered",
                    (o, v) -> o.itemsPerSimilarUser = integer(v, 0));
            value(
                    "similar-users",
                    "MODE",
                    names(SimilarUsers.class),
                    (o, v) -> o.similarUsers = choice(v, SimilarUsers.class));
            // the replayed events, the flood guards and the item file
            value(
                    "eval-sample-rate",
                    "R",
                    "share of the events ranked and tallied, (0, 1]",
                    (o, v) ->
                            o.evalSampleRate = EventSample.checkRate(real(v), "eval sample rate"));
            value(
                    "min-user-events",
                    "N",
                    "only the users with at least N events",
                    (o, v) -> o.minUserEvents = integer(v, 0));
            value(
                    "time-scale",
                    "K",
                    "every gap between events K times as long (K > 0)",
                    (o, v) -> o.timeScale = positive(real(v)));
            value(
                    "pipeline-order",
                    "W",
                    "events in the order serving sees W workers' batches",
                    (o, v) -> o.workers = integer(v, 1));
            value(
                    "serving-subtasks",
                    "S",
                    "a scorer per serving subtask, each on its own users",
                    (o, v) -> o.servingSubtasks = integer(v, 1));
            value(
                    "bots",
                    "SHARE",
                    "bot accounts pushing the least-taken item, that share of all events",
                    (o, v) -> o.bots = real(v));
            value(
                    "bot-accounts",
                    "N",
                    "bot accounts (default 5)",
                    (o, v) -> o.botAccounts = integer(v, 1));
            value(
                    "bot-window-days",
                    "D",
                    "days the bots push, mid-data (default 1)",
                    (o, v) -> o.botWindowDays = real(v));
            value(
                    "user-flood",
                    "RATE/BURST",
                    "the workers' flood limit: events per hour / burst",
                    (o, v) -> o.userFlood = floodLimit(v));
            value(
                    "item-flood",
                    "RATE/BURST",
                    "the item flood guard's limit",
                    (o, v) -> o.itemFlood = floodLimit(v));
            value(
                    "items-charset",
                    "C",
                    "the item file's charset, e.g. ISO-8859-1 (default: auto)",
                    (o, v) -> o.itemsCharset = JobSettings.itemsCharset(v));
        }

        /**
         * The flags after the files and the format, from the tables above (the usage lists them).
         */
        static final CommandLine.Spec FLAGS = spec();

        private static CommandLine.Spec spec() {
            CommandLine.Spec spec =
                    CommandLine.spec(
                            "RankerReplay <ratings> <items> [format, default movietweetings]");
            VALUE_FLAGS.forEach((name, f) -> spec.value(name, f.placeholder(), f.help()));
            SWITCHES.forEach((name, f) -> spec.flag(name, f.help()));
            return spec;
        }

        private static void switchFlag(String name, String help, Consumer<Options> set) {
            SWITCHES.put(name, new Switch(help, set));
        }

        private static void value(
                String name, String placeholder, String help, BiConsumer<Options, String> set) {
            VALUE_FLAGS.put(name, new ValueFlag(placeholder, help, set));
        }

        /**
         * The options of {@code args} from {@code from} on; an unknown flag is a {@link
         * CommandLine.UsageException} (with the usage), a wrong value an IllegalArgumentException
         * of one line naming the flag and the value.
         */
        static Options parse(String[] args, int from) {
            CommandLine cli = FLAGS.parse(Arrays.copyOfRange(args, from, args.length));
            Options o = new Options();
            SWITCHES.forEach(
                    (name, f) -> {
                        if (cli.has(name)) {
                            f.set().accept(o);
                        }
                    });
            cli.values()
                    .forEach(
                            (name, value) -> {
                                try {
                                    VALUE_FLAGS.get(name).set().accept(o, value.trim());
                                } catch (IllegalArgumentException e) {
                                    throw new IllegalArgumentException(
                                            String.format(
                                                    "--%s '%s': %s", name, value, e.getMessage()),
                                            e);
                                }
                            });
            if (o.gradientNorms && !o.scorer.clips()) {
                o.scorer = o.scorer.withClipNorm(Double.POSITIVE_INFINITY);
            }
            return o;
        }

        private static int integer(String value, int min) {
            long n = longInteger(value);
            if (n < min || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("expects an integer of at least " + min);
            }
            return (int) n;
        }

        private static long longInteger(String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expects an integer");
            }
        }

        private static double real(String value) {
            try {
                double d = Double.parseDouble(value);
                if (!Double.isNaN(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // as NaN
            }
            throw new IllegalArgumentException("expects a number");
        }

        private static double positive(double value) {
            if (!(value > 0)) {
                throw new IllegalArgumentException("expects a positive number");
            }
            return value;
        }

        /** The constant named {@code value} in any case, '-' for '_'. */
        private static <E extends Enum<E>> E choice(String value, Class<E> type) {
            try {
                return Enum.valueOf(type, value.trim().replace('-', '_').toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expects " + names(type));
            }
        }

        /** The constants' names as the flags take them: "one of earlier, both-ways". */
        private static <E extends Enum<E>> String names(Class<E> type) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                            .collect(Collectors.joining(", "));
        }

        /** {@code RATE/BURST}: events per hour / burst. */
        private static FloodLimit floodLimit(String value) {
            String[] rateBurst = value.split("/", -1);
            if (rateBurst.length != 2) {
                throw new IllegalArgumentException("expects RATE/BURST, e.g. 10/150");
            }
            return new FloodLimit(real(rateBurst[0]), integer(rateBurst[1].trim(), 0));
        }

        CandidateSettings candidates() {
            CandidateSettings d = CandidateSettings.defaults();
            return new CandidateSettings(
                    perSource,
                    d.userItems(),
                    d.pairWindow(),
                    neighbourCap,
                    d.sequenceItems(),
                    d.sequenceDecay(),
                    d.usersPerItem(),
                    similarPerUser,
                    d.similarity(),
                    itemsPerSimilarUser,
                    d.similarItemDecay(),
                    d.titleItems(),
                    d.maxItemsPerWord(),
                    popularityPerSource,
                    similarUsers,
                    unseenCatalogCandidates);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "families off %s, %s, item vectors %d, batch %d, training negatives %.2f,"
                            + " scaler horizon %.0f, weighting %s,"
                            + " per source %d (popularity %d), neighbour cap %d,"
                            + " similar per user %d (their latest %d items, made similar %s),"
                            + " context scaling %s, item text vectors %s, catalog items"
                            + " without events offered %s, bots %.3f"
                            + " (%d accounts, %.1f d), user flood limit %s, item flood guard %s,"
                            + " users with at least %d events, time x%s, %s, %d scorer(s) split by"
                            + " user,"
                            + " evaluated %.2f of the events, scoring %s",
                    switchedOff,
                    scorer,
                    itemVectors,
                    batch,
                    trainingNegatives,
                    scalerHorizon,
                    weighting,
                    perSource,
                    popularityPerSource,
                    neighbourCap,
                    similarPerUser,
                    itemsPerSimilarUser,
                    similarUsers,
                    contextScaling,
                    itemTextVectors,
                    unseenCatalogCandidates,
                    bots,
                    botAccounts,
                    botWindowDays,
                    userFlood,
                    itemFlood,
                    minUserEvents,
                    timeScale,
                    workers > 1
                            ? "in the order serving sees " + workers + " workers' batches"
                            : "in time order",
                    servingSubtasks,
                    evalSampleRate,
                    scoringThread ? "on its own thread" : "inline");
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the replay of {@code args}; the exit status (2: a usage or input file error). */
    static int run(String[] args, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.print(Options.FLAGS.usage());
            return 0;
        }
        if (args.length < 2 || args[0].startsWith("--") || args[1].startsWith("--")) {
            err.print("error: the ratings and item files come first\n" + Options.FLAGS.usage());
            return 2;
        }
        boolean hasFormat = args.length > 2 && !args[2].startsWith("--");
        String format = hasFormat ? args[2] : "movietweetings";
        Options options;
        try {
            RatingsFormat.parse(format);
            ItemFormat.parse(format);
            options = Options.parse(args, hasFormat ? 3 : 2);
        } catch (IllegalArgumentException e) {
            // an unknown flag: the message and the usage; a wrong value: one line naming the flag
            err.print("error: " + e.getMessage() + (e.getMessage().endsWith("\n") ? "" : "\n"));
            return 2;
        }
        List<UserEvent> events;
        ItemCatalog catalog;
        try {
            events = readEvents(Path.of(args[0]), format, options, out);
            // the item file too: its error names the file, line and charset in one line
            catalog = readCatalog(Path.of(args[1]), format, options);
        } catch (InputFileException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        long cpuBefore = processCpuNanos();
        RankerReplay replay = new RankerReplay(catalog, options);
        events = replay.withBots(events, catalog, options);
        events = PipelineOrder.of(events, options.workers, options.batch);
        replay.printTextVectorEncoding(out);
        long threadCpuBefore = threadCpuNanos();
        double seconds = replay.replayAll(events, out);
        long replayThreadCpu = threadCpuNanos() - threadCpuBefore;
        printSpeed(out, replay, events.size(), seconds, options, cpuBefore, replayThreadCpu);
        replay.printStatistics(out);
        replay.printTallies(out);
        replay.printAttack(out);
        replay.printRobustTraining(out);
        replay.close();
        return 0;
    }

    /** {@code events} with the options' bot attack injected (its traffic kept), if they ask one. */
    private List<UserEvent> withBots(List<UserEvent> events, ItemCatalog catalog, Options options) {
        if (options.bots > 0) {
            attack =
                    BotTraffic.against(
                            events,
                            catalog,
                            (long) (options.botWindowDays * 86_400_000L),
                            options.botAccounts);
            return attack.injectInto(events, options.bots);
        }
        return events;
    }

    /** How long the item text vectors took to encode, when the statistics have them. */
    private void printTextVectorEncoding(PrintStream out) {
        ItemTextVectors vectors = ranker.statistics().textVectors();
        if (vectors != null) {
            out.printf(
                    "item text vectors: %,d items encoded in %.1f s (model load included)%n",
                    vectors.encoded(), vectors.encodeNanos() / 1e9);
        }
    }

    /**
     * The replay's speed and options, and the CPU it took: the process's since {@code cpuBefore}
     * and the replay's thread's, {@code replayThreadCpu}. The speed counts the events the replay
     * worked on, not those the flood limits dropped before any work ({@code offered} includes
     * them), and names the dataset's and the injected bots' apart.
     */
    private static void printSpeed(
            PrintStream out,
            RankerReplay replay,
            int offered,
            double seconds,
            Options options,
            long cpuBefore,
            long replayThreadCpu) {
        long processed = replay.processedEvents();
        out.printf(
                "%,d events processed (%,d of the dataset, %,d of bots; %,d of %,d dropped by the"
                        + " flood limits) in %.1f s (%.0f events/s), %s%n",
                processed,
                processed - replay.processedBotEvents(),
                replay.processedBotEvents(),
                offered - processed,
                offered,
                seconds,
                processed / seconds,
                options);
        // the replay's own thread apart: the JIT's and the collector's threads, which share the
        // host's cores with it, move the process's figure more from run to run
        out.printf(
                "process CPU %.1f s (catalog, encoding and replay), the replay's thread %.1f s%n",
                (processCpuNanos() - cpuBefore) / 1e9, replayThreadCpu / 1e9);
    }

    /**
     * The ratings as events, in time order, after the options' user filter and time scale; prints
     * what was read and skipped to {@code out}, and fails when no line is a rating.
     */
    static List<UserEvent> readEvents(Path ratings, String format, Options options, PrintStream out)
            throws IOException {
        return timeScaled(
                options.timeScale,
                usersWithAtLeast(
                        options.minUserEvents,
                        RatingsReplay.readForReplay(ratings, RatingsFormat.parse(format), out)
                                .events()));
    }

    /** The item catalog, in the options' charset ({@code --items-charset}; null: detected). */
    static ItemCatalog readCatalog(Path items, String format, Options options) throws IOException {
        return ItemCatalog.read(items, ItemFormat.parse(format), options.itemsCharset);
    }

    /** Replays every event, with a progress line every 20,000; the seconds it took. */
    private double replayAll(List<UserEvent> events, PrintStream out) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < events.size(); i++) {
            accept(events.get(i));
            if ((i + 1) % 20_000 == 0) {
                out.printf(
                        "%,d events, HR@10 so far %.4f%n",
                        i + 1, tallies.get("all events").hitRate(0));
            }
        }
        awaitScoring();
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * What the statistics hold, and their size serialized (with a CRC-32 of the bytes, to tell two
     * versions' statistics apart where the size cannot) and as serving checkpoints them.
     */
    private void printStatistics(PrintStream out) throws IOException {
        byte[] statistics = CandidateStatisticsSerializer.toBytes(ranker.statistics());
        CRC32 crc = new CRC32();
        crc.update(statistics);
        out.printf(
                "statistics: %s; %,d bytes serialized (CRC-32 %08x), %,d as serving checkpoints"
                        + " them%n",
                ranker.statistics().size(),
                statistics.length,
                crc.getValue(),
                checkpointedBytes(statistics));
    }

    /** The bytes of serving's checkpoint of {@code statistics} as one subtask's base. */
    private static int checkpointedBytes(byte[] statistics) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(statistics.length / 2);
        StatisticsCheckpointSerializer.INSTANCE.serialize(
                new StatisticsCheckpoint(statistics, new byte[0], 0, 1), out);
        return out.length();
    }

    /**
     * The events with every gap between them (in event time) {@code k} times as long, from the
     * first: the same order and histories on another time scale, to check that the ranker does not
     * hold at the bundled data's pace alone (MovieLens latest-small spans 22 years where the
     * bundled data spans 7 months; {@code --time-scale 30} is about that span).
     */
    static List<UserEvent> timeScaled(double k, List<UserEvent> events) {
        if (k == 1.0 || events.isEmpty()) {
            return events;
        }
        if (!(k > 0)) {
            throw new IllegalArgumentException("time scale must be positive: " + k);
        }
        long first = events.get(0).timestamp();
        List<UserEvent> out = new ArrayList<>(events.size());
        for (UserEvent e : events) {
            long t = first + Math.round((e.timestamp() - first) * k);
            out.add(new UserEvent(e.eventId(), e.userId(), e.itemId(), e.type(), e.value(), t));
        }
        return out;
    }

    /**
     * The events of the users with at least {@code n} events in {@code events}, in order: a dataset
     * of long histories cut from one of mostly short ones (MovieLens keeps only users with at least
     * 20 ratings), to check that a change does not hold on the bundled data's shape alone.
     */
    static List<UserEvent> usersWithAtLeast(int n, List<UserEvent> events) {
        if (n <= 1) {
            return events;
        }
        Map<String, Integer> counts = new HashMap<>();
        events.forEach(e -> counts.merge(e.userId(), 1, Integer::sum));
        return events.stream().filter(e -> counts.get(e.userId()) >= n).toList();
    }

    private static long threadCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
