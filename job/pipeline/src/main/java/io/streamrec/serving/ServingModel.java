package io.streamrec.serving;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.model.TombstonesDue;
import io.streamrec.ps.RowInitializer;
import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.ParameterRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A serving replica of the whole model, laid out for scoring every item: the rows ({@link
 * RowTable}), the items' score vectors ({@link ContentTower}) and static terms ({@link
 * StaticTerms}), exact ranking by a pruned scan ({@link ExactScan}) and, optionally, approximate
 * candidates for large catalogs ({@link BackgroundAnnIndex}). Applies a row only if its version is
 * newer than the one it holds, so re-delivered rows are harmless. One thread uses it.
 */
public final class ServingModel implements AutoCloseable {
    private final ModelConfig config;
    private final RowInitializer initializer;
    private final int d;
    private final RowTable rows;
    private final ContentTower content;
    private final StaticTerms statics;
    private final ItemScorer scorer;
    private final ExactScan exact;

    /** Whether this replica holds a user's row: its own users only, when serving is partitioned. */
    private final Predicate<String> holdsUser;

    /**
     * Users this replica holds, erased by a forget, awaiting their tombstones on the model-updates
     * topic; checkpointed, as a replica rebuilt from the topic may meet their rows first.
     */
    private final TombstonesDue erasedAwaitingTombstone = new TombstonesDue();

    /**
     * Users this replica holds, erased by a forget, and how many tombstones of theirs the broadcast
     * edge has yet to bring (one per forget, from the shard that owns the row). Until then a row of
     * the user there is one the owning shard trained before the forget, ahead of the tombstone on
     * its channel, which came after another shard's copy of the forget. Not checkpointed: under
     * aligned checkpoints a forget's first copy and its tombstone are on the same side of every
     * barrier.
     */
    private final TombstonesDue erasedAwaitingBroadcastTombstones = new TombstonesDue();

    /** Candidate generation for large catalogs (null: off, every request scores every item). */
    private BackgroundAnnIndex ann;

    private int annMinItems;

    /** A replica of every row: all items and all users. */
    public ServingModel(ModelConfig config, RowInitializer initializer, ItemCatalog catalog) {
        this(config, initializer, catalog, userId -> true);
    }

    /**
     * A replica of every item row and of the rows of the users {@code holdsUser} accepts (a serving
     * subtask's own users): its memory grows with items + users / parallelism, not with all users.
     * Rows of other users are dropped on arrival, versions included.
     */
    public ServingModel(
            ModelConfig config,
            RowInitializer initializer,
            ItemCatalog catalog,
            Predicate<String> holdsUser) {
        this(config, initializer, catalog, holdsUser, System::nanoTime);
    }

    /**
     * @param nanoClock the clock the content's at-most-once-a-second recomputation reads (tests)
     */
    ServingModel(
            ModelConfig config,
            RowInitializer initializer,
            ItemCatalog catalog,
            LongSupplier nanoClock) {
        this(config, initializer, catalog, userId -> true, nanoClock);
    }

    private ServingModel(
            ModelConfig config,
            RowInitializer initializer,
            ItemCatalog catalog,
            Predicate<String> holdsUser,
            LongSupplier nanoClock) {
        this.config = config;
        this.holdsUser = holdsUser;
        this.initializer = initializer;
        this.d = config.dim();
        this.rows = new RowTable(d);
        this.content = new ContentTower(config, initializer, catalog, rows, nanoClock);
        this.statics = new StaticTerms(config, initializer.initialWeights(RowKeys.DENSE_PHI), rows);
        this.scorer = new ItemScorer(d, content, statics);
        this.exact = new ExactScan(rows, statics, scorer);
        catalog.ids().forEach(this::itemIndexOf);
    }

    /**
     * Applies a row of the broadcast edge if it is newer than the held version and, for a user row,
     * of a user this replica holds and not erased by a forget whose tombstone the edge has not
     * brought yet; returns whether it was applied.
     */
    public boolean apply(ParameterRow row) {
        if (RowKeys.isUser(row.key())
                && !erasedAwaitingBroadcastTombstones.admits(RowKeys.id(row.key()), row)) {
            return false;
        }
        return applyRow(row);
    }

    /** {@link #apply} without the wait for the broadcast tombstones. */
    private boolean applyRow(ParameterRow row) {
        if (RowKeys.isUser(row.key()) && !holdsUser.test(RowKeys.id(row.key()))) {
            return false;
        }
        if (row.isTombstone()) {
            forgetRow(row.key());
            return true;
        }
        row = RowUpdater.withFiniteWeights(row, initializer);
        String key = row.key();
        if (RowKeys.isUser(key)) {
            return rows.putUser(RowKeys.id(key), row);
        }
        if (RowKeys.isItem(key)) {
            return applyItem(itemIndexOf(RowKeys.id(key)), row);
        }
        if (!rows.takeVersion(row)) {
            return false;
        }
        if (RowKeys.isAttribute(key)) {
            content.putAttribute(RowKeys.id(key), row.weights());
        } else if (key.equals(RowKeys.DENSE_PHI)) {
            statics.setWeights(row.weights());
        } else {
            content.putDense(key, row.weights());
        }
        return true;
    }

