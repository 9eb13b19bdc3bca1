package io.streamrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.eval.PrequentialCounts;
import io.streamrec.eval.PrequentialCountsSerializer;
import io.streamrec.ps.ParameterShardState;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.SavepointContract.StateNames;
import io.streamrec.schema.SavepointContract.Uids;
import io.streamrec.schema.UserEvent;
import io.streamrec.worker.WorkerStates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Today's state names, operator uids and serializers read the state of the savepoint that streamrec
 * 0.1 wrote ({@code src/test/resources/savepoints/streamrec-0.1}), with Flink's State Processor
 * API: no Kafka involved, so unlike the full restore in {@link SavepointRestoreITCase} this runs
 * whatever the connector does. Every parameter row equals the row list committed beside the
 * savepoint, every user's item history equals the user's items in the stream, and the evaluation
 * and validation state count the stream's events.
 */
class CommittedSavepointStateITCase {
    @RegisterExtension
    static final StreamrecClusterExtension CLUSTERS = new StreamrecClusterExtension();

    /** The stream and cut of {@link SavepointRestoreITCase} that wrote the savepoint. */
    private static final PlantedStream STREAM = new PlantedStream(3, 20, 20, 1500, 23L);

    private static final int SAVED = 1000;

    @Test
    void parameterRowsEqualTheRowsCommittedAtTheSavepoint() throws Exception {
        Map<String, ParameterRow> rows = new TreeMap<>();
        for (Tuple2<String, ParameterRow> row :
                collect(reader().readKeyedState(forUid(Uids.PARAMETER_SERVER), new RowReader()))) {
            rows.put(row.f0, row.f1);
        }
        Map<String, long[]> expected = committedRows();
        assertThat(rows.keySet()).isEqualTo(expected.keySet());
        rows.forEach(
                (key, row) ->
                        assertThat(new long[] {row.version(), row.updates(), row.positives()})
                                .as("version, updates, positives of %s", key)
                                .containsExactly(expected.get(key)));
    }

    @Test
    void workersHoldEachUsersItems() throws Exception {
        // in event order, repeats included (no user reaches worker.max-user-items here)
        Map<String, List<String>> expected = new TreeMap<>();
        for (UserEvent e : STREAM.events.subList(0, SAVED)) {
            expected.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e.itemId());
        }
        Map<String, List<String>> held = new TreeMap<>();
        for (Tuple2<String, String[]> user :
                collect(reader().readKeyedState(forUid(Uids.WORKERS), new UserItemsReader()))) {
            held.put(user.f0, List.of(user.f1));
        }
        assertThat(held).isEqualTo(expected);
    }

    @Test
    void evaluationAndValidationStateCountTheSavedEvents() throws Exception {
        List<PrequentialCounts> counts =
                collect(
                        reader().readUnionState(
                                        forUid(Uids.SERVING),
                                        StateNames.PREQUENTIAL_COUNTS,
                                        TypeInformation.of(PrequentialCounts.class),
                                        PrequentialCountsSerializer.INSTANCE));
        // union state: every subtask's entry once per reading subtask; count each subtask once
        Map<Integer, Long> eventsBySubtask =
                counts.stream()
                        .collect(
                                Collectors.toMap(
                                        PrequentialCounts::subtask,
                                        PrequentialCounts::events,
                                        (a, b) -> a));
        assertThat(eventsBySubtask.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(SAVED);

        List<Long> newest =
                collect(
                        reader().readUnionState(
                                        forUid(Uids.VALIDATE_EVENTS),
                                        StateNames.NEWEST_ACCEPTED_TIMESTAMP,
                                        Types.LONG));
        assertThat(newest).isNotEmpty();
        assertThat(newest.stream().mapToLong(Long::longValue).max().getAsLong())
                .isEqualTo(STREAM.events.get(SAVED - 1).timestamp());
    }

    private static OperatorIdentifier forUid(String uid) {
        return OperatorIdentifier.forUid(uid);
    }

    private static SavepointReader reader() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        return SavepointReader.read(env, committed().resolve("savepoint").toUri().toString());
    }

    private static <T> List<T> collect(org.apache.flink.streaming.api.datastream.DataStream<T> s)
            throws Exception {
        try (CloseableIterator<T> it = s.executeAndCollect()) {
            List<T> out = new ArrayList<>();
            it.forEachRemaining(out::add);
            return out;
        }
    }

    private static Path committed() throws Exception {
        return Path.of(
                CommittedSavepointStateITCase.class
                        .getResource("/savepoints/streamrec-0.1")
                        .toURI());
    }

    /** key -> {version, updates, positives} from rows-at-savepoint.tsv. */
    private static Map<String, long[]> committedRows() throws Exception {
        Map<String, long[]> rows = new TreeMap<>();
        for (String line :
                Files.readAllLines(
                        committed().resolve("rows-at-savepoint.tsv"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("#")) {
                String[] f = line.split("\t");
                rows.put(
                        f[0],
                        new long[] {
                            Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])
                        });
            }
        }
        return rows;
    }

    /** The parameter server's row per key. */
    static final class RowReader
            extends KeyedStateReaderFunction<String, Tuple2<String, ParameterRow>> {
        private transient ValueState<ParameterRow> rows;

        @Override
        public void open(OpenContext context) {
            rows = getRuntimeContext().getState(ParameterShardState.rows());
        }

        @Override
        public void readKey(
                String key, Context context, Collector<Tuple2<String, ParameterRow>> out)
                throws Exception {
            out.collect(Tuple2.of(key, rows.value()));
        }
    }

    /** The workers' item history per user. */
    static final class UserItemsReader
            extends KeyedStateReaderFunction<String, Tuple2<String, String[]>> {
        private transient ValueState<String[]> items;

        @Override
        public void open(OpenContext context) {
            items = getRuntimeContext().getState(WorkerStates.userItems());
        }

        @Override
        public void readKey(String user, Context context, Collector<Tuple2<String, String[]>> out)
                throws Exception {
            out.collect(Tuple2.of(user, items.value()));
        }
    }
}
