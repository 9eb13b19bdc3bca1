package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.RowKeys;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The markers a worker sends through the shards, without Flink. */
class ShardMarkersTest {
    private static final String[] KEYS = {"shard-marker-0", "shard-marker-3", "shard-marker-1"};

    @Test
    void aBatchsMarkerGoesThroughEveryShardWithItsEvents() {
        UserEvent event = new UserEvent("e1", "u", "i1", EventType.CLICK, Float.NaN, 1000L);
        String[] itemsBefore = {"i0"};
        MicroBatch batch =
                new MicroBatch(List.of(event), List.<String[]>of(itemsBefore), List.of());

        List<ShardMessage> messages = new ShardMarkers(KEYS).ofBatch(7L, batch);

        assertThat(messages).extracting(ShardMessage::key).containsExactly(KEYS);
        for (ShardMessage message : messages) {
            EvalMarker marker = message.marker();
            assertThat(marker.batchId()).isEqualTo(7L);
            assertThat(marker.copies()).isEqualTo(KEYS.length);
            assertThat(marker.isForget()).isFalse();
            assertThat(marker.events()).containsExactly(event);
            assertThat(marker.userItems()).singleElement().isSameAs(itemsBefore);
        }
    }

    /** A forget through every shard, then the row's erasure under the user's row key. */
    @Test
    void aForgetGoesThroughEveryShardAndToTheUsersRow() {
        List<ShardMessage> messages = new ShardMarkers(KEYS).forget(9L, "u42");

        assertThat(messages)
                .extracting(ShardMessage::key)
                .containsExactly(KEYS[0], KEYS[1], KEYS[2], RowKeys.user("u42"));
        for (ShardMessage message : messages.subList(0, KEYS.length)) {
            assertThat(message.marker())
                    .isEqualTo(EvalMarker.forget(9L, KEYS.length, "u42"))
                    .matches(m -> !m.erasesRow());
        }
        assertThat(messages.get(KEYS.length).marker())
                .isEqualTo(EvalMarker.eraseRow(9L, "u42"))
                .matches(EvalMarker::erasesRow);
    }

    @Test
    void theKeysAreCopiedNotShared() {
        String[] keys = KEYS.clone();
        ShardMarkers markers = new ShardMarkers(keys);
        keys[0] = "changed";
        assertThat(markers.forget(1L, "u").get(0).key()).isEqualTo(KEYS[0]);
    }
}
