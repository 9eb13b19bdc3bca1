package io.streamrec.serving;

import io.streamrec.ingest.PseudonymizeUsers;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.records.UserPseudonyms;
import io.streamrec.schema.RecommendationRequest;
import java.util.function.LongSupplier;

/**
 * Turns a requests-topic record into a {@link DirectRequest} for the serving subtask that owns its
 * user, as the job's own request path would: parsed by {@link RequestJsonCodec}, the user id
 * replaced by its pseudonym when a key is set, then routed by {@link UserOwner}. Unreadable records
 * give null: the job's validation stage reads the same topic and dead-letters them with the reason.
 */
final class DirectRequestDecoder {
    private final RequestJsonCodec codec;
    private final int subtask;
    private final int parallelism;
    private final UserPseudonyms pseudonyms;
    private final long maxFutureMs;
    private final LongSupplier wallClock;

    DirectRequestDecoder(
            int subtask, int parallelism, UserPseudonyms pseudonyms, DirectRequestSettings direct) {
        this(subtask, parallelism, pseudonyms, direct, System::currentTimeMillis);
    }

    /**
     * @param pseudonyms the job's user-id pseudonyms, or null when ids are kept as they are
     * @param direct how a record is read ({@link DirectRequestSettings#requestCodec}: what it
     *     refuses, the job's validation dead-letters) and how far ahead of {@code wallClock} a
     *     request's time may be ({@code validation.max-future}; further takes that bound instead)
     */
    DirectRequestDecoder(
            int subtask,
            int parallelism,
            UserPseudonyms pseudonyms,
            DirectRequestSettings direct,
            LongSupplier wallClock) {
        this.codec = direct.requestCodec();
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.pseudonyms = pseudonyms;
        this.maxFutureMs = direct.requestMaxFutureMs();
        this.wallClock = wallClock;
    }

    /** The record as a request of a user this subtask owns; null for another's or unreadable. */
    DirectRequest decode(int partition, long offset, byte[] value) {
        if (value == null) {
            return null;
        }
        RecommendationRequest request;
        try {
            request = codec.parse(value);
        } catch (InvalidRecordException e) {
            return null;
        }
        if (pseudonyms != null) {
            request =
                    PseudonymizeUsers.REQUESTS.withUserId(request, pseudonyms.of(request.userId()));
        }
        if (UserOwner.of(request.userId(), parallelism) != subtask) {
            return null;
        }
        return new DirectRequest(partition, offset, capped(request));
    }

    /** The request at most {@code maxFutureMs} ahead of the wall clock. */
    private RecommendationRequest capped(RecommendationRequest request) {
        long now = wallClock.getAsLong();
        long latest = now > Long.MAX_VALUE - maxFutureMs ? Long.MAX_VALUE : now + maxFutureMs;
        return request.timestamp() <= latest
                ? request
                : new RecommendationRequest(
                        request.requestId(), request.userId(), request.k(), latest);
    }
}
