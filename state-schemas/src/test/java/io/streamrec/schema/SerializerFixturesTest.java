package io.streamrec.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.assertj.core.api.recursive.comparison.ComparingFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Bytes written by earlier versions of the record serializers, committed under {@code
 * src/test/resources/serializer-fixtures}, still read with today's serializers: checkpoints,
 * savepoints and the model-updates topic hold such bytes, so a reader that stops accepting them
 * breaks restores. The fixtures are written once by {@link #writeMissingFixtures()} and never
 * regenerated.
 */
class SerializerFixturesTest {
    static final List<SerializerFixture<?>> FIXTURES = SerializerFixtures.ALL;

    @ParameterizedTest(name = "{0}")
    @FieldSource("FIXTURES")
    void committedRecordsStillRead(SerializerFixture<?> fixture) throws IOException {
        byte[] bytes = SerializerFixture.committed(fixture.recordsFile());
        assertThat(bytes[0]).as("schema version byte").isEqualTo((byte) fixture.version());
        assertSameRecords(
                fixture.toString(),
                SerializerFixture.readAll(fixture.serializer(), bytes),
                fixture.records());
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("FIXTURES")
    void committedSnapshotsRestoreACompatibleSerializer(SerializerFixture<?> fixture)
            throws IOException {
        assertSnapshotCompatible(fixture);
    }

    private static <T> void assertSnapshotCompatible(SerializerFixture<T> fixture)
            throws IOException {
        TypeSerializerSnapshot<T> restored =
                SerializerFixture.readSnapshot(SerializerFixture.committed(fixture.snapshotFile()));
        assertThat(
                        fixture.serializer()
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(restored)
                                .isCompatibleAsIs())
                .as("today's %s accepts the committed snapshot as is", fixture.type())
                .isTrue();
        assertSameRecords(
                fixture + " through the restored snapshot's serializer",
                SerializerFixture.readAll(
                        restored.restoreSerializer(),
                        SerializerFixture.committed(fixture.recordsFile())),
                fixture.records());
    }

    static final List<SerializerFixture<?>> CURRENT_FIXTURES =
            FIXTURES.stream().filter(SerializerFixture::isCurrent).toList();

    /**
     * Today's writer writes the committed bytes of the version it writes, record by record: a
     * change to a current version's layout without a version bump fails here, not later when a
     * newer reader meets such bytes in a checkpoint or on the model-updates topic and reads them by
     * the old layout. A change of layout raises {@code currentVersion()} and adds a fixture (see
     * the README beside the fixtures); the committed files are never rewritten to match.
     */
    @ParameterizedTest(name = "{0}")
    @FieldSource("CURRENT_FIXTURES")
    void todaysWriterWritesTheCommittedBytesOfItsVersion(SerializerFixture<?> fixture)
            throws IOException {
        assertWritesCommittedBytes(fixture);
    }

    /**
     * Writes the fixture's expected records, not the ones read back: a change to reader and writer
     * alike (two fields swapped in both) reads the committed bytes wrongly but writes what it read
     * back unchanged, and would pass. The committed file is cut into records by today's reader,
     * which {@link #committedRecordsStillRead} checks.
     */
    private static <T> void assertWritesCommittedBytes(SerializerFixture<T> fixture)
            throws IOException {
        byte[] committed = SerializerFixture.committed(fixture.recordsFile());
        DataInputDeserializer in = new DataInputDeserializer(committed);
        for (int i = 0; i < fixture.records().size(); i++) {
            int start = in.getPosition();
            Object read = fixture.serializer().deserialize(in);
            byte[] written = Arrays.copyOfRange(committed, start, in.getPosition());
            assertThat(fixture.serializer().toBytes(fixture.records().get(i)))
                    .as(
                            "%s record %d as today's writer writes it: a changed layout needs a"
                                    + " new schema version and fixture",
                            fixture, i)
                    .isEqualTo(
                            read instanceof ModelUpdate update
                                    ? withNestedRecordRewritten(update, written)
                                    : written);
        }
        assertThat(in.available()).as("%s bytes after its records", fixture).isZero();
    }

    /**
     * A ModelUpdate's bytes: its version byte, a kind byte, then the row, marker or serving request
     * as a whole record of its own serializer, version byte included. ModelUpdate v1's fixture was
     * written when rows and markers were at version 1, and ModelUpdate stays at v1 as they move on
     * (its reader reads every nested version), so today's writer nests ParameterRow v3 and
     * EvalMarker v2 where the fixture holds v1. Those nested layouts are pinned by their own
     * fixtures; this keeps ModelUpdate's own two bytes as committed and the nested record as
     * today's writer writes the record read from them. (ShardMessage nests markers and serving
     * requests the same way; its v2 fixture holds their current versions, so it compares as
     * committed until one of them goes up.)
     */
    private static byte[] withNestedRecordRewritten(ModelUpdate update, byte[] written)
            throws IOException {
        byte[] nested = Arrays.copyOfRange(written, 2, written.length);
        byte[] rewritten =
                update.isMarker()
                        ? EvalMarkerSerializer.INSTANCE.toBytes(
                                readOne(EvalMarkerSerializer.INSTANCE, nested))
                        : update.isRequest()
                                ? ServingRequestSerializer.INSTANCE.toBytes(
                                        readOne(ServingRequestSerializer.INSTANCE, nested))
                                : ParameterRowSerializer.INSTANCE.toBytes(
                                        readOne(ParameterRowSerializer.INSTANCE, nested));
        byte[] out = Arrays.copyOf(written, 2 + rewritten.length);
        System.arraycopy(rewritten, 0, out, 2, rewritten.length);
        return out;
    }

    private static <T> T readOne(VersionedRecordSerializer<T> serializer, byte[] bytes)
            throws IOException {
        List<T> records = SerializerFixture.readAll(serializer, bytes);
        assertThat(records).as("one nested %s", serializer.getClass().getSimpleName()).hasSize(1);
        return records.get(0);
    }

    /**
     * Field by field, arrays element by element, floats bit by bit (NaN equals NaN). Fields, not
     * properties: AssertJ would otherwise read {@code marker} through {@code isMarker()}.
     */
    static void assertSameRecords(String what, List<?> actual, List<?> expected) {
        assertThat(actual)
                .as(what)
                .usingRecursiveComparison()
                .withIntrospectionStrategy(ComparingFields.COMPARING_FIELDS)
                .withEqualsForType(Float::equals, Float.class)
                .isEqualTo(expected);
    }

    /** A schema version bump without a fixture of the new version fails here. */
    @Test
    void everySerializerHasAFixtureOfTheVersionItWrites() throws Exception {
        List<String> serializers = new ArrayList<>();
        for (Class<?> c : schemaClasses()) {
            if (VersionedRecordSerializer.class.isAssignableFrom(c)
                    && !Modifier.isAbstract(c.getModifiers())) {
                serializers.add(c.getSimpleName());
                VersionedRecordSerializer<?> serializer =
                        (VersionedRecordSerializer<?>) c.getField("INSTANCE").get(null);
                assertThat(FIXTURES)
                        .as("a fixture of %s v%d", c.getSimpleName(), serializer.currentVersion())
                        .anyMatch(
                                f ->
                                        f.serializer() == serializer
                                                && f.version() == serializer.currentVersion());
            }
        }
        assertThat(serializers).contains("ParameterRowSerializer", "ShardMessageSerializer");
    }

    @Test
    void everyCommittedFileHasExpectedRecords() throws Exception {
        Set<String> known = new TreeSet<>(List.of("README.md"));
        FIXTURES.forEach(f -> known.addAll(List.of(f.recordsFile(), f.snapshotFile())));
        Path folder =
                Path.of(
                        SerializerFixturesTest.class
                                .getResource("/" + SerializerFixture.FOLDER)
                                .toURI());
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(known::contains);
        }
    }

    /**
     * Writes the fixtures of the current schema versions that are missing (never overwrites one):
     * {@code mvn test -pl state-schemas -Dtest=SerializerFixturesTest#writeMissingFixtures
     * -Dfixtures.write=true}, then commit the new files.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingFixtures() throws IOException {
        Path folder = Path.of("src/test/resources", SerializerFixture.FOLDER);
        for (SerializerFixture<?> fixture : FIXTURES) {
            if (fixture.isCurrent()) {
                fixture.writeMissing(folder).forEach(p -> System.out.println("Wrote " + p));
            }
        }
    }

    /** The classes of package io.streamrec.schema, from its classes folder or jar. */
    private static List<Class<?>> schemaClasses() throws IOException, URISyntaxException {
        Path root =
                Path.of(
                        VersionedRecordSerializer.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        if (Files.isRegularFile(root)) {
            root = FileSystems.newFileSystem(root).getPath("/");
        }
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve("io/streamrec/schema"))) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    try {
                        classes.add(
                                Class.forName(
                                        "io.streamrec.schema."
                                                + name.substring(0, name.length() - 6)));
                    } catch (ClassNotFoundException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return classes;
    }
}
