package io.streamrec.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.assertj.core.api.recursive.comparison.ComparingFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Serving's evaluation state as schema version 1 of {@link PrequentialCountsSerializer} wrote it,
 * committed under {@code src/test/resources/serializer-fixtures}, still restores: the rules of
 * state-schemas' serializer fixtures (see the README there) apply.
 */
class PrequentialCountsFixtureTest {
    private static final String FOLDER = "serializer-fixtures";
    private static final String RECORDS = "PrequentialCounts.v1.bin";
    private static final String SNAPSHOT = "PrequentialCounts.snapshot.v1.bin";

    /** What version 1 wrote: two subtasks' counts, one of them empty. */
    private static List<PrequentialCounts> version1() {
        TreeMap<Long, double[]> windows = new TreeMap<>();
        windows.put(1_600_000_000_000L, new double[] {4, 3, 1, 2, 2.130929753571457, 1, 1.5});
        windows.put(1_600_003_600_000L, new double[] {1, 0, 0, 1, 0, 0, 0.5});
        return List.of(new PrequentialCounts(3, windows), new PrequentialCounts(0));
    }

    @Test
    void committedCountsStillRead() throws IOException {
        byte[] bytes = committed(RECORDS);
        assertThat(bytes[0]).as("schema version byte").isEqualTo((byte) 1);
        assertSameCounts(readAll(PrequentialCountsSerializer.INSTANCE, bytes));
    }

    @Test
    void committedSnapshotRestoresACompatibleSerializer() throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(committed(SNAPSHOT));
        TypeSerializerSnapshot<PrequentialCounts> restored =
                TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                        in, getClass().getClassLoader());
        assertThat(in.available()).isZero();
        assertThat(
                        PrequentialCountsSerializer.INSTANCE
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(restored)
                                .isCompatibleAsIs())
                .isTrue();
        assertSameCounts(readAll(restored.restoreSerializer(), committed(RECORDS)));
    }

    /**
     * Writes the fixtures if they are missing (never overwrites one): {@code mvn test -pl
     * job/pipeline -am -Dtest=PrequentialCountsFixtureTest#writeMissingFixtures
     * -Dfixtures.write=true -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingFixtures() throws IOException {
        assertThat(PrequentialCountsSerializer.INSTANCE.currentVersion()).isEqualTo(1);
        DataOutputSerializer records = new DataOutputSerializer(256);
        for (PrequentialCounts counts : version1()) {
            PrequentialCountsSerializer.INSTANCE.serialize(counts, records);
        }
        DataOutputSerializer snapshot = new DataOutputSerializer(64);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                snapshot, PrequentialCountsSerializer.INSTANCE.snapshotConfiguration());
        Path folder = Path.of("src/test/resources", FOLDER);
        writeIfMissing(folder.resolve(RECORDS), records.getCopyOfBuffer());
        writeIfMissing(folder.resolve(SNAPSHOT), snapshot.getCopyOfBuffer());
    }

    private static void assertSameCounts(List<PrequentialCounts> actual) {
        assertThat(actual)
                .usingRecursiveComparison()
                .withIntrospectionStrategy(ComparingFields.COMPARING_FIELDS)
                .isEqualTo(version1());
    }

    private static void writeIfMissing(Path file, byte[] bytes) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            System.out.println("Wrote " + file);
        }
    }

    private static byte[] committed(String file) throws IOException {
        try (InputStream in =
                PrequentialCountsFixtureTest.class.getResourceAsStream("/" + FOLDER + "/" + file)) {
            assertThat(in).as("committed fixture %s/%s", FOLDER, file).isNotNull();
            return in.readAllBytes();
        }
    }

    private static <T> List<T> readAll(TypeSerializer<T> serializer, byte[] bytes)
            throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        List<T> out = new ArrayList<>();
        while (in.available() > 0) {
            out.add(serializer.deserialize(in));
        }
        return out;
    }
}
