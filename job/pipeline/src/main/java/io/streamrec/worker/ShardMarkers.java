package io.streamrec.worker;

import io.streamrec.model.RowKeys;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.ShardMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The eval markers a worker sends through the parameter server, one copy under each of its {@link
 * ShardKeys}: a copy on every shard's channel of the edge that carries the gradients is what orders
 * the marker before the rows they update there.
 */
public final class ShardMarkers {
    private final String[] shardKeys;

    /** Markers through the shards that {@code shardKeys} (one per subtask) reach. */
    public ShardMarkers(String[] shardKeys) {
        this.shardKeys = shardKeys.clone();
    }

    /** A batch's marker, sent ahead of its gradients: serving evaluates its events at the first. */
    public List<ShardMessage> ofBatch(long id, MicroBatch batch) {
        return throughEveryShard(
                new EvalMarker(id, shardKeys.length, batch.events(), batch.userItems()));
    }

    /**
     * The markers that forget {@code userId}, sent behind the user's last batch: one through every
     * shard (serving erases the user there) and one under the user's row key, for the shard that
     * owns the row (it erases the row and writes its tombstone).
     */
    public List<ShardMessage> forget(long id, String userId) {
        List<ShardMessage> messages =
                throughEveryShard(EvalMarker.forget(id, shardKeys.length, userId));
        messages.add(ShardMessage.marker(RowKeys.user(userId), EvalMarker.eraseRow(id, userId)));
        return messages;
    }

    private List<ShardMessage> throughEveryShard(EvalMarker marker) {
        List<ShardMessage> messages = new ArrayList<>(shardKeys.length + 1);
        for (String shardKey : shardKeys) {
            messages.add(ShardMessage.marker(shardKey, marker));
        }
        return messages;
    }
}
