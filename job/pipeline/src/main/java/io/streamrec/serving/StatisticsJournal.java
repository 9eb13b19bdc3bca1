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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints the candidate statistics as a base snapshot plus a journal of the changes since it.
 * Writing the whole statistics (tens of MB at 100k events) on the task thread at every checkpoint
 * stalled requests for 100-200 ms at each checkpoint; appending each change costs microseconds, and
 * the whole is written again only when the journal outgrows a quarter of the base (so a restore
 * replays about that much; twice that with new bases built off the task thread, below). Format
 * version 1 of the journal: entries of a tag byte, then a {@link UserEventSerializer} event ({@link
 * #EVENT}) or an item's id, title and attributes ({@link #ITEM}). A forgotten user is never
 * journaled: the next checkpoint writes a new base.
 *
 * <p>With an executor to rebase on ({@link #rebasingOn}), a journal past its share does not stop
 * the checkpoint that finds it: that checkpoint writes the old base and the whole journal, and the
 * executor builds the new base from them as a restore would (the base read, the journal replayed,
 * the result written whole: byte for byte the statistics at that checkpoint). A later checkpoint
 * takes the new base and keeps only the journal after it. Writing tens of MB whole on the task
 * thread held every request for 60-260 ms at each rebase; off it, the executor's thread reads the
 * base, applies every journaled event to it once more and writes the result (with the base read,
 * about 2.5 s of that thread for 12 MB of base and 3 MB of journal), and the heap holds a second
 * copy of the statistics meanwhile. A forget still rebases on the task thread (the next checkpoint
 * must not hold the user), and so does a journal that outgrows twice its share before its new base
 * is ready, and a build that failed; a checkpoint's journal, and so the replay of a restore, may
 * then reach twice the share.
 *
 * <p>The journal is bounded without checkpoints too: before the first base, and once it outgrows
 * its share, the next checkpoint writes a new base whatever comes after, so nothing is recorded
 * until then and what was is dropped (a job run without checkpointing, or whose checkpoints keep
 * failing, would otherwise keep every event in memory).
 */
final class StatisticsJournal implements CandidateGenerator.Changes {
    private static final Logger LOG = LoggerFactory.getLogger(StatisticsJournal.class);

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

    /** Journal entries a rebuild replays between two looks at whether it was abandoned. */
    private static final int ABANDON_CHECK_ENTRIES = 1024;

    /** The journal's sealed chunks, in order; never written after they are sealed. */
    private final List<byte[]> sealed = new ArrayList<>();

    /** The journal's tail, after the sealed chunks. */
    private final DataOutputSerializer journal = new DataOutputSerializer(1 << 16);

    private final int subtask;
    private final int parallelism;

    /** Where new bases are built off the task thread; null: on the task thread, at once. */
    private final Background background;

    /** A new base being built off the task thread, or null. */
    private PendingRebase pending;

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
        this(subtask, parallelism, null);
    }

    private StatisticsJournal(int subtask, int parallelism, Background background) {
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.background = background;
    }

    /** A journal that goes on from a restored checkpoint: its base and its entries so far. */
    StatisticsJournal(StatisticsCheckpoint restored) {
        this(restored, null);
    }

    private StatisticsJournal(StatisticsCheckpoint restored, Background background) {
        this(restored.subtask(), restored.parallelism(), background);
        base = restored.base();
        for (byte[] chunk : restored.journalChunks()) {
            seal(chunk);
        }
    }

    /**
     * A journal like this one, before its first base, that builds new bases on {@code executor}
     * from statistics restored under {@code settings} (those of the statistics it follows).
     */
    StatisticsJournal rebasingOn(Executor executor, CandidateSettings settings) {
        if (base != null) {
            throw new IllegalStateException("the executor is chosen before the first base");
        }
        return new StatisticsJournal(subtask, parallelism, new Background(executor, settings));
    }

    /** A journal of the same statistics without a base: the next checkpoint writes a new one. */
    StatisticsJournal fresh() {
        return new StatisticsJournal(subtask, parallelism, background);
    }

    /** A journal like this one that goes on from {@code restored}, its base and entries. */
    StatisticsJournal goingOnFrom(StatisticsCheckpoint restored) {
        return new StatisticsJournal(restored, background);
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
            takeFinishedRebase(); // a new base ready now leaves only the entries after it
            if (rebaseDue || outgrew(sealedBytes, background == null ? 1 : 2)) {
                if (pending != null && !rebaseDue) {
                    // the pause the background build exists to avoid: worth a warning
                    LOG.warn(
                            "Serving {}'s statistics journal reached twice its share before its new"
                                    + " base was built off the task thread (the rebuild queue is"
                                    + " busy or slow): the next checkpoint writes the base on the"
                                    + " task thread",
                            subtask);
                }
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
        abandonPending();
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
        return outgrew(length, 1);
    }

    /** Whether a journal of {@code length} bytes is past {@code shares} times that share. */
    private boolean outgrew(long length, int shares) {
        return length > shares * Math.max(MIN_REBASE_BYTES, base.length() * REBASE_SHARE);
    }

    /** The bytes the journal holds now (after a drop, less than it recorded since the base). */
    long length() {
        return sealedBytes + journal.length();
    }

    /**
     * A user the statistics knew was forgotten: the base and the entries so far may hold the user,
     * so the next checkpoint writes the whole statistics again, without the user, and an empty
     * journal. (A user they do not know is in neither: its forget does not come here.)
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

    /**
     * Writes the base of {@code statistics} now if the journal has none (a fresh start, a rescale):
     * at open, before requests wait for the task thread, where the first checkpoint would.
     */
    void baseNow(CandidateGenerator statistics) {
        if (base == null) {
            writeBase(statistics, 0);
        }
    }

    /** Writes {@code statistics} whole as the new base, here, with an empty journal after it. */
    private void writeBase(CandidateGenerator statistics, int expectedBytes) {
        base = new StatisticsBase(CandidateStatisticsSerializer.toBytes(statistics, expectedBytes));
        rebaseDue = false;
        droppedBytes = 0;
        dropEntries();
        rebases++;
    }

    /** The checkpoint of {@code statistics}, which must be what this journal followed. */
    StatisticsCheckpoint checkpoint(CandidateGenerator statistics) {
        takeFinishedRebase();
        long journalLength = length();
        boolean due = base == null || rebaseDue || outgrew(journalLength);
        boolean onTaskThread =
                background == null || base == null || rebaseDue || outgrew(journalLength, 2);
        if (due && !onTaskThread && pending == null && !startRebase()) {
            onTaskThread = true;
        }
        if (due && onTaskThread) {
            abandonPending();
            writeBase(statistics, rebaseBytes(journalLength));
        }
        List<byte[]> chunks = new ArrayList<>(sealed.size() + 1);
        chunks.addAll(sealed);
        if (journal.length() > 0) {
            chunks.add(journal.getCopyOfBuffer());
        }
        return new StatisticsCheckpoint(base, chunks, subtask, parallelism);
    }

    /**
     * Starts building the base of what is recorded now off the task thread; false when the executor
     * takes no more work (the task thread builds it then). The tail is sealed, so that the new base
     * stands for exactly the chunks sealed so far.
     */
    private boolean startRebase() {
        seal(journal.getCopyOfBuffer());
        journal.clear();
        StatisticsCheckpoint upToNow =
                new StatisticsCheckpoint(base, List.copyOf(sealed), subtask, parallelism);
        int expected = rebaseBytes(sealedBytes);
        CandidateSettings settings = background.settings();
        // cleared when the build is abandoned: a build still queued then lets go of the statistics
        AtomicReference<StatisticsCheckpoint> input = new AtomicReference<>(upToNow);
        long queued = System.nanoTime();
        try {
            pending =
                    new PendingRebase(
                            sealed.size(),
                            input,
                            CompletableFuture.supplyAsync(
                                    () -> rebuild(input, settings, expected, queued),
                                    background.executor()));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * The base of what {@code input} holds, built as a restore would: off the task thread, where it
     * was handed over at {@code queued} (nanoTime) and may have waited its turn. A build abandoned
     * meanwhile ({@code input} cleared: a forget, or the subtask closed) stops at its next check,
     * so that it holds the shared rebuild thread no longer than it must.
     */
    private static StatisticsBase rebuild(
            AtomicReference<StatisticsCheckpoint> input,
            CandidateSettings settings,
            int expectedBytes,
            long queued) {
        BooleanSupplier abandoned = () -> input.get() == null;
        StatisticsCheckpoint upToNow = input.get();
        if (upToNow == null) {
            throw new CancellationException("abandoned");
        }
        long start = System.nanoTime();
        CandidateGenerator statistics = readBase(upToNow, settings);
        long read = System.nanoTime();
        replayJournal(upToNow, statistics, abandoned);
        long replayed = System.nanoTime();
        if (abandoned.getAsBoolean()) {
            throw new CancellationException("abandoned");
        }
        StatisticsBase base =
                new StatisticsBase(
                        CandidateStatisticsSerializer.toBytes(statistics, expectedBytes));
        LOG.info(
                "Serving {} built its statistics' new base off the task thread, after {} ms in the"
                        + " rebuild queue: {} KB of base read in {} ms, {} KB of journal replayed"
                        + " in {} ms, {} KB written in {} ms",
                upToNow.subtask(),
                (start - queued) / 1_000_000,
                upToNow.base().length() / 1024,
                (read - start) / 1_000_000,
                upToNow.journalLength() / 1024,
                (replayed - read) / 1_000_000,
                base.length() / 1024,
                (System.nanoTime() - replayed) / 1_000_000);
        return base;
    }

    /**
     * Takes the new base built off the task thread, if it is ready, with the journal after it; a
     * build that failed leaves the journal as it is, and the next checkpoint rebases on the task
     * thread.
     */
    private void takeFinishedRebase() {
        if (pending == null || !pending.base().isDone()) {
            return;
        }
        PendingRebase done = pending;
        pending = null;
        try {
            base = done.base().get();
        } catch (ExecutionException | InterruptedException | CancellationException e) {
            if (e.getCause() instanceof Error error) {
                throw error; // out of memory: fails the task, as it would have on the task thread
            }
            // the journal is still whole: only the new base is missing, and the task thread
            // writes it at the next checkpoint
            rebaseDue = true;
            // the build is a restore of the checkpoints since the base: they may not restore
            LOG.error(
                    "Serving {} could not rebuild its candidate statistics from their base and"
                            + " journal, as a restore of its checkpoints since that base would;"
                            + " those checkpoints may not restore. The next checkpoint writes"
                            + " the statistics whole from the task thread.",
                    subtask,
                    e instanceof ExecutionException ? e.getCause() : e);
            return;
        }
        List<byte[]> after = new ArrayList<>(sealed.subList(done.chunks(), sealed.size()));
        sealed.clear();
        sealedBytes = 0;
        after.forEach(this::seal);
        droppedBytes = 0;
        rebases++;
    }

    /**
     * Forgets a new base being built (it would hold a forgotten user or miss dropped entries, or
     * its subtask closes); a build under way writes nothing more.
     */
    void abandonPending() {
        if (pending != null) {
            pending.input().set(null);
            pending.base().cancel(false);
            pending = null;
        }
    }

    /** Whether a new base is being built off the task thread. */
    boolean rebasing() {
        return pending != null;
    }

    /** Where new bases are built, and the settings the statistics are restored under there. */
    private record Background(Executor executor, CandidateSettings settings) {}

    /** A new base being built for the first {@code chunks} sealed chunks of the journal. */
    private record PendingRebase(
            int chunks,
            AtomicReference<StatisticsCheckpoint> input,
            CompletableFuture<StatisticsBase> base) {}

    /** How often a checkpoint wrote the whole statistics since this journal was made. */
    long rebases() {
        return rebases;
    }

    /**
     * The statistics a checkpoint holds: its base with its journal replayed in order, keeping
     * per-user statistics for the users its writer kept them for, as it did.
     */
    static CandidateGenerator restore(StatisticsCheckpoint checkpoint, CandidateSettings settings) {
        CandidateGenerator statistics = readBase(checkpoint, settings);
        replayJournal(checkpoint, statistics, () -> false);
        return statistics;
    }

    /**
     * The statistics of items from the first of {@code entries} (alike in every entry) with every
     * entry's per-user statistics of the users {@code keeps} keeps: what a restore at another
     * parallelism takes from the entries of all old subtasks.
     */
    static CandidateGenerator restoreMerged(
            List<StatisticsCheckpoint> entries,
            CandidateSettings settings,
            Predicate<String> keeps) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no candidate statistics to restore");
        }
        CandidateGenerator statistics = restore(entries.get(0), settings);
        statistics.keepUserStatisticsOf(keeps);
        for (StatisticsCheckpoint other : entries.subList(1, entries.size())) {
            statistics.adoptUserStatistics(restore(other, settings));
        }
        return statistics;
    }

    /** The statistics a checkpoint's base holds, kept per user as its writer kept them. */
    private static CandidateGenerator readBase(
            StatisticsCheckpoint checkpoint, CandidateSettings settings) {
        CandidateGenerator statistics =
                CandidateStatisticsSerializer.fromBytes(checkpoint.base().bytes(), settings);
        if (!checkpoint.whole()) {
            statistics.keepUserStatisticsOf(
                    UserOwner.share(checkpoint.subtask(), checkpoint.parallelism()));
        }
        return statistics;
    }

    /**
     * Applies a checkpoint's journal, in order, to the statistics of its base; stops early, leaving
     * them half replayed, once {@code abandoned} says so (it is asked every {@link
     * #ABANDON_CHECK_ENTRIES} entries).
     */
    static void replayJournal(
            StatisticsCheckpoint checkpoint,
            CandidateGenerator statistics,
            BooleanSupplier abandoned) {
        readJournal(checkpoint, appliedTo(statistics), abandoned);
    }

    /** The changes that apply each entry to {@code statistics}, as it was first applied. */
    private static CandidateGenerator.Changes appliedTo(CandidateGenerator statistics) {
        return new CandidateGenerator.Changes() {
            @Override
            public void event(UserEvent event) {
                statistics.update(event);
            }

            @Override
            public void item(String itemId, String title, List<String> attributes) {
                statistics.putItem(itemId, title, attributes);
            }
        };
    }

    /**
     * Hands a checkpoint's journal entries, in order, to {@code entries}, each as the call it
     * records; stops early once {@code abandoned} says so (it is asked every {@link
     * #ABANDON_CHECK_ENTRIES} entries).
     */
    static void readJournal(
            StatisticsCheckpoint checkpoint,
            CandidateGenerator.Changes entries,
            BooleanSupplier abandoned) {
        DataInputDeserializer in = new DataInputDeserializer(checkpoint.journal());
        long read = 0;
        try {
            while (in.available() > 0) {
                if (++read % ABANDON_CHECK_ENTRIES == 0 && abandoned.getAsBoolean()) {
                    break; // the caller sees it and writes nothing
                }
                int tag = in.readUnsignedByte();
                if (tag == EVENT) {
                    entries.event(UserEventSerializer.INSTANCE.deserialize(in));
                } else if (tag == ITEM) {
                    readItem(in, entries);
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
    }

    private static void readItem(DataInputDeserializer in, CandidateGenerator.Changes entries)
            throws IOException {
        String itemId = in.readUTF();
        String title = in.readBoolean() ? in.readUTF() : null;
        int n = ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_LIST_LENGTH, "attributes");
        List<String> attributes = new ArrayList<>(n);
        for (int a = 0; a < n; a++) {
            attributes.add(in.readUTF());
        }
        entries.item(itemId, title, attributes);
    }
}
