package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.candidates.ScoredItem;
import io.streamrec.candidates.SimilarUsers;
import io.streamrec.candidates.Source;
import io.streamrec.fixtures.CommittedFixtures;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Candidate-statistics checkpoints written by schema versions 1 (one entry, written by subtask 0,
 * of every user's statistics), 2 (each subtask's own, the base uncompressed) and 3 (the base as an
 * LZ4 block) of {@link StatisticsCheckpointSerializer} still restore.
 */
class StatisticsCheckpointFixtureTest {
    private static final String FIXTURE = "/serializer-fixtures/StatisticsCheckpoint.v1.bin";
    private static final String FIXTURE_V2 = "/serializer-fixtures/StatisticsCheckpoint.v2.bin";
    private static final String FIXTURE_V3 = "/serializer-fixtures/StatisticsCheckpoint.v3.bin";

    /** In {@link CommittedFixtures#FOLDER}, where the record fixtures above are too. */
    private static final String SNAPSHOT_V3 = "StatisticsCheckpoint.snapshot.v3.bin";

    /** Three users on two items, then a fourth user: base after three events, journal after. */
    static CandidateGenerator tinyStream(
            StatisticsJournal journal, List<StatisticsCheckpoint> out) {
        ItemCatalog catalog =
                new ItemCatalog(
                        List.of(
                                new ItemRecord("i1", "One", List.of("Drama")),
                                new ItemRecord("i2", "Two", List.of("Comedy"))));
        CandidateGenerator statistics = // the rule of the code that wrote the fixture
                new CandidateGenerator(
                        CandidateSettings.defaults().withSimilarUsers(SimilarUsers.BOTH_WAYS),
                        catalog);
        statistics.recordChangesTo(journal);
        String[][] events = {{"a", "i1"}, {"b", "i1"}, {"c", "i1"}, {"d", "i1"}, {"d", "i2"}};
        for (int e = 0; e < events.length; e++) {
            statistics.update(
                    new UserEvent(
                            "e" + e,
                            events[e][0],
                            events[e][1],
                            EventType.CLICK,
                            Float.NaN,
                            1_000_000L * (e + 1)));
            if (e == 2) {
                out.add(journal.checkpoint(statistics));
            }
        }
        out.add(journal.checkpoint(statistics));
        return statistics;
    }

    /**
     * Writes the fixture of the version today's serializer writes ({@code
     * StatisticsCheckpoint.v<currentVersion>.bin}: the tiny stream's last checkpoint, as subtask 1
     * of 2) if it is missing, never over one and never under another version's name: {@code mvn
     * test -pl job/pipeline -am -Dtest=StatisticsCheckpointFixtureTest#writeMissingFixture
     * -Dfixtures.write=true -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingFixture() throws Exception {
        List<StatisticsCheckpoint> checkpoints = new java.util.ArrayList<>();
        tinyStream(new StatisticsJournal(1, 2), checkpoints);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        StatisticsCheckpointSerializer.INSTANCE.serialize(checkpoints.get(1), out);
        int version = StatisticsCheckpointSerializer.INSTANCE.currentVersion();
        CommittedFixtures.writeIfMissing(
                "StatisticsCheckpoint.v" + version + ".bin", out.getCopyOfBuffer());
    }

    /**
     * Today's serializer, given the checkpoint the fixture of the version it writes holds (the tiny
     * stream's last checkpoint as subtask 1 of 2, made afresh, not read from the fixture), writes
     * that fixture's bytes: a layout changed in reader and writer alike fails here. The base is
     * compared uncompressed: its LZ4 block is whatever the LZ4 library's compressor (JNI or Java,
     * of this release) makes of it, which any LZ4 reader reads, and is no part of this layout.
     */
    @Test
    void todaysWriterWritesTheCommittedBytesOfItsVersion() throws Exception {
        List<StatisticsCheckpoint> checkpoints = new java.util.ArrayList<>();
        tinyStream(new StatisticsJournal(1, 2), checkpoints);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        StatisticsCheckpointSerializer.INSTANCE.serialize(checkpoints.get(1), out);
        int version = StatisticsCheckpointSerializer.INSTANCE.currentVersion();
        String fixture = "StatisticsCheckpoint.v" + version + ".bin";

        byte[] written = withBaseUncompressed(out.getCopyOfBuffer());
        byte[] committed = withBaseUncompressed(CommittedFixtures.read(fixture));

        assertThat(Arrays.mismatch(written, committed))
                .as(
                        "first byte where today's writer differs from the committed %s, base"
                                + " uncompressed (-1 if none): a changed layout needs a new"
                                + " version and fixture",
                        fixture)
                .isEqualTo(-1);
    }

