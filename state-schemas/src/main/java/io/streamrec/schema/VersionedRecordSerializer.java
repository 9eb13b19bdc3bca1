package io.streamrec.schema;

import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base for the serializers of immutable streamrec records. Every record starts with a one-byte
 * schema version, so a reader restores checkpoints and reads Kafka topics written by any older
 * version of the record: {@link #readFields} gets the version and fills defaults for fields that
 * version did not have.
 *
 * <p>{@link #isImmutableType} is true and {@link #copy(Object)} returns its argument, so Flink
 * hands the same object to chained operators and to state snapshots. Records that hold arrays or
 * lists ({@code ParameterRow}'s weights, {@code RawRecord}'s bytes, a marker's events) are
 * therefore immutable by contract, not by type: nothing writes into one after it is built, and code
 * that needs other values builds a new record or copies the array first (as {@code RowUpdater}
 * does). Deep copies on every chained edge would cost the rows' floats once per hop.
 */
public abstract class VersionedRecordSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    /** The schema version this code writes. */
    public abstract int currentVersion();

    protected abstract void writeFields(T record, DataOutputView out) throws IOException;

    protected abstract T readFields(int version, DataInputView in) throws IOException;

    @Override
    public final void serialize(T record, DataOutputView out) throws IOException {
        out.writeByte(currentVersion());
        writeFields(record, out);
    }

    @Override
    public final T deserialize(DataInputView in) throws IOException {
        int version = in.readUnsignedByte();
        if (version < 1 || version > currentVersion()) {
            throw new IOException(
                    "Unsupported schema version "
                            + version
                            + " for "
                            + getClass().getSimpleName()
                            + " (this reader knows 1.."
                            + currentVersion()
                            + ")");
        }
        return readFields(version, in);
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public final void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public T createInstance() {
        return null;
    }

    @Override
    public T copy(T from) {
        return from;
    }

    @Override
    public T copy(T from, T reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    /** Serializes one record to bytes, e.g. for a Kafka value. */
    public byte[] toBytes(T record) {
        DataOutputSerializer out = new DataOutputSerializer(128);
        try {
            serialize(record, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + record, e);
        }
        return out.getCopyOfBuffer();
    }

    /** Reads one record from bytes written by {@link #toBytes}. */
    public T fromBytes(byte[] bytes) throws IOException {
        return deserialize(new DataInputDeserializer(bytes));
    }

    /** Writes a vector; one longer than readers accept fails here, not at a restore. */
    protected static void writeFloats(float[] values, DataOutputView out) throws IOException {
        if (values.length > ReadBounds.MAX_VECTOR_LENGTH) {
            throw new IOException(
                    "a vector of "
                            + values.length
                            + " floats is longer than a reader accepts ("
                            + ReadBounds.MAX_VECTOR_LENGTH
                            + ")");
        }
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    /** Reads what {@link #writeFloats} wrote; {@code what} names the vector in errors. */
    protected static float[] readFloats(DataInputView in, String what) throws IOException {
        int n = ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_VECTOR_LENGTH, what);
        // allocated as the floats arrive: a corrupt length within the bound meets the data's end
        float[] values = new float[Math.min(n, ReadBounds.ALLOCATION_STEP)];
        for (int i = 0; i < n; i++) {
            if (i == values.length) {
                values = Arrays.copyOf(values, ReadBounds.grown(i, n));
            }
            values[i] = in.readFloat();
        }
        return values;
    }

    protected static void writeStrings(String[] values, DataOutputView out) throws IOException {
        out.writeInt(values.length);
        for (String v : values) {
            out.writeUTF(v);
        }
    }

    /** Reads what {@link #writeStrings} wrote; {@code what} names the list in errors. */
    protected static String[] readStrings(DataInputView in, String what) throws IOException {
        return readStrings(in, ReadBounds.MAX_LIST_LENGTH, what);
    }

    /** Reads what {@link #writeStrings} wrote, at most {@code max} strings. */
    protected static String[] readStrings(DataInputView in, int max, String what)
            throws IOException {
        int n = ReadBounds.checkLength(in.readInt(), max, what);
        String[] values = new String[Math.min(n, ReadBounds.ALLOCATION_STEP)];
        for (int i = 0; i < n; i++) {
            if (i == values.length) {
                values = Arrays.copyOf(values, ReadBounds.grown(i, n));
            }
            values[i] = in.readUTF();
        }
        return values;
    }

    protected static void writeNullableString(String s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    protected static String readNullableString(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
