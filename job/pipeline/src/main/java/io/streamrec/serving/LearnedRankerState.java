package io.streamrec.serving;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One serving subtask's entry in the learned ranker's union list state: its subtask index, the
 * candidate statistics (in checkpoints before the statistics got state of their own, {@link
 * StatisticsCheckpoint}: written by subtask 0 only, as every subtask holds alike ones; now always
 * none) and its scaler and scorer. Format version 1: version byte, subtask, statistics length (-1:
 * none) and bytes, learned-state bytes to the end.
 */
record LearnedRankerState(int subtask, byte[] statistics, byte[] learned) {
    private static final int VERSION = 1;

    byte[] toBytes() {
        // one array of the final size, written in place: the learned state is megabytes, and this
        // runs at every checkpoint (a ByteBuffer is big-endian, as a DataOutputStream writes)
        int header = Byte.BYTES + 2 * Integer.BYTES; // version, subtask, statistics length
        int size = header + (statistics == null ? 0 : statistics.length) + learned.length;
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) VERSION);
        out.putInt(subtask);
        out.putInt(statistics == null ? -1 : statistics.length);
        if (statistics != null) {
            out.put(statistics);
        }
        out.put(learned);
        return out.array();
    }

    static LearnedRankerState fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException(
                        "unknown learned ranker state version " + version);
            }
            int subtask = in.readInt();
            int length = in.readInt();
            // -1 alone means none; the statistics are at most the rest of the entry, which bounds
            // what is read, and a length past it is an entry cut short, not statistics
            if (length < -1 || length > in.available()) {
                throw new IOException(
                        "statistics length "
                                + length
                                + " with "
                                + in.available()
                                + " bytes left in the entry");
            }
            byte[] statistics = null;
            if (length >= 0) {
                statistics = in.readNBytes(length);
            }
            return new LearnedRankerState(subtask, statistics, in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt learned ranker state: " + e, e);
        }
    }

    /**
     * What a subtask restores from the entries of all old subtasks: the statistics (null unless an
     * older checkpoint held them here), and the learned state of old subtask {@code subtask % old
     * parallelism} (after a rescale, new subtasks reuse the old ones' scorers in turn). Null when
     * there is nothing to restore (a fresh start).
     */
    static LearnedRankerState choose(Iterable<byte[]> entries, int subtask) throws Exception {
        List<LearnedRankerState> all = new ArrayList<>();
        for (byte[] entry : entries) {
            all.add(fromBytes(entry));
        }
        if (all.isEmpty()) {
            return null;
        }
        byte[] statistics = null;
        LearnedRankerState own = null;
        for (LearnedRankerState s : all) {
            if (s.statistics() != null) {
                statistics = s.statistics();
            }
            if (s.subtask() == subtask % all.size()) {
                own = s;
            }
        }
        if (own == null) {
            throw new IllegalStateException(
                    "learned ranker state without subtask "
                            + subtask % all.size()
                            + " of "
                            + all.size());
        }
        return new LearnedRankerState(own.subtask(), statistics, own.learned());
    }
}
