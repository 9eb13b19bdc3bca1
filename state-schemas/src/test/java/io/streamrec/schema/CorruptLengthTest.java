package io.streamrec.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corrupt length, enum ordinal or kind read by a record serializer is an IOException, never an
 * allocation or another exception.
 */
class CorruptLengthTest {

    @ParameterizedTest(name = "{0} length {2}")
    @MethodSource("corruptRecords")
    void aCorruptLengthIsAnIoExceptionNamingTheFieldAndTheBound(
            String field, VersionedRecordSerializer<?> serializer, int length, byte[] bytes) {
        assertThatThrownBy(() -> serializer.fromBytes(bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(field)
                .hasMessageContaining(String.valueOf(length))
                .hasMessageContaining("bound");
    }

    /**
     * What a writer accepts, a reader reads back: the largest row a job's settings allow (FTRL's
     * two slots per weight of a dim² row) round-trips, and a longer one fails at the write, before
     * a checkpoint that could never restore holds it.
     */
    @Test
    void theLongestRowAWriterAcceptsReadsBackAndALongerOneFailsAtTheWrite() throws IOException {
        int weights = ReadBounds.MAX_VECTOR_LENGTH / 2;
        ParameterRow longest =
                new ParameterRow(
                        "dense:W", new float[weights], new float[2 * weights], 1, 1, 0, 0f, 0L);
        ParameterRow read =
                ParameterRowSerializer.INSTANCE.fromBytes(
                        ParameterRowSerializer.INSTANCE.toBytes(longest));
        assertThat(read.slots()).hasSize(ReadBounds.MAX_VECTOR_LENGTH);

        ParameterRow tooLong =
                new ParameterRow(
                        "dense:W",
                        new float[1],
                        new float[ReadBounds.MAX_VECTOR_LENGTH + 1],
                        1,
                        1,
                        0,
                        0f,
                        0L);
        assertThatThrownBy(
                        () ->
                                ParameterRowSerializer.INSTANCE.serialize(
                                        tooLong, new DataOutputSerializer(64)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("longer than a reader accepts");
    }

    /**
     * A corrupt length within its bound meets the end of the data before the reader allocates what
     * it names: an IOException, not tens of MiB (or an OutOfMemoryError on a small heap).
     */
    @Test
    void aCorruptLengthWithinItsBoundAllocatesAsTheDataArrives() throws IOException {
        byte[] row =
                parameterRow(ReadBounds.MAX_VECTOR_LENGTH); // 64 MiB of floats named, none sent
        assertThat(allocatedBy(() -> ParameterRowSerializer.INSTANCE.fromBytes(row)))
                .isLessThan(16L << 20);
        byte[] record = raw(ReadBounds.MAX_RECORD_BYTES); // a 64 MiB value named, none sent
        assertThat(allocatedBy(() -> RawRecordSerializer.INSTANCE.fromBytes(record)))
                .isLessThan(16L << 20);
        byte[] bytes = new byte[100];
        assertThat(
                        allocatedBy(
                                () ->
                                        ReadBounds.readBytes(
                                                new DataInputDeserializer(bytes), 1 << 30)))
                .isLessThan(16L << 20);
    }

    /**
     * A list's length names entries whose bytes follow: a marker or result naming {@link
     * ReadBounds#MAX_LIST_LENGTH} of them, then ending, allocates little before its IOException.
     */
    @Test
    void aCorruptListLengthWithinItsBoundAllocatesAsTheEntriesArrive() throws IOException {
        byte[] marker = marker(ReadBounds.MAX_LIST_LENGTH);
        assertThat(allocatedBy(() -> EvalMarkerSerializer.INSTANCE.fromBytes(marker)))
                .isLessThan(1L << 20);
        byte[] result = result(ReadBounds.MAX_LIST_LENGTH);
        assertThat(allocatedBy(() -> RecommendationResultSerializer.INSTANCE.fromBytes(result)))
                .isLessThan(1L << 20);
    }

    /** Bytes this thread allocated running {@code read}, which must fail with an IOException. */
    private static long allocatedBy(ThrowingCallable read) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(read).isInstanceOf(IOException.class);
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    static Stream<Arguments> corruptRecords() throws IOException {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (int length : new int[] {Integer.MAX_VALUE, -5}) {
            cases.add(
                    of(
                            "ParameterRow.weights",
                            ParameterRowSerializer.INSTANCE,
                            length,
                            parameterRow(length)));
            cases.add(
                    of(
                            "ShardMessage.gradient",
                            ShardMessageSerializer.INSTANCE,
                            length,
                            gradient(length)));
            cases.add(
                    of(
                            "ItemRecord.attributes",
                            ItemRecordSerializer.INSTANCE,
                            length,
                            item(length)));
            cases.add(of("RawRecord.value", RawRecordSerializer.INSTANCE, length, raw(length)));
            cases.add(
                    of("EvalMarker.events", EvalMarkerSerializer.INSTANCE, length, marker(length)));
            cases.add(
                    of(
                            "RecommendationResult.items",
                            RecommendationResultSerializer.INSTANCE,
                            length,
                            result(length)));
        }
        cases.add(of("UserEvent.type", UserEventSerializer.INSTANCE, 200, userEvent(200)));
        cases.add(of("ModelUpdate kind", ModelUpdateSerializer.INSTANCE, 7, modelUpdate(7)));
        cases.add(of("ShardMessage kind", ShardMessageSerializer.INSTANCE, 7, shardMessage(7)));
        return cases.build();
    }

    private static byte[] userEvent(int type) throws IOException {
        DataOutputSerializer out = header(UserEventSerializer.INSTANCE);
        out.writeUTF("e");
        out.writeUTF("u");
        out.writeUTF("i");
        out.writeByte(type);
        out.writeFloat(1f);
        out.writeLong(0L);
        return out.getCopyOfBuffer();
    }

    private static byte[] modelUpdate(int kind) throws IOException {
        DataOutputSerializer out = header(ModelUpdateSerializer.INSTANCE);
        out.writeByte(kind);
        out.write(ParameterRowSerializer.INSTANCE.toBytes(ParameterRow.tombstone("u:x")));
        return out.getCopyOfBuffer();
    }

    /** A gradient's body behind a kind that is none of gradient, marker or request. */
    private static byte[] shardMessage(int kind) throws IOException {
        DataOutputSerializer out = header(ShardMessageSerializer.INSTANCE);
        out.writeUTF("u:1");
        out.writeByte(kind);
        out.writeInt(1);
        out.writeFloat(0.5f);
        out.writeInt(1);
        out.writeInt(1);
        out.writeFloat(0f);
        out.writeLong(0L);
        return out.getCopyOfBuffer();
    }

    private static Arguments of(
            String field, VersionedRecordSerializer<?> s, int length, byte[] bytes) {
        return Arguments.of(field, s, length, bytes);
    }

    private static byte[] parameterRow(int length) {
        DataOutputSerializer out = header(ParameterRowSerializer.INSTANCE);
        try {
            out.writeUTF("i:1");
            out.writeInt(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.getCopyOfBuffer();
    }

    private static byte[] gradient(int length) throws IOException {
        DataOutputSerializer out = header(ShardMessageSerializer.INSTANCE);
        out.writeUTF("u:1");
        out.writeByte(0); // neither marker nor request: a gradient
        out.writeInt(length);
        return out.getCopyOfBuffer();
    }

    private static byte[] item(int length) throws IOException {
        DataOutputSerializer out = header(ItemRecordSerializer.INSTANCE);
        out.writeUTF("i");
        out.writeUTF("title");
        out.writeInt(length);
        return out.getCopyOfBuffer();
    }

    private static byte[] raw(int length) throws IOException {
        DataOutputSerializer out = header(RawRecordSerializer.INSTANCE);
        out.writeUTF("events");
        out.writeInt(0);
        out.writeLong(7L);
        out.writeInt(length); // only -1 means a null value
        return out.getCopyOfBuffer();
    }

    private static byte[] marker(int length) throws IOException {
        DataOutputSerializer out = header(EvalMarkerSerializer.INSTANCE);
        out.writeLong(1L);
        out.writeInt(1);
        out.writeInt(length);
        return out.getCopyOfBuffer();
    }

    private static byte[] result(int length) throws IOException {
        DataOutputSerializer out = header(RecommendationResultSerializer.INSTANCE);
        out.writeUTF("r");
        out.writeUTF("u");
        out.writeInt(length);
        return out.getCopyOfBuffer();
    }

    private static DataOutputSerializer header(VersionedRecordSerializer<?> serializer) {
        DataOutputSerializer out = new DataOutputSerializer(64);
        try {
            out.writeByte(serializer.currentVersion());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
