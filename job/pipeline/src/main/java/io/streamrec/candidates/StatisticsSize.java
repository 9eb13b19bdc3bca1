package io.streamrec.candidates;

/**
 * How much a {@link CandidateGenerator} holds: ids, and entries of its bounded lists. Every field
 * is at most its count of items or users times a cap.
 */
public record StatisticsSize(
        int items,
        int users,
        long cooccurrenceEntries,
        long transitionEntries,
        long recentUserEntries,
        long similarUserEntries,
        long userItemEntries) {

    @Override
    public String toString() {
        return String.format(
                "%d items, %d users; entries: co-occurrence %d, transitions %d, recent users %d,"
                        + " similar users %d, user items %d",
                items,
                users,
                cooccurrenceEntries,
                transitionEntries,
                recentUserEntries,
                similarUserEntries,
                userItemEntries);
    }
}
