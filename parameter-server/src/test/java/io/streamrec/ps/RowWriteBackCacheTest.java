package io.streamrec.ps;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.ParameterRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The write-back cache's labels and writes on a store in memory: what reaches the store and the
 * feedback topic, with which label, at an eviction, a flush and an erase.
 */
class RowWriteBackCacheTest {
    private static final long AFTER_EVERY_SNAPSHOT = RowWriteBackCache.AFTER_EVERY_SNAPSHOT;

    /** A row written out: its key and version, and the checkpoint it was labelled with. */
    private record Emitted(String key, long version, long label) {}

    /** Keyed state and the feedback topic, in memory. */
    private static final class MemoryStore implements RowStore {
        final Map<String, ParameterRow> rows = new LinkedHashMap<>();
        final List<Emitted> emitted = new ArrayList<>();

        @Override
        public ParameterRow read(String key) {
            return rows.get(key);
        }

        @Override
        public void write(String key, ParameterRow row) {
            rows.put(key, row);
        }

        @Override
        public void erase(String key) {
            rows.remove(key);
        }

        @Override
        public void emit(ParameterRow row, long label) {
            emitted.add(new Emitted(row.key(), row.version(), label));
        }

        @Override
        public void emitAll(long label) {
            rows.values().forEach(row -> emit(row, label));
        }

        long storedVersion(String key) {
            return rows.get(key).version();
        }
    }

    private final MemoryStore store = new MemoryStore();

    private static ParameterRow row(String key, long version) {
        return new ParameterRow(
                key, new float[] {1f}, new float[] {0f}, version, version, 0L, 0f, 0L);
    }

    @Test
    void aChangedRowEvictedAfterTheFirstFlushGoesToTheStoreAndOutWithTheNextCheckpoint()
            throws Exception {
        var cache = new RowWriteBackCache(store, 1, false);
        cache.flushAtBarrier(5);
        cache.put("a", row("a", 1));

        assertThat(cache.put("b", row("b", 1))).isEqualTo(1);

        assertThat(store.storedVersion("a")).isEqualTo(1);
        assertThat(store.emitted).containsExactly(new Emitted("a", 1, 6));
        assertThat(cache.get("a").version()).isEqualTo(1); // read back from the store
    }

    @Test
    void aChangedRowEvictedBeforeTheFirstFlushGoesToTheStoreOnlyUntilThatFlush() throws Exception {
        var cache = new RowWriteBackCache(store, 1, false);
        cache.put("a", row("a", 1));

        assertThat(cache.put("b", row("b", 1))).isEqualTo(1);
        assertThat(store.storedVersion("a")).isEqualTo(1);
        assertThat(store.emitted).isEmpty();

        cache.flushAtBarrier(7);
        assertThat(store.emitted)
                .containsExactlyInAnyOrder(new Emitted("a", 1, 7), new Emitted("b", 1, 7));
    }

    @Test
    void beforeTheFirstFlushAChangedRowEvictedBeyondTheHeldKeysGoesOutAfterEverySnapshot()
            throws Exception {
        var cache = new RowWriteBackCache(store, 1, false);
        cache.put("a", row("a", 1));
        cache.put("b", row("b", 1)); // a: the one key held
        cache.put("c", row("c", 1)); // b: beyond it

        assertThat(store.emitted).containsExactly(new Emitted("b", 1, AFTER_EVERY_SNAPSHOT));
        assertThat(store.rows).containsOnlyKeys("a", "b");
    }

    @Test
    void aHeldKeyEvictedAgainBeforeTheFirstFlushStaysHeld() throws Exception {
        var cache = new RowWriteBackCache(store, 1, false);
        cache.put("a", row("a", 1));
        cache.put("b", row("b", 1)); // a held
        cache.put("a", row("a", 2)); // b beyond the bound: out at once
        cache.put("b", row("b", 2)); // a again: held, not out

        assertThat(store.emitted).containsExactly(new Emitted("b", 1, AFTER_EVERY_SNAPSHOT));
        assertThat(store.storedVersion("a")).isEqualTo(2);

        cache.flushAtBarrier(7);
        assertThat(store.emitted)
                .containsExactly(
                        new Emitted("b", 1, AFTER_EVERY_SNAPSHOT),
                        new Emitted("a", 2, 7),
                        new Emitted("b", 2, 7));
    }

