package io.streamrec.tools.privacy;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.candidates.CandidateStatisticsSerializer;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.StatisticsCheckpoint;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The users one checkpoint of serving's candidate statistics names, read by the statistics'
 * structure with serving's own readers, so that only what the statistics hold as a user's id
 * counts:
 *
 * <ul>
 *   <li>the base, as read (its LZ4 block decompressed), through {@link
 *       CandidateStatisticsSerializer}: it writes user ids only in its user index. Every per-user
 *       statistic (latest items, recent users per item, similar users, activity) names a user by
 *       its place in that index, and a forgotten user's place holds a placeholder no id equals;
 *   <li>the journal, through {@link StatisticsCheckpoint#readJournal}: the user of each event.
 * </ul>
 *
 * Every other string they write is an item's id, title word or attribute or an event's id: a user
 * whose id is also an item's (MovieLens numbers both) is not found there. Every format version
 * serving reads is read so; none is left to a search of bytes.
 */
final class StatisticsUsers {
    private final CandidateGenerator base;
    private final Set<String> journal = new HashSet<>();

    private StatisticsUsers(CandidateGenerator base) {
        this.base = base;
    }

    /**
     * The users {@code checkpoint} names. The base is read under the default settings: the job
     * shapes its statistics by them (only the similarity rule is set, which shapes no state).
     */
    static StatisticsUsers of(StatisticsCheckpoint checkpoint) {
        StatisticsUsers users =
                new StatisticsUsers(
                        CandidateStatisticsSerializer.fromBytes(
                                checkpoint.base().bytes(), CandidateSettings.defaults()));
        checkpoint.readJournal(users.journalEvents());
        return users;
    }

    private CandidateGenerator.Changes journalEvents() {
        return new CandidateGenerator.Changes() {
            @Override
            public void event(UserEvent event) {
                journal.add(event.userId());
            }

            @Override
            public void item(String itemId, String title, List<String> attributes) {
                // an item's strings name no user
            }
        };
    }

    /** Whether the base's user index holds {@code user}. */
    boolean inBase(String user) {
        return base.knows(user);
    }

    /** Whether an event in the journal is {@code user}'s. */
    boolean inJournal(String user) {
        return journal.contains(user);
    }

    /** Whether the base or the journal names {@code user}. */
    boolean include(String user) {
        return inBase(user) || inJournal(user);
    }
}
