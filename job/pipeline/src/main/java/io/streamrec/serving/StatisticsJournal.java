package io.streamrec.serving;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.schema.ReadBounds;
import io.streamrec.schema.UserEvent;
import io.streamrec.schema.UserEventSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Checkpoints the candidate statistics as a base snapshot plus a journal of the changes since it.
 * Writing the whole statistics (tens of MB at 100k events) on the task thread at every checkpoint
 * stalled requests for 100-200 ms each second; appending each change costs microseconds, and the
 * whole is written again only when the journal outgrows a quarter of the base (so a restore replays
 * at most that much). Format version 1 of the journal: entries of a tag byte, then a {@link
 * UserEventSerializer} event ({@link #EVENT}) or an item's id, title and attributes ({@link
 * #ITEM}). A forgotten user is never journaled: the next checkpoint writes a new base.
 *
 * <p>The journal is bounded without checkpoints too: before the first base, and once it outgrows
 * its share, the next checkpoint writes a new base whatever comes after, so nothing is recorded
 * until then and what was is dropped (a job run without checkpointing, or whose checkpoints keep
 * failing, would otherwise keep every event in memory).
 */
final class StatisticsJournal implements CandidateGenerator.Changes {
    static final double REBASE_SHARE = 0.25;

    /** Below this size a journal is never worth a new base. */
    static final int MIN_REBASE_BYTES = 1 << 20;

    private static final int EVENT = 1;
    private static final int ITEM = 2;

    /**
     * Bytes in a sealed chunk of the journal. A checkpoint copies only the unsealed tail and shares
     * the sealed chunks with the checkpoints before it. Copying the whole journal (up to a quarter
     * of the base: megabytes) at every checkpoint was a copy on the task thread and as many bytes
     * of arrays that lived one checkpoint, which young collections then copied again.
     */
    static final int CHUNK_BYTES = 1 << 18;

    /** The journal's sealed chunks, in order; never written after they are sealed. */
    private final List<byte[]> sealed = new ArrayList<>();

    /** The journal's tail, after the sealed chunks. */
    private final DataOutputSerializer journal = new DataOutputSerializer(1 << 16);

    private final int subtask;
    private final int parallelism;
    private StatisticsBase base;
    private long rebases;

    /** Bytes in {@link #sealed}. */
    private long sealedBytes;

    /** Bytes recorded since the base and dropped: to size the next base's buffer. */
    private long droppedBytes;

    /**
     * The next checkpoint writes a new base: a user was forgotten, or the journal outgrew its share
     * and was dropped.
     */
    private boolean rebaseDue;

    /**
     * A journal of every user's statistics without a base: the first checkpoint writes the whole
     * statistics.
     */
    StatisticsJournal() {
        this(StatisticsCheckpoint.WHOLE, 0);
    }

    /**
     * A journal of the statistics of serving subtask {@code subtask} of {@code parallelism} (its
     * own users' per-user statistics), without a base.
     */
    StatisticsJournal(int subtask, int parallelism) {
        this.subtask = subtask;
        this.parallelism = parallelism;
    }

    /** A journal that goes on from a restored checkpoint: its base and its entries so far. */
    StatisticsJournal(StatisticsCheckpoint restored) {
        this(restored.subtask(), restored.parallelism());
        base = restored.base();
        for (byte[] chunk : restored.journalChunks()) {
            seal(chunk);
        }
    }

    /** A journal of the same statistics without a base: the next checkpoint writes a new one. */
    StatisticsJournal fresh() {
        return new StatisticsJournal(subtask, parallelism);
    }

    /** Whether a journal of the same statistics (same subtask and parallelism) wrote {@code e}. */
    boolean wrote(StatisticsCheckpoint e) {
        return e.subtask() == subtask && e.parallelism() == parallelism;
    }

    /**
     * Whether the next checkpoint writes a new base whatever is recorded now: before the first
     * base, after a forget, and once the journal outgrew its share.
     */
    private boolean rebaseComes() {
        return base == null || rebaseDue;
    }

    @Override
    public void event(UserEvent event) {
        if (rebaseComes()) {
            return;
        }
        try {
            journal.writeByte(EVENT);
            UserEventSerializer.INSTANCE.serialize(event, journal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sealIfFull();
    }

    @Override
    public void item(String itemId, String title, List<String> attributes) {
        if (rebaseComes()) {
            return;
        }
        try {
            journal.writeByte(ITEM);
            journal.writeUTF(itemId);
            journal.writeBoolean(title != null);
            if (title != null) {
                journal.writeUTF(title);
            }
            journal.writeInt(attributes.size());
            for (String attribute : attributes) {
                journal.writeUTF(attribute);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sealIfFull();
    }

    /**
     * Seals the tail as a chunk once it holds {@link #CHUNK_BYTES} (entries never straddle), and
     * drops the journal once it outgrows its share: the next checkpoint rebases anyway.
     */
    private void sealIfFull() {
        if (journal.length() >= CHUNK_BYTES) {
            seal(journal.getCopyOfBuffer());
            journal.clear();
            if (outgrew(sealedBytes)) {
                dropUntilTheRebase();
            }
        }
    }

    private void seal(byte[] chunk) {
        if (chunk.length > 0) {
            sealed.add(chunk);
            sealedBytes += chunk.length;
        }
    }

    /** The next checkpoint writes a new base: what the journal holds is of no use to it. */
    private void dropUntilTheRebase() {
        rebaseDue = true;
        droppedBytes = length();
        dropEntries();
    }

    private void dropEntries() {
        sealed.clear();
        sealedBytes = 0;
        journal.clear();
    }

    /** Whether a journal of {@code length} bytes is past the share that calls for a new base. */
    private boolean outgrew(long length) {
        return length > Math.max(MIN_REBASE_BYTES, base.length() * REBASE_SHARE);
    }

    /** The bytes the journal holds now (after a drop, less than it recorded since the base). */
    long length() {
        return sealedBytes + journal.length();
    }

    /**
     * A user was forgotten: the base and the entries so far may hold the user, so the next
     * checkpoint writes the whole statistics again, without the user, and an empty journal.
     */
    @Override
    public void forget(String userId) {
        if (!rebaseComes()) {
            dropUntilTheRebase();
        }
    }

    /**
     * Room for the next base: about the old base plus what the journal recorded since it (where the
     * statistics grew by more, the buffer grows by doubling as before); 0 before the first base.
     */
    private int rebaseBytes(long journalLength) {
        return base == null
                ? 0
                : (int)
                        Math.min(
                                Integer.MAX_VALUE - 8,
                                base.length() + droppedBytes + journalLength);
    }

    /** The checkpoint of {@code statistics}, which must be what this journal followed. */
    StatisticsCheckpoint checkpoint(CandidateGenerator statistics) {
        long journalLength = length();
        if (base == null || rebaseDue || outgrew(journalLength)) {
            base =
                    new StatisticsBase(
                            CandidateStatisticsSerializer.toBytes(
                                    statistics, rebaseBytes(journalLength)));
            rebaseDue = false;
            droppedBytes = 0;
            dropEntries();
            rebases++;
        }
        List<byte[]> chunks = new ArrayList<>(sealed.size() + 1);
        chunks.addAll(sealed);
        if (journal.length() > 0) {
            chunks.add(journal.getCopyOfBuffer());
        }
        return new StatisticsCheckpoint(base, chunks, subtask, parallelism);
    }

    /** How often a checkpoint wrote the whole statistics since this journal was made. */
    long rebases() {
        return rebases;
    }

    /**
     * The statistics a checkpoint holds: its base with its journal replayed in order, keeping
     * per-user statistics for the users its writer kept them for, as it did.
     */
    static CandidateGenerator restore(StatisticsCheckpoint checkpoint, CandidateSettings settings) {
        CandidateGenerator statistics =
                CandidateStatisticsSerializer.fromBytes(checkpoint.base().bytes(), settings);
        if (!checkpoint.whole()) {
            statistics.keepUserStatisticsOf(
                    UserOwner.share(checkpoint.subtask(), checkpoint.parallelism()));
        }
        DataInputDeserializer in = new DataInputDeserializer(checkpoint.journal());
        try {
            while (in.available() > 0) {
                int tag = in.readUnsignedByte();
                if (tag == EVENT) {
                    statistics.update(UserEventSerializer.INSTANCE.deserialize(in));
                } else if (tag == ITEM) {
                    replayItem(in, statistics);
                } else {
                    throw new IOException("unknown journal entry " + tag);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "corrupt candidate statistics journal at byte "
                            + in.getPosition()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        return statistics;
    }

    private static void replayItem(DataInputDeserializer in, CandidateGenerator statistics)
            throws IOException {
        String itemId = in.readUTF();
        String title = in.readBoolean() ? in.readUTF() : null;
        int n = ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_LIST_LENGTH, "attributes");
        List<String> attributes = new ArrayList<>(n);
        for (int a = 0; a < n; a++) {
            attributes.add(in.readUTF());
        }
        statistics.putItem(itemId, title, attributes);
    }
}