    /**
     * Version 3's bytes with the base's LZ4 block replaced by the base it holds: the version byte,
     * the base's length and bytes, then the rest (journal, subtask, parallelism) as they are. The
     * base nests candidate statistics of {@link CandidateStatisticsSerializer#VERSION} and the
     * journal user events of their serializer's current version, each pinned by its own fixture;
     * when either version goes up, that part of the committed bytes is to be compared as today's
     * writer writes what it holds (as state-schemas' SerializerFixturesTest does for ModelUpdate
     * v1's nested records).
     */
    private static byte[] withBaseUncompressed(byte[] checkpoint) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(checkpoint);
        int version = in.readUnsignedByte();
        assertThat(version).as("the layout read here is version 3's").isEqualTo(3);
        int length = in.readInt();
        byte[] block = new byte[in.readInt()];
        in.readFully(block);
        byte[] base = StatisticsBase.ofBlock(block, length).bytes();
        assertThat(base[0])
                .as(
                        "the base's candidate statistics version, today's (once it goes up,"
                                + " compare the base as today's writer writes what it holds)")
                .isEqualTo((byte) CandidateStatisticsSerializer.VERSION);
        DataOutputSerializer out = new DataOutputSerializer(checkpoint.length + length);
        out.writeByte(version);
        out.writeInt(length);
        out.write(base);
        out.write(checkpoint, in.getPosition(), in.available());
        return out.getCopyOfBuffer();
    }

    private StatisticsCheckpoint read(String fixture) throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream(fixture)) {
            bytes = in.readAllBytes();
        }
        return StatisticsCheckpointSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(bytes));
    }

    /**
     * The serializer snapshot a checkpoint holds beside the state (written once, at version 3): a
     * renamed or moved snapshot class fails here instead of in a user's restore.
     */
    @Test
    void theCommittedSnapshotRestoresASerializerThatReadsTheFixture() throws Exception {
        TypeSerializer<StatisticsCheckpoint> restored =
                CommittedFixtures.restoredCompatible(
                        SNAPSHOT_V3, StatisticsCheckpointSerializer.INSTANCE);
        StatisticsCheckpoint read;
        try (InputStream records = getClass().getResourceAsStream(FIXTURE_V3)) {
            read = restored.deserialize(new DataInputDeserializer(records.readAllBytes()));
        }
        assertThat(read.subtask()).isEqualTo(1);
    }

    /**
     * Writes the snapshot fixture if it is missing (never overwrites it); run with
     * -Dfixtures.write=true.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingSnapshotFixture() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                out, StatisticsCheckpointSerializer.INSTANCE.snapshotConfiguration());
        CommittedFixtures.writeIfMissing(SNAPSHOT_V3, out.getCopyOfBuffer());
    }

    @Test
    void readsTheVersionThreeFixture() throws Exception {
        readsSubtaskOneOfTwo(FIXTURE_V3);
    }

    @Test
    void readsTheVersionTwoFixture() throws Exception {
        readsSubtaskOneOfTwo(FIXTURE_V2);
    }

    private void readsSubtaskOneOfTwo(String fixture) throws Exception {
        StatisticsCheckpoint read = read(fixture);
        assertThat(read.whole()).isFalse();
        assertThat(read.subtask()).isEqualTo(1);
        assertThat(read.parallelism()).isEqualTo(2);
        assertThat(read.journal()).isNotEmpty(); // two events after the base
        CandidateGenerator restored = read.statistics(WRITERS_RULE);
        assertThat(restored.updates()).isEqualTo(5);
        assertThat(List.of("a", "b", "c", "d")).allMatch(restored::knows);
        assertThat(restored.userItems("d")).containsExactly("i2", "i1");
        assertThat(restored.userItems("a")).containsExactly("i1");
        // similar users are kept for the subtask's own users: a (subtask 1's) gets d's i2 through
        // them, b (subtask 0's) nothing
        assertThat(UserOwner.of("a", 2)).isEqualTo(1);
        assertThat(UserOwner.of("b", 2)).isZero();
        assertThat(restored.candidates("a", TIMES[0]).list(Source.SIMILAR_USERS))
                .extracting(ScoredItem::itemId)
                .containsExactly("i2");
        assertThat(restored.candidates("b", TIMES[0]).list(Source.SIMILAR_USERS)).isEmpty();
        // the same statistics as a live journal of subtask 1 of 2 checkpoints, restored: compared
        // by what they answer, not by their bytes, which a later version of the base's format
        // (CandidateStatisticsSerializer) may write otherwise
        List<StatisticsCheckpoint> live = new java.util.ArrayList<>();
        tinyStream(new StatisticsJournal(1, 2), live);
        assertSameStatistics(restored, live.get(1).statistics(WRITERS_RULE));
    }

    /** The similarity rule of the code that wrote the fixtures. */
    private static final CandidateSettings WRITERS_RULE =
            CandidateSettings.defaults().withSimilarUsers(SimilarUsers.BOTH_WAYS);

    /** Times the candidates are asked for at: within the stream, and two days after it. */
    private static final long[] TIMES = {5_000_000L, 2 * 86_400_000L};

    /**
     * {@code restored} answers as {@code expected} does: events applied, what they hold (items,
     * users, pairs, similar users, histories), whom they know, each user's latest items and each
     * source's candidates (items and scores) for each user, a stranger too, at {@link #TIMES}.
     */
    private static void assertSameStatistics(
            CandidateGenerator restored, CandidateGenerator expected) {
        assertThat(restored.updates()).isEqualTo(expected.updates());
        assertThat(restored.size()).isEqualTo(expected.size());
        for (String user : List.of("a", "b", "c", "d", "stranger")) {
            assertThat(restored.knows(user)).as(user).isEqualTo(expected.knows(user));
            assertThat(restored.userItems(user)).as(user).isEqualTo(expected.userItems(user));
            for (long t : TIMES) {
                CandidateSet got = restored.candidates(user, t);
                CandidateSet want = expected.candidates(user, t);
                for (Source source : Source.values()) {
                    assertThat(got.list(source))
                            .as("%s of %s at %d", source, user, t)
                            .isEqualTo(want.list(source));
                }
            }
        }
    }

    @Test
    void readsTheVersionOneFixture() throws Exception {
        StatisticsCheckpoint read = read(FIXTURE);
        assertThat(read.journal()).isNotEmpty(); // two events after the base
        assertThat(read.whole()).isTrue();
        CandidateGenerator restored =
                read.statistics(
                        CandidateSettings.defaults().withSimilarUsers(SimilarUsers.BOTH_WAYS));
        assertThat(restored.updates()).isEqualTo(5);
        assertThat(List.of("a", "b", "c", "d")).allMatch(restored::knows);
        // a, b, c, d on i1 under the writer's rule: every pair similar both ways, 12 entries
        assertThat(restored.size().similarUserEntries()).isEqualTo(12);
        // the journal (d on i1, d on i2) replayed under today's default: d similar to a, b and
        // c, not they to d; the base's 6 entries among a, b and c as written
        CandidateGenerator underDefaults = read.statistics();
        assertThat(underDefaults.updates()).isEqualTo(5);
        assertThat(underDefaults.size().similarUserEntries()).isEqualTo(9);
    }
}
