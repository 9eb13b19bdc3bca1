package io.streamrec.candidates;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ingest.ItemJsonCodec;
import io.streamrec.schema.ReadBounds;
import io.streamrec.schema.UserEvent;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Candidate items for a user at an event time, from bounded statistics learned test-then-learn:
 * read {@link #candidates} before an event, then apply it once with {@link #update}. Every source
 * skips the user's own items; ties go to the lower item id, so a replay gives the same sets every
 * time. Not thread-safe (one instance per task, like the worker's state).
 *
 * <p>State is per item (popularity counters, capped co-occurrence and transition rows, capped
 * recent users, title words) and per user (capped recent items and similar users): it grows with
 * items and users, never with their product. Ids are mapped to dense indices on first sight,
 * catalog items first.
 */
public final class CandidateGenerator {
    /** Characters of an item's title or attribute the statistics keep (see {@link #bounded}). */
    static final int MAX_TEXT_CHARS = ItemJsonCodec.MAX_TITLE_CHARS;

    /** Position of the users per item in {@link #stateBounds}. */
    private static final int USERS_PER_ITEM_BOUND = 2;

    private final CandidateSettings settings;
    private final IdIndex items = new IdIndex();
    private final IdIndex users = IdIndex.users();
    private final ItemPopularity popularity;

    /**
     * {@link ItemPopularity#seen}, made once: {@link #retainOffered} runs for every candidate read.
     */
    private final IntPredicate seenItem;

    private final ItemPairs pairs;
    private final UserNeighbourhood neighbourhood;
    private final TitleWords titleWords;
    private final UserHistories userItems = new UserHistories();
    private final ExcludedItems excluded = new ExcludedItems();
    private final ItemScores scores = new ItemScores(items);
    private final CandidateUnion union = new CandidateUnion(items, true);
    private final NeighbourSupport neighbourSupport = new NeighbourSupport();
    private ActivityStatistics activity = new ActivityStatistics();
    private Changes changes = Changes.NONE;
    private long updates;

    /**
     * Whose similar users, activity and whole history this generator keeps: a serving subtask's own
     * users (the only ones it ranks). Everything else is kept for every user and item, because
     * every subtask needs it.
     */
    private Predicate<String> keepsUserStatisticsOf = userId -> true;

    /** By user index: whether {@link #keepsUserStatisticsOf} was asked, and what it said. */
    private final BitSet ownershipKnown = new BitSet();

    private final BitSet owned = new BitSet();

    /**
     * What changes the statistics, in the order applied: replaying the same calls on a copy of the
     * statistics as they were before the first one gives the same statistics (every update is
     * deterministic), so a journal of them can stand in for a full snapshot.
     */
    public interface Changes {
        Changes NONE =
                new Changes() {
                    @Override
                    public void event(UserEvent event) {}

                    @Override
                    public void item(String itemId, String title, List<String> attributes) {}
                };

        /**
         * {@link #forget} was called for this user, whom the statistics knew: earlier entries hold
         * the user's events, so a journal must not outlive this call. Not called for a user they do
         * not know.
         */
        default void forget(String userId) {}

        /** {@link #update} was called with this event. */
        void event(UserEvent event);

        /** {@link #putItem} was called with this item. */
        void item(String itemId, String title, List<String> attributes);
    }

    /** Item text vectors, null when off (then no encoder class is ever loaded). */
    private ItemTextVectors textVectors;

    public CandidateGenerator(CandidateSettings settings, ItemCatalog catalog) {
        this(settings, catalog, null);
    }

    /**
     * @param textVectors language-model item vectors for the text-vector source and features, or
     *     null (off); the catalog's items are encoded here, in one call
     */
    public CandidateGenerator(
            CandidateSettings settings, ItemCatalog catalog, ItemTextVectors textVectors) {
        this.settings = settings;
        this.textVectors = textVectors;
        // a source's read skips at most the user's history, so this many ranked keep it exact
        this.popularity =
                new ItemPopularity(items, settings.popularityPerSource() + settings.userItems());
        this.seenItem = popularity::seen;
        this.pairs = new ItemPairs(settings.neighbourCap());
        this.neighbourhood =
                new UserNeighbourhood(
                        settings.usersPerItem(),
                        settings.similarPerUser(),
                        settings.similarity(),
                        settings.similarUsers());
        this.titleWords = new TitleWords(settings.maxItemsPerWord());
        List<String> texts = new ArrayList<>();
        int[] indexed = new int[catalog.ids().size()];
        for (String id : catalog.ids()) {
            indexed[texts.size()] = items.of(id);
            String title = bounded(catalog.title(id));
            List<String> attributes = bounded(catalog.attributes(id));
            indexWords(id, title, attributes);
            texts.add(ItemTextVectors.text(title, attributes));
        }
        if (textVectors != null) {
            textVectors.putAll(indexed, texts);
        }
    }

    /**
     * Keeps the similar users, activity (times, means, attribute counts) and full history of only
     * the users {@code keeps} accepts from now on, of other users only their latest items that
     * other users' statistics read, and drops what is already held beyond that: a serving subtask's
     * share, so the largest per-user statistics divide by parallelism. A user's numbers are updated
     * exactly as when every user's are kept, so a kept user's are the same.
     */
    public void keepUserStatisticsOf(Predicate<String> keeps) {
        neighbourSupport.invalidate();
        keepsUserStatisticsOf = keeps;
        ownershipKnown.clear();
        owned.clear();
        neighbourhood.dropSimilarUsersUnless(this::keepsUserStatistics);
        activity.users().dropUnless(this::keepsUserStatistics);
        for (int u = 0; u < userItems.users(); u++) {
            userItems.trim(u, historyCap(u));
        }
    }

    /**
     * How many of a user's latest items this generator keeps: {@link CandidateSettings#userItems}
     * for a kept user (its exclusions and history), otherwise only what other users' statistics
     * read (co-occurrence windows, the similar-users source).
     */
    private int historyCap(int user) {
        return keepsUserStatistics(user)
                ? settings.userItems()
                : Math.max(settings.pairWindow(), settings.itemsPerSimilarUser());
    }

    private boolean keepsUserStatistics(int user) {
        if (!ownershipKnown.get(user)) {
            ownershipKnown.set(user);
            if (keepsUserStatisticsOf.test(users.id(user))) {
                owned.set(user);
            }
        }
        return owned.get(user);
    }

    /**
     * Takes the similar users, activity and full history of every user this generator keeps that
     * {@code other} kept (another subtask's share after a rescale), translated to this generator's
     * user and item indices.
     */
    public void adoptUserStatistics(CandidateGenerator other) {
        neighbourSupport.invalidate();
        int[] toMine = other.users.indicesIn(users);
        neighbourhood.adoptSimilarUsers(other.neighbourhood, toMine, this::keepsUserStatistics);
        activity.users()
                .adopt(
                        other.activity.users(),
                        toMine,
                        other.activity.content().tokensIn(activity.content()),
                        this::keepsUserStatistics);
        int[] toMineItems = other.items.indicesIn(items);
        for (int u = 0; u < Math.min(toMine.length, other.userItems.users()); u++) {
            int mine = toMine[u];
            if (mine >= 0 && keepsUserStatistics(mine) && other.keepsUserStatistics(u)) {
                userItems.ensureUsers(mine + 1);
                userItems.copyTranslated(other.userItems, u, mine, toMineItems, historyCap(mine));
            }
        }
    }

    /** Reports every later change to {@code changes} (one listener; {@link Changes#NONE}: off). */
    public void recordChangesTo(Changes changes) {
        this.changes = changes;
    }

    /** Applies one event to every statistic, exactly once. */
    public void update(UserEvent event) {
        neighbourSupport.invalidate();
        changes.event(event);
        int user = users.find(event.userId());
        if (user < 0) {
            user = newUser(event.userId());
        }
        int item = items.of(event.itemId());
        long t = event.timestamp();
        activity.add(user, item, event, popularity.count(item), keepsUserStatistics(user));
        userItems.ensureUsers(user + 1);
        pairs.add(item, userItems.mostRecent(user, settings.pairWindow()));
        popularity.add(item, t);
        neighbourhood.add(user, item, t, this::keepsUserStatistics);
        userItems.add(user, item, historyCap(user));
        updates++;
    }

    /**
     * Indexes a user's first event (or first after a forget). A forgotten user's index, given to
     * the new user, has had its statistics erased; only its ownership and history cap, which follow
     * the id, are found again.
     */
    private int newUser(String userId) {
        int user = users.of(userId);
        if (user < userItems.users()) {
            ownershipKnown.clear(user);
            owned.clear(user);
            userItems.clear(user);
        }
        return user;
    }

    /**
     * Erases a user: the user's id (its index keeps a placeholder that no valid id can equal), item
     * history and activity, its similar users, and the user in every other user's similar users and
     * every item's recent users. A later event of the same id is a new user's, and the next new
     * user takes the index (the lowest forgotten one first), so forgets do not grow the index. What
     * the user's events added to item statistics (popularity, co-occurrence, item activity,
     * attribute totals) is aggregated over users and stays.
     */
    public void forget(String userId) {
        int user = users.find(userId);
        if (user < 0) {
            // nothing to erase, nor in what recorded changes: only a forget drops a user from the
            // index, so no change recorded since (nor the snapshot it goes on from) names this one
            return;
        }
        changes.forget(userId);
        neighbourSupport.invalidate();
        users.forget(user);
        ownershipKnown.clear(user);
        owned.clear(user);
        if (user < userItems.users()) {
            userItems.clear(user);
        }
        neighbourhood.forget(user);
        activity.users().forget(user);
    }

    /**
     * Writes every statistic, not the settings nor the read scratch: the item and user indices
     * first, then the state held by index. See {@link CandidateStatisticsSerializer}.
     */
    void writeTo(DataOutput out) throws IOException {
        for (long bound : stateBounds(settings)) {
            out.writeLong(bound);
        }
        out.writeLong(updates);
        items.writeTo(out);
        users.writeTo(out);
        popularity.writeTo(out);
        pairs.writeTo(out);
        neighbourhood.writeTo(out);
        titleWords.writeTo(out);
        userItems.writeTo(out);
        activity.writeTo(out);
        popularity.writeShortTermTo(out);
    }

    /**
     * A generator holding what {@link #writeTo} wrote, its lists capped by {@code settings} (which
     * must cap them as the writer's did, but for the recent users per item, which are cut to the
     * newest {@code settings.usersPerItem()}). The catalog is in the statistics already. Format
     * version 1 had no activity statistics, versions 1 and 2 no short-term popularity counts: they
     * start empty and fill from the next events on. Versions 1 to 3 wrote neighbour lists with
     * recency ranks instead of update stamps and clock.
     */
    static CandidateGenerator readFrom(DataInput in, CandidateSettings settings, int version)
            throws IOException {
        long[] written = readStateBounds(in, settings);
        long usersPerItem = written[USERS_PER_ITEM_BOUND]; // read as lists' capacity: bounded
        int writtenUsersPerItem =
                ReadBounds.checkLength(
                        usersPerItem == (int) usersPerItem ? (int) usersPerItem : -1,
                        ReadBounds.MAX_LIST_LENGTH,
                        "CandidateGenerator.usersPerItem");
        CandidateGenerator restored = new CandidateGenerator(settings, ItemCatalog.empty());
        restored.updates = in.readLong();
        restored.items.readFrom(in);
        restored.users.readFrom(in);
        int itemCount = restored.items.size();
        int userCount = restored.users.size();
        restored.popularity.readFrom(in, itemCount);
        boolean ranked = version < 4; // neighbour lists with recency ranks, no clock
        restored.pairs.readFrom(in, ranked, itemCount);
        restored.neighbourhood.readFrom(in, ranked, writtenUsersPerItem, itemCount, userCount);
        restored.titleWords.readFrom(in, itemCount);
        restored.readUserItems(in);
        if (version >= 2) {
            restored.activity = ActivityStatistics.readFrom(in, itemCount, userCount);
        }
        if (version >= 3) {
            restored.popularity.readShortTermFrom(in, itemCount);
        }
        return restored;
    }

    /** The state bounds written, which must be {@code settings}' but for the users per item. */
    private static long[] readStateBounds(DataInput in, CandidateSettings settings)
            throws IOException {
        long[] written = new long[stateBounds(settings).length];
        for (int b = 0; b < written.length; b++) {
            written[b] = in.readLong();
        }
        // the recent users per item may change: lists are read whole and keep their newest
        long[] restorable = stateBounds(settings);
        restorable[USERS_PER_ITEM_BOUND] = written[USERS_PER_ITEM_BOUND];
        if (!Arrays.equals(written, restorable)) {
            throw new IllegalArgumentException(
                    "statistics written with caps and similarity half-life "
                            + Arrays.toString(written)
                            + ", settings say "
                            + Arrays.toString(stateBounds(settings)));
        }
        return written;
    }

    /**
     * One item history per user of the index read before, of items of the index read before, each
     * once: an item beyond them ends the user's every read in an index out of bounds.
     */
    private void readUserItems(DataInput in) throws IOException {
        int histories = in.readInt();
        if (histories != users.size()) {
            throw new IOException(histories + " user histories for " + users.size() + " users");
        }
        RestoredKeys historyItems = new RestoredKeys("history item", items.size());
        for (int u = 0; u < histories; u++) {
            userItems.readUser(in, settings.userItems(), historyItems);
        }
    }

    /**
     * The settings that shape the state (the other settings only steer reads and updates): user
     * items, neighbours per item, users per item, similar users per user, similarity half-life.
     * Statistics restore only into the same bounds, but for the users per item: a list written
     * longer than the settings allow keeps its newest users.
     */
    private static long[] stateBounds(CandidateSettings s) {
        return new long[] {
            s.userItems(),
            s.neighbourCap(),
            s.usersPerItem(),
            s.similarPerUser(),
            s.similarity().millis()
        };
    }

    /**
     * Indexes a new or changed catalog item for the title-word source and content features, and
     * encodes its text when text vectors are on and the text changed (on the caller's thread: a few
     * milliseconds, once per catalog change).
     */
    public void putItem(String itemId, String title, List<String> attributes) {
        String t = bounded(title);
        List<String> a = bounded(attributes);
        changes.item(itemId, t, a);
        indexWords(itemId, t, a);
        if (textVectors != null) {
            textVectors.put(items.of(itemId), ItemTextVectors.text(t, a));
        }
    }

    /**
     * The first {@link #MAX_TEXT_CHARS} characters of a title or attribute, from the item file as
     * from the catalog topic. Validation rejects longer ones on the topic, but item files and
     * records accepted before that bound are read too, and the statistics write each word as
     * modified UTF-8 (at most 64 KiB): one longer word would fail every checkpoint, and every
     * restart, which reads the catalog again.
     */
    private static String bounded(String text) {
        if (text.length() <= MAX_TEXT_CHARS) {
            return text;
        }
        int end = MAX_TEXT_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // not half a character
        }
        return text.substring(0, end);
    }

    private static List<String> bounded(List<String> attributes) {
        return attributes.stream().map(CandidateGenerator::bounded).toList();
    }

    private void indexWords(String itemId, String title, List<String> attributes) {
        titleWords.put(items.of(itemId), title, attributes);
        activity.putItem(items.of(itemId), title, attributes);
    }

    /**
     * Takes over the text vectors of {@code before}, the generator built from the catalog when the
     * job started, for the items these (restored) statistics know: vectors are not checkpointed,
     * and the catalog they came from is the one the restored job reads again.
     */
    public void adoptTextVectors(CandidateGenerator before) {
        textVectors =
                before.textVectors == null
                        ? null
                        : before.textVectors.reindexed(before.items, items);
    }

    /** Closes the item text vectors' encoder (see {@link ItemTextVectors#closeEncoder}), if any. */
    public void closeTextEncoder() {
        if (textVectors != null) {
            textVectors.closeEncoder();
        }
    }

    /** The item text vectors, null when off. */
    public ItemTextVectors textVectors() {
        return textVectors;
    }

    /** Sources this generator runs: all but the text-vector one when text vectors are off. */
    public int sourceCount() {
        return Source.values().length - (textVectors == null ? 1 : 0);
    }

    /** Each source's top items for {@code user} at time {@code t}, united. */
    public CandidateSet candidates(String userId, long t) {
        int user = users.find(userId);
        excluded.set(userItems, user);
        int n = settings.popularityPerSource();
        union.start();
        for (Source s : Source.decayedPopularity()) {
            addPopularity(s, n, t);
        }
        addPopularity(Source.POPULARITY_ALL_TIME, n, t);
        if (user >= 0) {
            int[] recent = userItems.mostRecent(user, settings.sequenceItems());
            pairs.sequenceScores(recent, settings.sequenceDecay(), scores);
            addTopScores(Source.ITEM_TO_ITEM);
            neighbourhood.recentItemsOfSimilar(
                    user,
                    t,
                    userItems,
                    settings.itemsPerSimilarUser(),
                    settings.similarItemDecay(),
                    scores,
                    neighbourSupport);
            addTopScores(Source.SIMILAR_USERS);
            titleWords.sharedRareWords(userItems.mostRecent(user, settings.titleItems()), scores);
            retainOffered();
            addTopScores(Source.TITLE_WORDS);
            addNearestByText(recent);
        }
        return CandidateSet.of(union);
    }

    /**
     * Leaves in a content source's scores only the items it may offer: all of them, or with {@link
     * CandidateSettings#unseenCatalogItems} off only those some event named (the popularity and
     * neighbour sources offer nothing else).
     */
    private void retainOffered() {
        if (!settings.unseenCatalogItems()) {
            scores.retain(seenItem);
        }
    }

    /** The items nearest by text vector to the recency-weighted mean of the user's latest items. */
    private void addNearestByText(int[] recent) {
        if (textVectors == null) {
            return;
        }
        float[] mean = textVectors.recentMean(recent, settings.sequenceDecay());
        if (mean != null) {
            textVectors.scoreAll(mean, scores);
            retainOffered();
            addTopScores(Source.TEXT_VECTORS);
        }
    }

    private void addPopularity(Source source, int n, long t) {
        int[] top = popularity.top(source, n, excluded);
        union.add(source, top, popularity.scores(source, top, t));
    }

    private void addTopScores(Source source) {
        int[] top = scores.topItems(settings.perSource(), excluded);
        double[] topScores = new double[top.length];
        for (int i = 0; i < top.length; i++) {
            topScores[i] = scores.score(top[i]);
        }
        scores.clear();
        union.add(source, top, topScores);
    }

    /** Whether the similar-users source's last walk is {@code user}'s at {@code t}, still valid. */
    boolean walkedFor(int user, long t) {
        return neighbourSupport.isFor(user, t);
    }

    /**
     * The similar users' support for {@code user} at {@code t}: the similar-users source's last
     * walk when it was this one ({@link #candidates} just ran for them), else the same walk run now
     * without the source's scores. One walk serves both, so the features equal the source's.
     */
    NeighbourSupport neighbourSupport(int user, long t) {
        if (!neighbourSupport.isFor(user, t)) {
            neighbourhood.recentItemsOfSimilar(
                    user,
                    t,
                    userItems,
                    settings.itemsPerSimilarUser(),
                    settings.similarItemDecay(),
                    null,
                    neighbourSupport);
        }
        return neighbourSupport;
    }

    /** Events applied so far. */
    public long updates() {
        return updates;
    }

    /** What the statistics hold now. */
    public StatisticsSize size() {
        return new StatisticsSize(
                items.size(),
                users.size(),
                pairs.cooccurrenceEntries(),
                pairs.transitionEntries(),
                neighbourhood.recentUserEntries(),
                neighbourhood.similarUserEntries(),
                userItems.totalSize());
    }

    /** Whether the user has had an event (and so a history the sources read). */
    public boolean knows(String userId) {
        return users.find(userId) >= 0;
    }

    /** The user's remembered items, most recent first. */
    public List<String> userItems(String userId) {
        return userItems(userId, settings.userItems());
    }

    /**
     * The user's remembered items, oldest first as the workers keep them: what a request carries to
     * the factorization model when serving reads it from the topic itself.
     */
    public String[] userItemsOldestFirst(String userId) {
        List<String> recentFirst = userItems(userId);
        String[] out = new String[recentFirst.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = recentFirst.get(out.length - 1 - i);
        }
        return out;
    }

    /** The user's latest {@code n} remembered items (fewer if it has fewer), most recent first. */
    public List<String> userItems(String userId, int n) {
        int user = users.find(userId);
        List<String> out = new ArrayList<>();
        if (user >= 0) {
            for (int item : userItems.mostRecent(user, Math.min(n, settings.userItems()))) {
                out.add(items.id(item));
            }
        }
        return out;
    }

    /** The dense index of an item id, -1 when unknown (tests). */
    int item(String itemId) {
        return items.find(itemId);
    }

    /** Whether the candidate carries its item's dense index in this generator's statistics. */
    boolean indexes(Candidate candidate) {
        return candidate.indexedIn(items);
    }

    /** The dense index of a user id, -1 when unknown (tests). */
    int user(String userId) {
        return users.find(userId);
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

    /** What users and items have done, and item content: the ranker's further statistics. */
    public ActivityStatistics activity() {
        return activity;
    }

    /**
     * Makes every neighbour list's update stamps recency ranks ({@link
     * BoundedSlots#compactStamps}): statistics then write what a restore of versions 1 to 3, which
     * kept only the ranks, writes after the same events (tests).
     */
    void compactUpdateStamps() {
        neighbourSupport.invalidate();
        pairs.compactUpdateStamps();
        neighbourhood.compactUpdateStamps();
    }

    CandidateSettings settings() {
        return settings;
    }

    /** Every user's remembered items, by user index. */
    UserHistories histories() {
        return userItems;
    }

    /** The largest per-user item memory. */
    int longestUserItems() {
        return userItems.longest();
    }
}
