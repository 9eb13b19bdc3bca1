package io.streamrec.serving;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The LZ4 blocks of statistics bases ({@link StatisticsCheckpoint#base}), each made once. Every
 * checkpoint writes its base again until the next rebase, and Flink 2.2's operator-state stream
 * takes those bytes one call each (its {@code CompressibleFSDataOutputStream} has no bulk write):
 * at 10% evaluated that was about a tenth of the pipeline's CPU. A block half the size, made by the
 * first checkpoint that writes a base (in its asynchronous part, off the task thread) and written
 * again by the checkpoints that share that base, halves those calls.
 *
 * <p>Blocks are kept by base array (identity: arrays do not override {@code equals}), weakly, so a
 * base replaced by a rebase takes its block with it.
 */
final class BaseCompression {
    /** Native where the library's class loader allows it, else pure Java; one block format. */
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

    private static final Map<byte[], byte[]> BLOCKS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private BaseCompression() {}

    /**
     * The LZ4 block of {@code base}, made on the first call for this array. Compressed outside the
     * map's lock, so the checkpoints of two subtasks in one JVM do not wait for each other's base;
     * two first calls for one array may both compress it, and the first block stored is the one.
     */
    static byte[] block(byte[] base) {
        byte[] block = BLOCKS.get(base);
        if (block != null) {
            return block;
        }
        byte[] made = compress(base);
        synchronized (BLOCKS) {
            return BLOCKS.computeIfAbsent(base, b -> made);
        }
    }

    private static byte[] compress(byte[] base) {
        LZ4Compressor compressor = LZ4.fastCompressor();
        return compressor.compress(base);
    }

    /**
     * The base of {@code length} bytes that {@code block} holds.
     *
     * @throws IOException when the block is corrupt or holds another length
     */
    static byte[] decompress(byte[] block, int length) throws IOException {
        LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
        byte[] base = new byte[length];
        int read;
        try {
            read = decompressor.decompress(block, 0, block.length, base, 0, length);
        } catch (LZ4Exception e) {
            throw new IOException("corrupt statistics base block: " + e.getMessage(), e);
        }
        if (read != length) {
            throw new IOException(
                    "statistics base block holds " + read + " bytes, its header says " + length);
        }
        return base;
    }
}
