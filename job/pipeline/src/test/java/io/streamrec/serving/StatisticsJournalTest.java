package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The statistics checkpointed as a base and a journal restore to exactly the statistics written
 * whole (byte for byte), and the whole is written again only when the journal outgrows its share.
 */
class StatisticsJournalTest {
    private static final CandidateSettings SETTINGS = CandidateSettings.defaults();
    private static final ItemCatalog CATALOG =
            new ItemCatalog(
                    List.of(
                            new ItemRecord("i0", "Star Wars (1977)", List.of("Sci-Fi")),
                            new ItemRecord("i1", "Casablanca (1942)", List.of("Drama"))));

    /** Events of 300 users on 500 items, with a new or changed catalog item now and then. */
    private static final class Stream {
        private final Random random = new Random(11);
        private long time = 1_400_000_000_000L;
        private int id;

        void apply(CandidateGenerator statistics, int events) {
            for (int e = 0; e < events; e++) {
                time += random.nextInt(600_000);
                String item = "i" + (int) Math.abs(random.nextGaussian() * 120) % 500;
                statistics.update(
                        new UserEvent(
                                "e" + id++,
                                "u" + random.nextInt(300),
                                item,
                                EventType.RATING,
                                1 + random.nextInt(10),
                                time));
                if (random.nextInt(50) == 0) {
                    statistics.putItem(
                            "i" + random.nextInt(600),
                            random.nextBoolean() ? "Title " + id + " (199" + id % 10 + ")" : "",
                            List.of("Drama", "G" + random.nextInt(5)));
                }
            }
        }
    }

    private static byte[] whole(CandidateGenerator statistics) {
        return CandidateStatisticsSerializer.toBytes(statistics);
    }

    @Test
    void aBaseWithItsJournalRestoresTheStatisticsWrittenWhole() {
        CandidateGenerator statistics = new CandidateGenerator(SETTINGS, CATALOG);
        StatisticsJournal journal = new StatisticsJournal();
        statistics.recordChangesTo(journal);
        Stream stream = new Stream();
        stream.apply(statistics, 500);
        StatisticsCheckpoint first = journal.checkpoint(statistics);
        assertThat(first.journal()).isEmpty(); // the first checkpoint writes the base
        stream.apply(statistics, 700);
        StatisticsCheckpoint second = journal.checkpoint(statistics);

        assertThat(second.base()).isSameAs(first.base());
        assertThat(second.journal()).isNotEmpty();
        CandidateGenerator restored = StatisticsJournal.restore(second, SETTINGS);
        assertThat(whole(restored)).isEqualTo(whole(statistics));
        assertThat(restored.candidates("u7", stream.time).candidates())
                .usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(statistics.candidates("u7", stream.time).candidates());
    }

    @Test
    void aJournalGoesOnFromARestoredCheckpoint() {
        CandidateGenerator statistics = new CandidateGenerator(SETTINGS, CATALOG);
        StatisticsJournal journal = new StatisticsJournal();
        statistics.recordChangesTo(journal);
        Stream stream = new Stream();
        stream.apply(statistics, 400);
        journal.checkpoint(statistics);
        stream.apply(statistics, 300);
        StatisticsCheckpoint restoredFrom = journal.checkpoint(statistics);

        CandidateGenerator restored = StatisticsJournal.restore(restoredFrom, SETTINGS);
        StatisticsJournal goesOn = new StatisticsJournal(restoredFrom);
        restored.recordChangesTo(goesOn);
        Stream again = new Stream();
        again.apply(new CandidateGenerator(SETTINGS, CATALOG), 700); // to the same place
        again.apply(restored, 300);
        stream.apply(statistics, 300);

        StatisticsCheckpoint next = goesOn.checkpoint(restored);
        assertThat(next.base()).isSameAs(restoredFrom.base());
        assertThat(next.journal().length).isGreaterThan(restoredFrom.journal().length);
        assertThat(whole(StatisticsJournal.restore(next, SETTINGS))).isEqualTo(whole(statistics));
    }

