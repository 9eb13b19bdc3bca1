package io.streamrec.schema;

import java.util.List;

/**
 * The savepoint contract: operator uids and state names. A savepoint maps state to operators by uid
 * and to state handles by name, so changing any value here makes every existing checkpoint and
 * savepoint unrestorable (or silently drops that state). Add new names; never rename or reuse one.
 * {@code SavepointRestoreITCase} restores a savepoint committed by an earlier version.
 */
public final class SavepointContract {
    private SavepointContract() {}

    /**
     * The uids of the job's Kafka sinks, each of which has a committer whose state holds the
     * transactions a checkpoint pre-committed ({@link #committerOf}).
     */
    public static final List<String> KAFKA_SINKS =
            List.of(
                    Uids.ITEM_CATALOG_SINK,
                    Uids.DEAD_LETTERS_SINK,
                    Uids.MODEL_UPDATES_SINK,
                    Uids.RESULTS_SINK,
                    Uids.EVAL_REPORTS_SINK);

    /** The uid Flink gives a sink's committer ({@code SinkTransformationTranslator}). */
    public static String committerOf(String sinkUid) {
        return "Sink Committer: " + sinkUid;
    }

    /**
     * Operator uids, one constant per operator, so that the whole contract reads here. A Kafka
     * sink's committer takes its uid from its writer's ({@link SavepointContract#committerOf}).
     */
    public static final class Uids {
        private Uids() {}

        public static final String EVENTS_SOURCE = "events-source";
        public static final String VALIDATE_EVENTS = "validate-events";
        public static final String REQUESTS_SOURCE = "requests-source";
        public static final String VALIDATE_REQUESTS = "validate-requests";
        public static final String PSEUDONYMIZE_EVENTS = "pseudonymize-events";
        public static final String PSEUDONYMIZE_REQUESTS = "pseudonymize-requests";
        public static final String FORGET_REQUESTS_ONLY = "forget-requests-only";
        public static final String ITEM_FLOOD_GUARD = "item-flood-guard";
        public static final String ITEMS_SOURCE = "items-source";
        public static final String VALIDATE_ITEMS = "validate-items";
        public static final String ITEM_CATALOG_SINK = "item-catalog-sink";
        public static final String WORKERS = "workers";
        public static final String DEAD_LETTERS_SINK = "dead-letters-sink";
        public static final String PARAMETER_SERVER = "parameter-server";
        public static final String MODEL_UPDATES_SINK = "model-updates-sink";
        public static final String SERVING = "serving";
        public static final String RESULTS_SINK = "results-sink";
        public static final String EVAL_REPORTS_SINK = "eval-reports-sink";
    }

    /** State names, by the operator that owns them. */
    public static final class StateNames {
        private StateNames() {}

        /**
         * Validation, until clocks were per partition: the newest accepted event time (operator
         * union list state); read once on restore, no longer written.
         */
        public static final String NEWEST_ACCEPTED_TIMESTAMP = "newest-accepted-timestamp";

        /**
         * Validation, until 2026-12-03: the newest accepted event time of each Kafka partition, as
         * (topic, partition, timestamp) tuples (operator union list state); read once on restore,
         * then carried empty.
         */
        public static final String NEWEST_ACCEPTED_PER_PARTITION = "newest-accepted-per-partition";

        /**
         * Validation: the newest accepted event time of each Kafka partition a subtask has judged
         * or restored, as (topic, partition, timestamp) tuples (operator list state, split among
         * subtasks on a rescale, as the Kafka source's own splits are).
         */
        public static final String PARTITION_CLOCKS = "partition-clocks";

        /** Workers: the items of each user (keyed value state). */
        public static final String USER_ITEMS = "user-items";

        /**
         * Workers, until dedupe expired by event time: event ids seen within the dedupe window of
         * processing time (keyed map state with TTL); read for a window after a restore, no longer
         * written.
         */
        public static final String SEEN_EVENT_IDS = "seen-event-ids";

        /**
         * Workers: each event id seen within the dedupe window of event time, with its event time
         * (keyed map state).
         */
        public static final String SEEN_EVENT_TIMES = "seen-event-times";

        /**
         * Workers: how many ids {@link #SEEN_EVENT_TIMES} holds for each user (keyed value state),
         * so that a user's ids stay under their cap; absent in checkpoints before 2026-12-04, whose
         * ids are counted at their user's next event.
         */
        public static final String SEEN_EVENT_ID_COUNT = "seen-event-id-count";

        /**
         * Workers: each user's token bucket (keyed value state); written only with a flood limit,
         * registered always so that a forget clears it.
         */
        public static final String USER_FLOOD_BUCKET = "user-flood-bucket";

