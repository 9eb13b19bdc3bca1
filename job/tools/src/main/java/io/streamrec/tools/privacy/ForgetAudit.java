package io.streamrec.tools.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.config.CommandLine;
import io.streamrec.job.JobSettings;
import io.streamrec.kafka.CommittedReader;
import io.streamrec.model.RowKeys;
import io.streamrec.ps.ParameterShardState;
import io.streamrec.records.UserPseudonyms;
import io.streamrec.schema.SavepointContract.Uids;
import io.streamrec.serving.ServingStates;
import io.streamrec.serving.StatisticsCheckpoint;
import io.streamrec.worker.WorkerStates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Checks that a forgotten user is gone, reading a savepoint (or retained checkpoint) taken after
 * the forget with Flink's State Processor API and the model-updates topic with {@code
 * read_committed}:
 *
 * <ul>
 *   <li>the workers ({@code workers} uid) hold no keyed state under the user (items, event ids,
 *       newest event time);
 *   <li>the parameter server ({@code parameter-server}) holds no row {@code u:<user>};
 *   <li>serving's candidate statistics ({@code candidate-statistics}) name the user nowhere they
 *       name users: not in their base's user index, nor as the user of an event in their journal
 *       ({@link StatisticsUsers});
 *   <li>the latest committed record of {@code u:<user>} on model-updates is a tombstone, or no
 *       record of the key is left: compaction removes the tombstone itself the topic's {@code
 *       delete.retention.ms} after the forget (a day by default). With nothing of the user in the
 *       savepoint either, that passes as {@code "result":"no_record"}, which an id the job never
 *       had gives too, except where the id's form is not the savepoint users' (a raw id against a
 *       job that pseudonymizes, or a pseudonym against one that does not), which fails.
 * </ul>
 *
 * Users given with {@code --kept} must still be in all three operators: the check that the reader
 * reads what it should. Ids are those the job sees; with {@code --key-file} they are given raw and
 * pseudonymized as the job does. Prints one JSON line and exits non-zero on any finding. Usage:
 * {@code ForgetAudit --savepoint URI --user ID [--kept ID,ID] [--key-file FILE]
 * -Dkafka.bootstrap-servers=...}. With {@code --topic-only} it checks only the topic (no
 * savepoint): a script polls it until the forget's tombstone is committed, then takes a savepoint.
 */
public final class ForgetAudit {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("ForgetAudit")
                    .value("savepoint", "URI", "savepoint or retained checkpoint to read")
                    .value("user", "ID", "the forgotten user")
                    .value("kept", "ID,...", "users that must still be there")
                    .value("key-file", "FILE", "the job's privacy.user-id-key-file: ids are raw")
                    .flag("topic-only", "check only that model-updates ends with the tombstone")
                    .options("job options (kafka.*, topic.model-updates)")
                    .required("user")
                    .requiredUnless("savepoint", "topic-only")
                    .nonBlank("key-file");

    /**
     * The type of serving's statistics entries as the savepoint is read: their own serializer, not
     * {@code TypeInformation.of}'s POJO of a Kryo-written base.
     */
    static final TypeInformation<StatisticsCheckpoint> STATISTICS_TYPE =
            StatisticsCheckpoint.typeInfo();

    private final JobSettings settings;

    /** The latest committed record of a key on model-updates ({@link #lastModelUpdate}). */
    private final UnaryOperator<String> lastRecord;

    public ForgetAudit(JobSettings settings) {
        this.settings = settings;
        this.lastRecord = this::lastModelUpdate;
    }

    /**
     * An audit that takes the topic's latest record of a key from {@code lastRecord}; for tests.
     */
    ForgetAudit(JobSettings settings, UnaryOperator<String> lastRecord) {
        this.settings = settings;
        this.lastRecord = lastRecord;
    }

    public static void main(String[] args) throws Exception {
        CommandLine cli = ARGUMENTS.parseOrExit(args);
        UnaryOperator<String> id = pseudonyms(cli.value("key-file"));
        ForgetAudit audit = new ForgetAudit(new JobSettings(cli.options()));
        String user = id.apply(cli.value("user").orElseThrow());
        ObjectNode result =
                cli.has("topic-only")
                        ? audit.topic(user)
                        : audit.audit(cli.value("savepoint").orElseThrow(), user, kept(cli, id));
        System.out.println(result);
        System.exit(result.get("passed").asBoolean() ? 0 : 1);
    }

