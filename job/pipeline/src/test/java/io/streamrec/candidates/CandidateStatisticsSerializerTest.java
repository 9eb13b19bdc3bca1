package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A generator snapshotted mid-stream and restored goes on exactly as the original under the same
 * events: same candidates (items, sources, ranks, scores) before every event, same sizes, caps
 * kept. Small caps make every list evict, and late events exercise the decayed counters' anchors.
 */
class CandidateStatisticsSerializerTest {
    private static final int EVENTS = 3_000;
    private static final int CATALOG_ITEMS = 300;

    /** Caps small enough that co-occurrence, transitions and both user lists evict. */
    private static final CandidateSettings SMALL = smallCaps(15, 12);

    /**
     * Caps small enough that co-occurrence, transitions and both user lists evict, users made
     * similar both ways (the more lists each event changes).
     */
    static CandidateSettings smallCaps(int neighbourCap, int maxItemsPerWord) {
        return new CandidateSettings(
                20,
                30,
                20,
                neighbourCap,
                5,
                0.6,
                10,
                12,
                HalfLife.ofDays(7),
                20,
                0.8,
                2,
                maxItemsPerWord,
                20,
                SimilarUsers.BOTH_WAYS,
                true);
    }

    @ParameterizedTest(name = "snapshot after {0} events")
    @ValueSource(ints = {0, 1, 1_500})
    void restoredGeneratorGoesOnExactlyAsTheOriginal(int snapshotAt) {
        List<Step> stream = syntheticStream(new Random(7));
        CandidateGenerator original = new CandidateGenerator(SMALL, catalog(new Random(3)));
        stream.subList(0, snapshotAt).forEach(step -> step.applyTo(original));

        byte[] snapshot = CandidateStatisticsSerializer.toBytes(original);
        CandidateGenerator restored = CandidateStatisticsSerializer.fromBytes(snapshot, SMALL);
        assertSameBytes(CandidateStatisticsSerializer.toBytes(restored), snapshot);
        assertThat(restored.size()).isEqualTo(original.size());
        assertThat(restored.updates()).isEqualTo(original.updates());

        for (Step step : stream.subList(snapshotAt, stream.size())) {
            assertThat(describe(restored.candidates(step.user, step.time)))
                    .as("candidates before %s", step)
                    .isEqualTo(describe(original.candidates(step.user, step.time)));
            step.applyTo(original);
            step.applyTo(restored);
            assertThat(restored.size()).isEqualTo(original.size());
        }
        assertSameBytes(
                CandidateStatisticsSerializer.toBytes(restored),
                CandidateStatisticsSerializer.toBytes(original));
        assertCapsKept(restored);
    }

    @Test
    void restoringWithOtherReadSettingsKeepsTheStatistics() {
        CandidateGenerator original = replayed(EVENTS);
        CandidateSettings wider =
                new CandidateSettings(
                        50,
                        30,
                        10,
                        15,
                        3,
                        0.5,
                        10,
                        12,
                        HalfLife.ofDays(7),
                        5,
                        0.9,
                        1,
                        40,
                        50,
                        SimilarUsers.BOTH_WAYS,
                        true);
        CandidateGenerator restored =
                CandidateStatisticsSerializer.fromBytes(
                        CandidateStatisticsSerializer.toBytes(original), wider);
        assertThat(restored.size()).isEqualTo(original.size());
        assertThat(restored.userItems("u3")).isEqualTo(original.userItems("u3"));
        assertThat(restored.candidates("u3", Long.MAX_VALUE / 2).list(Source.POPULARITY_ALL_TIME))
                .hasSize(50);
    }

    @Test
    void aBufferSizedUpFrontWritesTheSameBytes() {
        CandidateGenerator statistics = replayed(EVENTS);
        byte[] grown = CandidateStatisticsSerializer.toBytes(statistics);
        assertThat(CandidateStatisticsSerializer.toBytes(statistics, grown.length / 3))
                .isEqualTo(grown);
        assertThat(CandidateStatisticsSerializer.toBytes(statistics, grown.length * 2))
                .isEqualTo(grown);
    }

