package io.streamrec.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Records of one type as a given schema version of its serializer wrote them, committed as bytes
 * under {@code src/test/resources/serializer-fixtures}: {@code <type>.v<N>.bin} holds the records
 * back to back, {@code <type>.snapshot.v<N>.bin} the serializer's Flink snapshot as checkpoint
 * metadata stores it. {@code records} are the values a reader of today must get from those bytes.
 */
record SerializerFixture<T>(
        String type, int version, VersionedRecordSerializer<T> serializer, List<T> records) {

    static final String FOLDER = "serializer-fixtures";

    @Override
    public String toString() {
        return type + " v" + version;
    }

    String recordsFile() {
        return type + ".v" + version + ".bin";
    }

    String snapshotFile() {
        return type + ".snapshot.v" + version + ".bin";
    }

    /** Whether today's serializer writes this fixture's version, so the fixture can be written. */
    boolean isCurrent() {
        return version == serializer.currentVersion();
    }

    /** The committed bytes of {@code file}, from the test classpath. */
    static byte[] committed(String file) {
        try (InputStream in =
                SerializerFixture.class.getResourceAsStream("/" + FOLDER + "/" + file)) {
            if (in == null) {
                throw new AssertionError(
                        "no committed fixture "
                                + FOLDER
                                + "/"
                                + file
                                + "; write it once with -Dfixtures.write=true (see the README there)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads every record of {@code bytes} with {@code serializer}; fails on trailing bytes. */
    static <T> List<T> readAll(TypeSerializer<T> serializer, byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        List<T> out = new ArrayList<>();
        while (in.available() > 0) {
            out.add(serializer.deserialize(in));
        }
        return out;
    }

    static <T> TypeSerializerSnapshot<T> readSnapshot(byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        TypeSerializerSnapshot<T> snapshot =
                TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                        in, SerializerFixture.class.getClassLoader());
        if (in.available() > 0) {
            throw new IOException(in.available() + " bytes left after the snapshot");
        }
        return snapshot;
    }

    /**
     * Writes the records and the snapshot files into {@code folder}, each only if it is missing:
     * committed fixtures are never regenerated. Returns the files written.
     */
    List<Path> writeMissing(Path folder) throws IOException {
        if (!isCurrent()) {
            throw new IllegalStateException(
                    type + " v" + version + " is not the version today's serializer writes");
        }
        DataOutputSerializer records = new DataOutputSerializer(256);
        for (T record : this.records) {
            serializer.serialize(record, records);
        }
        DataOutputSerializer snapshot = new DataOutputSerializer(256);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(
                snapshot, serializer.snapshotConfiguration());
        List<Path> written = new ArrayList<>();
        writeIfMissing(folder.resolve(recordsFile()), records.getCopyOfBuffer(), written);
        writeIfMissing(folder.resolve(snapshotFile()), snapshot.getCopyOfBuffer(), written);
        return written;
    }

    private static void writeIfMissing(Path file, byte[] bytes, List<Path> written)
            throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            written.add(file);
        }
    }
}
