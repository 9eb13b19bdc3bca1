package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The learned ranker's state as serving carries it under BPR, with forgets applied. */
class CarriedRankerStateTest {
    private static final CandidateSettings SETTINGS = CandidateSettings.defaults();
    private static final ItemCatalog CATALOG =
            new ItemCatalog(List.of(new ItemRecord("i0", "Casablanca (1942)", List.of("Drama"))));
    private static final byte[] SCORER = {1, 2, 3};

    private static CandidateGenerator statistics() {
        CandidateGenerator statistics = new CandidateGenerator(SETTINGS, CATALOG);
        long t = 1_700_000_000_000L;
        for (String user : List.of("u1", "u2")) {
            for (String item : List.of("i0", "i1")) {
                statistics.update(new UserEvent(user + item, user, item, EventType.CLICK, 1f, t++));
            }
        }
        return statistics;
    }

    /**
     * An older checkpoint held the statistics in a learned-ranker entry: a forget erases the user
     * from them, and the write moves them to the statistics' own state, where a ranker's restore
     * prefers them, leaving the entry its scorer alone.
     */
    @Test
    void anOlderCheckpointsStatisticsInTheLearnedEntriesLoseTheForgottenUser() {
        byte[] older =
                new LearnedRankerState(
                                0, CandidateStatisticsSerializer.toBytes(statistics()), SCORER)
                        .toBytes();
        CarriedRankerState carried = CarriedRankerState.load(List.of(), List.of(older), SETTINGS);

        carried.forget("u1");

        assertThat(carried.changed()).isTrue();
        List<StatisticsCheckpoint> entries = carried.statisticsEntries();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).whole()).isTrue();
        CandidateGenerator written = entries.get(0).statistics(SETTINGS);
        assertThat(written.knows("u1")).isFalse();
        assertThat(written.knows("u2")).isTrue();
        LearnedRankerState learned = LearnedRankerState.fromBytes(carried.learnedEntries().get(0));
        assertThat(learned.statistics()).isNull();
        assertThat(learned.learned()).isEqualTo(SCORER);
    }

    /** A forget of a user the carried state does not know leaves it to be carried as it was. */
    @Test
    void aForgetOfAnUnknownUserChangesNothing() {
        StatisticsCheckpoint entry =
                new StatisticsCheckpoint(
                        new StatisticsBase(CandidateStatisticsSerializer.toBytes(statistics())),
                        List.of(),
                        StatisticsCheckpoint.WHOLE,
                        0);
        byte[] learned = new LearnedRankerState(0, null, SCORER).toBytes();
        CarriedRankerState carried =
                CarriedRankerState.load(List.of(entry), List.of(learned), SETTINGS);

        carried.forget("u9");

        assertThat(carried.changed()).isFalse();
    }
}
