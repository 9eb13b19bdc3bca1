package io.streamrec.serving;

import io.streamrec.schema.ModelUpdate;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Which serving subtask owns a user: it alone ranks, evaluates and learns the user's events and
 * answers the user's requests, so a user's answers come from one ranker. Also the partitioner that
 * routes each request to its owner.
 */
public final class UserOwner implements Partitioner<String> {
    private static final long serialVersionUID = 1L;

    /** A request's user, the key the partitioner routes by. */
    public static final KeySelector<ModelUpdate, String> REQUEST_USER =
            update -> update.request().request().userId();

    /** The subtask index, of {@code parallelism}, that owns {@code userId}. */
    public static int of(String userId, int parallelism) {
        return Math.floorMod(userId.hashCode(), parallelism);
    }

    /** Whether a user is owned by {@code subtask} of {@code parallelism}: that subtask's share. */
    public static Predicate<String> share(int subtask, int parallelism) {
        return userId -> of(userId, parallelism) == subtask;
    }

    @Override
    public int partition(String userId, int numPartitions) {
        return of(userId, numPartitions);
    }
}
