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
 * empty.
 */
public final class ShortTermCounts {
    private ShortTermCounts() {}

    /** The statistics' bytes without the short-term section: what versions 1 and 2 held. */
    public static byte[] statisticsWithout(CandidateGenerator statistics) {
        byte[] all = CandidateStatisticsSerializer.toBytes(statistics);
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