    private static List<String> kept(CommandLine cli, UnaryOperator<String> id) {
        List<String> kept = new ArrayList<>();
        for (String k : cli.value("kept", "").split(",")) {
            if (!k.isBlank()) {
                kept.add(id.apply(k.trim()));
            }
        }
        return kept;
    }

    /**
     * Ids as the job sees them: pseudonymized with {@code --key-file}, raw without it. A blank one
     * is refused, as the job refuses a blank {@code privacy.user-id-key-file}: an audit of raw ids
     * against a job that pseudonymizes them would find nothing and pass.
     */
    static UnaryOperator<String> pseudonyms(Optional<String> keyFile) throws Exception {
        if (keyFile.isEmpty()) {
            return UnaryOperator.identity();
        }
        if (keyFile.get().isBlank()) {
            throw new IllegalArgumentException(
                    "--key-file is blank: give the job's privacy.user-id-key-file, or leave"
                            + " --key-file out for raw user ids");
        }
        UserPseudonyms pseudonyms = UserPseudonyms.fromKeyFile(Path.of(keyFile.get()));
        return pseudonyms::of;
    }

    /** The findings as one JSON object; {@code passed} is whether there are none. */
    public ObjectNode audit(String savepoint, String user, List<String> kept) throws Exception {
        SavepointReader reader = reader(savepoint);
        Set<String> workerUsers = new HashSet<>(collect(workerUsers(reader)));
        Set<String> rowKeys = new HashSet<>(collect(rowKeys(reader)));
        List<String> statistics =
                collect(
                        statistics(reader)
                                .flatMap(new StatisticsFacts(user, kept))
                                .returns(Types.STRING));
        String last = lastRecord.apply(RowKeys.user(user));
        return report(savepoint, user, kept, workerUsers, rowKeys, statistics, last);
    }

    /**
     * The findings from what the audit read: the users the workers hold, the parameter server's row
     * keys, the facts of serving's statistics ({@link StatisticsFacts}) and the latest record of
     * {@code u:<user>} on model-updates. A savepoint without statistics entries is of a job that
     * kept none (serving under {@code model.type: BPR} from its start; under the ranker every
     * subtask writes one at every checkpoint): there is nothing there to keep a user in, and the
     * report says so instead of taking the kept users for lost. No record on the topic ("none")
     * passes only with nothing of the user in the savepoint and an id of the savepoint users' form
     * ({@link #idMismatch}), as {@code "result":"no_record"}; a tombstone gives {@code
     * "forgotten"}, any finding {@code "failed"}.
     */
    static ObjectNode report(
            String savepoint,
            String user,
            List<String> kept,
            Set<String> workerUsers,
            Set<String> rowKeys,
            List<String> statistics,
            String last) {
        int entries = Collections.frequency(statistics, StatisticsFacts.ENTRY);
        List<String> findings = new ArrayList<>();
        check(findings, !workerUsers.contains(user), "workers hold state of the user");
        check(findings, !rowKeys.contains(RowKeys.user(user)), "parameter server holds u:<user>");
        check(
                findings,
                !statistics.contains(StatisticsFacts.MENTIONS),
                "candidate statistics know the user");
        if (last.equals("none")) {
            // the tombstone is compacted away a day after the forget (delete.retention.ms): no
            // record passes with the checks above, unless the id is not of the job's form, which
            // then finds nothing anywhere (the case this check alone caught before)
            idMismatch(user, savepointUsers(workerUsers, rowKeys))
                    .ifPresent(m -> findings.add("model-updates ends with none and " + m));
        } else {
            check(findings, last.equals("tombstone"), "model-updates ends with " + last);
        }
        for (String k : kept) {
            check(findings, workerUsers.contains(k), "workers lost kept user " + k);
            check(findings, rowKeys.contains(RowKeys.user(k)), "parameter server lost " + k);
            if (entries > 0) {
                check(
                        findings,
                        statistics.contains(StatisticsFacts.knows(k)),
                        "statistics lost " + k);
            }
        }
        ObjectNode out = MAPPER.createObjectNode();
        out.put("savepoint", savepoint);
        out.put("worker_users", workerUsers.size());
        out.put("parameter_rows", rowKeys.size());
        out.put("statistics_entries", entries);
        out.put(
                "statistics",
                entries > 0
                        ? "checked"
                        : "none: the job kept no candidate statistics (model.type BPR)");
        out.put("model_updates_last", last);
        out.put("kept_users", kept.size());
        findings.forEach(out.putArray("findings")::add);
        out.put("passed", findings.isEmpty());
        if (!findings.isEmpty()) {
            out.put("result", "failed");
        } else if (last.equals("none")) {
            out.put("result", "no_record");
            out.put(
                    "note",
                    "no record of "
                            + RowKeys.user(user)
                            + " is left on model-updates and the savepoint holds nothing of the"
                            + " user: its tombstone was compacted away (delete.retention.ms after"
                            + " the forget), or the job never had this id: check the id");
        } else {
            out.put("result", "forgotten");
        }
        return out;
    }