        /**
         * Item flood guard: each item's token bucket (keyed value state, keyed by item; the
         * operator exists only with guard.item-events-per-hour set).
         */
        public static final String ITEM_FLOOD_BUCKET = "item-flood-bucket";

        /** Workers: the newest event time of each user, the dedupe window's end (keyed value). */
        public static final String NEWEST_EVENT_TIME = "newest-event-time";

        /** Workers: the negative sampler's ring of recent positives (operator list state). */
        public static final String RECENT_POSITIVES = "recent-positives";

        /** Parameter server: one row per key (keyed value state). */
        public static final String PARAMETER_ROWS = "parameter-rows";

        /** Serving: prequential evaluation counts (operator union list state). */
        public static final String PREQUENTIAL_COUNTS = "prequential-counts";

        /**
         * Serving: evaluation markers seen by fewer copies than they were sent as (operator list
         * state), written until 2026-12-06. Split between subtasks on a rescale, while every
         * subtask had seen every copy; still read, no longer written.
         */
        public static final String PENDING_MARKERS = "pending-markers";

        /**
         * Serving: evaluation markers seen by fewer copies than they were sent as, each subtask's
         * (operator union list state: every subtask restores every entry, the most copies seen per
         * marker wins, so a rescale cannot take a half-seen marker for a new one).
         */
        public static final String PENDING_MARKER_COPIES = "pending-marker-copies";

        /**
         * Serving, {@code model.type: ranker}: the learned ranker's state per subtask (operator
         * union list state of byte arrays). Checkpoints before {@link #CANDIDATE_STATISTICS}
         * existed also held the candidate statistics here, in subtask 0's entry.
         */
        public static final String LEARNED_RANKER = "learned-ranker";

        /**
         * Serving, {@code model.type: ranker}: the candidate statistics, alike on every subtask,
         * written by subtask 0 as a base snapshot and the journal of changes since it (operator
         * union list state, one entry).
         */
        public static final String CANDIDATE_STATISTICS = "candidate-statistics";

        /**
         * Serving: the newest event time seen, the "now" of requests (operator union list state;
         * restored as the maximum).
         */
        public static final String SERVING_CLOCK = "serving-clock";

        /**
         * Parameter server, workers and serving: the earlier runs the state descends from (the
         * latest ten, oldest first), each with the last checkpoint of it that it holds, then the
         * run ({@link RunCheckpoint}: JobID and id of the snapshotting checkpoint) that wrote the
         * state (operator union list state, the same on every subtask). Decides which model-updates
         * rows are of abandoned runs.
         */
        public static final String RUN_LINEAGE = "run-lineage";

        /**
         * Serving's positions in the requests topic it reads itself ({@code
         * serving.direct-requests}): per partition the first offset not yet answered (operator
         * union list state of (subtask, parallelism, partition, offset); a restore at the same
         * parallelism takes the subtask's own, after a rescale the lowest per partition, the
         * earliest offset where some old subtask had none). Written empty, as are the two below,
         * while requests come through the workers: a later run that reads the topic itself starts
         * at the job group's committed offsets.
         */
        public static final String DIRECT_REQUEST_POSITIONS = "direct-request-positions";

        /**
         * Serving: the forgets it has applied that a restore reads again from the requests topic
         * (operator union list state of (subtask, partition, offset, user), partition -1 for one
         * applied before it was read, the offset when it was applied), and the forgets it released
         * unapplied after 60 s and still awaits (partition -2, the offset when it read them); a
         * restored subtask takes its own users' as applied, and its users' next forget applications
         * for the released ones.
         */
        public static final String DIRECT_REQUEST_APPLIED_FORGETS =
                "direct-request-applied-forgets";

        /**
         * Serving: where the subtasks of runs at other parallelisms had dealt with the requests
         * topic (operator union list state of (subtask, parallelism, partition, offset)), kept
         * while a subtask's own position is below one: what a user's old owner had dealt with is
         * not answered again after a rescale and a later failover.
         */
        public static final String DIRECT_REQUEST_EARLIER_OWNERS = "direct-request-earlier-owners";

        /**
         * Serving and workers: the users a forget erased whose tombstone the model-updates topic
         * has not brought yet (operator union list state of user ids, each written by its owner,
         * once per tombstone due since 2026-12-08; a restore takes its own users'), so that a
         * replica or model copy rebuilt from the topic drops their rows committed before the forget
         * until the tombstone comes. Absent in checkpoints written until 2026-12-07, which restore
         * none.
         */
        public static final String ERASED_USERS_AWAITING_TOMBSTONE =
                "erased-users-awaiting-tombstone";
    }
}
