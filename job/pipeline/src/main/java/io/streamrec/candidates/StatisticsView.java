package io.streamrec.candidates;

/**
 * Read access, by dense index and without allocation, to a {@link CandidateGenerator}'s statistics,
 * for a ranker's features: read it before the event is applied (test-then-learn). Rows and lists
 * handed out are the live ones: read, never write. Item and user indices are the generator's; an
 * unknown id is -1, which every read accepts as "nothing".
 */
public final class StatisticsView {
    private static final BoundedCounts NO_COUNTS = new BoundedCounts(1);

    private final CandidateGenerator generator;

    public StatisticsView(CandidateGenerator generator) {
        this.generator = generator;
    }

    /** The item's index, -1 when neither the catalog nor an event named it. */
    public int item(String itemId) {
        return generator.item(itemId);
    }

    /**
     * The index of a candidate's item: the one it carries when it is this generator's (no hashing
     * of the id), else looked up as {@link #item(String)}.
     */
    public int item(Candidate candidate) {
        return generator.indexes(candidate) ? candidate.item() : generator.item(candidate.itemId());
    }

    /** The user's index, -1 before the user's first event. */
    public int user(String userId) {
        return generator.user(userId);
    }

    /**
     * Every user's remembered items by user index (most recent first by {@link UserHistories#get});
     * none for user -1.
     */
    public UserHistories userItems() {
        return generator.histories();
    }

    /** The item's count in a popularity source, decayed to {@code t} for the decayed ones. */
    public double popularity(Source source, int item, long t) {
        return item < 0 ? 0.0 : generator.popularity().score(source, item, t);
    }

    /**
     * The item's count decayed at the short-term half-life (2 h) to {@code t}: a feature only, no
     * source ranks by it.
     */
    public double shortTermPopularity(int item, long t) {
        return item < 0 ? 0.0 : generator.popularity().shortTerm(item, t);
    }

    /**
     * Reads the item's popularity counters and activity without using them: a loop over a list's
     * items that calls this ahead of the feature loops makes the CPU overlap those cache misses,
     * where the loops, whose bodies are long (an exp and a log per count), meet them one item at a
     * time. The value means nothing; a caller keeps it only so the reads are not dropped.
     */
    public double readAhead(int item) {
        return item < 0
                ? 0.0
                : events(item)
                        + generator.popularity().readAhead(item)
                        + generator.activity().items().readAhead(item);
    }

    /** n(i): the item's events. */
    public long events(int item) {
        return item < 0 ? 0L : generator.pairs().count(item);
    }

    /** The item's co-occurrence row C[i][.], counts by item index. */
    public BoundedCounts cooccurrence(int item) {
        return orNoCounts(item < 0 ? null : generator.pairs().cooccurrenceRow(item));
    }

    /** The item's transition row T[i][.], counts by item index. */
    public BoundedCounts transitions(int item) {
        return orNoCounts(item < 0 ? null : generator.pairs().transitionRow(item));
    }

    /** The items with a transition into the item, each with {@code T[a][item]}. */
    public IncomingTransitions transitionsInto(int item) {
        IncomingTransitions row = generator.pairs().incomingRow(item);
        return row == null ? IncomingTransitions.NONE : row;
    }

    /** out(i): transitions out of the item. */
    public long transitionsOut(int item) {
        return item < 0 ? 0L : generator.pairs().transitionsOut(item);
    }

    /**
     * What {@code user}'s similar users hold at {@code t}, per item: the similar-users source's
     * walk when it was this user's at this time, else walked now.
     */
    public NeighbourSupport neighbourSupport(int user, long t) {
        return generator.neighbourSupport(user, t);
    }

    /** Whether the similar-users source's last walk is {@code user}'s at {@code t}, still valid. */
    public boolean walkedFor(int user, long t) {
        return generator.walkedFor(user, t);
    }

    /** The item text vectors, null when off. */
    public ItemTextVectors textVectors() {
        return generator.textVectors();
    }

    /** The candidate sources the generator runs. */
    public int sourceCount() {
        return generator.sourceCount();
    }

    public ActivityStatistics activity() {
        return generator.activity();
    }

    public CandidateSettings settings() {
        return generator.settings();
    }

    private static BoundedCounts orNoCounts(BoundedCounts row) {
        return row == null ? NO_COUNTS : row;
    }
}
