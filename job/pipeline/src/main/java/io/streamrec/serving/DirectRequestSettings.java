package io.streamrec.serving;

import io.streamrec.records.RequestJsonCodec;
import java.io.Serializable;

/**
 * Where serving reads recommendation requests itself ({@code serving.direct-requests}): the
 * requests topic, the job's consumer group (whose committed offsets a subtask without state starts
 * from) and the pseudonym key file, if user ids are pseudonymised.
 *
 * @param enabled whether serving answers requests straight from the topic; off, they come through
 *     the workers as records of the job's graph
 * @param topic the requests topic
 * @param groupId the job's consumer group: only read from, never committed to by serving
 * @param userIdKeyFile the {@code privacy.user-id-key-file}, or null
 * @param requestMaxFutureMs {@code validation.max-future}: a request stamped further ahead of the
 *     clock is answered as if stamped that far ahead (its time is serving's "now" only while
 *     serving has seen no event, and one far-future stamp must not become it)
 * @param requestEarliestMs {@code validation.earliest-timestamp}: a request stamped earlier (a time
 *     in seconds) is not read, and the job's validation dead-letters it
 */
public record DirectRequestSettings(
        boolean enabled,
        String topic,
        String groupId,
        String userIdKeyFile,
        long requestMaxFutureMs,
        long requestEarliestMs)
        implements Serializable {

    /** Requests come through the workers. */
    public static final DirectRequestSettings OFF =
            new DirectRequestSettings(false, null, null, null, 0, 0);

    /**
     * How serving reads a request: however far ahead of the clock, as the job's validation passes
     * only forgets on while serving answers the rest ({@link DirectRequestDecoder} caps the time),
     * but from {@code validation.earliest-timestamp} on, as the job's validation reads it.
     */
    public RequestJsonCodec requestCodec() {
        return RequestJsonCodec.unbounded(requestEarliestMs);
    }
}
