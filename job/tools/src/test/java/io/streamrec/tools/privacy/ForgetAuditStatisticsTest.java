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
 * The audit's statistics facts on checkpoints the production classes write: statistics fed through
 * {@link CandidateGenerator}, checkpointed by serving's journal and stored and read back with
 * {@link StatisticsCheckpointSerializer} (the base as an LZ4 block) as the savepoint reader reads
 * them. {@link ForgetAuditTest} checks the search on bytes it writes itself; these tie it to the
 * real format.
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

    /** A search apart from the audit's, for the preconditions. */
    private static boolean holdsBytes(byte[] bytes, byte[] part) {
        String haystack = new String(bytes, StandardCharsets.ISO_8859_1);
        return haystack.contains(new String(part, StandardCharsets.ISO_8859_1));
    }

    private static List<String> facts(StatisticsCheckpoint checkpoint) {
        List<String> facts = new ArrayList<>();
        new ForgetAudit.StatisticsFacts(FORGOTTEN, List.of(KEPT))
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
        StatisticsCheckpoint read = storedAndRead(first);
        assertThat(ForgetAudit.StatisticsFacts.holdsId(read, FORGOTTEN)).isTrue();
        assertThat(ForgetAudit.StatisticsFacts.holdsId(read, KEPT)).isTrue();
    }

    @Test
    void findsTheUserWhereOnlyTheJournalHoldsIt() throws IOException {
        ServingStatistics serving = serving();
        rate(serving, KEPT, "i1", "i2");
        serving.checkpoint(); // the base, before the user's first event
        rate(serving, FORGOTTEN, "i2", "i1");
        StatisticsCheckpoint read = storedAndRead(serving.checkpoint());

        assertThat(holdsBytes(read.base().bytes(), FORGOTTEN_AS_WRITTEN)).isFalse();
        assertThat(read.journalLength()).isPositive();
        assertThat(ForgetAudit.StatisticsFacts.holdsId(read, FORGOTTEN)).isTrue();
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

        // the item's id still holds "u-forgotten", but not as an id of its own
        assertThat(ForgetAudit.StatisticsFacts.holdsId(read, FORGOTTEN)).isFalse();
        // the search still reads these bytes: the kept user's id is in them
        assertThat(ForgetAudit.StatisticsFacts.holdsId(read, KEPT)).isTrue();
        assertThat(facts(read)).containsExactly("entry", "knows u-kept");
    }

    /**
     * Today the statistics write user ids only in their user index and in journaled events, both of
     * which {@code knows} sees; the byte search is for the id anywhere else. An item attribute
     * journaled with the user's id stands in for such bytes: the facts must still mention it.
     */
    @Test
    void theFactsMentionTheIdsBytesWhereTheStatisticsDoNotKnowTheUser() throws IOException {
        ServingStatistics serving = serving();
        rate(serving, KEPT, "i1");
        serving.checkpoint();
        serving.statistics().putItem("i3", "Notorious (1946)", List.of("Drama", FORGOTTEN));
        StatisticsCheckpoint read = storedAndRead(serving.checkpoint());

        assertThat(read.statistics().knows(FORGOTTEN)).isFalse();
        assertThat(facts(read)).containsExactly("entry", "mentions the user", "knows u-kept");
    }
}
