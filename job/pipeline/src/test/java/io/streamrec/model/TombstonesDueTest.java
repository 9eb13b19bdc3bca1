package io.streamrec.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.ParameterRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TombstonesDueTest {
    private static final String KEY = "u:alice";

    private static ParameterRow row(long version) {
        return new ParameterRow(KEY, new float[] {1f, 0f}, new float[0], version, 0, 0, 0f, 0L);
    }

    @Test
    void aTombstoneReleasesOneDue() {
        TombstonesDue due = new TombstonesDue();
        due.add(KEY);
        due.add(KEY);

        assertThat(due.admits(KEY, row(3))).isFalse();
        assertThat(due.admits(KEY, ParameterRow.tombstone(KEY))).isTrue();
        assertThat(due.keys()).containsExactly(KEY);
        assertThat(due.admits(KEY, row(4))).isFalse();
        assertThat(due.admits(KEY, ParameterRow.tombstone(KEY))).isTrue();
        assertThat(due.keys()).isEmpty();
        assertThat(due.admits(KEY, row(5))).isTrue();
    }

    @Test
    void aRestoredKeyWhoseLastRecordIsATombstoneIsReleasedAtCaughtUp() {
        TombstonesDue due = new TombstonesDue();
        due.restore(List.of(KEY, KEY));
        List<ParameterRow> applied = new ArrayList<>();

        assertThat(due.admits(KEY, row(3))).isFalse();
        assertThat(due.admits(KEY, ParameterRow.tombstone(KEY))).isFalse();
        assertThat(due.keys()).containsExactly(KEY, KEY);
        due.caughtUp(r -> true, applied::add);

        assertThat(due.keys()).isEmpty();
        assertThat(applied).isEmpty();
        assertThat(due.admits(KEY, row(4))).isTrue();
    }

    @Test
    void aLastRowCarriedByTheRestoredCheckpointIsReleasedAndApplied() {
        TombstonesDue due = new TombstonesDue();
        due.restore(List.of(KEY));
        List<ParameterRow> applied = new ArrayList<>();
        ParameterRow carried = row(7);

        assertThat(due.admits(KEY, ParameterRow.tombstone(KEY))).isFalse();
        assertThat(due.admits(KEY, carried)).isFalse();
        due.caughtUp(r -> r.version() >= 7, applied::add);

        assertThat(applied).containsExactly(carried);
        assertThat(due.keys()).isEmpty();
    }

    @Test
    void aLastEarlierRowKeepsTheRestoredCount() {
        TombstonesDue due = new TombstonesDue();
        due.restore(List.of(KEY, KEY));
        List<ParameterRow> applied = new ArrayList<>();

        assertThat(due.admits(KEY, ParameterRow.tombstone(KEY))).isFalse();
        assertThat(due.admits(KEY, row(2))).isFalse();
        due.caughtUp(r -> false, applied::add);

        assertThat(applied).isEmpty();
        assertThat(due.keys()).containsExactly(KEY, KEY);
        assertThat(due.admits(KEY, row(3))).isFalse();
    }

    @Test
    void theListRepeatsAKeyOncePerDue() {
        TombstonesDue due = new TombstonesDue();
        due.add(KEY);
        due.add("u:bob");
        due.add(KEY);
        due.add(KEY);

        assertThat(due.keys()).containsExactlyInAnyOrder(KEY, KEY, KEY, "u:bob");
    }
}
