package io.streamrec.candidates;

/**
 * Sizes and weights of the candidate statistics and sources; {@link #defaults()} are the
 * prototype's (design notes, "A learned ranker over candidate sources") but for the number of items
 * each source returns.
 *
 * @param perSource items each personal source returns (item-to-item, similar users, title words,
 *     text vectors): 40. The prototype took 100. At 50 HR@10 was the same as at 100 on the bundled
 *     data and on its users with at least 20 events (a history as long as MovieLens' users have),
 *     for about a sixth less CPU per event (BENCHMARKS, "Fewer personal candidates"). At 40 the
 *     replay's HR@10 was 0.2670 / 0.2670 (seeds 42 / 7) against 0.2668 / 0.2668 at 50, on users
 *     with at least 20 events 0.2032 against 0.2031, with 105 candidates per event instead of 119,
 *     and the quickstart ran 2-9% faster in three alternating rounds (BENCHMARKS, twentieth
 *     session). At 30 HR@10 began to fall (0.2667 / 0.2666, long histories 0.2025)
 * @param userItems items remembered per user (exclusion, history), as {@code worker.max-user-items}
 * @param pairWindow a user's latest items that co-occur with the next one
 * @param neighbourCap neighbours kept per item in co-occurrence and in transitions
 * @param sequenceItems the user's latest items the item-to-item source reads
 * @param sequenceDecay weight of the k-th latest item in the item-to-item source is decay^k
 * @param usersPerItem recent users remembered per item, whose events make a user similar to the
 *     item's next user. 50, where the prototype took 100: the most recent half of an item's users
 *     ranked a little better (replay HR@10 0.2672 / 0.2673 for seeds 42 / 7 against 0.2667 /
 *     0.2667, users with at least 20 events 0.2022 against 0.2021; 25 gave 0.2669 / 0.2669) for
 *     half the similarity updates and half the lists every serving subtask holds (BENCHMARKS,
 *     fourteenth session). A checkpoint written with another value restores, each list keeping its
 *     newest.
 * @param similarPerUser similar users kept per user
 * @param similarity decay of user-user similarity
 * @param itemsPerSimilarUser latest items read from each similar user
 * @param similarItemDecay weight of a similar user's p-th latest item is decay^p
 * @param titleItems the user's latest items whose rare title words are looked up
 * @param maxItemsPerWord a title word or attribute on more items than this is not rare
 * @param popularityPerSource items each popularity source returns. Fewer than the personal sources:
 *     the five popularity lists overlap, and an item deep in one reaches a user's top 10 only
 *     through personal signals, which the personal sources bring as candidates of their own
 *     (BENCHMARKS, "Fewer popularity candidates"; 30 since 2026-12-03: HR@10 flat down to 20 on all
 *     events, new items, users without history and users with long histories, lower at 10)
 * @param similarUsers which users an event makes similar: {@link SimilarUsers#EARLIER}. Not a bound
 *     of the state: statistics written under either rule restore under the other, and their lists
 *     go on under the rule of the code that restored them
 * @param unseenCatalogItems whether the title-word and text-vector sources offer catalog items no
 *     event has named yet (content-based cold start for items): true. A replay of a public dataset
 *     sets it false, since such catalogs list exactly the items the data rates: an item there
 *     without events is one certain to be rated later, and offering it leaks the future into the
 *     evaluation (0.0022 HR@10 of the bundled replay's 0.2671, BENCHMARKS, fifty-second session)
 */
public record CandidateSettings(
        int perSource,
        int userItems,
        int pairWindow,
        int neighbourCap,
        int sequenceItems,
        double sequenceDecay,
        int usersPerItem,
        int similarPerUser,
        HalfLife similarity,
        int itemsPerSimilarUser,
        double similarItemDecay,
        int titleItems,
        int maxItemsPerWord,
        int popularityPerSource,
        SimilarUsers similarUsers,
        boolean unseenCatalogItems) {

    public static CandidateSettings defaults() {
        return new CandidateSettings(
                40,
                1000,
                20,
                200,
                5,
                0.6,
                50,
                100,
                HalfLife.ofDays(7),
                20,
                0.8,
                2,
                100,
                30,
                SimilarUsers.EARLIER,
                true);
    }

    /** These settings with users made similar by {@code rule}. */
    public CandidateSettings withSimilarUsers(SimilarUsers rule) {
        return with(rule, unseenCatalogItems);
    }

    /** These settings with catalog items that no event named yet offered or not ({@code on}). */
    public CandidateSettings withUnseenCatalogItems(boolean on) {
        return with(similarUsers, on);
    }

    private CandidateSettings with(SimilarUsers rule, boolean unseen) {
        return new CandidateSettings(
                perSource,
                userItems,
                pairWindow,
                neighbourCap,
                sequenceItems,
                sequenceDecay,
                usersPerItem,
                similarPerUser,
                similarity,
                itemsPerSimilarUser,
                similarItemDecay,
                titleItems,
                maxItemsPerWord,
                popularityPerSource,
                rule,
                unseen);
    }
}