    /** Fresh statistics after {@code events} of {@code stream}, journaled from the start. */
    private static CandidateGenerator journaled(
            StatisticsJournal journal, Stream stream, int events) {
        CandidateGenerator statistics = new CandidateGenerator(SETTINGS, CATALOG);
        statistics.recordChangesTo(journal);
        stream.apply(statistics, events);
        return statistics;
    }

    @Test
    void aCheckpointSharesTheSealedChunksAndWritesTheBytesOfOneJournal() throws IOException {
        StatisticsJournal journal = new StatisticsJournal(0, 1);
        Stream stream = new Stream();
        CandidateGenerator statistics = journaled(journal, stream, 3_000);
        journal.checkpoint(statistics); // the base
        stream.apply(statistics, 20_000); // a journal of more than two chunks
        StatisticsCheckpoint first = journal.checkpoint(statistics);
        stream.apply(statistics, 10);
        StatisticsCheckpoint second = journal.checkpoint(statistics);

        assertThat(second.base()).isSameAs(first.base());
        assertThat(first.journalChunks()).hasSizeGreaterThan(2);
        assertThat(first.journalLength()).isLessThan(StatisticsJournal.MIN_REBASE_BYTES);
        for (int c = 0; c < first.journalChunks().size() - 1; c++) {
            assertThat(first.journalChunks().get(c))
                    .hasSizeGreaterThanOrEqualTo(StatisticsJournal.CHUNK_BYTES);
            assertThat(second.journalChunks().get(c)).isSameAs(first.journalChunks().get(c));
        }
        assertThat(whole(StatisticsJournal.restore(second, SETTINGS))).isEqualTo(whole(statistics));
        // in a checkpoint, the chunks are the bytes of one journal array
        assertThat(serialized(second))
                .isEqualTo(
                        serialized(
                                new StatisticsCheckpoint(
                                        second.base(),
                                        second.journal(),
                                        second.subtask(),
                                        second.parallelism())));
    }

