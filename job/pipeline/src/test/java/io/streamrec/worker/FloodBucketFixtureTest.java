package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.fixtures.CommittedFixtures;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The flood limits' keyed state (workers' user buckets, the item flood guard's) as version 1 of
 * {@link FloodBucketSerializer} wrote it, with the serializer snapshot a checkpoint holds for it,
 * committed under {@code src/test/resources/serializer-fixtures}: the rules of state-schemas'
 * serializer fixtures apply (written once, never regenerated). A renamed or moved snapshot class,
 * or a changed record layout, fails here instead of in a user's restore.
 */
class FloodBucketFixtureTest {
    private static final String RECORDS = "FloodBucket.v1.bin";
    private static final String SNAPSHOT = "FloodBucket.snapshot.v1.bin";

    private static List<FloodBucket> version1() {
        return List.of(
                new FloodBucket(0.0, 0L),
                new FloodBucket(2.75, 1_700_000_000_000L),
                new FloodBucket(-0.5, Long.MAX_VALUE));
    }

    @Test
    void committedBucketsStillRead() throws IOException {
        byte[] bytes = CommittedFixtures.read(RECORDS);
        assertThat(bytes[0]).as("schema version byte").isEqualTo((byte) 1);
        assertThat(CommittedFixtures.readAll(FloodBucketSerializer.INSTANCE, bytes))
                .containsExactlyElementsOf(version1());
    }

    @Test
    void committedSnapshotRestoresACompatibleSerializer() throws IOException {
        TypeSerializer<FloodBucket> restored =
                CommittedFixtures.restoredCompatible(SNAPSHOT, FloodBucketSerializer.INSTANCE);
        assertThat(CommittedFixtures.readAll(restored, CommittedFixtures.read(RECORDS)))
                .containsExactlyElementsOf(version1());
    }

    /**
     * Today's serializer, given the buckets the fixture of the version it writes holds, writes that
     * fixture's committed bytes (see {@link CommittedFixtures#assertWritesCommitted}).
     */
    @Test
    void todaysWriterWritesTheCommittedBytesOfItsVersion() throws IOException {
        CommittedFixtures.assertWritesCommitted(
                "FloodBucket.v" + FloodBucketSerializer.INSTANCE.currentVersion() + ".bin",
                CommittedFixtures.writeAll(FloodBucketSerializer.INSTANCE, version1()));
    }

    /**
     * Writes the fixtures of the version today's serializer writes ({@code
     * FloodBucket.v<currentVersion>.bin} and its snapshot) if they are missing, never over one and
     * never under another version's name: {@code mvn test -pl job/pipeline -am
     * -Dtest=FloodBucketFixtureTest#writeMissingFixtures -Dfixtures.write=true
     * -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingFixtures() throws IOException {
        DataOutputSerializer records = new DataOutputSerializer(64);
        for (FloodBucket bucket : version1()) {
            FloodBucketSerializer.INSTANCE.serialize(bucket, records);
        }
        DataOutputSerializer snapshot = new DataOutputSerializer(64);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                snapshot, FloodBucketSerializer.INSTANCE.snapshotConfiguration());
        int version = FloodBucketSerializer.INSTANCE.currentVersion();
        CommittedFixtures.writeIfMissing(
                "FloodBucket.v" + version + ".bin", records.getCopyOfBuffer());
        CommittedFixtures.writeIfMissing(
                "FloodBucket.snapshot.v" + version + ".bin", snapshot.getCopyOfBuffer());
    }
}
