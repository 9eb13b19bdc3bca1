package io.streamrec.candidates;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.UserEvent;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Candidate items for a user at an event time, from bounded statistics learned test-then-learn:
 * read {@link #candidates} before an event, then apply it once with {@link #update}. Every source
 * skips the user's own items; ties go to the lower item id, so a replay gives the same sets every
 * time.
 *
 * <p>State is per item (popularity counters, capped co-occurrence and transition rows, capped
 * recent users, title words) and per user (capped recent items and similar users): it grows with
 * items and users, never with their product.
 */
public final class CandidateGenerator {
    private static final RecentKeys NO_ITEMS = new RecentKeys(1);

    private final CandidateSettings settings;
    private final ItemPopularity popularity = new ItemPopularity();
    private final ItemPairs pairs;
    private final UserNeighbourhood neighbourhood;
    private final TitleWords titleWords;
    private final Map<String, RecentKeys> userItems = new HashMap<>();
    private long updates;

    public CandidateGenerator(CandidateSettings settings, ItemCatalog catalog) {
        this.settings = settings;
        this.pairs = new ItemPairs(settings.neighbourCap());
        this.neighbourhood =
                new UserNeighbourhood(
                        settings.usersPerItem(), settings.similarPerUser(), settings.similarity());
        this.titleWords = TitleWords.of(catalog, settings.maxItemsPerWord());
    }

    /** Applies one event to every statistic, exactly once. */
    public void update(UserEvent event) {
        String user = event.userId();
        String item = event.itemId();
        long t = event.timestamp();
        RecentKeys history =
                userItems.computeIfAbsent(user, u -> new RecentKeys(settings.userItems()));
        pairs.add(item, history.mostRecent(settings.pairWindow()));
        popularity.add(item, t);
        neighbourhood.add(user, item, t);
        history.add(item);
        updates++;
    }

    /** Indexes a new or changed catalog item for the title-word source. */
    public void putItem(String itemId, String title, List<String> attributes) {
        titleWords.put(itemId, title, attributes);
    }

    /** Each source's top items for {@code user} at time {@code t}, united. */
    public CandidateSet candidates(String user, long t) {
        RecentKeys history = userItems.getOrDefault(user, NO_ITEMS);
        Predicate<String> excluded = history::contains;
        int n = settings.perSource();
        EnumMap<Source, List<ScoredItem>> lists = new EnumMap<>(Source.class);
        for (Source s : Source.decayedPopularity()) {
            lists.put(s, popularity.top(s, n, excluded, t));
        }
        lists.put(
                Source.POPULARITY_ALL_TIME,
                popularity.top(Source.POPULARITY_ALL_TIME, n, excluded, t));
        if (!history.isEmpty()) {
            List<String> recent = history.mostRecent(settings.sequenceItems());
            lists.put(
                    Source.ITEM_TO_ITEM,
                    TopScores.of(
                            pairs.sequenceScores(recent, settings.sequenceDecay()), n, excluded));
            Map<String, Double> similar =
                    neighbourhood.recentItemsOfSimilar(
                            user,
                            t,
                            userItems::get,
                            settings.itemsPerSimilarUser(),
                            settings.similarItemDecay());
            lists.put(Source.SIMILAR_USERS, TopScores.of(similar, n, excluded));
            List<String> titled = history.mostRecent(settings.titleItems());
            lists.put(
                    Source.TITLE_WORDS,
                    TopScores.of(titleWords.sharedRareWords(titled), n, excluded));
        }
        return CandidateSet.union(lists);
    }

    /** Events applied so far. */
    public long updates() {
        return updates;
    }

    /** The user's remembered items, most recent first. */
    public List<String> userItems(String user) {
        return userItems.getOrDefault(user, NO_ITEMS).mostRecent(settings.userItems());
    }

    ItemPopularity popularity() {
        return popularity;
    }

    ItemPairs pairs() {
        return pairs;
    }

    UserNeighbourhood neighbourhood() {
        return neighbourhood;
    }

    TitleWords titleWords() {
        return titleWords;
    }

    /** The largest per-user item memory. */
    int longestUserItems() {
        return userItems.values().stream().mapToInt(RecentKeys::size).max().orElse(0);
    }
}
