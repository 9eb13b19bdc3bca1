package io.streamrec.serving;

import java.io.IOException;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * A full snapshot of serving's candidate statistics (bytes of {@link
 * io.streamrec.candidates.CandidateStatisticsSerializer}) and its LZ4 block, made once. Every
 * checkpoint writes its base again until the next rebase, and Flink 2.2's operator-state stream
 * takes those bytes one call each (its {@code CompressibleFSDataOutputStream} has no bulk write):
 * at 10% evaluated that was about a tenth of the pipeline's CPU. A block half the size, made by the
 * first checkpoint that writes the base (in its asynchronous part, off the task thread) and kept
 * here for the checkpoints that share the base, halves those calls. A base replaced by a rebase
 * takes its block with it.
 */
public final class StatisticsBase {
    /** Native where the library's class loader allows it, else pure Java; one block format. */
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

    private final byte[] bytes;
    private byte[] block;

    /** A base of {@code bytes}, which nobody writes after this. */
    public StatisticsBase(byte[] bytes) {
        this.bytes = bytes;
    }

    private StatisticsBase(byte[] bytes, byte[] block) {
        this.bytes = bytes;
        this.block = block;
    }

    /**
     * The base of {@code length} bytes that {@code block} holds, keeping the block for the next
     * checkpoint of this base.
     *
     * @throws IOException when the block is corrupt or holds another length
     */
    static StatisticsBase ofBlock(byte[] block, int length) throws IOException {
        // LZ4 expands a byte to at most 255: a longer length is corrupt, and not allocated
        if (length > 255L * block.length + 16) {
            throw new IOException(
                    "statistics base of "
                            + length
                            + " bytes cannot come from a block of "
                            + block.length);
        }
        LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
        byte[] bytes = new byte[length];
        int read;
        try {
            read = decompressor.decompress(block, 0, block.length, bytes, 0, length);
        } catch (LZ4Exception e) {
            throw new IOException("corrupt statistics base block: " + e.getMessage(), e);
        }
        if (read != length) {
            throw new IOException(
                    "statistics base block holds " + read + " bytes, its header says " + length);
        }
        return new StatisticsBase(bytes, block);
    }

    /** The base's bytes; not to be written. */
    public byte[] bytes() {
        return bytes;
    }

    /** The base's length in bytes. */
    public int length() {
        return bytes.length;
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
