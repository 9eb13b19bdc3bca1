package io.streamrec.serving;

import io.streamrec.eval.PrequentialCounts;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * Test-then-learn ranks of an event's item for the recommenders prequential evaluation compares (in
 * the order of {@code PrequentialCounts.RECOMMENDERS}): the model, all-time popularity, trending
 * popularity and trending + co-occurrence. Under {@link ModelType#BPR} the model and the popularity
 * baselines read the serving replica (the baselines' scores, and their leading items, taken once
 * per batch: the replica does not change while a batch is evaluated), and trending + co-occurrence
 * is not ranked ({@link PrequentialCounts#NOT_RANKED}: its figures are absent). Under {@link
 * ModelType#RANKER} all four come from {@link LearnedRanking}'s statistics, which learn every event
 * right after ranking it: the replica would give the baselines a batch's events only after the
 * batch, where the ranker sees each at once.
 */
public final class EventRanker {
    /**
     * Leaders beyond k each baseline keeps, so 64 at k = 10: a user holding more than 54 of them is
     * answered by a scan of every score instead.
     */
    private static final int LEADERS_SPARE = 54;

    private final ServingModel model;
    private final LearnedRanking learned;
    private final double trendDecayPerMs;
    private final int k;
    private final TopK.Leaders popularityLeaders;
    private final TopK.Leaders trendingLeaders;
    private float[] popularity;
    private float[] trending;
    private boolean scoresStale = true;

    public EventRanker(ServingModel model, double trendDecayPerMs, int k) {
        this(model, null, trendDecayPerMs, k);
    }

    EventRanker(ServingModel model, LearnedRanking learned, double trendDecayPerMs, int k) {
        this.model = model;
        this.learned = learned;
        this.trendDecayPerMs = trendDecayPerMs;
        this.k = k;
        this.popularityLeaders = new TopK.Leaders(k + LEADERS_SPARE);
        this.trendingLeaders = new TopK.Leaders(k + LEADERS_SPARE);
    }

    /** Forgets the baselines' scores: call before the events of a new batch. */
    public void startBatch() {
        scoresStale = true;
    }

    /** Ranks and top-10 lists of one event, per recommender (a null list: not known). */
    public record Ranks(int[] ranks, String[][] topItems) {}

    /**
     * Where each recommender ranks {@code event}'s item for its user (0 = best, -1 = not in the top
     * k), excluding the items the user already has ({@code userItems}, before this event).
     */
    public int[] ranks(UserEvent event, String[] userItems) {
        return evaluate(event, userItems).ranks();
    }

    /** {@link #ranks}, with the learned ranker's and the heuristic's top-10 lists. */
    public Ranks evaluate(UserEvent event, String[] userItems) {
        List<Ranks> out = new ArrayList<>(1);
        evaluate(event, userItems, out::add);
        if (out.isEmpty()) {
            throw new IllegalStateException("the learned ranker scores on a thread of its own");
        }
        return out.get(0);
    }

    /**
     * {@link #evaluate(UserEvent, String[])}, the ranks to {@code then}: at once, or once the
     * learned ranker's scoring thread hands them over ({@link LearnedRanking#scoreOnThread}).
     */
    public void evaluate(UserEvent event, String[] userItems, Consumer<Ranks> then) {
        if (learned != null) {
            evaluateLearned(event, userItems, then);
            return;
        }
        refreshBaselineScoresIfStale();
        int[] excludedSorted = model.sortedIndicesOf(userItems);
        IntPredicate excluded = i -> Arrays.binarySearch(excludedSorted, i) >= 0;
        int target = model.itemIndexOf(event.itemId());
        int popularityRank = popularityLeaders.rankOf(target, k, excluded);
        int trendingRank = trendingLeaders.rankOf(target, k, excluded);
        int modelRank =
                model.rankOf(
                        event.userId(),
                        userItems,
                        event.timestamp(),
                        target,
                        k,
                        Arrays.stream(excludedSorted).boxed().collect(Collectors.toSet()));
        then.accept(
                new Ranks(
                        new int[] {
                            modelRank, popularityRank, trendingRank, PrequentialCounts.NOT_RANKED
                        },
                        new String[4][]));
    }

    /** The four ranks and two top-10 lists from {@link LearnedRanking}, to {@code then}. */
    private void evaluateLearned(UserEvent event, String[] userItems, Consumer<Ranks> then) {
        learned.evaluateThenLearn(
                event,
                userItems,
                e ->
                        then.accept(
                                new Ranks(
                                        new int[] {
                                            e.rank(),
                                            e.popularityRank(),
                                            e.trendingRank(),
                                            e.heuristicRank()
                                        },
                                        new String[][] {
                                            e.top().toArray(String[]::new),
                                            null,
                                            null,
                                            e.heuristicTop().toArray(String[]::new)
                                        })));
    }

    /** The baselines' scores and leaders of this batch, taken at its first event. */
    private void refreshBaselineScoresIfStale() {
        if (scoresStale) {
            // the arrays of the batch before are refilled, not thrown away
            popularity = model.popularityScores(popularity);
            trending = model.trendingScores(trendDecayPerMs, trending);
            popularityLeaders.take(popularity);
            trendingLeaders.take(trending);
            scoresStale = false;
        }
    }
}
