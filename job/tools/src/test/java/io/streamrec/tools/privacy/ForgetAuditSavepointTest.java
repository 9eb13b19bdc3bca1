package io.streamrec.tools.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.RecordTypeInfo;
import io.streamrec.schema.SavepointContract.Uids;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingStatistics;
import io.streamrec.serving.StatisticsCheckpoint;
import io.streamrec.serving.StatisticsCheckpointSerializer;
import io.streamrec.worker.FloodBucket;
import io.streamrec.worker.WorkerStates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit reads serving's statistics from a savepoint as the job writes them, with their own
 * serializer and Kryo off: a statistics type that fell back to Kryo (as {@code
 * TypeInformation.of(StatisticsCheckpoint.class)}, a POJO of a generic {@code base}, did) fails
 * here instead of reading the savepoint through Kryo. It reads the workers' users through every
 * keyed state the workers hold ({@link WorkerStates}).
 */
class ForgetAuditSavepointTest {

    @Test
    void theStatisticsTypeIsTheirOwnSerializerWithGenericTypesOff() {
        SerializerConfigImpl noKryo = new SerializerConfigImpl();
        noKryo.setGenericTypes(false);

        assertThat(ForgetAudit.STATISTICS_TYPE.createSerializer(noKryo))
                .isSameAs(StatisticsCheckpointSerializer.INSTANCE);
        assertThat(
                        ForgetAudit.environment()
                                .getConfig()
                                .getSerializerConfig()
                                .hasGenericTypesDisabled())
                .isTrue();
    }

    @Test
    void readsTheStatisticsOfASavepointWithoutKryo(@TempDir Path dir) throws Exception {
        ServingStatistics serving = serving();
        serving.statistics().update(event("e1", "u-kept", "i1"));
        serving.checkpoint(); // the base holds u-kept, the journal the next one
        serving.statistics().update(event("e2", "u-later", "i2"));
        StatisticsCheckpoint written = serving.checkpoint();
        String savepoint = dir.resolve("savepoint").toUri().toString();
        write(savepoint, written);

        List<StatisticsCheckpoint> read = new ArrayList<>();
        try (CloseableIterator<StatisticsCheckpoint> it =
                ForgetAudit.statistics(ForgetAudit.reader(savepoint)).executeAndCollect()) {
            it.forEachRemaining(read::add);
        }

        assertThat(read).hasSize(1);
        StatisticsUsers users = StatisticsUsers.of(read.get(0));
        assertThat(users.inBase("u-kept")).isTrue();
        assertThat(users.inJournal("u-later")).isTrue();
        assertThat(read.get(0).base().bytes()).isEqualTo(written.base().bytes());
        assertThat(read.get(0).journal()).isEqualTo(written.journal());
    }

    private static final long WINDOW_MS = 3_600_000L;

    /** Users each held in one of the workers' keyed states only, named after it. */
    private static final List<String> ONE_STATE_USERS =
            List.of("items", "flood-bucket", "event-times", "newest", "id-count", "legacy-ids");

    /** A forgotten user left in any one of the workers' states is found. */
    @Test
    void readsAUserHeldInAnyOneOfTheWorkersStates(@TempDir Path dir) throws Exception {
        String savepoint = dir.resolve("savepoint").toUri().toString();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        SavepointWriter.newSavepoint(env, 128)
                .withOperator(
                        OperatorIdentifier.forUid(Uids.WORKERS),
                        OperatorTransformation.bootstrapWith(env.fromData(ONE_STATE_USERS))
                                .keyBy(user -> user)
                                .transform(new OneWorkerStateEach()))
                .write(savepoint);
        env.execute("write savepoint");

        List<String> read = new ArrayList<>();
        try (CloseableIterator<String> it =
                ForgetAudit.workerUsers(ForgetAudit.reader(savepoint)).executeAndCollect()) {
            it.forEachRemaining(read::add);
        }

        assertThat(ONE_STATE_USERS).hasSameSizeAs(WorkerStates.keyed(WINDOW_MS));
        assertThat(read).containsExactlyInAnyOrderElementsOf(ONE_STATE_USERS);
    }

    /** Writes each user into the one worker state it is named after, as the workers hold them. */
    private static final class OneWorkerStateEach
            extends KeyedStateBootstrapFunction<String, String> {
        private transient ValueState<String[]> items;
        private transient ValueState<FloodBucket> floodBucket;
        private transient MapState<String, Long> eventTimes;
        private transient ValueState<Long> newest;
        private transient ValueState<Integer> idCount;
        private transient MapState<String, Boolean> legacyIds;

        @Override
        public void open(OpenContext context) {
            items = getRuntimeContext().getState(WorkerStates.userItems());
            floodBucket = getRuntimeContext().getState(WorkerStates.userFloodBucket());
            eventTimes = getRuntimeContext().getMapState(WorkerStates.seenEventTimes());
            newest = getRuntimeContext().getState(WorkerStates.newestEventTime());
            idCount = getRuntimeContext().getState(WorkerStates.seenEventIdCount());
            legacyIds = getRuntimeContext().getMapState(WorkerStates.legacySeenEventIds(WINDOW_MS));
        }

        @Override
        public void processElement(String user, Context context) throws Exception {
            switch (user) {
                case "items" -> items.update(new String[] {"i1"});
                case "flood-bucket" -> floodBucket.update(new FloodBucket(1.0, 0L));
                case "event-times" -> eventTimes.put("e1", 1L);
                case "newest" -> newest.update(1L);
                case "id-count" -> idCount.update(1);
                case "legacy-ids" -> legacyIds.put("e1", true);
                default -> throw new IllegalArgumentException(user);
            }
        }
    }

    private static ServingStatistics serving() {
        ItemCatalog catalog =
                new ItemCatalog(
                        List.of(
                                new ItemRecord("i1", "Star Wars (1977)", List.of("Sci-Fi")),
                                new ItemRecord("i2", "Casablanca (1942)", List.of("Drama"))));
        return new ServingStatistics(
                new CandidateGenerator(CandidateSettings.defaults(), catalog), 0, 1);
    }

    private static UserEvent event(String id, String user, String item) {
        return new UserEvent(id, user, item, EventType.RATING, 4f, 1_400_000_000_000L);
    }

    /**
     * A savepoint whose serving operator holds {@code checkpoint} as its statistics. Written with
     * Kryo on: the State Processor API's writer hands its own results on as generic types.
     */
    private static void write(String savepoint, StatisticsCheckpoint checkpoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        SavepointWriter.newSavepoint(env, 128)
                .withOperator(
                        OperatorIdentifier.forUid(Uids.SERVING),
                        OperatorTransformation.bootstrapWith(
                                        env.fromData(
                                                new RecordTypeInfo<>(
                                                        StatisticsCheckpoint.class,
                                                        StatisticsCheckpointSerializer.INSTANCE),
                                                checkpoint))
                                .transform(new StatisticsStateBootstrap()))
                .write(savepoint);
        env.execute("write savepoint");
    }
}
