package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.records.RequestJsonCodec;
import io.streamrec.records.UserPseudonyms;
import io.streamrec.schema.RecommendationRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Requests-topic records as a serving subtask keeps them: its own users', as the job would. */
class DirectRequestDecoderTest {
    /** Serving reading requests itself, {@code validation.max-future} at its default of 5 min. */
    private static final DirectRequestSettings DIRECT =
            new DirectRequestSettings(true, "requests", "streamrec", null, 300_000, 0);

    private static final byte[] KEY = new byte[UserPseudonyms.MIN_KEY_BYTES];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    private static byte[] json(RecommendationRequest r) {
        return RequestJsonCodec.toJson(r);
    }

    /** A user id that {@link UserOwner} gives to {@code subtask} of 2. */
    private static String userOf(int subtask) {
        for (int i = 0; ; i++) {
            if (UserOwner.of("u" + i, 2) == subtask) {
                return "u" + i;
            }
        }
    }

    @Test
    void keepsTheRequestsOfItsOwnUsersOnlyWithWhereTheyWereRead() {
        String mine = userOf(1);
        String theirs = userOf(0);
        DirectRequestDecoder decoder = new DirectRequestDecoder(1, 2, null, DIRECT);

        DirectRequest r =
                decoder.decode(3, 42, json(new RecommendationRequest("r1", mine, 5, 1000L)));

        assertThat(r)
                .isEqualTo(
                        new DirectRequest(3, 42, new RecommendationRequest("r1", mine, 5, 1000L)));
        assertThat(decoder.decode(3, 43, json(new RecommendationRequest("r2", theirs, 5, 1000L))))
                .isNull();
    }

    @Test
    void forgetsAreKeptForOrderingAndUnreadableRecordsAreLeftToValidation() {
        String mine = userOf(0);
        DirectRequestDecoder decoder = new DirectRequestDecoder(0, 2, null, DIRECT);

        assertThat(
                        decoder.decode(0, 1, json(RecommendationRequest.forget("f1", mine, 1000L)))
                                .isForget())
                .isTrue();
        assertThat(decoder.decode(0, 2, "not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(
                        decoder.decode(
                                0,
                                3,
                                "{\"requestId\":\"r\",\"userId\":\"x\",\"k\":0}"
                                        .getBytes(StandardCharsets.UTF_8)))
                .isNull();
        assertThat(decoder.decode(0, 4, null)).isNull();
    }

    @Test
    void pseudonymisesTheUserIdBeforeChoosingTheOwnerAsTheJobDoes() {
        UserPseudonyms pseudonyms = new UserPseudonyms(KEY);
        String pseudonym = pseudonyms.of("alice");
        int owner = UserOwner.of(pseudonym, 2);

        DirectRequest r =
                new DirectRequestDecoder(owner, 2, pseudonyms, DIRECT)
                        .decode(0, 9, json(new RecommendationRequest("r1", "alice", 10, 5L)));

        assertThat(r.userId()).isEqualTo(pseudonym);
        assertThat(r.request().requestId()).isEqualTo("r1");
        assertThat(
                        new DirectRequestDecoder(1 - owner, 2, pseudonyms, DIRECT)
                                .decode(
                                        0,
                                        9,
                                        json(new RecommendationRequest("r1", "alice", 10, 5L))))
                .isNull();
    }

    /**
     * A request stamped further ahead than {@code validation.max-future} is answered, at that
     * bound: its time is serving's "now" while serving has seen no event, and the job's validation
     * passes only forgets on, so turning it away here would leave it unanswered and unreported.
     */
    @Test
    void aRequestStampedTooFarAheadIsAnsweredAtTheBound() {
        String mine = userOf(0);
        long hour = 3_600_000;
        long now = 1_765_000_000_000L;
        DirectRequestDecoder decoder =
                new DirectRequestDecoder(
                        0,
                        2,
                        null,
                        new DirectRequestSettings(true, "requests", "streamrec", null, hour, 0),
                        () -> now);

        assertThat(
                        decoder.decode(0, 1, json(new RecommendationRequest("r1", mine, 5, now)))
                                .request()
                                .timestamp())
                .isEqualTo(now);
        assertThat(
                        decoder.decode(
                                        0,
                                        2,
                                        json(
                                                new RecommendationRequest(
                                                        "r2", mine, 5, now + 24 * hour)))
                                .request())
                .isEqualTo(new RecommendationRequest("r2", mine, 5, now + hour));
        assertThat(
                        decoder.decode(
                                        0,
                                        3,
                                        json(
                                                new RecommendationRequest(
                                                        "r3", mine, 5, Long.MAX_VALUE)))
                                .request()
                                .timestamp())
                .isEqualTo(now + hour);
    }
}
