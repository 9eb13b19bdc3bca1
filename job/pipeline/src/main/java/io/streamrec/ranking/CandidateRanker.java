package io.streamrec.ranking;

import io.streamrec.candidates.Candidate;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.eval.EventSample;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learned ranker over candidate sources, test-then-learn: {@link #rankThenLearn} ranks an
 * event's user's candidates as the statistics were before the event, keeps the list as a training
 * example and applies the event to the statistics; {@link #endBatch} trains the scorer on the
 * batch's examples in one DJL pass. {@link #recommend} answers a request from the same state. One
 * thread uses it.
 *
 * <p>An event whose item no source returned is a miss and no training example: its features would
 * say "no source" for the one positive, teaching the scorer the opposite of what serving needs.
 */
public final class CandidateRanker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CandidateRanker.class);

    private final CandidateGenerator statistics;
    private final CandidateFeatures features;
    private final ListwiseScorer scorer;
    private final FeatureScaler scaler;
    private final List<FeatureList> lists = new ArrayList<>();
    private final List<Integer> targets = new ArrayList<>();
    private final List<Float> weights = new ArrayList<>();
    private final List<ItemInteraction.Example> examples = new ArrayList<>();

    /** Per kept list, its rows' score corrections when it is a sample of negatives, else null. */
    private final List<float[]> corrections = new ArrayList<>();

    /** The scorer's item interaction, or null when it is off. */
    private final ItemInteraction interaction;

    private final EventWeighting weighting;
    private double learnSampleRate = 1.0;
    private int trainingPasses = TRAINING_PASSES;
    private double negativesShare = TRAINING_NEGATIVES;

    /** Counts each user's training lists per step when the scorer trains with DP-SGD; else null. */
    private final PrivacyAccountant privacy;

    /** The count of values that were not numbers at which {@link #endBatch} next warns. */
    private long nextNonFiniteWarning = 1;

    /**
     * Rows (candidates) the feature scaler averages over: the training rows of about the last 3,700
     * events (about 105 candidates each, a quarter of each list's negatives, {@link
     * #TRAINING_NEGATIVES}).
     */
    public static final double SCALER_HORIZON = 100_000;

    /**
     * AdaGrad steps the scorer takes on each batch's lists by default ({@link #trainingPasses}),
     * each from the gradient at the weights the previous one left: a batch of 64 events makes one
     * step where per-event steps made 64, and a second pass recovers part of what batching costs
     * (MovieTweetings replay, with the sequence share columns: HR@10 0.2661 / 0.2657 for seeds 42 /
     * 7 from 0.2655 / 0.2652 with one pass; users with at least 20 events 0.2014 from 0.1997), for
     * about a tenth more replay CPU. Three passes did worse (0.2653 / 0.2654).
     */
    public static final int TRAINING_PASSES = 2;

    /**
     * The share of a training list's negatives the scorer learns from by default ({@link
     * NegativeSample}). MovieTweetings replay HR@10 0.2668 / 0.2668 for seeds 42 / 7 against 0.2675
     * / 0.2673 with every negative (a half: 0.2671 / 0.2673), users with at least 20 events 0.2031
     * against 0.2023: within a seed's spread, for training passes over a quarter of the rows and,
     * on a list nobody ranks, most features for a quarter of them (replay at 10% evaluated: 13%
     * less CPU).
     */
    public static final double TRAINING_NEGATIVES = 0.25;

    /**
     * The context entries standardised with the features: the log activity (MovieTweetings HR@10
     * +0.0020 over none, two seeds; all entries +0.0016).
     */
    public static final FeatureScaler.ContextScaling CONTEXT_SCALING =
            FeatureScaler.ContextScaling.ACTIVITY;

    /**
     * A ranker that starts close to trending (linear weight 1 on the 1-day decayed count, the other
     * linear weights 0; the hidden layer's small random output weights move scores a little), so
     * its first answers are already a strong heuristic's, and learns from there.
     */
    public CandidateRanker(
            CandidateGenerator statistics, CandidateFeatures features, ListwiseScorer scorer) {
        this(statistics, features, scorer, SCALER_HORIZON);
    }

    /**
     * @param scalerHorizon rows (candidates) the feature standardisation averages over
     */
    public CandidateRanker(
            CandidateGenerator statistics,
            CandidateFeatures features,
            ListwiseScorer scorer,
            double scalerHorizon) {
        this(
                statistics,
                features,
                scorer,
                scalerHorizon,
                new EventWeighting(EventWeighting.Mode.UNIFORM));
    }

    /**
     * @param scalerHorizon rows (candidates) the feature standardisation averages over
     * @param weighting each training list's weight in the loss, from its event
     */
    public CandidateRanker(
            CandidateGenerator statistics,
            CandidateFeatures features,
            ListwiseScorer scorer,
            double scalerHorizon,
            EventWeighting weighting) {
        this(
                statistics,
                features,
                scorer,
                new FeatureScaler(scorer.layout().features(), scalerHorizon, CONTEXT_SCALING),
                weighting);
    }

    /**
     * @param scaler standardises the features (and the context, as it says) before scoring
     * @param weighting each training list's weight in the loss, from its event
     */
    public CandidateRanker(
            CandidateGenerator statistics,
            CandidateFeatures features,
            ListwiseScorer scorer,
            FeatureScaler scaler,
            EventWeighting weighting) {
        this.statistics = statistics;
        this.weighting = weighting;
        this.features = features;
        this.scorer = scorer;
        this.scaler = scaler;
        ScorerSettings s = scorer.settings();
        this.privacy =
                s.addsNoise()
                        ? new PrivacyAccountant(
                                s.noiseMultiplier(), PrivacyAccountant.DEFAULT_DELTA)
                        : null;
        scorer.setInitialWeight(Feature.COUNT_1D.column(), 1f);
        // the scorer keeps the interaction off where it clips gradients
        ItemInteraction i = scorer.itemInteraction();
        this.interaction = i.on() ? i : null;
    }

    /** Scores of a list of items by another model (the factorization feature). */
    @FunctionalInterface
    public interface ItemScores {
        float[] of(List<String> itemIds);
    }

    /**
     * Ranks the candidates of {@code event}'s user at its time, keeps them as a training example
     * when the event's item is among them and the event is in the learn sample ({@link
     * #learnFrom}), and applies the event to the statistics.
     *
     * @param factorization the factorization model's scores, or null (that feature stays zero)
     */
    public RankedCandidates rankThenLearn(UserEvent event, ItemScores factorization) {
        return rankThenLearn(
                event, statistics.candidates(event.userId(), event.timestamp()), factorization);
    }

    /**
     * As {@link #rankThenLearn(UserEvent, ItemScores)}, with the candidates already read for the
     * event (by {@link CandidateGenerator#candidates}, before the event was applied).
     */
    public RankedCandidates rankThenLearn(
            UserEvent event, CandidateSet candidates, ItemScores factorization) {
        return complete(prepareRanking(event, candidates, factorization));
    }

    /**
     * The first half of {@link #rankThenLearn(UserEvent, CandidateSet, ItemScores)}, on the
     * statistics' thread; {@link #complete} finishes it, in order.
     */
    public Prepared prepareRanking(
            UserEvent event, CandidateSet candidates, ItemScores factorization) {
        return prepare(event, candidates, factorization, learnsFrom(event), true);
    }

    /**
     * Learns {@code event} as {@link #rankThenLearn} does, the same training example and
     * statistics, without scoring its candidates: for an event nobody reads the ranking of.
     */
    public void learn(UserEvent event, ItemScores factorization) {
        complete(prepareLearning(event, factorization));
    }

    /**
     * The first half of {@link #learn}, on the statistics' thread: the candidates' features, when
     * the event trains, and the statistics update. {@link #complete} finishes it, in order.
     */
    public Prepared prepareLearning(UserEvent event, ItemScores factorization) {
        if (!learnsFrom(event)) {
            statistics.update(event); // neither ranked nor learned from: no candidates needed
            return Prepared.NOTHING;
        }
        CandidateSet candidates = statistics.candidates(event.userId(), event.timestamp());
        if (!candidates.contains(event.itemId())) {
            // no training list: nobody would read these candidates' features
            statistics.update(event);
            return new Prepared(event, null, null, null, -1, true, false, null, 0f);
        }
        return prepare(event, candidates, factorization, true, false);
    }

    /**
     * The scorer (and its feature scaler) learns from {@code sampleRate} of the events, chosen by
     * event id ({@link EventSample}); the statistics learn from every event. 1 (the default): all.
     */
    public void learnFrom(double sampleRate) {
        this.learnSampleRate = EventSample.checkRate(sampleRate, "learn sample rate");
    }

    /**
     * The scorer takes {@code passes} AdaGrad steps on each batch's lists ({@link #TRAINING_PASSES}
     * by default); one with DP-SGD noise, where a second would spend the privacy budget twice.
     */
    public void trainingPasses(int passes) {
        if (passes < 1) {
            throw new IllegalArgumentException("training passes must be at least 1: " + passes);
        }
        this.trainingPasses = passes;
    }

    /**
     * The scorer learns from each training list's event item and {@code share} of its other
     * candidates ({@link NegativeSample}; {@link #TRAINING_NEGATIVES} by default, 1: all). A list
     * nobody ranks then has features for those rows only. Every negative where the scorer clips
     * gradients: the corrections would enter the clipped per-list gradients.
     */
    public void trainingNegatives(double share) {
        this.negativesShare = EventSample.checkRate(share, "training negatives share");
    }

    private double negativesShare() {
        return scorer.settings().clips() ? 1.0 : negativesShare;
    }

    private boolean learnsFrom(UserEvent event) {
        return EventSample.includes(event.eventId(), learnSampleRate);
    }

    /**
     * What an event or request needs from the statistics, read before the event is applied to them:
     * the candidates' raw features and the user's latest items. Everything after it ({@link
     * #complete}: the event's weight, the feature scaler, the scorer, the item interaction and the
     * training example) reads none of the statistics, so it can run on another thread while the
     * next events are prepared, and gives the same results as long as the prepared work completes
     * in the order it was prepared.
     */
    public static final class Prepared {
        /** Work with nothing left to do after the statistics update. */
        static final Prepared NOTHING =
                new Prepared(null, null, null, null, -1, false, false, null, 0f);

        private final UserEvent event;
        private final List<String> itemIds;
        private final FeatureList list;
        private final List<String> history;
        private final int target;
        private final boolean trains;
        private final boolean ranks;

        /** The rows of {@code list} the scorer trains on; null: all of them. */
        private final boolean[] trainingRows;

        /**
         * What each kept negative's score gains in the loss ({@link NegativeSample#correction}),
         * fixed with the rows it was drawn for; 0 when the list trains on every row.
         */
        private final float correction;

        private Prepared(
                UserEvent event,
                List<String> itemIds,
                FeatureList list,
                List<String> history,
                int target,
                boolean trains,
                boolean ranks,
                boolean[] trainingRows,
                float correction) {
            this.event = event;
            this.itemIds = itemIds;
            this.list = list;
            this.history = history;
            this.target = target;
            this.trains = trains;
            this.ranks = ranks;
            this.trainingRows = trainingRows;
            this.correction = correction;
        }

        /** The candidates the list holds (0 when there is no list). */
        public int candidates() {
            return itemIds == null ? 0 : itemIds.size();
        }

        /** The ids of the candidates the list holds, in its order (none when there is no list). */
        public List<String> candidateIds() {
            return itemIds == null ? List.of() : Collections.unmodifiableList(itemIds);
        }
    }

    /**
     * One event's first half: its candidates' features (standardised only in {@link #complete}),
     * the position of its item among them, the user's latest items, then the statistics update.
     */
    private Prepared prepare(
            UserEvent event,
            CandidateSet candidates,
            ItemScores factorization,
            boolean trains,
            boolean ranks) {
        List<String> itemIds = itemIds(candidates);
        int target = itemIds.indexOf(event.itemId());
        double share = negativesShare();
        boolean[] rows =
                trains && target >= 0
                        ? NegativeSample.rows(event.eventId(), itemIds.size(), target, share)
                        : null;
        float correction = rows == null ? 0f : NegativeSample.correction(share);
        // nobody reads this list's ranking: features for its training rows only, then all it has
        Prepared prepared =
                rows != null && !ranks
                        ? prepareTrainingRows(
                                event, itemIds, candidates, factorization, rows, target, correction)
                        : new Prepared(
                                event,
                                itemIds,
                                extract(event, itemIds, candidates, factorization, null, itemIds),
                                history(event.userId()),
                                target,
                                trains,
                                ranks,
                                rows,
                                correction);
        statistics.update(event);
        return prepared;
    }

    /**
     * The work of a list nobody ranks that trains on the rows {@code rows} keeps: their features
     * alone, as a list of its own, its event's item at its place among them.
     */
    private Prepared prepareTrainingRows(
            UserEvent event,
            List<String> itemIds,
            CandidateSet candidates,
            ItemScores factorization,
            boolean[] rows,
            int target,
            float correction) {
        List<String> listIds = NegativeSample.keptItems(itemIds, rows);
        FeatureList list = extract(event, itemIds, candidates, factorization, rows, listIds);
        return new Prepared(
                event,
                listIds,
                list,
                history(event.userId()),
                NegativeSample.keptIndex(rows, target),
                true,
                false,
                null,
                correction);
    }

    /**
     * The second half of an event's or request's work, in the order they were prepared: the event's
     * weight, the scaler's averages (when the list trains), standardised features, their scores
     * ({@code ranks}, else null) and the training example (when the event trains and its item is a
     * candidate). The scaler averages the training lists only, so an event nobody ranks and whose
     * item no source returned has no features at all ({@link #prepareLearning}).
     */
    public RankedCandidates complete(Prepared p) {
        if (p.event == null && p.list == null) {
            return null; // nothing after the statistics update
        }
        float weight = p.trains && p.event != null ? weighting.weigh(p.event) : 0f;
        if (p.list == null) {
            return null; // a miss: its value still counts in the weighting's running mean
        }
        if (p.target < 0) {
            weight = 0f; // no training list, and none for the scaler to average
        }
        // the scaler averages the rows the scorer trains on, the event's answer among them, so a
        // ranked list is standardised before it learns them (ranked with the averages of earlier
        // events alone: test, then learn) and its training rows, a copy, after
        FeatureList training = p.list;
        if (weight > 0f && p.trainingRows != null) {
            training = p.list.rows(p.trainingRows);
        } else if (weight > 0f && p.ranks) {
            training = p.list.copy();
        }
        if (training != p.list) {
            scaler.standardise(p.list);
        }
        if (weight > 0f) {
            scaler.observe(training);
        }
        scaler.standardise(training);
        ItemInteraction.Lookup found =
                interaction == null || !(p.ranks || weight > 0f)
                        ? null
                        : interaction.find(p.itemIds, p.history);
        RankedCandidates ranked =
                p.ranks ? RankedCandidates.of(p.itemIds, scores(p.list, found)) : null;
        if (weight > 0f) {
            keepTraining(p, training, found, weight);
        }
        return ranked;
    }

    /** Keeps {@code p}'s training rows ({@code training}) as an example. */
    private void keepTraining(
            Prepared p, FeatureList training, ItemInteraction.Lookup found, float weight) {
        boolean[] rows = p.trainingRows;
        List<String> itemIds = rows == null ? p.itemIds : NegativeSample.keptItems(p.itemIds, rows);
        int target = rows == null ? p.target : NegativeSample.keptIndex(rows, p.target);
        if (rows != null && found != null) {
            found =
                    new ItemInteraction.Lookup(
                            NegativeSample.keptSlots(found.candidates(), rows), found.history());
        }
        float[] correction = null;
        if (p.correction != 0f) {
            correction = new float[itemIds.size()];
            Arrays.fill(correction, p.correction);
            correction[target] = 0f;
        }
        keep(p.event.userId(), itemIds, training, p.history, found, target, weight, correction);
    }

    /** The features of the rows {@code rows} keeps (all when null): the items {@code keptIds}. */
    private FeatureList extract(
            UserEvent event,
            List<String> itemIds,
            CandidateSet candidates,
            ItemScores factorization,
            boolean[] rows,
            List<String> keptIds) {
        return features.extract(
                event.userId(),
                event.timestamp(),
                itemIds,
                candidates,
                factorization == null ? null : factorization.of(keptIds),
                rows);
    }

    /** The user's latest items the item interaction reads, null when it is off. */
    private List<String> history(String userId) {
        return interaction == null
                ? null
                : statistics.userItems(userId, interaction.historyItems());
    }

    /** The scorer's scores plus the item interaction's terms (when on: {@code found} not null). */
    private float[] scores(FeatureList list, ItemInteraction.Lookup found) {
        float[] scores = scorer.scores(list);
        if (found != null) {
            float[] offsets = interaction.terms(found);
            for (int i = 0; i < scores.length; i++) {
                scores[i] += offsets[i];
            }
        }
        return scores;
    }

    /** Keeps the list as a training example, its event's item at {@code target}. */
    private void keep(
            String userId,
            List<String> itemIds,
            FeatureList list,
            List<String> history,
            ItemInteraction.Lookup found,
            int target,
            float weight,
            float[] correction) {
        lists.add(list);
        targets.add(target);
        weights.add(weight);
        corrections.add(correction);
        if (interaction != null) {
            examples.add(interaction.example(found, itemIds, history));
        }
        if (privacy != null) {
            privacy.record(userId);
        }
    }

    /** Applies an event that another subtask ranks and learns to the statistics only. */
    public void learnStatistics(UserEvent event) {
        statistics.update(event);
    }

    /**
     * Trains the scorer on the examples since the last call, in one batch ({@link #trainingPasses}
     * steps); returns their count. With DP-SGD noise a batch without examples takes a noise-only
     * step, so whether the weights moved does not tell whether the batch had any list.
     */
    public int endBatch() {
        int n = lists.size();
        if (n == 0 && scorer.settings().addsNoise()) {
            scorer.step(scorer.noiseGradients());
        } else if (n > 0) {
            trainOnBatch(n);
            if (privacy != null) {
                privacy.endStep(); // one noisy step: a user's k lists in it cost k²
            }
            examples.clear();
            corrections.clear();
            lists.clear();
            targets.clear();
            weights.clear();
        }
        warnOfNonFiniteValues();
        return n;
    }

    /**
     * The scorer's {@link #trainingPasses} steps (one with DP-SGD noise) on the batch's n lists.
     */
    private void trainOnBatch(int n) {
        int[] t = new int[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = targets.get(i);
            w[i] = weights.get(i);
        }
        int passes = scorer.settings().addsNoise() ? 1 : trainingPasses;
        // per list, null for one of every negative; none at all where the scorer clips
        float[][] offsets = corrections.toArray(new float[0][]);
        boolean corrected = corrections.stream().anyMatch(c -> c != null);
        for (int p = 0; p < passes; p++) {
            if (interaction == null) {
                scorer.step(
                        corrected
                                ? scorer.gradients(lists, t, w, offsets, null)
                                : scorer.gradients(lists, t, w));
            } else {
                stepWithInteraction(n, t, w);
            }
        }
    }

    /**
     * One step of the scorer and, where the scorer's took, of the item interaction, both at the
     * scores with the interaction's terms: the softmax the loss differentiates.
     */
    private void stepWithInteraction(int n, int[] t, float[] w) {
        float[][] terms = new float[n][];
        for (int i = 0; i < n; i++) {
            terms[i] = interaction.terms(examples.get(i));
            addCorrection(terms[i], corrections.get(i));
        }
        float[][] probabilities = new float[n][];
        // a softmax that is not a number gives a gradient that is not: neither steps
        if (scorer.step(scorer.gradients(lists, t, w, terms, probabilities))) {
            interaction.step(examples, probabilities, t, w);
        }
    }

    /**
     * Warns when the feature values and gradients the ranker kept from its weights, because they
     * were not numbers, reach 1, 10, 100, ...: a broken input upstream (a row or a statistic) that
     * the ranking survives but should not meet.
     */
    private void warnOfNonFiniteValues() {
        long values = scaler.nonFiniteValues();
        long lists = scorer.droppedLists();
        long steps = scorer.skippedSteps();
        if (values + lists + steps >= nextNonFiniteWarning) {
            LOG.warn(
                    "The learned ranker has standardised {} feature values that were not numbers"
                            + " (each set to 0, a standardised column's mean), left {} lists out of"
                            + " clipped batches and skipped {} training steps whose gradient was"
                            + " not, so far",
                    values,
                    lists,
                    steps);
            while (nextNonFiniteWarning <= values + lists + steps) {
                nextNonFiniteWarning *= 10;
            }
        }
    }

    private static void addCorrection(float[] scores, float[] correction) {
        if (correction != null) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] += correction[i];
            }
        }
    }

    /** The user's candidates at time {@code t}, ranked. */
    public RankedCandidates recommend(String userId, long t, ItemScores factorization) {
        return complete(prepareRecommendation(userId, t, factorization));
    }

    /** The first half of {@link #recommend}; {@link #complete} finishes it, in order. */
    public Prepared prepareRecommendation(String userId, long t, ItemScores factorization) {
        CandidateSet candidates = statistics.candidates(userId, t);
        List<String> itemIds = itemIds(candidates);
        FeatureList list =
                features.extract(
                        userId,
                        t,
                        itemIds,
                        candidates,
                        factorization == null ? null : factorization.of(itemIds));
        return new Prepared(null, itemIds, list, history(userId), -1, false, true, null, 0f);
    }

    private static List<String> itemIds(CandidateSet candidates) {
        List<String> itemIds = new ArrayList<>(candidates.size());
        for (Candidate c : candidates.candidates()) {
            itemIds.add(c.itemId());
        }
        return itemIds;
    }

    public CandidateGenerator statistics() {
        return statistics;
    }

    public FeatureScaler scaler() {
        return scaler;
    }

    /** The DP-SGD accounting, or null when the scorer adds no noise. */
    public PrivacyAccountant privacy() {
        return privacy;
    }

    public ListwiseScorer scorer() {
        return scorer;
    }

    @Override
    public void close() {
        scorer.close();
    }
}