    /**
     * Applies a row as {@link #apply} does; returns whether it was an item row that raised the
     * item's positives: an interaction with the item reached this replica (serving's freshness
     * probe). The item is looked up once for both.
     */
    public boolean applyRaisingPositives(ParameterRow row) {
        String key = row.key();
        if (!RowKeys.isItem(key) || row.isTombstone()) {
            apply(row);
            return false;
        }
        int i = itemIndexOf(RowKeys.id(key));
        long before = rows.positives(i);
        return applyItem(i, RowUpdater.withFiniteWeights(row, initializer))
                && row.positives() > before;
    }

    private boolean applyItem(int i, ParameterRow row) {
        if (!rows.takeItemVersion(i, row.version())) {
            return false;
        }
        rows.putItem(i, row);
        content.embeddingChanged(i);
        itemChanged(i);
        return true;
    }

    /** Drops a forgotten user's row (a tombstone's key; only user rows are ever erased). */
    public void forgetRow(String key) {
        if (RowKeys.isUser(key)) {
            rows.removeUser(RowKeys.id(key));
        }
    }

    /**
     * Erases a forgotten user's row at the forget (its first copy, which may come from another
     * shard than the row's owner). The broadcast edge may still bring the user's rows that the
     * owning shard sent before its tombstone; they are ignored until that tombstone ({@link
     * #apply}), after which the rows are the returning user's. The model-updates topic may still
     * bring the user's earlier rows, committed with the checkpoint that carried them after serving
     * applied the forget; they come before the user's tombstone on the topic, so the user's rows
     * from the topic are ignored until it ({@link #applyCommitted}). The tombstone is committed
     * with the next checkpoint at the latest, which completes only after serving took the forget; a
     * restore of that checkpoint may find it not committed yet, so the checkpoint holds the users
     * still awaiting theirs ({@link #erasedAwaitingTombstone()}, {@link #awaitTombstonesOf}).
     */
    public void forgetUser(String userId, boolean awaitCommittedTombstone) {
        rows.removeUser(userId);
        // another subtask's user: its rows are dropped on arrival anyway
        if (!holdsUser.test(userId)) {
            return;
        }
        // counted: a second forget's first copy may come before the first forget's tombstone
        erasedAwaitingBroadcastTombstones.add(userId);
        if (awaitCommittedTombstone) {
            erasedAwaitingTombstone.add(userId);
        }
    }

    /**
     * Takes those of {@code users} this replica holds, erased before the restored checkpoint and
     * still awaiting their tombstone then (a user once per tombstone due), as awaiting it again
     * until {@link #caughtUp} ({@link TombstonesDue#restore}). Call before the catch-up read.
     */
    public void awaitTombstonesOf(Iterable<String> users) {
        List<String> held = new ArrayList<>();
        for (String user : users) {
            if (holdsUser.test(user)) {
                held.add(user);
            }
        }
        erasedAwaitingTombstone.restore(held);
    }

    /**
     * Ends the restore's catch-up read of the topic: decides each restored user's wait by the last
     * record read, applying a last row {@code carriedByRestoredCheckpoint} ({@link
     * TombstonesDue#caughtUp}).
     */
    public void caughtUp(Predicate<ParameterRow> carriedByRestoredCheckpoint) {
        erasedAwaitingTombstone.caughtUp(carriedByRestoredCheckpoint, this::applyRow);
    }

    /**
     * The users erased whose tombstone the topic has not brought yet, for a checkpoint: a user once
     * per tombstone due.
     */
    public List<String> erasedAwaitingTombstone() {
        return erasedAwaitingTombstone.keys();
    }

    /**
     * {@link #apply} for a row read from the model-updates topic, whose own tombstone ends the wait
     * there; the broadcast edge's wait is its own (a committed tombstone may be read before the
     * broadcast one under unaligned checkpoints, while a pre-forget row is still in flight).
     */
    public boolean applyCommitted(ParameterRow row) {
        if (RowKeys.isUser(row.key())
                && !erasedAwaitingTombstone.admits(RowKeys.id(row.key()), row)) {
            return false;
        }
        return applyRow(row);
    }

    /** Sum of all row versions held: grows with every applied update. */
    public long modelVersion() {
        return rows.modelVersion();
    }

    /**
     * Sum of the held user rows' update counters: the events of this replica's users trained into
     * the model (all events when it holds every user).
     */
    public long userContributions() {
        return rows.userContributions();
    }

