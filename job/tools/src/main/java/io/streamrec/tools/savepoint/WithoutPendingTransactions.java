package io.streamrec.tools.savepoint;

import io.streamrec.job.CommandLine;
import io.streamrec.schema.SavepointContract.Uids;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Writes a copy of a savepoint (or retained checkpoint) without its Kafka sinks' committer state,
 * with Flink's State Processor API; every other operator's state is copied unchanged.
 *
 * <p>That state holds the transactions the savepoint pre-committed, and on restore each sink's
 * committer commits them again. A broker that ran them answers that they are committed already. A
 * broker that does not know their producer ids (another Kafka cluster, or the same one after {@code
 * transactional.id.expiration.ms}, 7 days by default, without the job running) answers {@code
 * InvalidPidMappingException}, which flink-connector-kafka 5.0.0-2.2 treats as an unknown failure
 * (FLINK-39072): the job fails at every restart. Restoring the copy skips those commits. Their
 * transactions were committed when the savepoint completed (a stop-with-savepoint waits for that)
 * or, on a broker that forgot them, have long been aborted: the copy loses nothing the original
 * could still deliver there. On the broker that ran them, within the expiration, restore the
 * original instead. Usage: {@code WithoutPendingTransactions --from URI --to URI}.
 */
public final class WithoutPendingTransactions {
    /** The job's Kafka sinks, by uid. */
    static final List<String> KAFKA_SINKS =
            List.of(
                    Uids.ITEM_CATALOG_SINK,
                    Uids.DEAD_LETTERS_SINK,
                    Uids.MODEL_UPDATES_SINK,
                    Uids.RESULTS_SINK,
                    Uids.EVAL_REPORTS_SINK);

    private static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("WithoutPendingTransactions")
                    .value("from", "URI", "savepoint or retained checkpoint to copy")
                    .value("to", "URI", "where the copy goes (must not exist)");

    private WithoutPendingTransactions() {}

    public static void main(String[] args) throws Exception {
        CommandLine cli = ARGUMENTS.parseOrExit(args);
        String to = cli.value("to").orElseThrow();
        List<String> dropped = write(cli.value("from").orElseThrow(), to);
        System.out.println(
                "Wrote "
                        + to
                        + " without the committer state of "
                        + (dropped.isEmpty() ? "any sink (the savepoint had none)" : dropped)
                        + "; resume from it with deploy/flink-job.sh resume -s "
                        + to);
    }

    /**
     * Writes the copy of {@code from} to {@code to} and returns the uids of the sinks whose
     * committer state it left out; every operator's state but theirs is in the copy.
     */
    public static List<String> write(String from, String to) throws Exception {
        Set<OperatorID> saved = new HashSet<>();
        for (OperatorState operator :
                SavepointLoader.loadSavepointMetadata(from).getOperatorStates()) {
            saved.add(operator.getOperatorID());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        SavepointWriter writer = SavepointWriter.fromExistingSavepoint(env, from);
        List<String> dropped = new ArrayList<>();
        for (String sink : KAFKA_SINKS) {
            OperatorIdentifier committer = committerOf(sink);
            if (saved.contains(committer.getOperatorId())) {
                writer.removeOperator(committer);
                dropped.add(sink);
            }
        }
        writer.write(to);
        env.execute("streamrec savepoint without pending transactions");
        return dropped;
    }

    /** The uid Flink gives a sink's committer ({@code SinkTransformationTranslator}). */
    static OperatorIdentifier committerOf(String sinkUid) {
        return OperatorIdentifier.forUid("Sink Committer: " + sinkUid);
    }
}