    private static byte[] serialized(StatisticsCheckpoint checkpoint) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        StatisticsCheckpointSerializer.INSTANCE.serialize(checkpoint, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void theWholeIsWrittenAgainOnceTheJournalOutgrowsItsShare() {
        CandidateGenerator statistics = new CandidateGenerator(SETTINGS, CATALOG);
        StatisticsJournal journal = new StatisticsJournal();
        statistics.recordChangesTo(journal);
        Stream stream = new Stream();
        stream.apply(statistics, 100);
        StatisticsCheckpoint base = journal.checkpoint(statistics);
        StatisticsCheckpoint last = base;
        int checkpoints = 0;
        while (last.base() == base.base()) {
            assertThat(last.journal().length)
                    .isLessThanOrEqualTo(
                            (int)
                                    Math.max(
                                            StatisticsJournal.MIN_REBASE_BYTES,
                                            base.base().length() * StatisticsJournal.REBASE_SHARE));
            stream.apply(statistics, 2_000);
            last = journal.checkpoint(statistics);
            checkpoints++;
        }
        assertThat(checkpoints).isGreaterThan(1);
        assertThat(journal.rebases()).isEqualTo(2);
        assertThat(last.journal()).isEmpty();
        assertThat(last.base().bytes()).isEqualTo(whole(statistics));
    }

    @Test
    void beforeItsFirstBaseAJournalRecordsNothing() {
        StatisticsJournal journal = new StatisticsJournal(0, 1);
        CandidateGenerator statistics = journaled(journal, new Stream(), 30_000);
        assertThat(journal.length()).isZero(); // the first checkpoint writes the whole anyway
        StatisticsCheckpoint first = journal.checkpoint(statistics);
        assertThat(first.journal()).isEmpty();
        assertThat(first.base().bytes()).isEqualTo(whole(statistics));
    }

    @Test
    void withoutCheckpointsTheJournalStaysWithinItsShare() {
        StatisticsJournal journal = new StatisticsJournal(0, 1);
        Stream stream = new Stream();
        CandidateGenerator statistics = journaled(journal, stream, 3_000);
        StatisticsCheckpoint base = journal.checkpoint(statistics);
        long bound =
                (long)
                                Math.max(
                                        StatisticsJournal.MIN_REBASE_BYTES,
                                        base.base().length() * StatisticsJournal.REBASE_SHARE)
                        + StatisticsJournal.CHUNK_BYTES;
        long longest = 0;
        int drops = 0;
        for (int round = 0; round < 300; round++) { // 60,000 events, no checkpoint
            long before = journal.length();
            stream.apply(statistics, 200);
            drops += journal.length() < before ? 1 : 0;
            longest = Math.max(longest, journal.length());
        }
        assertThat(drops).isPositive(); // and without the drop it would pass the bound
        assertThat(longest).isLessThan(bound);

        StatisticsCheckpoint next = journal.checkpoint(statistics);
        assertThat(next.base()).isNotSameAs(base.base());
        assertThat(next.journal()).isEmpty();
        assertThat(next.base().bytes()).isEqualTo(whole(statistics));
        assertThat(journal.rebases()).isEqualTo(2);
    }

    @Test
    void theSerializerRoundTripsAndRejectsACorruptLength() throws IOException {
        StatisticsCheckpoint checkpoint =
                new StatisticsCheckpoint(new byte[] {2, 0, 1}, new byte[] {1, 7}, 1, 3);
        DataOutputSerializer out = new DataOutputSerializer(16);
        StatisticsCheckpointSerializer.INSTANCE.serialize(checkpoint, out);
        StatisticsCheckpoint read =
                StatisticsCheckpointSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.base().bytes()).containsExactly(2, 0, 1);
        assertThat(read.journal()).containsExactly(1, 7);
        assertThat(read.subtask()).isEqualTo(1);
        assertThat(read.parallelism()).isEqualTo(3);
        assertThat(read.whole()).isFalse();

        byte[] corrupt = out.getCopyOfBuffer();
        Arrays.fill(corrupt, 1, 5, (byte) 0x7f); // the base's length
        assertThatThrownBy(
                        () ->
                                StatisticsCheckpointSerializer.INSTANCE.deserialize(
                                        new DataInputDeserializer(corrupt)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void theBaseIsWrittenAsOneBlockSharedByTheCheckpointsOfThatBase() throws IOException {
        StatisticsJournal journal = new StatisticsJournal(0, 2);
        Stream stream = new Stream();
        CandidateGenerator statistics = journaled(journal, stream, 3_000);
        StatisticsCheckpoint first = journal.checkpoint(statistics);
        stream.apply(statistics, 20);
        StatisticsCheckpoint second = journal.checkpoint(statistics);
        assertThat(second.base()).isSameAs(first.base()); // no rebase for 20 events
        assertThat(second.base().block()).isSameAs(first.base().block());
        byte[] block = first.base().block();
        // a base read from its block keeps it: the restored job's next checkpoint does not compress
        assertThat(StatisticsBase.ofBlock(block, first.base().length()).block()).isSameAs(block);

        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        StatisticsCheckpointSerializer.INSTANCE.serialize(second, out);
        // the statistics' ids, counts and stamps compress: the checkpoint is under 3/4 of the base
        assertThat(out.length()).isLessThan(first.base().length() * 3 / 4);
        StatisticsCheckpoint read =
                StatisticsCheckpointSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.base().bytes()).isEqualTo(first.base().bytes());
        assertThat(read.journal()).isEqualTo(second.journal());
        assertThat(whole(read.statistics())).isEqualTo(whole(second.statistics()));
    }

    /**
     * A restore reads every subtask's entry but uses only some (its own, at the same parallelism):
     * a base's block is decompressed where its bytes are used, so a corrupt one reads and fails
     * there, as an I/O error naming the block, never as a wrong base.
     */
    @Test
    void aCorruptBaseBlockIsAnIoErrorNotAWrongBase() throws IOException {
        byte[] base = whole(new CandidateGenerator(SETTINGS, CATALOG));
        DataOutputSerializer out = new DataOutputSerializer(1 << 12);
        StatisticsCheckpointSerializer.INSTANCE.serialize(
                new StatisticsCheckpoint(base, new byte[0], 0, 1), out);
        byte[] wrongLength = out.getCopyOfBuffer();
        wrongLength[4] ^= 1; // the lowest byte of the base's length, after the version byte
        byte[] corruptBlock = out.getCopyOfBuffer();
        Arrays.fill(corruptBlock, 9, 13, (byte) 0xff); // the block's first token and literals
        for (byte[] corrupt : List.of(wrongLength, corruptBlock)) {
            StatisticsCheckpoint read =
                    StatisticsCheckpointSerializer.INSTANCE.deserialize(
                            new DataInputDeserializer(corrupt));
            // its length is the header's, known without the bytes
            assertThat(read.base().length()).isEqualTo(ByteBuffer.wrap(corrupt, 1, 4).getInt());
            assertThatThrownBy(() -> read.base().bytes())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("statistics base block");
            assertThatThrownBy(read::statistics)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("statistics base block");
        }
        // a length no block of this size holds is refused as it is read: nothing is allocated
        byte[] tooLong = out.getCopyOfBuffer();
        tooLong[1] = 0x10; // the highest byte of the base's length: 256 MB and more
        assertThatThrownBy(
                        () ->
                                StatisticsCheckpointSerializer.INSTANCE.deserialize(
                                        new DataInputDeserializer(tooLong)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot come from a block of");
    }

    @Test
    void aCorruptJournalNamesWhereItBroke() {
        CandidateGenerator statistics = new CandidateGenerator(SETTINGS, CATALOG);
        byte[] base = whole(statistics);
        assertThatThrownBy(
                        () ->
                                StatisticsJournal.restore(
                                        new StatisticsCheckpoint(base, new byte[] {9}), SETTINGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("journal at byte 1")
                .hasMessageContaining("unknown journal entry 9");
    }

    /**
     * Statistics journaled from the start by a journal that builds new bases on the executor given
     * (by default, as tasks the test runs), past their first base.
     */
    private static final class Rebasing {
        final List<Runnable> tasks = new ArrayList<>();
        final Stream stream = new Stream();
        final StatisticsJournal journal;
        final CandidateGenerator statistics = new CandidateGenerator(SETTINGS, CATALOG);
        final StatisticsCheckpoint first;

        Rebasing(int subtask, int parallelism) {
            this(subtask, parallelism, null);
        }

        Rebasing(int subtask, int parallelism, Executor executor) {
            journal =
                    new StatisticsJournal(subtask, parallelism)
                            .rebasingOn(executor != null ? executor : tasks::add, SETTINGS);
            // per-user statistics of the subtask's own users only, as serving keeps them
            statistics.keepUserStatisticsOf(UserOwner.share(subtask, parallelism));
            statistics.recordChangesTo(journal);
            stream.apply(statistics, 3_000);
            first = journal.checkpoint(statistics); // the first base, on the task thread
        }

        /** Checkpoints of 2,000 events each until one starts a new base off the task thread. */
        StatisticsCheckpoint untilARebaseStarts() {
            return until(checkpoint -> journal.rebasing());
        }

        /** Checkpoints of 2,000 events each until one holds a base other than the first. */
        StatisticsCheckpoint untilANewBase() {
            return until(checkpoint -> checkpoint.base() != first.base());
        }

        private StatisticsCheckpoint until(Predicate<StatisticsCheckpoint> done) {
            for (int checkpoints = 0; checkpoints < 100; checkpoints++) {
                stream.apply(statistics, 2_000);
                StatisticsCheckpoint checkpoint = journal.checkpoint(statistics);
                if (done.test(checkpoint)) {
                    return checkpoint;
                }
            }
            throw new AssertionError("not within 200,000 events");
        }
    }

    @ParameterizedTest(name = "subtask {0} of {1}")
    @CsvSource({"0, 1", "1, 2"})
    void aJournalPastItsShareGetsItsNewBaseOffTheTaskThreadAndKeepsOnlyTheEntriesAfterIt(
            int subtask, int parallelism) {
        Rebasing r = new Rebasing(subtask, parallelism);
        StatisticsCheckpoint cut = r.untilARebaseStarts();
        byte[] atTheCut = whole(r.statistics);

        // the checkpoint that starts the build writes the old base and the whole journal
        assertThat(cut.base()).isSameAs(r.first.base());
        assertThat(cut.journalLength())
                .isGreaterThan((int) (r.first.base().length() * StatisticsJournal.REBASE_SHARE));
        assertThat(whole(StatisticsJournal.restore(cut, SETTINGS))).isEqualTo(atTheCut);
        r.stream.apply(r.statistics, 500);
        StatisticsCheckpoint whileBuilding = r.journal.checkpoint(r.statistics);
        assertThat(whileBuilding.base()).isSameAs(r.first.base());
        assertThat(r.tasks).hasSize(1); // one build at a time
        assertThat(r.journal.rebases()).isEqualTo(1);

        r.tasks.remove(0).run();
        r.stream.apply(r.statistics, 500);
        StatisticsCheckpoint rebased = r.journal.checkpoint(r.statistics);
        assertThat(rebased.base().bytes()).isEqualTo(atTheCut);
        assertThat(rebased.journalLength()).isPositive().isLessThan(cut.journalLength() / 4);
        assertThat(whole(StatisticsJournal.restore(rebased, SETTINGS)))
                .isEqualTo(whole(r.statistics));
        assertThat(r.journal.rebases()).isEqualTo(2);
        assertThat(r.journal.rebasing()).isFalse();
    }

    /**
     * A forget of a user the statistics never saw (the forget reaches every subtask, whatever it
     * saw): neither base nor journal can hold the user, so the journal goes on from its base, and a
     * new base being built off the task thread is kept, instead of the whole statistics written
     * again on the task thread at the next checkpoint.
     */
    @Test
    void aForgetOfAUserTheStatisticsNeverSawKeepsTheBaseAndTheJournal() {
        StatisticsJournal journal = new StatisticsJournal(0, 1);
        Stream stream = new Stream();
        CandidateGenerator statistics = journaled(journal, stream, 3_000);
        StatisticsCheckpoint first = journal.checkpoint(statistics);
        stream.apply(statistics, 200);
        statistics.forget("never-seen");
        StatisticsCheckpoint next = journal.checkpoint(statistics);
        assertThat(next.base()).isSameAs(first.base());
        assertThat(next.journal()).isNotEmpty();
        assertThat(journal.rebases()).isOne();
        assertThat(whole(next.statistics())).isEqualTo(whole(statistics));

        Rebasing r = new Rebasing(0, 1);
        r.untilARebaseStarts();
        r.statistics.forget("never-seen");
        assertThat(r.journal.rebasing()).isTrue();
    }

    @Test
    void aForgetWhileANewBaseIsBuiltRebasesOnTheTaskThreadWithoutTheUser() {
        Rebasing r = new Rebasing(0, 1);
        r.untilARebaseStarts();
        byte[] withTheUser = whole(r.statistics);

        r.statistics.forget("u7");
        r.tasks.remove(0).run(); // a base that still holds u7
        StatisticsCheckpoint afterTheForget = r.journal.checkpoint(r.statistics);

        assertThat(whole(r.statistics)).isNotEqualTo(withTheUser);
        assertWholeOnTheTaskThread(r, afterTheForget);
    }

    /**
     * A build abandoned while it replays (a forget, its subtask closed) stops within a few thousand
     * entries instead of replaying the whole journal: the shared rebuild thread is the other
     * subtasks' too.
     */
    @Test
    void anAbandonedReplayStopsEarly() {
        Rebasing r = new Rebasing(0, 1);
        StatisticsCheckpoint cut = r.untilARebaseStarts();
        long inTheBase =
                CandidateStatisticsSerializer.fromBytes(cut.base().bytes(), SETTINGS).updates();
        long whole = StatisticsJournal.restore(cut, SETTINGS).updates();

        CandidateGenerator stopped =
                CandidateStatisticsSerializer.fromBytes(cut.base().bytes(), SETTINGS);
        StatisticsJournal.replayJournal(cut, stopped, () -> true);

        assertThat(whole - inTheBase).isGreaterThan(5_000);
        assertThat(stopped.updates() - inTheBase).isPositive().isLessThan(1_024);
    }

    /** {@code checkpoint} holds the statistics whole, written on the task thread, and no build. */
    private static void assertWholeOnTheTaskThread(Rebasing r, StatisticsCheckpoint checkpoint) {
        assertThat(checkpoint.base().bytes()).isEqualTo(whole(r.statistics));
        assertThat(checkpoint.journal()).isEmpty();
        assertThat(r.journal.rebasing()).isFalse();
    }

    @Test
    void anExecutorThatTakesNoMoreWorkLeavesTheNewBaseToTheTaskThread() {
        Rebasing r =
                new Rebasing(
                        0,
                        1,
                        task -> {
                            throw new RejectedExecutionException("shut down");
                        });
        assertWholeOnTheTaskThread(r, r.untilANewBase());
    }

    @Test
    void aBaseWrittenBeforeTheFirstCheckpointLeavesItTheJournalOnly() {
        StatisticsJournal journal = new StatisticsJournal(0, 1);
        Stream stream = new Stream();
        CandidateGenerator statistics = journaled(journal, stream, 3_000);
        journal.baseNow(statistics);
        byte[] atOpen = whole(statistics);
        stream.apply(statistics, 500);

        StatisticsCheckpoint first = journal.checkpoint(statistics);
        assertThat(first.base().bytes()).isEqualTo(atOpen);
        assertThat(first.journal()).isNotEmpty();
        assertThat(whole(StatisticsJournal.restore(first, SETTINGS))).isEqualTo(whole(statistics));
    }

    @Test
    void aJournalAtTwiceItsShareBeforeItsNewBaseIsReadyRebasesOnTheTaskThread() {
        Rebasing r = new Rebasing(0, 1); // whose tasks never run
        r.untilARebaseStarts();
        StatisticsCheckpoint last = r.untilANewBase();

        assertThat(r.tasks).hasSize(1);
        assertWholeOnTheTaskThread(r, last);
    }

    @Test
    void aNewBaseReadyBetweenCheckpointsIsTakenBeforeTheJournalWouldBeDropped() {
        Rebasing r = new Rebasing(0, 1);
        r.untilARebaseStarts();
        byte[] atTheCut = whole(r.statistics);
        r.tasks.remove(0).run();
        // more than twice the share of events without a checkpoint: without the new base taken
        // first, the journal would be dropped and the next checkpoint would rebase on the task
        // thread
        r.stream.apply(r.statistics, 60_000);

        StatisticsCheckpoint next = r.journal.checkpoint(r.statistics);
        assertThat(next.base()).isNotSameAs(r.first.base());
        assertThat(next.base().bytes()).isEqualTo(atTheCut);
        assertThat(whole(StatisticsJournal.restore(next, SETTINGS))).isEqualTo(whole(r.statistics));
    }

    /**
     * A part longer than a restore reads (1 GiB) fails the write, naming the part, rather than
     * making a checkpoint no restore can read; the longest readable one is written.
     */
    @Test
    void aPartLongerThanARestoreReadsFailsTheWrite() throws IOException {
        StatisticsCheckpointSerializer.checkReadable(1 << 30, "statistics base");
        assertThatThrownBy(
                        () ->
                                StatisticsCheckpointSerializer.checkReadable(
                                        (1 << 30) + 1, "statistics journal"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("statistics journal of 1073741825 bytes")
                .hasMessageContaining("a restore reads");
    }
}
