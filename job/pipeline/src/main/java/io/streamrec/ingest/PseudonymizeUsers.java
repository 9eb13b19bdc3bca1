package io.streamrec.ingest;

import io.streamrec.records.UserPseudonyms;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Replaces each record's user id by its keyed pseudonym ({@link UserPseudonyms}), right after
 * validation: from here on state, internal topics, results, logs and metrics hold pseudonyms only.
 * The key is read from a file on the task's machine when the task opens, so it is in neither the
 * job graph nor the job's configuration that Flink's REST API shows (only the file's path is).
 */
public final class PseudonymizeUsers<T> extends RichMapFunction<T, T> {
    private static final long serialVersionUID = 1L;

    /** How a record type's user id is read and replaced. */
    public interface UserIdField<T> extends Serializable {
        String userId(T record);

        T withUserId(T record, String userId);
    }

    /** The user id of events. */
    public static final UserIdField<UserEvent> EVENTS =
            new UserIdField<>() {
                @Override
                public String userId(UserEvent e) {
                    return e.userId();
                }

                @Override
                public UserEvent withUserId(UserEvent e, String userId) {
                    return new UserEvent(
                            e.eventId(), userId, e.itemId(), e.type(), e.value(), e.timestamp());
                }
            };

    /** The user id of recommendation requests. */
    public static final UserIdField<RecommendationRequest> REQUESTS =
            new UserIdField<>() {
                @Override
                public String userId(RecommendationRequest r) {
                    return r.userId();
                }

                @Override
                public RecommendationRequest withUserId(RecommendationRequest r, String userId) {
                    return new RecommendationRequest(r.requestId(), userId, r.k(), r.timestamp());
                }
            };

    private final String keyFile;
    private final UserIdField<T> field;
    private transient UserPseudonyms pseudonyms;

    public PseudonymizeUsers(String keyFile, UserIdField<T> field) {
        this.keyFile = keyFile;
        this.field = field;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        pseudonyms = UserPseudonyms.forTask(Path.of(keyFile));
    }

    @Override
    public T map(T record) {
        return field.withUserId(record, pseudonyms.of(field.userId(record)));
    }
}