    /** The users a savepoint holds: the workers' keys and the parameter server's user rows. */
    private static Set<String> savepointUsers(Set<String> workerUsers, Set<String> rowKeys) {
        Set<String> users = new HashSet<>(workerUsers);
        for (String key : rowKeys) {
            if (RowKeys.isUser(key)) {
                users.add(key.substring(RowKeys.USER.length()));
            }
        }
        return users;
    }

    /**
     * Why {@code user} cannot be one of the job's ids, judged by form against the savepoint's
     * {@code users}: a raw id where every user is a pseudonym, or a pseudonym where none is; empty
     * when the forms agree or the savepoint holds no user to judge by.
     */
    static Optional<String> idMismatch(String user, Set<String> users) {
        if (users.isEmpty()) {
            return Optional.empty();
        }
        boolean pseudonym = UserPseudonyms.hasPseudonymForm(user);
        if (!pseudonym && users.stream().allMatch(UserPseudonyms::hasPseudonymForm)) {
            return Optional.of(
                    "every user in the savepoint is a pseudonym, the id is not: give the job's"
                            + " privacy.user-id-key-file as --key-file");
        }
        if (pseudonym && users.stream().noneMatch(UserPseudonyms::hasPseudonymForm)) {
            return Optional.of(
                    "the id is a pseudonym (--key-file) and no user in the savepoint is one: the"
                            + " job keeps raw ids, leave --key-file out");
        }
        return Optional.empty();
    }

    /**
     * The topic part alone, without a savepoint: whether the latest committed record of {@code
     * u:<user>} on model-updates is a tombstone; {@code passed} is whether it is. No record at all
     * fails here: without a savepoint a compacted tombstone and an id never used look alike.
     */
    public ObjectNode topic(String user) {
        String last = lastRecord.apply(RowKeys.user(user));
        List<String> findings = new ArrayList<>();
        check(
                findings,
                last.equals("tombstone"),
                last.equals("none")
                        ? "model-updates ends with none: no record of the key is left, as a day"
                                + " after a forget (its tombstone compacted away) or for an id the"
                                + " job never had; audit a savepoint to tell them apart"
                        : "model-updates ends with " + last);
        ObjectNode out = MAPPER.createObjectNode();
        out.put("user", user);
        out.put("model_updates_last", last);
        findings.forEach(out.putArray("findings")::add);
        out.put("passed", findings.isEmpty());
        return out;
    }

    private static void check(List<String> findings, boolean ok, String finding) {
        if (!ok) {
            findings.add(finding);
        }
    }

    static SavepointReader reader(String savepoint) throws Exception {
        return SavepointReader.read(environment(), savepoint);
    }

