package io.streamrec.candidates;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The bytes of a whole {@link CandidateGenerator}, for operator state in a checkpoint: a format
 * version byte, then the generator's statistics (see {@link CandidateGenerator#writeTo}), ints,
 * longs, doubles and modified-UTF-8 ids through {@link java.io.DataOutput}, no Java serialization.
 * A restored generator gives exactly the candidates the written one would have, and both go on
 * identically under the same events.
 *
 * <p>Version 1 sections, in order: the state-shaping settings (checked on read), the update count,
 * item ids, user ids, item popularity, item pairs, user neighbourhood, title words, user items.
 * Version 2 adds the activity statistics the ranker's features read ({@link ActivityStatistics});
 * version 1 restores with them empty. Version 3 adds the items' short-term (2 h) popularity counts,
 * a ranker feature; versions 1 and 2 restore with them empty (a 2 h count cannot be derived from
 * the 6 h one, and what it misses halves every 2 h). Version 4 writes each neighbour list's update
 * stamps and clock counted from its oldest stamp instead of recency ranks: the ranks took a sort
 * per list, three quarters of the time to write the statistics. A new section goes at the end of
 * {@link #write}/{@link #read}; once a version has been released, a change of layout takes a new
 * version number and keeps reading the old ones (the committed fixtures under {@code
 * serializer-fixtures} hold versions 1 to 4).
 */
public final class CandidateStatisticsSerializer {
    /** The version this code writes. */
    public static final int VERSION = 4;

    /** The oldest version this code reads. */
    public static final int OLDEST_READ = 1;

    /**
     * The output's first size; it doubles as it fills. Flink's byte-array views, not the JDK's data
     * streams: those write and read an int a byte at a time through a call each, which made writing
     * the whole statistics take about 2.5 times as long on the serving task's thread (BENCHMARKS,
     * "The pipeline at the end of the eighth session").
     */
    private static final int BUFFER = 1 << 16;

    private CandidateStatisticsSerializer() {}

    public static byte[] toBytes(CandidateGenerator generator) {
        return toBytes(generator, 0);
    }

    /**
     * {@link #toBytes(CandidateGenerator)} into a buffer that starts with room for {@code
     * expectedBytes}: the statistics are tens of MB, and a buffer grown by doubling from small
     * allocates and copies about twice that on the task thread.
     */
    public static byte[] toBytes(CandidateGenerator generator, int expectedBytes) {
        DataOutputSerializer out = new DataOutputSerializer(Math.max(BUFFER, expectedBytes));
        try {
            out.writeByte(VERSION);
            generator.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.getCopyOfBuffer();
    }

    /**
     * The generator {@link #toBytes} wrote.
     *
     * @param settings caps and similarity half-life as the writer's; the other settings may differ
     * @throws IllegalArgumentException for an unknown version, settings that bound the state
     *     otherwise, or bytes that are not a whole snapshot
     */
    public static CandidateGenerator fromBytes(byte[] bytes, CandidateSettings settings) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("no candidate statistics: empty snapshot");
        }
        int version = bytes[0] & 0xff;
        if (version < OLDEST_READ || version > VERSION) {
            throw new IllegalArgumentException(
                    "unknown candidate statistics format version "
                            + version
                            + "; this code reads versions "
                            + OLDEST_READ
                            + " to "
                            + VERSION);
        }
        DataInputDeserializer in =
                new DataInputDeserializer(bytes, 1, bytes.length - 1); // start, length
        try {
            CandidateGenerator generator = CandidateGenerator.readFrom(in, settings, version);
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes after the statistics");
            }
            return generator;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "corrupt candidate statistics (version " + version + "): " + e.getMessage(), e);
        }
    }
}
