package io.streamrec.tools.savepoint;

import io.streamrec.config.CommandLine;
import io.streamrec.schema.SavepointContract;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Writes a copy of a savepoint without its Kafka sinks' committer state, with Flink's State
 * Processor API; every other operator's state is copied unchanged.
 *
 * <p>That state holds the transactions the savepoint pre-committed, and on restore each sink's
 * committer commits them again. A broker that does not know their producer ids (another Kafka
 * cluster, or the same one after {@code transactional.id.expiration.ms}, 7 days by default, without
 * the job running) answers {@code InvalidPidMappingException}, which flink-connector-kafka
 * 5.0.0-2.2 treats as an unknown failure (FLINK-39072): the job fails at every restart. Such a
 * broker has no transaction of the savepoint's to commit or abort, so the copy loses nothing the
 * original could deliver there. Make the copy only once restoring the original has failed that way:
 * on a broker that still holds one of those transactions open (a savepoint taken while the job ran,
 * restored within {@code transaction.timeout.ms}), nobody would commit it and its records would be
 * lost. Under pooled transactional ids ({@code kafka.transaction-naming-strategy: pooling}) the
 * writers' state also holds the pre-committed ids, which the copy keeps: a restored writer names
 * its transactions around them (SavepointRestoreITCase restores such a copy). The copy may refer to
 * the original's files (shared state of incremental checkpoints): keep the original. Usage: {@code
 * WithoutPendingTransactions --from URI --to URI}.
 */
public final class WithoutPendingTransactions {
    static final CommandLine.Spec ARGUMENTS =
            CommandLine.spec("WithoutPendingTransactions")
                    .value("from", "URI", "savepoint or retained checkpoint to copy")
                    .value("to", "URI", "where the copy goes (must not exist)")
                    // missing: the usage, exit 2, not orElseThrow's "No value present"
                    .required("from")
                    .required("to")
                    .nonBlank("from")
                    .nonBlank("to");

    private WithoutPendingTransactions() {}

    public static void main(String[] args) throws Exception {
        CommandLine cli = ARGUMENTS.parseOrExit(args);
        String to = cli.value("to").orElseThrow(); // required
        List<String> dropped;
        try {
            dropped = write(cli.value("from").orElseThrow(), to);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(
                "Wrote "
                        + to
                        + " without the committer state of "
                        + (dropped.isEmpty() ? "any sink (the savepoint had none)" : dropped)
                        + "; resume from it with deploy/flink-job.sh resume -s "
                        + to);
    }

    /**
     * Writes the copy of {@code from} to {@code to}, which must not exist, and returns the uids of
     * the sinks whose committer state it left out; every operator's state but theirs is in the
     * copy.
     */
    public static List<String> write(String from, String to) throws Exception {
        Path target = new Path(to);
        if (target.getFileSystem().exists(target)) {
            throw new IllegalArgumentException(to + " exists; the copy needs a new path");
        }
        Set<OperatorID> saved = operatorIds(from);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        SavepointWriter writer = SavepointWriter.fromExistingSavepoint(env, from);
        List<String> dropped = new ArrayList<>();
        for (String sink : SavepointContract.KAFKA_SINKS) {
            OperatorIdentifier committer =
                    OperatorIdentifier.forUid(SavepointContract.committerOf(sink));
            if (saved.contains(committer.getOperatorId())) {
                writer.removeOperator(committer);
                dropped.add(sink);
            }
        }
        writer.write(to);
        env.execute("streamrec savepoint without pending transactions");
        return dropped;
    }

    /** The ids of the operators whose state {@code savepoint} holds. */
    public static Set<OperatorID> operatorIds(String savepoint) throws IOException {
        Set<OperatorID> ids = new HashSet<>();
        for (OperatorState operator :
                SavepointLoader.loadSavepointMetadata(savepoint).getOperatorStates()) {
            ids.add(operator.getOperatorID());
        }
        return ids;
    }
}
