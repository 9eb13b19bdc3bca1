package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The learned ranker's union-state entries: bytes, and which entry a subtask restores. */
class LearnedRankerStateTest {
    private static final byte[] STATISTICS = {9, 8, 7, 6};

    private static byte[] learned(int subtask) {
        return new byte[] {(byte) subtask, 1, 2, 3, (byte) (10 + subtask)};
    }

    /** Old subtask i's entry; subtask 0 writes the statistics for all. */
    private static byte[] entry(int subtask) {
        return new LearnedRankerState(subtask, subtask == 0 ? STATISTICS : null, learned(subtask))
                .toBytes();
    }

    @Test
    void bytesRoundTripWithAndWithoutStatistics() {
        LearnedRankerState with = LearnedRankerState.fromBytes(entry(0));
        assertThat(with.subtask()).isZero();
        assertThat(with.statistics()).containsExactly(STATISTICS);
        assertThat(with.learned()).containsExactly(learned(0));

        LearnedRankerState without = LearnedRankerState.fromBytes(entry(3));
        assertThat(without.subtask()).isEqualTo(3);
        assertThat(without.statistics()).isNull();
        assertThat(without.learned()).containsExactly(learned(3));

        // empty statistics are not "none"
        LearnedRankerState empty =
                LearnedRankerState.fromBytes(
                        new LearnedRankerState(1, new byte[0], new byte[0]).toBytes());
        assertThat(empty.statistics()).isEmpty();
        assertThat(empty.learned()).isEmpty();
    }

    @Test
    void anEntryIsFormatVersionOneByteForByte() {
        // version, subtask, statistics length (-1: none) and bytes, learned bytes: big-endian, as
        // the DataOutputStream that wrote the first checkpoints
        assertThat(entry(0)).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 4, 9, 8, 7, 6, 0, 1, 2, 3, 10);
        assertThat(new LearnedRankerState(258, null, new byte[] {5}).toBytes())
                .containsExactly(1, 0, 0, 1, 2, -1, -1, -1, -1, 5);
    }

    @Test
    void anUnknownVersionOrATruncatedEntryIsRejected() {
        byte[] bytes = entry(0);
        bytes[0] = 2;
        assertThatThrownBy(() -> LearnedRankerState.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 2");
        byte[] truncated = Arrays.copyOf(entry(0), 6);
        assertThatThrownBy(() -> LearnedRankerState.fromBytes(truncated))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A statistics length below -1 (-1 alone means none) or beyond the bytes there are is a corrupt
     * entry, not "no statistics" nor the statistics cut short with the learned state taken for
     * their end.
     */
    @Test
    void aCorruptStatisticsLengthIsRejected() {
        for (int length : new int[] {-2, Integer.MIN_VALUE, 10, Integer.MAX_VALUE}) {
            byte[] bytes = entry(0); // statistics of 4 bytes, then 5 learned ones: 9 in all
            ByteBuffer.wrap(bytes).putInt(5, length);
            assertThatThrownBy(() -> LearnedRankerState.fromBytes(bytes))
                    .as("length %d", length)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("corrupt learned ranker state")
                    .hasMessageContaining(String.valueOf(length));
        }
        // the statistics cut short: their length names more than the entry holds
        byte[] truncated = Arrays.copyOf(entry(0), 11);
        assertThatThrownBy(() -> LearnedRankerState.fromBytes(truncated))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corrupt learned ranker state");
        // the whole rest as statistics, no learned bytes after: still an entry
        byte[] allStatistics = Arrays.copyOf(entry(0), 13);
        assertThat(LearnedRankerState.fromBytes(allStatistics).statistics())
                .containsExactly(STATISTICS);
    }

    @Test
    void scalingFromTwoToThreeReusesTheOldScorersInTurn() throws Exception {
        // union state lists entries in no particular order
        List<byte[]> entries = List.of(entry(1), entry(0));
        for (int subtask = 0; subtask < 3; subtask++) {
            LearnedRankerState chosen = LearnedRankerState.choose(entries, subtask);
            assertThat(chosen.subtask()).isEqualTo(subtask % 2);
            assertThat(chosen.statistics()).containsExactly(STATISTICS);
            assertThat(chosen.learned()).containsExactly(learned(subtask % 2));
        }
    }

    @Test
    void scalingFromThreeToOneKeepsSubtaskZerosScorer() throws Exception {
        LearnedRankerState chosen =
                LearnedRankerState.choose(List.of(entry(2), entry(1), entry(0)), 0);
        assertThat(chosen.subtask()).isZero();
        assertThat(chosen.statistics()).containsExactly(STATISTICS);
        assertThat(chosen.learned()).containsExactly(learned(0));
    }

    @Test
    void theSameParallelismRestoresItsOwnEntry() throws Exception {
        List<byte[]> entries = List.of(entry(2), entry(0), entry(1));
        for (int subtask = 0; subtask < 3; subtask++) {
            assertThat(LearnedRankerState.choose(entries, subtask).learned())
                    .containsExactly(learned(subtask));
        }
    }

    @Test
    void entriesOfTodaysCheckpointsHoldNoStatistics() throws Exception {
        // the statistics have state of their own now (StatisticsCheckpoint)
        List<byte[]> entries =
                List.of(
                        new LearnedRankerState(1, null, learned(1)).toBytes(),
                        new LearnedRankerState(0, null, learned(0)).toBytes());
        LearnedRankerState chosen = LearnedRankerState.choose(entries, 0);
        assertThat(chosen.statistics()).isNull();
        assertThat(chosen.learned()).containsExactly(learned(0));
    }

    @Test
    void noEntriesMeanAFreshStart() throws Exception {
        assertThat(LearnedRankerState.choose(List.of(), 0)).isNull();
        assertThat(LearnedRankerState.choose(List.of(), 5)).isNull();
    }
}