    /**
     * Where the savepoint is read: as the job, without Kryo ({@code pipeline.generic-types:
     * false}), so a type that would fall back to it fails the audit instead of being read by it.
     */
    static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        return env;
    }

    static DataStream<String> workerUsers(SavepointReader reader) throws Exception {
        return reader.readKeyedState(OperatorIdentifier.forUid(Uids.WORKERS), new WorkerKeys());
    }

    private static DataStream<String> rowKeys(SavepointReader reader) throws Exception {
        return reader.readKeyedState(
                OperatorIdentifier.forUid(Uids.PARAMETER_SERVER), new RowKeysReader());
    }

    static DataStream<StatisticsCheckpoint> statistics(SavepointReader reader) throws Exception {
        ListStateDescriptor<StatisticsCheckpoint> state = ServingStates.candidateStatistics();
        return reader.readUnionState(
                OperatorIdentifier.forUid(Uids.SERVING),
                state.getName(),
                STATISTICS_TYPE,
                state.getElementSerializer());
    }

    private static <T> List<T> collect(DataStream<T> stream) throws Exception {
        List<T> out = new ArrayList<>();
        try (CloseableIterator<T> it = stream.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** "tombstone", "row" or "none": the latest committed record of {@code key}. */
    public String lastModelUpdate(String key) {
        Properties kafka = settings.kafka().toProperties();
        Map<String, String> last = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                CommittedReader.open(kafka, settings.topics().modelUpdates(), true)) {
            CommittedReader.catchUp(
                    consumer,
                    timeout -> {
                        long n = 0;
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                            String k = new String(r.key(), StandardCharsets.UTF_8);
                            last.put(k, r.value() == null ? "tombstone" : "row");
                            n++;
                        }
                        return n;
                    });
        }
        return last.getOrDefault(key, "none");
    }

    /**
     * What the statistics of one serving subtask say about the users asked about, judged where the
     * savepoint is read: a catalog's statistics are megabytes, more than the collect sink takes in
     * one record. Emits {@link #ENTRY} once, {@link #MENTIONS} when the base or the journal names
     * the user ({@link StatisticsUsers}), and {@link #knows} per kept user they name.
     */
    static final class StatisticsFacts implements FlatMapFunction<StatisticsCheckpoint, String> {
        static final String ENTRY = "entry";
        static final String MENTIONS = "mentions the user";

        private final String user;
        private final ArrayList<String> kept;

        StatisticsFacts(String user, List<String> kept) {
            this.user = user;
            this.kept = new ArrayList<>(kept);
        }

        static String knows(String user) {
            return "knows " + user;
        }

        @Override
        public void flatMap(StatisticsCheckpoint s, Collector<String> out) {
            out.collect(ENTRY);
            StatisticsUsers users = StatisticsUsers.of(s);
            if (users.include(user)) {
                out.collect(MENTIONS);
            }
            for (String k : kept) {
                if (users.include(k)) {
                    out.collect(knows(k));
                }
            }
        }
    }

    /** Every user the workers hold keyed state of. */
    static final class WorkerKeys extends KeyedStateReaderFunction<String, String> {
        /**
         * Sizes only the TTL of the legacy dedupe ids, which decides what reads return; only the
         * keys are read here.
         */
        private static final long LEGACY_IDS_TTL_MS = Duration.ofDays(1).toMillis();

        @Override
        public void open(OpenContext context) {
            // registering the states makes their keys the ones read
            for (StateDescriptor<?, ?> state : WorkerStates.keyed(LEGACY_IDS_TTL_MS)) {
                if (state instanceof ValueStateDescriptor<?> value) {
                    getRuntimeContext().getState(value);
                } else if (state instanceof MapStateDescriptor<?, ?> map) {
                    getRuntimeContext().getMapState(map);
                } else {
                    throw new IllegalStateException("cannot read the workers' state " + state);
                }
            }
        }

        @Override
        public void readKey(String user, Context context, Collector<String> out) {
            out.collect(user);
        }
    }

    /** Every row key of the parameter server. */
    static final class RowKeysReader extends KeyedStateReaderFunction<String, String> {
        @Override
        public void open(OpenContext context) {
            getRuntimeContext().getState(ParameterShardState.rows());
        }

        @Override
        public void readKey(String key, Context context, Collector<String> out) {
            out.collect(key);
        }
    }
}
