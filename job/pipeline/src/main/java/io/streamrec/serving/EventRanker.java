package io.streamrec.serving;

import io.streamrec.schema.UserEvent;
import java.util.Set;

/**
 * Test-then-learn ranks of an event's item for the recommenders prequential evaluation compares (in
 * the order of {@code PrequentialCounts.RECOMMENDERS}): the model, all-time popularity and trending
 * popularity, all read from one serving replica; trending + co-occurrence is not ranked here yet
 * (-1, a miss). The baselines' scores are taken once per batch: the replica does not change while a
 * batch is evaluated.
 */
public final class EventRanker {
    private final ServingModel model;
    private final double trendDecayPerMs;
    private final int k;
    private float[] popularity;
    private float[] trending;

    public EventRanker(ServingModel model, double trendDecayPerMs, int k) {
        this.model = model;
        this.trendDecayPerMs = trendDecayPerMs;
        this.k = k;
    }

    /** Forgets the baselines' scores: call before the events of a new batch. */
    public void startBatch() {
        popularity = null;
        trending = null;
    }

    /**
     * Where each recommender ranks {@code event}'s item for its user (0 = best, -1 = not in the top
     * k), excluding the items the user already has ({@code userItems}, before this event).
     */
    public int[] ranks(UserEvent event, String[] userItems) {
        if (popularity == null) {
            popularity = model.popularityScores();
            trending = model.trendingScores(trendDecayPerMs);
        }
        Set<Integer> excluded = model.indicesOf(userItems);
        int target = model.itemIndexOf(event.itemId());
        return new int[] {
            model.rankOf(event.userId(), userItems, event.timestamp(), target, k, excluded),
            TopK.rankOf(popularity, target, k, excluded),
            TopK.rankOf(trending, target, k, excluded),
            -1
        };
    }
}
