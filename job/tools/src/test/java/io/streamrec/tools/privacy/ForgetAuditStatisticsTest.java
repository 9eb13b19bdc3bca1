package io.streamrec.tools.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingStatistics;
import io.streamrec.serving.StatisticsCheckpoint;
import io.streamrec.serving.StatisticsCheckpointSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The audit's statistics facts ({@link StatisticsUsers}) on checkpoints the production classes
 * write: statistics fed through {@link CandidateGenerator}, checkpointed by serving's journal and
 * stored and read back with {@link StatisticsCheckpointSerializer} (the base as an LZ4 block) as
 * the savepoint reader reads them.
 */
class ForgetAuditStatisticsTest {
    private static final String KEPT = "u-kept";
    private static final String FORGOTTEN = "u-forgotten";

    /**
     * "u-forgotten" as the statistics write an id, worked out by hand: writeUTF's two-byte length
     * (11 = 0x000B), then the ASCII bytes.
     */
    private static final byte[] FORGOTTEN_AS_WRITTEN = {
        0x00, 0x0B, 'u', '-', 'f', 'o', 'r', 'g', 'o', 't', 't', 'e', 'n'
    };

    /** A user's id that is an item's id too, and a word of its title. */
    private static final String NUMBERED = "42";

    /**
     * An item whose id holds the user's: written before the user ids, it lets LZ4 code the user's
     * id as a back-reference, so the stored block need not show it; and it is not the user.
     */
    private static final String ITEM_NAMED_LIKE_THE_USER = "i-u-forgotten";

    private long time = 1_400_000_000_000L;
    private int eventId;

    private static ServingStatistics serving() {
        ItemCatalog catalog =
                new ItemCatalog(
                        List.of(
                                new ItemRecord("i1", "Star Wars (1977)", List.of("Sci-Fi")),
                                new ItemRecord("i2", "Casablanca (1942)", List.of("Drama"))));
        return new ServingStatistics(
                new CandidateGenerator(CandidateSettings.defaults(), catalog), 0, 1);
    }

    private void rate(ServingStatistics serving, String user, String... items) {
        for (String item : items) {
            time += 60_000;
            serving.statistics()
                    .update(new UserEvent("e" + eventId++, user, item, EventType.RATING, 4f, time));
        }
    }

