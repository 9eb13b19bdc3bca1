package io.streamrec.tools.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateSettings;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.job.JobSettings;
import io.streamrec.model.RowKeys;
import io.streamrec.ps.ParameterShardState;
import io.streamrec.records.UserPseudonyms;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecordTypeInfo;
import io.streamrec.schema.SavepointContract.Uids;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.ServingStatistics;
import io.streamrec.serving.StatisticsCheckpoint;
import io.streamrec.serving.StatisticsCheckpointSerializer;
import io.streamrec.worker.WorkerStates;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's verdict on savepoints written with the job's state names and types, the topic's
 * latest record per key given as a map: model-updates is compacted, so a day after a correct forget
 * (the broker's {@code delete.retention.ms}) no record of the user's key is left, not even the
 * tombstone. That passes, said as such, only with nothing of the user in the savepoint and an id of
 * the job's form.
 */
class ForgetAuditTest {
    private static final String KEPT = "u-kept";
    private static final String FORGOTTEN = "u-forgotten";

    /** The job's key in the pseudonymizing savepoint: fixed bytes, so pseudonyms are too. */
    private static final UserPseudonyms PSEUDONYMS = new UserPseudonyms(key());

    @TempDir static Path dir;

    /** Holds KEPT (raw ids) in the workers, the parameter server and the statistics. */
    private static String raw;

    /** Holds KEPT's pseudonym in all three, as a job with privacy.user-id-key-file does. */
    private static String pseudonymized;

    @BeforeAll
    static void writeSavepoints() throws Exception {
        raw = write("raw", KEPT);
        pseudonymized = write("pseudonymized", PSEUDONYMS.of(KEPT));
    }

    private static byte[] key() {
        byte[] key = new byte[UserPseudonyms.MIN_KEY_BYTES];
        Arrays.fill(key, (byte) 7);
        return key;
    }

    /** An audit reading model-updates as {@code topic} (key to "row" or "tombstone"). */
    private static ForgetAudit audit(Map<String, String> topic) {
        UnaryOperator<String> last = key -> topic.getOrDefault(key, "none");
        return new ForgetAudit(new JobSettings(new Configuration()), last);
    }

    @Test
    void aForgottenUserWhoseTombstoneWasCompactedAwayPassesAsLeavingNoRecord() throws Exception {
        ObjectNode out =
                audit(Map.of(RowKeys.user(KEPT), "row")).audit(raw, FORGOTTEN, List.of(KEPT));

        assertThat(out.get("findings")).as(out.toString()).isEmpty();
        assertThat(out.get("passed").asBoolean()).isTrue();
        assertThat(out.get("model_updates_last").asText()).isEqualTo("none");
        // not a plain pass: it says that nothing is left, and that a wrong id looks the same
        assertThat(out.get("result").asText()).isEqualTo("no_record");
        assertThat(out.get("note").asText())
                .contains("no record of u:u-forgotten")
                .contains("compacted away")
                .contains("check the id");
    }

    @Test
    void aTombstoneStillOnTheTopicPassesAsForgotten() throws Exception {
        ObjectNode out =
                audit(Map.of(RowKeys.user(KEPT), "row", RowKeys.user(FORGOTTEN), "tombstone"))
                        .audit(raw, FORGOTTEN, List.of(KEPT));

        assertThat(out.get("passed").asBoolean()).as(out.toString()).isTrue();
        assertThat(out.get("result").asText()).isEqualTo("forgotten");
        assertThat(out.has("note")).isFalse();
    }

    /** No record on the topic is no pass for a user the savepoint still holds. */
    @Test
    void noRecordOfAUserTheSavepointHoldsFails() throws Exception {
        ObjectNode out = audit(Map.of()).audit(raw, KEPT, List.of());

        assertThat(out.get("passed").asBoolean()).as(out.toString()).isFalse();
        assertThat(out.get("result").asText()).isEqualTo("failed");
        assertThat(out.get("findings").toString())
                .contains("workers hold state of the user")
                .contains("parameter server holds u:<user>")
                .contains("candidate statistics know the user");
    }

    /**
     * A raw id against a job that pseudonymizes is found nowhere, in the savepoint or on the topic:
     * before, only the topic's "none" failed it; it still fails, saying to give the key.
     */
    @Test
    void aRawIdAgainstAPseudonymizingJobStillFails() throws Exception {
        ObjectNode out =
                audit(Map.of(RowKeys.user(PSEUDONYMS.of(KEPT)), "row"))
                        .audit(pseudonymized, FORGOTTEN, List.of(PSEUDONYMS.of(KEPT)));

        assertThat(out.get("passed").asBoolean()).as(out.toString()).isFalse();
        assertThat(out.get("findings").toString())
                .contains("model-updates ends with none")
                .contains("give the job's privacy.user-id-key-file as --key-file");
    }

    @Test
    void aPseudonymAgainstAJobOfRawIdsFails() throws Exception {
        ObjectNode out =
                audit(Map.of(RowKeys.user(KEPT), "row"))
                        .audit(raw, PSEUDONYMS.of(FORGOTTEN), List.of(KEPT));

        assertThat(out.get("passed").asBoolean()).as(out.toString()).isFalse();
        assertThat(out.get("findings").toString())
                .contains("model-updates ends with none")
                .contains("leave --key-file out");
    }

    @Test
    void underTheJobsKeyAForgottenPseudonymWithoutARecordPassesAsLeavingNoRecord()
            throws Exception {
        ObjectNode out =
                audit(Map.of(RowKeys.user(PSEUDONYMS.of(KEPT)), "row"))
                        .audit(
                                pseudonymized,
                                PSEUDONYMS.of(FORGOTTEN),
                                List.of(PSEUDONYMS.of(KEPT)));

        assertThat(out.get("passed").asBoolean()).as(out.toString()).isTrue();
        assertThat(out.get("result").asText()).isEqualTo("no_record");
    }

    /** Without a savepoint a compacted tombstone and an unknown id look alike: no pass. */
    @Test
    void theTopicAloneFailsOnNoRecordSayingWhatItCanMean() {
        ObjectNode none = audit(Map.of()).topic(FORGOTTEN);
        ObjectNode tombstone = audit(Map.of(RowKeys.user(FORGOTTEN), "tombstone")).topic(FORGOTTEN);

        assertThat(none.get("passed").asBoolean()).isFalse();
        assertThat(none.get("findings").toString())
                .contains("model-updates ends with none")
                .contains("compacted away")
                .contains("audit a savepoint");
        assertThat(tombstone.get("passed").asBoolean()).isTrue();
    }

    @Test
    void idsAreJudgedByFormOnlyWhenTheSavepointHoldsUsers() {
        assertThat(ForgetAudit.idMismatch("u42", Set.of())).isEmpty();
        assertThat(ForgetAudit.idMismatch("u42", Set.of("u7", PSEUDONYMS.of("u7")))).isEmpty();
        assertThat(ForgetAudit.idMismatch("u42", Set.of(PSEUDONYMS.of("u7")))).isPresent();
        assertThat(ForgetAudit.idMismatch(PSEUDONYMS.of("u42"), Set.of("u7"))).isPresent();
    }

    /**
     * A savepoint whose workers, parameter server (the user's row and an item's) and serving
     * statistics hold {@code user}.
     */
    private static String write(String name, String user) throws Exception {
        String savepoint = dir.resolve(name).toUri().toString();
        ServingStatistics serving =
                new ServingStatistics(
                        new CandidateGenerator(
                                CandidateSettings.defaults(),
                                new ItemCatalog(
                                        List.of(
                                                new ItemRecord(
                                                        "i1",
                                                        "Star Wars (1977)",
                                                        List.of("Sci-Fi"))))),
                        0,
                        1);
        serving.statistics()
                .update(new UserEvent("e1", user, "i1", EventType.RATING, 4f, 1_400_000_000_000L));
        StatisticsCheckpoint statistics = serving.checkpoint();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        SavepointWriter.newSavepoint(env, 128)
                .withOperator(
                        OperatorIdentifier.forUid(Uids.WORKERS),
                        OperatorTransformation.bootstrapWith(env.fromData(user))
                                .keyBy(u -> u)
                                .transform(new WorkerItems()))
                .withOperator(
                        OperatorIdentifier.forUid(Uids.PARAMETER_SERVER),
                        OperatorTransformation.bootstrapWith(
                                        env.fromData(RowKeys.user(user), RowKeys.item("i1")))
                                .keyBy(k -> k)
                                .transform(new Rows()))
                .withOperator(
                        OperatorIdentifier.forUid(Uids.SERVING),
                        OperatorTransformation.bootstrapWith(
                                        env.fromData(
                                                new RecordTypeInfo<>(
                                                        StatisticsCheckpoint.class,
                                                        StatisticsCheckpointSerializer.INSTANCE),
                                                statistics))
                                .transform(new StatisticsStateBootstrap()))
                .write(savepoint);
        env.execute("write savepoint " + name);
        return savepoint;
    }

    private static final class WorkerItems extends KeyedStateBootstrapFunction<String, String> {
        private transient ValueState<String[]> items;

        @Override
        public void open(OpenContext context) {
            items = getRuntimeContext().getState(WorkerStates.userItems());
        }

        @Override
        public void processElement(String user, Context context) throws Exception {
            items.update(new String[] {"i1"});
        }
    }

    private static final class Rows extends KeyedStateBootstrapFunction<String, String> {
        private transient ValueState<ParameterRow> rows;

        @Override
        public void open(OpenContext context) {
            rows = getRuntimeContext().getState(ParameterShardState.rows());
        }

        @Override
        public void processElement(String key, Context context) throws Exception {
            rows.update(new ParameterRow(key, new float[] {1f}, new float[] {0f}, 1, 1, 1, 0f, 0L));
        }
    }
}
