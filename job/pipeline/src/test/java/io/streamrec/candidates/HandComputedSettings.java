package io.streamrec.candidates;

/**
 * The candidate settings of the tests whose expected values are computed by hand on tiny streams
 * (and of the committed statistics fixtures written from one): each source's list long enough to
 * hold every item, a rare word on at most 2 items, users made similar {@link
 * SimilarUsers#BOTH_WAYS}, the rule those values were computed under.
 */
public final class HandComputedSettings {
    private HandComputedSettings() {}

    /** 10 items per source, 100 recent users per item, 200 neighbours per item. */
    public static CandidateSettings standard() {
        return of(10, 100, 200);
    }

    /** {@link #standard()} but for these sizes; popularity sources return {@code perSource}. */
    public static CandidateSettings of(int perSource, int usersPerItem, int neighbourCap) {
        return new CandidateSettings(
                perSource,
                1000,
                20,
                neighbourCap,
                5,
                0.6,
                usersPerItem,
                100,
                HalfLife.ofDays(7),
                20,
                0.8,
                2,
                2,
                perSource,
                SimilarUsers.BOTH_WAYS,
                true);
    }
}