    @Test
    void anUnknownVersionIsRejected() {
        byte[] bytes = CandidateStatisticsSerializer.toBytes(replayed(100));
        bytes[0] = (byte) (CandidateStatisticsSerializer.VERSION + 1);
        assertThatThrownBy(() -> CandidateStatisticsSerializer.fromBytes(bytes, SMALL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "unknown candidate statistics format version "
                                + (CandidateStatisticsSerializer.VERSION + 1))
                .hasMessageContaining(
                        "reads versions 1 to " + CandidateStatisticsSerializer.VERSION);
    }

    @Test
    void settingsThatBoundTheStateOtherwiseAreRejected() {
        byte[] bytes = CandidateStatisticsSerializer.toBytes(replayed(100));
        CandidateSettings smallerRows = smallCaps(14, 12);
        assertThatThrownBy(() -> CandidateStatisticsSerializer.fromBytes(bytes, smallerRows))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[30, 15, 10, 12, 604800000]")
                .hasMessageContaining("[30, 14, 10, 12, 604800000]");
    }

    @Test
    void truncatedOrOverlongBytesAreRejected() {
        byte[] bytes = CandidateStatisticsSerializer.toBytes(replayed(100));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        byte[] overlong = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> CandidateStatisticsSerializer.fromBytes(truncated, SMALL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corrupt candidate statistics");
        assertThatThrownBy(() -> CandidateStatisticsSerializer.fromBytes(overlong, SMALL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 bytes after the statistics");
        assertThatThrownBy(() -> CandidateStatisticsSerializer.fromBytes(new byte[0], SMALL))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Equal snapshots (a mismatch reports where, not both arrays). */
    private static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(Arrays.mismatch(actual, expected)).as("first differing byte").isEqualTo(-1);
    }

    private static void assertCapsKept(CandidateGenerator g) {
        assertThat(g.pairs().longestRow()).isEqualTo(SMALL.neighbourCap());
        assertThat(g.neighbourhood().longestSimilarList()).isEqualTo(SMALL.similarPerUser());
        assertThat(g.neighbourhood().longestRecentUsers()).isEqualTo(SMALL.usersPerItem());
        assertThat(g.longestUserItems()).isEqualTo(SMALL.userItems());
    }

    private static CandidateGenerator replayed(int events) {
        CandidateGenerator g = new CandidateGenerator(SMALL, catalog(new Random(3)));
        syntheticStream(new Random(7)).subList(0, events).forEach(step -> step.applyTo(g));
        return g;
    }

    /** Every source's list (item, rank by position, exact score), then the union's order. */
    static List<String> describe(CandidateSet set) {
        List<String> out = new ArrayList<>();
        for (Source s : Source.values()) {
            out.add(s + " " + set.list(s));
        }
        set.candidates().forEach(c -> out.add(c.itemId() + c.sources()));
        return out;
    }

    /**
     * Titles from a skewed vocabulary (some words on a few items, some on many) and one of eight
     * genres; items past {@link #CATALOG_ITEMS} appear only in events.
     */
    private static ItemCatalog catalog(Random random) {
        List<ItemRecord> records = new ArrayList<>();
        for (int i = 0; i < CATALOG_ITEMS; i++) {
            records.add(new ItemRecord("i" + i, title(random), List.of("g" + random.nextInt(8))));
        }
        return new ItemCatalog(records);
    }

    private static String title(Random random) {
        return "w"
                + (int) (Math.pow(random.nextDouble(), 3) * 200)
                + " w"
                + (int) (Math.pow(random.nextDouble(), 3) * 200);
    }

    /**
     * Skewed users and items, times mostly increasing with one event in 20 late by up to two hours,
     * and one catalog change in 100 events (an item re-titled or a new one).
     */
    private static List<Step> syntheticStream(Random random) {
        List<Step> steps = new ArrayList<>();
        long t = 1_400_000_000_000L;
        for (int i = 0; i < EVENTS; i++) {
            t += random.nextInt(600_000);
            long time = random.nextInt(20) == 0 ? t - random.nextInt(7_200_000) : t;
            String user = "u" + (int) (Math.pow(random.nextDouble(), 2) * 250);
            String item = "i" + (int) (Math.pow(random.nextDouble(), 2) * 500);
            String retitled = random.nextInt(100) == 0 ? "i" + random.nextInt(400) : null;
            steps.add(new Step(i, user, item, time, retitled, title(random)));
        }
        return steps;
    }

    /** An event, after a catalog change when {@code retitled} is not null. */
    private record Step(
            int index, String user, String item, long time, String retitled, String title) {
        void applyTo(CandidateGenerator g) {
            if (retitled != null) {
                g.putItem(retitled, title, List.of("g1"));
            }
            g.update(new UserEvent("e" + index, user, item, EventType.CLICK, 1f, time));
        }
    }
}