    @Test
    void aRowEvictedBeforeTheFirstFlushAndChangedAgainGoesOutOnceWithItsNewValue()
            throws Exception {
        var cache = new RowWriteBackCache(store, 2, false);
        cache.put("a", row("a", 1));
        cache.put("b", row("b", 1));
        cache.put("c", row("c", 1)); // a held in the store

        assertThat(cache.get("a").version()).isEqualTo(1);
        cache.put("a", row("a", 2)); // b held in the store
        cache.flushAtBarrier(7);

        assertThat(store.emitted)
                .containsExactlyInAnyOrder(
                        new Emitted("a", 2, 7), new Emitted("b", 1, 7), new Emitted("c", 1, 7));
        assertThat(store.storedVersion("a")).isEqualTo(2);
    }

    @Test
    void rowsWrittenOutBeforeTheNextBarrierAreLabelledOnePastTheLastFlush() throws Exception {
        var cache = new RowWriteBackCache(store, 10, false);
        assertThat(cache.nextLabel()).isEqualTo(AFTER_EVERY_SNAPSHOT);
        cache.put("a", row("a", 1));
        cache.flushAtBarrier(3);

        assertThat(cache.nextLabel()).isEqualTo(4);
        cache.put("a", row("a", 2));
        cache.flushAtEnd();
        assertThat(store.emitted).containsExactly(new Emitted("a", 1, 3), new Emitted("a", 2, 4));
    }

    @Test
    void rowsFlushedAtTheEndBeforeAnyBarrierGoOutAfterEverySnapshot() throws Exception {
        var cache = new RowWriteBackCache(store, 10, false);
        cache.put("a", row("a", 1));
        cache.flushAtEnd();

        assertThat(store.emitted).containsExactly(new Emitted("a", 1, AFTER_EVERY_SNAPSHOT));
        assertThat(cache.nextLabel()).isEqualTo(AFTER_EVERY_SNAPSHOT); // not a barrier
    }

    @Test
    void theFirstFlushAfterARestoreFromAnotherRunRepublishesEveryRowOnce() throws Exception {
        store.write("x", row("x", 5));
        store.write("y", row("y", 5));
        var cache = new RowWriteBackCache(store, 2, true);
        cache.put("x", row("x", 6));
        cache.put("a", row("a", 1));
        cache.put("b", row("b", 1)); // x held in the store

        cache.flushAtBarrier(9);
        assertThat(store.emitted)
                .containsExactlyInAnyOrder(
                        new Emitted("x", 6, 9),
                        new Emitted("y", 5, 9),
                        new Emitted("a", 1, 9),
                        new Emitted("b", 1, 9));

        store.emitted.clear();
        cache.put("y", row("y", 6));
        cache.flushAtBarrier(10);
        assertThat(store.emitted).containsExactly(new Emitted("y", 6, 10));
    }

    @Test
    void anErasedChangedRowLeavesTheCacheTheStoreAndTheNextFlush() throws Exception {
        var cache = new RowWriteBackCache(store, 10, false);
        store.write("a", row("a", 1));
        cache.put("a", row("a", 2));
        cache.put("b", row("b", 1));

        cache.erase("a");
        assertThat(cache.get("a")).isNull();
        assertThat(store.rows).doesNotContainKey("a");

        cache.flushAtBarrier(4);
        assertThat(store.emitted).containsExactly(new Emitted("b", 1, 4));
    }

    @Test
    void anErasedRowHeldInTheStoreBeforeTheFirstFlushIsNotWrittenOut() throws Exception {
        var cache = new RowWriteBackCache(store, 1, false);
        cache.put("a", row("a", 1));
        cache.put("b", row("b", 1)); // a held in the store

        cache.erase("a");
        cache.flushAtBarrier(4);
        assertThat(store.emitted).containsExactly(new Emitted("b", 1, 4));
        assertThat(store.rows).containsOnlyKeys("b");
    }

    @Test
    void evictingARowWithoutChangesWritesNothing() throws Exception {
        var cache = new RowWriteBackCache(store, 1, false);
        cache.put("a", row("a", 1));
        cache.flushAtBarrier(1);
        store.emitted.clear();

        assertThat(cache.put("b", row("b", 1))).isZero();
        assertThat(store.emitted).isEmpty();
        assertThat(cache.get("a").version()).isEqualTo(1); // from the store
    }
}