    public int items() {
        return rows.items();
    }

    public String itemId(int index) {
        return rows.itemId(index);
    }

    /** Index of an item, adding it (with initial weights) if it is new. */
    public int itemIndexOf(String itemId) {
        Integer known = rows.indexOf(itemId);
        return known != null ? known : addItem(itemId);
    }

    /**
     * {@link #itemIndexOf} of an id asked as the same string object again and again (the learned
     * ranker's candidates, the statistics' own ids), through {@link RowTable#askIndex}. Ids that
     * arrive as new strings each time (a request's, an event's) would only push those out.
     */
    private int candidateIndexOf(String itemId) {
        int known = rows.askIndex(itemId);
        return known >= 0 ? known : addItem(itemId);
    }

    private int addItem(String itemId) {
        int i = rows.addItem(itemId, initializer.initialWeights(RowKeys.item(itemId)));
        content.ensureCapacity(i + 1);
        statics.ensureCapacity(i + 1);
        itemChanged(i);
        content.readCatalog(i, itemId);
        return i;
    }

    private void itemChanged(int i) {
        statics.itemChanged(i);
        if (ann != null) {
            ann.itemChanged(i);
        }
    }

    /** Re-reads an item's attributes and content vector from the catalog (after an update). */
    public void refreshItem(String itemId) {
        Integer i = rows.indexOf(itemId);
        if (i == null) {
            itemIndexOf(itemId);
        } else {
            content.readCatalog(i, itemId);
        }
    }

    /** {@link #indicesOf} as a sorted array (repeats kept), for a binary search. */
    public int[] sortedIndicesOf(String[] itemIds) {
        int[] indices = new int[itemIds.length];
        for (int c = 0; c < indices.length; c++) {
            indices[c] = itemIndexOf(itemIds[c]);
        }
        Arrays.sort(indices);
        return indices;
    }

    /** The indices of items (adding unknown ones), e.g. the items a user already has. */
    public Set<Integer> indicesOf(String[] itemIds) {
        Set<Integer> indices = new HashSet<>();
        for (String item : itemIds) {
            indices.add(itemIndexOf(item));
        }
        return indices;
    }

    /** Whether the user has a trained row. */
    public boolean knowsUser(String userId) {
        return rows.user(userId) != null;
    }

    /**
     * Scores every item for a user whose interacted items are {@code userItems} (oldest first), at
     * event time {@code now}. Returns one score per item index.
     */
    public float[] score(String userId, String[] userItems, long now) {
        float[] q = query(userId, userItems);
        float[] scores = new float[rows.items()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scorer.score(i, q, now);
        }
        return scores;
    }

    /**
     * This model's scores of {@code itemIds} for a user, in order: the factorization term the
     * learned ranker reads as a feature.
     */
    public float[] scoreItems(String userId, String[] userItems, long now, List<String> itemIds) {
        return scoreItems(userId, userItems, now, itemIds, true);
    }

    /**
     * {@link #scoreItems} with the items' content as last computed: not recomputed first (unless it
     * never was). A request's answer then never pays for recomputing every item's content after the
     * dense rows moved (about 16 ms of CPU at 10k items, once a second at most: 4% of the requests
     * paid it at 200 events/s). Evaluation recomputes it at most once a second, so a request sees
     * it at most about a second behind the rows the last evaluated event saw.
     */
    public float[] scoreItemsWithCurrentContent(
            String userId, String[] userItems, long now, List<String> itemIds) {
        return scoreItems(userId, userItems, now, itemIds, false);
    }

    private float[] scoreItems(
            String userId,
            String[] userItems,
            long now,
            List<String> itemIds,
            boolean refreshContent) {
        int[] indices = new int[itemIds.size()];
        for (int c = 0; c < indices.length; c++) {
            indices[c] = candidateIndexOf(itemIds.get(c));
        }
        if (refreshContent) {
            content.refresh();
        } else {
            content.ensureComputed();
        }
        float[] q = queryOfCurrentContent(userId, userItems);
        float[] scores = new float[indices.length];
        for (int c = 0; c < indices.length; c++) {
            scores[c] = scorer.score(indices[c], q, now);
        }
        return scores;
    }

    /**
     * The position (0 = best) item {@code target} would take in this user's exact top {@code k}, or
     * -1 when it would not be in it: the same answer as {@link TopK#rankOf} over {@link #score},
     * without the score array. Prequential evaluation asks this once per event.
     */
    public int rankOf(
            String userId, String[] userItems, long now, int target, int k, Set<Integer> excluded) {
        if (excluded.contains(target)) {
            return -1;
        }
        float[] q = query(userId, userItems);
        statics.refreshBounds(now);
        return exact.rankOf(q, now, target, k, excluded);
    }