    /** The checkpoint as a savepoint stores it and the audit's reader gets it back. */
    private static StatisticsCheckpoint storedAndRead(StatisticsCheckpoint checkpoint)
            throws IOException {
        return StatisticsCheckpointSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(stored(checkpoint)));
    }

    private static byte[] stored(StatisticsCheckpoint checkpoint) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1 << 12);
        StatisticsCheckpointSerializer.INSTANCE.serialize(checkpoint, out);
        return out.getCopyOfBuffer();
    }

    /** An id as the statistics write it: writeUTF's two-byte length, then the bytes. */
    private static byte[] asWritten(String id) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        out.writeUTF(id);
        return out.getCopyOfBuffer();
    }

    /** A search of bytes, for the preconditions. */
    private static boolean holdsBytes(byte[] bytes, byte[] part) {
        return occurrences(bytes, part) > 0;
    }

    private static int occurrences(byte[] bytes, byte[] part) {
        String haystack = new String(bytes, StandardCharsets.ISO_8859_1);
        String needle = new String(part, StandardCharsets.ISO_8859_1);
        int n = 0;
        for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static List<String> facts(StatisticsCheckpoint checkpoint) {
        return facts(checkpoint, FORGOTTEN);
    }

    private static List<String> facts(StatisticsCheckpoint checkpoint, String user) {
        List<String> facts = new ArrayList<>();
        new ForgetAudit.StatisticsFacts(user, List.of(KEPT))
                .flatMap(checkpoint, new ListCollector<>(facts));
        return facts;
    }

    @Test
    void findsTheUserInABaseStoredAsAnLz4Block() throws IOException {
        ServingStatistics serving = serving();
        rate(serving, KEPT, "i1", ITEM_NAMED_LIKE_THE_USER);
        rate(serving, FORGOTTEN, "i2", "i1");
        StatisticsCheckpoint first = serving.checkpoint();
        byte[] stored = stored(first);

        // the first checkpoint writes the whole statistics as its base, and nothing after it
        assertThat(first.journalLength()).isZero();
        // the stored block hides the id: a search of the raw savepoint bytes would miss the user
        assertThat(holdsBytes(stored, FORGOTTEN_AS_WRITTEN)).isFalse();
        StatisticsUsers read = StatisticsUsers.of(storedAndRead(first));
        assertThat(read.inBase(FORGOTTEN)).isTrue();
        assertThat(read.inBase(KEPT)).isTrue();
    }

    @Test
    void findsTheUserWhereOnlyTheJournalHoldsIt() throws IOException {
        ServingStatistics serving = serving();
        rate(serving, KEPT, "i1", "i2");
        serving.checkpoint(); // the base, before the user's first event
        rate(serving, FORGOTTEN, "i2", "i1");
        StatisticsCheckpoint read = storedAndRead(serving.checkpoint());

        StatisticsUsers users = StatisticsUsers.of(read);
        assertThat(users.inBase(FORGOTTEN)).isFalse();
        assertThat(users.inJournal(FORGOTTEN)).isTrue();
        assertThat(facts(read)).containsExactly("entry", "mentions the user", "knows u-kept");
    }

    @Test
    void aForgottenUserIsGoneFromTheNextCheckpointAndTheKeptUserIsNot() throws IOException {
        ServingStatistics serving = serving();
        rate(serving, KEPT, "i1", ITEM_NAMED_LIKE_THE_USER);
        rate(serving, FORGOTTEN, "i2");
        serving.checkpoint();
        rate(serving, FORGOTTEN, "i1", ITEM_NAMED_LIKE_THE_USER); // in the journal too
        serving.statistics().forget(FORGOTTEN);
        StatisticsCheckpoint read = storedAndRead(serving.checkpoint());

        // the item's id still holds "u-forgotten", but not as a user's
        assertThat(StatisticsUsers.of(read).include(FORGOTTEN)).isFalse();
        assertThat(facts(read)).containsExactly("entry", "knows u-kept");
    }

    /**
     * {@link StatisticsUsers} reads users where the statistics write them: the base writes a user's
     * id once, in its user index, and the journal once per event of the user. A statistic that
     * wrote user ids elsewhere would fail this, and the audit would have to read it too.
     */
    @Test
    void theStatisticsWriteAUsersIdOnlyWhereTheAuditReadsUsers() throws IOException {
        ServingStatistics serving = serving();
        rate(serving, KEPT, "i1", "i2");
        rate(serving, FORGOTTEN, "i2", "i1");
        serving.checkpoint();
        rate(serving, FORGOTTEN, "i1", "i2", "i1");
        StatisticsCheckpoint read = storedAndRead(serving.checkpoint());

        assertThat(occurrences(read.base().bytes(), FORGOTTEN_AS_WRITTEN)).isEqualTo(1);
        assertThat(occurrences(read.journal(), FORGOTTEN_AS_WRITTEN)).isEqualTo(3);
        StatisticsUsers users = StatisticsUsers.of(read);
        assertThat(users.inBase(FORGOTTEN)).isTrue();
        assertThat(users.inJournal(FORGOTTEN)).isTrue();
    }

    /** Users whose ids hold "u7" and an item "u7", in the base and the journal, are not user u7. */
    @Test
    void anIdInsideALongerIdIsNotTheUser() throws IOException {
        ServingStatistics serving = serving();
        rate(serving, "u70", "i1", "u7");
        serving.checkpoint();
        rate(serving, "xu7", "u7", "i2");
        rate(serving, KEPT, "u7");
        StatisticsCheckpoint read = storedAndRead(serving.checkpoint());

        assertThat(facts(read, "u7")).containsExactly("entry", "knows u-kept");
        assertThat(StatisticsUsers.of(read).include("u70")).isTrue();
    }

    /**
     * Serving with a user numbered like an item, as MovieLens numbers both: after the user's events
     * and (when {@code forget}) its forget, the base holds {@link #NUMBERED} as an item id and a
     * title word, and the journal as an item id and an attribute.
     */
    private StatisticsCheckpoint numberedLikeAnItem(boolean forget) throws IOException {
        ServingStatistics serving = serving();
        serving.statistics().putItem(NUMBERED, NUMBERED + " (2013)", List.of("Documentary"));
        rate(serving, KEPT, "i1", NUMBERED);
        rate(serving, NUMBERED, "i2", NUMBERED);
        serving.checkpoint();
        if (forget) {
            serving.statistics().forget(NUMBERED);
        }
        serving.checkpoint(); // after a forget, a new base without the user
        rate(serving, KEPT, NUMBERED);
        serving.statistics().putItem("i3", "Notorious (1946)", List.of("Drama", NUMBERED));
        StatisticsCheckpoint read = storedAndRead(serving.checkpoint());
        // the id's bytes, as the statistics write ids, are in both parts whether or not it is gone
        assertThat(holdsBytes(read.base().bytes(), asWritten(NUMBERED))).isTrue();
        assertThat(holdsBytes(read.journal(), asWritten(NUMBERED))).isTrue();
        return read;
    }

    @Test
    void aUserNumberedLikeAnItemIsGoneAfterItsForget() throws IOException {
        assertThat(facts(numberedLikeAnItem(true), NUMBERED))
                .containsExactly("entry", "knows u-kept");
    }

    @Test
    void aUserNumberedLikeAnItemIsFoundWhileNotForgotten() throws IOException {
        assertThat(facts(numberedLikeAnItem(false), NUMBERED))
                .containsExactly("entry", "mentions the user", "knows u-kept");
    }
}
