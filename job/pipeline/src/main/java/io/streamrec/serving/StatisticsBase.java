package io.streamrec.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

/**
 * A full snapshot of serving's candidate statistics (bytes of {@link
 * io.streamrec.candidates.CandidateStatisticsSerializer}) and its LZ4 block, made once. Every
 * checkpoint writes its base again until the next rebase, and Flink 2.2's operator-state stream
 * takes those bytes one call each (its {@code CompressibleFSDataOutputStream} has no bulk write):
 * at 10% evaluated that was about a tenth of the pipeline's CPU. A block half the size, made by the
 * first checkpoint that writes the base (in its asynchronous part, off the task thread) and kept
 * here for the checkpoints that share the base, halves those calls. A base replaced by a rebase
 * takes its block with it. A base read from a checkpoint keeps its block and decompresses it only
 * where its bytes are read.
 */
public final class StatisticsBase {
    /** Native where the library's class loader allows it, else pure Java; one block format. */
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

    /** The bytes, where they were made here; null for a base read from its block. */
    private final byte[] bytes;

    private final int length;
    private byte[] block;

    /** A base of {@code bytes}, which nobody writes after this. */
    public StatisticsBase(byte[] bytes) {
        this.bytes = bytes;
        this.length = bytes.length;
    }

    private StatisticsBase(byte[] block, int length) {
        this.bytes = null;
        this.length = length;
        this.block = block;
    }

    /**
     * The base of {@code length} bytes that {@code block} holds, keeping the block and nothing
     * else: a restore reads every subtask's entry (union state) and at the same parallelism uses
     * only its own, so the others are never decompressed (at p=4, 34 MB of bytes each beside its 16
     * MB block), and its own only while its statistics are read ({@link #bytes}).
     *
     * @throws IOException when {@code length} is more than any block of this size holds
     */
    static StatisticsBase ofBlock(byte[] block, int length) throws IOException {
        // LZ4 expands a byte to at most 255: a longer length is corrupt, and never allocated
        if (length > 255L * block.length + 16) {
            throw new IOException(
                    "statistics base of "
                            + length
                            + " bytes cannot come from a block of "
                            + block.length);
        }
        return new StatisticsBase(block, length);
    }

    /**
     * The base's bytes; not to be written. A base read from its block decompresses it at each call,
     * keeping nothing: its statistics are read once at the restore and once by the rebuild of a new
     * base, and between the two the heap holds the block alone.
     *
     * @throws UncheckedIOException when the block is corrupt or holds another length than the
     *     header's
     */
    public byte[] bytes() {
        if (bytes != null) {
            return bytes;
        }
        byte[] decompressed = new byte[length];
        int read;
        try {
            read =
                    LZ4.safeDecompressor()
                            .decompress(block, 0, block.length, decompressed, 0, length);
        } catch (LZ4Exception e) {
            throw corrupt("corrupt statistics base block: " + e.getMessage(), e);
        }
        if (read != length) {
            throw corrupt(
                    "statistics base block holds " + read + " bytes, its header says " + length,
                    null);
        }
        return decompressed;
    }

    private static UncheckedIOException corrupt(String message, Exception cause) {
        return new UncheckedIOException(message, new IOException(message, cause));
    }

    /** The base's length in bytes. */
    public int length() {
        return length;
    }

    /**
     * The base's LZ4 block, made on the first call. Two checkpoints of this base that overlap wait
     * for one compression; checkpoints of other bases (other subtasks) do not wait for it.
     */
    synchronized byte[] block() {
        if (block == null) {
            block = LZ4.fastCompressor().compress(bytes);
        }
        return block;
    }
}