    /**
     * The top {@code k} item indices, best first, skipping {@code excluded}, with their exact
     * scores. From {@link #useAnnFrom} items on, once the approximate index is ready, ranks its
     * candidates (ten times {@code k}, plus the excluded items' count) by their exact score;
     * otherwise the exact top k, as {@link #exactTopK}.
     */
    public Ranked topK(String userId, String[] userItems, long now, int k, Set<Integer> excluded) {
        float[] q = query(userId, userItems);
        statics.refreshBounds(now);
        ItemAnnIndex index = readyAnnIndex();
        return index == null
                ? exact.topK(q, now, k, excluded)
                : rescoredCandidates(index, q, now, k, excluded);
    }

    /** The exact top k, as {@link TopK#select} over {@link #score} would pick them. */
    public Ranked exactTopK(
            String userId, String[] userItems, long now, int k, Set<Integer> excluded) {
        float[] q = query(userId, userItems);
        statics.refreshBounds(now);
        return exact.topK(q, now, k, excluded);
    }

    private ItemAnnIndex readyAnnIndex() {
        if (ann == null || rows.items() < annMinItems) {
            return null;
        }
        content.refresh();
        return ann.current(rows.items(), content.vectors(), statics);
    }

    private Ranked rescoredCandidates(
            ItemAnnIndex index, float[] q, long now, int k, Set<Integer> excluded) {
        int[] candidates = index.candidates(q, Math.max(100, 10 * k + excluded.size()));
        float[] scores = new float[candidates.length];
        Set<Integer> excludedPositions = new HashSet<>();
        for (int c = 0; c < candidates.length; c++) {
            scores[c] = scorer.score(candidates[c], q, now);
            if (excluded.contains(candidates[c])) {
                excludedPositions.add(c);
            }
        }
        int[] top = TopK.select(scores, k, excludedPositions);
        float[] topScores = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            topScores[i] = scores[top[i]];
            top[i] = candidates[top[i]];
        }
        return new Ranked(top, topScores);
    }

    /** Item indices, best first, and their scores. */
    public record Ranked(int[] items, float[] scores) {}

    /**
     * Serves requests ({@link #topK}) through an approximate item index once the catalog has {@code
     * minItems} items (0: never), built on a daemon thread of its own; until it is ready, requests
     * are answered exactly.
     */
    public void useAnnFrom(int minItems) {
        useAnn(minItems, minItems > 0 ? BackgroundAnnIndex.withBuilderThread(d) : null);
    }

    /**
     * As {@link #useAnnFrom(int)}, with the index built on {@code builder} ({@code Runnable::run}:
     * on the thread of the request that finds it missing).
     */
    public void useAnnFrom(int minItems, Executor builder) {
        useAnn(minItems, minItems > 0 ? new BackgroundAnnIndex(d, builder) : null);
    }

    private void useAnn(int minItems, BackgroundAnnIndex index) {
        close();
        annMinItems = minItems;
        ann = index;
    }

    /**
     * Whether requests may be answered through an approximate index: {@link #useAnnFrom} with items
     * above 0; it is built once the catalog is that large and a request asks.
     */
    public boolean usesAnn() {
        return ann != null;
    }

    /** Whether requests are answered through a finished approximate index (when large enough). */
    public boolean annReady() {
        return ann != null && ann.isReady();
    }

    /** Stops building the approximate index, if one is being built. */
    @Override
    public void close() {
        if (ann != null) {
            ann.close();
        }
    }

    /** The user's query vector: id embedding plus the mean of the recent items' vectors. */
    private float[] query(String userId, String[] userItems) {
        content.refresh();
        return queryOfCurrentContent(userId, userItems);
    }

    private float[] queryOfCurrentContent(String userId, String[] userItems) {
        float[] q = rows.user(userId);
        q = q == null ? initializer.initialWeights(RowKeys.user(userId)).clone() : q.clone();
        int h = Math.min(config.historyLength(), userItems.length);
        for (int j = userItems.length - h; j < userItems.length; j++) {
            int i = itemIndexOf(userItems[j]);
            float[] v = content.vectors();
            for (int k = 0; k < d; k++) {
                q[k] += v[i * d + k] / h;
            }
        }
        return q;
    }

    /**
     * All-time interaction counts per item index (the popularity baseline's scores), into {@code
     * into} when it has one entry per item, else into a new array.
     */
    public float[] popularityScores(float[] into) {
        return rows.popularityScores(into);
    }

    /**
     * Log of the decayed counts, up to a shared constant: ranking by {@code ln(trend) + t * decay}
     * equals ranking by the counts decayed to any common time. Into {@code into} as {@link
     * #popularityScores}.
     */
    public float[] trendingScores(double decayPerMs, float[] into) {
        return rows.trendingScores(decayPerMs, into);
    }
}
