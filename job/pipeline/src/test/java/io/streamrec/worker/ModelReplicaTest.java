package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.RowKeys;
import io.streamrec.ps.AdagradUpdater;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelReplicaTest {
    private static final ModelConfig MODEL = new ModelConfig(2, 1, 0, 86_400_000L, 1L);
    private static final ModelRowInitializer INITIALIZER = new ModelRowInitializer(MODEL);
    private static final String USER = RowKeys.user("a");

    private static ModelReplica replica() {
        return new ModelReplica(
                INITIALIZER,
                new RowUpdater(
                        new AdagradUpdater(0.5, 0.0, 1e-8),
                        new FrequencyAdaptiveL2(0.0),
                        INITIALIZER,
                        1000L));
    }

    private static ParameterRow row(long version, float w0) {
        return new ParameterRow(USER, new float[] {w0, 0f}, new float[0], version, 0, 0, 0f, 0L);
    }

    @Test
    void anUnknownRowHasItsInitialWeights() {
        ModelReplica replica = replica();
        assertThat(replica.row(USER)).isNull();
        assertThat(replica.weights(USER)).containsExactly(INITIALIZER.initialWeights(USER));
    }

    @Test
    void aServerRowWhoseWeightsAreNotNumbersIsHeldWithItsInitialWeights() {
        ModelReplica replica = replica();
        assertThat(replica.offer(row(3, Float.NaN))).isTrue();

        assertThat(replica.weights(USER)).containsExactly(INITIALIZER.initialWeights(USER));
        assertThat(replica.row(USER).version()).isEqualTo(3); // an older row is still refused
        assertThat(replica.offer(row(2, 1f))).isFalse();
        assertThat(replica.offer(row(4, 1f))).isTrue();
        assertThat(replica.weights(USER)).containsExactly(1f, 0f);
    }

    @Test
    void onlyANewerServerVersionReplacesARow() {
        ModelReplica replica = replica();
        assertThat(replica.offer(row(2, 1f))).isTrue();
        assertThat(replica.offer(row(2, 9f))).isFalse();
        assertThat(replica.offer(row(1, 9f))).isFalse();
        assertThat(replica.weights(USER)).containsExactly(1f, 0f);
        assertThat(replica.offer(row(3, 5f))).isTrue();
        assertThat(replica.weights(USER)).containsExactly(5f, 0f);
    }

    @Test
    void aLocalUpdateKeepsTheVersionSoTheServersNextRowReplacesIt() {
        ModelReplica replica = replica();
        replica.offer(row(4, 1f));
        replica.applyLocally(ShardMessage.gradient(USER, new float[] {2f, 0f}, 1, 0, 0f, 0L));
        // AdaGrad from a zero accumulator, learning rate 0.5: 1 - 0.5 * 2 / sqrt(2 * 2)
        assertThat(replica.weights(USER)[0]).isCloseTo(0.5f, within(1e-6f));
        assertThat(replica.row(USER).version()).isEqualTo(4);
        assertThat(replica.row(USER).updates()).isEqualTo(1);
        assertThat(replica.offer(row(5, 7f))).isTrue();
        assertThat(replica.weights(USER)).containsExactly(7f, 0f);
    }

    @Test
    void anErasedRowsEarlierServerValuesStayOutUntilItsTombstone() {
        ModelReplica replica = replica();
        replica.offer(row(4, 1f));
        replica.remove(USER, true);
        // the feed still brings values committed before the erase
        assertThat(replica.offer(row(5, 9f))).isFalse();
        assertThat(replica.weights(USER)).containsExactly(INITIALIZER.initialWeights(USER));
        // the new user's events train locally on fresh weights
        replica.applyLocally(ShardMessage.gradient(USER, new float[] {2f, 0f}, 1, 0, 0f, 0L));
        assertThat(replica.row(USER).version()).isZero();
        replica.offer(ParameterRow.tombstone(USER));
        assertThat(replica.row(USER)).isNull();
        // after the tombstone, the new user's rows from version 1
        assertThat(replica.offer(row(1, 3f))).isTrue();
        assertThat(replica.weights(USER)).containsExactly(3f, 0f);
    }

    /**
     * The keys awaiting their tombstone are what a checkpoint keeps; taken back after a restore,
     * they drop a row the rebuild already took and keep its earlier values out until the tombstone.
     */
    @Test
    void keysAwaitingTheirTombstoneAreListedAndTakenBack() {
        ModelReplica replica = replica();
        replica.remove(USER, true);
        assertThat(replica.awaitingTombstone()).containsExactly(USER);

        ModelReplica rebuilt = replica();
        rebuilt.offer(row(4, 1f));
        rebuilt.awaitTombstones(replica.awaitingTombstone());
        assertThat(rebuilt.row(USER)).isNull();
        assertThat(rebuilt.offer(row(5, 9f))).isFalse();
        rebuilt.offer(ParameterRow.tombstone(USER));
        rebuilt.caughtUp(row -> false); // the catch-up read ends with the tombstone
        assertThat(rebuilt.awaitingTombstone()).isEmpty();
        assertThat(rebuilt.offer(row(1, 3f))).isTrue();
    }

    /**
     * A feed behind by a forget: the key erased again before the first erase's tombstone is read.
     * That tombstone is followed by rows trained before the second erase, so only the second
     * erase's tombstone ends the wait.
     */
    @Test
    void theWaitLastsUntilTheTombstoneOfEachErase() {
        ModelReplica replica = replica();
        replica.remove(USER, true);
        replica.remove(USER, true);
        replica.offer(ParameterRow.tombstone(USER));
        assertThat(replica.offer(row(1, 3f))).as("trained before the second erase").isFalse();
        assertThat(replica.awaitingTombstone()).containsExactly(USER);
        replica.offer(ParameterRow.tombstone(USER));
        assertThat(replica.awaitingTombstone()).isEmpty();
        assertThat(replica.offer(row(1, 3f))).isTrue();
    }

    /**
     * A key restored awaiting two tombstones whose catch-up read ends with a row trained before
     * both erases: both tombstones are still due, so the first one read does not release it.
     */
    @Test
    void aRestoredKeyWhoseLastRowIsEarlierKeepsTheTombstonesDue() {
        ModelReplica rebuilt = replica();
        rebuilt.awaitTombstones(List.of(USER, USER));
        rebuilt.offer(row(5, 9f));
        rebuilt.caughtUp(row -> false);
        assertThat(rebuilt.awaitingTombstone()).containsExactly(USER, USER);
        rebuilt.offer(ParameterRow.tombstone(USER));
        rebuilt.offer(row(2, 3f));
        assertThat(rebuilt.row(USER)).as("a row trained before the second erase").isNull();
    }

    @Test
    void aRowErasedWithoutAFeedWaitsForNoTombstone() {
        ModelReplica replica = replica();
        replica.offer(row(4, 1f));
        // a job without Kafka has no feed, so no tombstone would ever release the key
        replica.remove(USER, false);
        assertThat(replica.row(USER)).isNull();
        assertThat(replica.offer(row(1, 3f))).isTrue();
        assertThat(replica.weights(USER)).containsExactly(3f, 0f);
    }
}
