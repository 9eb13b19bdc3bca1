package io.streamrec.serving;

import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.ServingRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Answers a serving subtask's recommendation requests from its replica: the factorization model's
 * top k, or under the learned ranker its ranking of the user's candidates, filled in the
 * factorization model's order while the candidates are fewer than k (a young catalog), in either
 * case without the user's items. An answer holds up to k items (k taken into 1..1,000): fewer when
 * fewer are left after the user's items, none with an empty catalog or a user whose items cover it.
 * It is "model" for a user the replica or the user's items know, "cold-start" otherwise, whatever
 * its size (there is no label for an empty answer), and carries the model version as the request
 * found it.
 */
final class RequestAnswerer {
    /**
     * The user items of a request read from the topic by serving itself: taken from the statistics
     * when it is answered (after a queued forget, they are gone). Compared by identity.
     */
    static final String[] ITEMS_AT_ANSWER = new String[0];

    private final ServingModel model;
    private final LearnedRanking learned;
    private final Consumer<RecommendationResult> answers;

    /**
     * @param learned the learned ranker, null under the factorization model alone
     * @param answers where each answer goes: at once, or from the learned ranker's scoring
     */
    RequestAnswerer(
            ServingModel model, LearnedRanking learned, Consumer<RecommendationResult> answers) {
        this.model = model;
        this.learned = learned;
        this.answers = answers;
    }

    /**
     * Answers {@code serving} at the newest event time seen ({@code newestEventTime}; the request's
     * own time while none was), with up to k items, k taken into 1..1,000: fewer, possibly none,
     * when fewer are left without the user's items.
     */
    void answer(ServingRequest serving, long newestEventTime) {
        RecommendationRequest request = serving.request();
        String[] userItems =
                serving.userItems() == ITEMS_AT_ANSWER
                        ? learned.userItemsOldestFirst(request.userId())
                        : serving.userItems();
        long now = newestEventTime > 0 ? newestEventTime : request.timestamp();
        int k = Math.max(1, Math.min(request.k(), 1000));
        boolean known =
                userItems.length > 0
                        || model.knowsUser(request.userId())
                        || (learned != null && learned.knows(request.userId()));
        long version = model.modelVersion();
        if (learned == null) {
            send(
                    request,
                    modelTopK(request.userId(), userItems, userItems, now, k),
                    known,
                    version);
            return;
        }
        // a request through the workers carries the worker's items, which may hold events serving
        // has not evaluated yet: the candidates leave out only the statistics' items, so the
        // ranking also leaves out the request's, and a fill their union; a request serving reads
        // itself carries the statistics' items, which the candidates already leave out
        boolean itemsOfTheWorker = serving.userItems() != ITEMS_AT_ANSWER;
        Set<String> requestItems =
                itemsOfTheWorker ? new HashSet<>(Arrays.asList(userItems)) : Set.of();
        // what the answer reads of the replica is read now, not when the scores come back: rows
        // applied meanwhile must not change it
        List<RecommendationResult.ScoredItem> fill = new ArrayList<>();
        learned.recommend(
                request.userId(),
                userItems,
                now,
                ranked -> send(request, ranked.scoredTop(k, fill, requestItems), known, version),
                candidateIds -> {
                    int usable = 0;
                    for (String id : candidateIds) {
                        usable += requestItems.contains(id) ? 0 : 1;
                    }
                    if (usable < k) {
                        // a young catalog: the factorization model's order fills the rest; k
                        // more than the usable candidates, which it may repeat
                        String[] excluded =
                                itemsOfTheWorker
                                        ? union(
                                                userItems,
                                                learned.userItemsOldestFirst(request.userId()))
                                        : userItems;
                        fill.addAll(
                                modelTopK(request.userId(), userItems, excluded, now, k + usable));
                    }
                });
    }

    private static String[] union(String[] a, String[] b) {
        Set<String> both = new LinkedHashSet<>(Arrays.asList(a));
        both.addAll(Arrays.asList(b));
        return both.toArray(new String[0]);
    }

    private void send(
            RecommendationRequest request,
            List<RecommendationResult.ScoredItem> items,
            boolean known,
            long modelVersion) {
        answers.accept(
                new RecommendationResult(
                        request.requestId(),
                        request.userId(),
                        items,
                        known ? "model" : "cold-start",
                        modelVersion,
                        System.currentTimeMillis()));
    }

    /** The model's top k for a user with {@code userItems}, without {@code excluded}. */
    private List<RecommendationResult.ScoredItem> modelTopK(
            String userId, String[] userItems, String[] excluded, long now, int k) {
        ServingModel.Ranked top = model.topK(userId, userItems, now, k, model.indicesOf(excluded));
        List<RecommendationResult.ScoredItem> items = new ArrayList<>(top.items().length);
        for (int j = 0; j < top.items().length; j++) {
            items.add(
                    new RecommendationResult.ScoredItem(
                            model.itemId(top.items()[j]), top.scores()[j]));
        }
        return items;
    }
}
