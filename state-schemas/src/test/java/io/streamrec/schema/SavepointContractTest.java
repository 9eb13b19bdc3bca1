package io.streamrec.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.SavepointContract.Uids;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The savepoint contract's uids and state names as the strings savepoints hold, written out here:
 * the job builds its graph and states from the same constants, so a test comparing the two cannot
 * see a renamed value, and a renamed value orphans that state in every existing savepoint. A new
 * uid or state adds its string here; a renamed one is a migration, not an edit.
 */
class SavepointContractTest {
    @Test
    void uidsAreTheStringsSavepointsHold() throws IllegalAccessException {
        assertThat(values(Uids.class))
                .containsExactlyInAnyOrder(
                        "events-source",
                        "validate-events",
                        "requests-source",
                        "validate-requests",
                        "pseudonymize-events",
                        "pseudonymize-requests",
                        "forget-requests-only",
                        "item-flood-guard",
                        "items-source",
                        "validate-items",
                        "item-catalog-sink",
                        "workers",
                        "dead-letters-sink",
                        "parameter-server",
                        "model-updates-sink",
                        "serving",
                        "results-sink",
                        "eval-reports-sink");
    }

    @Test
    void stateNamesAreTheStringsSavepointsHold() throws IllegalAccessException {
        assertThat(values(StateNames.class))
                .containsExactlyInAnyOrder(
                        "newest-accepted-timestamp",
                        "newest-accepted-per-partition",
                        "partition-clocks",
                        "user-items",
                        "seen-event-ids",
                        "seen-event-times",
                        "seen-event-id-count",
                        "user-flood-bucket",
                        "item-flood-bucket",
                        "newest-event-time",
                        "recent-positives",
                        "parameter-rows",
                        "prequential-counts",
                        "pending-markers",
                        "pending-marker-copies",
                        "learned-ranker",
                        "candidate-statistics",
                        "serving-clock",
                        "run-lineage",
                        "direct-request-positions",
                        "direct-request-applied-forgets",
                        "direct-request-earlier-owners",
                        "erased-users-awaiting-tombstone");
    }

    private static List<String> values(Class<?> constants) throws IllegalAccessException {
        List<String> values = new ArrayList<>();
        for (Field f : constants.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                values.add((String) f.get(null));
            }
        }
        return values;
    }
}
