package io.streamrec.candidates;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * For tests outside this package: the short-term popularity counts, the section that format version
 * 3 of {@link CandidateStatisticsSerializer} appended, which a restore of versions 1 and 2 starts
 * empty; and the statistics as those versions held them.
 */
public final class ShortTermCounts {
    private ShortTermCounts() {}

    /**
     * The statistics' bytes without the short-term section, with the neighbour lists' update stamps
     * as recency ranks ({@link CandidateGenerator#compactUpdateStamps}, on a copy): what versions 1
     * and 2 held, in a form a restore of them and the statistics that ran on write alike.
     */
    public static byte[] statisticsWithout(CandidateGenerator statistics) {
        CandidateGenerator copy =
                CandidateStatisticsSerializer.fromBytes(
                        CandidateStatisticsSerializer.toBytes(statistics), statistics.settings());
        copy.compactUpdateStamps();
        byte[] all = CandidateStatisticsSerializer.toBytes(copy);
        return Arrays.copyOf(all, all.length - section(statistics).length);
    }

    /** Items with a short-term counter (the section's count after the half-life). */
    public static int items(CandidateGenerator statistics) {
        return ByteBuffer.wrap(section(statistics)).getInt(Long.BYTES);
    }

    private static byte[] section(CandidateGenerator statistics) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            statistics.popularity().writeShortTermTo(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
