package io.streamrec.ranking;

import io.streamrec.candidates.Candidate;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.eval.EventSample;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;

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
    private final CandidateGenerator statistics;
    private final CandidateFeatures features;
    private final ListwiseScorer scorer;
    private final FeatureScaler scaler;
    private final List<FeatureList> lists = new ArrayList<>();
    private final List<Integer> targets = new ArrayList<>();
    private final List<Float> weights = new ArrayList<>();
    private final List<ItemInteraction.Example> examples = new ArrayList<>();

    /** The scorer's item interaction, or null when it is off. */
    private final ItemInteraction interaction;

    private final EventWeighting weighting;
    private double learnSampleRate = 1.0;
    private int trainingPasses = TRAINING_PASSES;

    /** Counts each user's training lists when the scorer trains with DP-SGD; null otherwise. */
    private final PrivacyAccountant privacy;

    /** Rows (candidates) the feature scaler averages over, about the last 300 events' lists. */
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
        return step(event, candidates, factorization, learnsFrom(event), true);
    }

    /**
     * Learns {@code event} as {@link #rankThenLearn} does, the same training example and
     * statistics, without scoring its candidates: for an event nobody reads the ranking of.
     */
    public void learn(UserEvent event, ItemScores factorization) {
        if (!learnsFrom(event)) {
            statistics.update(event); // neither ranked nor learned from: no candidates needed
            return;
        }
        CandidateSet candidates = statistics.candidates(event.userId(), event.timestamp());
        if (!candidates.contains(event.itemId())) {
            // no training list: nobody would read these candidates' features
            weighting.weigh(event); // the event's value still counts in the running mean
            statistics.update(event);
            return;
        }
        step(event, candidates, factorization, true, false);
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

    private boolean learnsFrom(UserEvent event) {
        return EventSample.includes(event.eventId(), learnSampleRate);
    }

    /**
     * One event through the ranker, before its statistics update: the candidates' features, the
     * scaler's averages (when the list trains), standardised; their scores ({@code ranks}, else
     * null); the training example (when {@code trains} and the event's item is a candidate); then
     * the statistics. The scaler averages the training lists only, so an event nobody ranks and
     * whose item no source returned needs no features at all ({@link #learn}).
     */
    private RankedCandidates step(
            UserEvent event,
            CandidateSet candidates,
            ItemScores factorization,
            boolean trains,
            boolean ranks) {
        List<String> itemIds = itemIds(candidates);
        float weight = trains ? weighting.weigh(event) : 0f;
        int target = weight > 0f ? itemIds.indexOf(event.itemId()) : -1;
        if (target < 0) {
            weight = 0f; // no training list, and none for the scaler to average
        }
        FeatureList list = extract(event, itemIds, candidates, factorization);
        if (weight > 0f) {
            scaler.observe(list);
        }
        scaler.standardise(list);
        List<String> history = history(event.userId());
        ItemInteraction.Lookup found =
                interaction == null || !(ranks || weight > 0f)
                        ? null
                        : interaction.find(itemIds, history);
        RankedCandidates ranked = ranks ? RankedCandidates.of(itemIds, scores(list, found)) : null;
        if (weight > 0f) {
            keep(event.userId(), itemIds, list, history, found, target, weight);
        }
        statistics.update(event);
        return ranked;
    }

    private FeatureList extract(
            UserEvent event,
            List<String> itemIds,
            CandidateSet candidates,
            ItemScores factorization) {
        return features.extract(
                event.userId(),
                event.timestamp(),
                itemIds,
                candidates,
                factorization == null ? null : factorization.of(itemIds));
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
            float weight) {
        lists.add(list);
        targets.add(target);
        weights.add(weight);
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
            int[] t = new int[n];
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                t[i] = targets.get(i);
                w[i] = weights.get(i);
            }
            int passes = scorer.settings().addsNoise() ? 1 : trainingPasses;
            for (int p = 0; p < passes; p++) {
                if (interaction == null) {
                    scorer.step(scorer.gradients(lists, t, w));
                } else {
                    // both at the scores with the terms, the softmax the loss differentiates
                    float[][] terms = new float[n][];
                    for (int i = 0; i < n; i++) {
                        terms[i] = interaction.terms(examples.get(i));
                    }
                    float[][] probabilities = new float[n][];
                    scorer.step(scorer.gradients(lists, t, w, terms, probabilities));
                    interaction.step(examples, probabilities, t, w);
                }
            }
            examples.clear();
            lists.clear();
            targets.clear();
            weights.clear();
        }
        return n;
    }

    /** The user's candidates at time {@code t}, ranked. */
    public RankedCandidates recommend(String userId, long t, ItemScores factorization) {
        CandidateSet candidates = statistics.candidates(userId, t);
        List<String> itemIds = itemIds(candidates);
        FeatureList list =
                features.extract(
                        userId,
                        t,
                        itemIds,
                        candidates,
                        factorization == null ? null : factorization.of(itemIds));
        scaler.standardise(list);
        List<String> history = history(userId);
        return RankedCandidates.of(
                itemIds,
                scores(list, interaction == null ? null : interaction.find(itemIds, history)));
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
