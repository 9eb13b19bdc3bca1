package io.streamrec.ingest;

import io.streamrec.schema.RawRecord;
import io.streamrec.schema.SavepointContract.StateNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses raw records of one source with a {@link RecordParser} and, when given an {@link
 * EventTimeGuard}, rejects timestamps too far in the future or too late. Valid records go on; every
 * invalid one is counted per reason (metric {@code rejected_<reason>}), logged (the first few per
 * reason) and emitted as a JSON dead letter with the reason, the original payload and where it came
 * from (topic, partition, offset), so nothing is lost and the job keeps running.
 */
public class ValidationFunction<T> extends ProcessFunction<RawRecord, T>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ValidationFunction.class);
    private static final int LOGGED_PER_REASON = 5;

    public static final OutputTag<String> DEAD_LETTERS =
            new OutputTag<>("dead-letters", Types.STRING);

    private final RecordParser<T> parser;
    private final String sourceName;
    private final EventTimeGuard<T> timeGuard;
    private transient Map<String, Counter> rejected;
    private transient Counter accepted;
    private transient long newestAccepted = Long.MIN_VALUE;
    private transient ListState<Long> newestState;

    public ValidationFunction(RecordParser<T> parser, String sourceName) {
        this(parser, sourceName, null);
    }

    public ValidationFunction(
            RecordParser<T> parser, String sourceName, EventTimeGuard<T> timeGuard) {
        this.parser = parser;
        this.sourceName = sourceName;
        this.timeGuard = timeGuard;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
        rejected = new HashMap<>();
        accepted = getRuntimeContext().getMetricGroup().counter("accepted");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        try {
            T record = parser.parse(raw.value());
            if (timeGuard != null) {
                long t = timeGuard.check(record, newestAccepted, System.currentTimeMillis());
                newestAccepted = Math.max(newestAccepted, t);
            }
            out.collect(record);
            accepted.inc();
        } catch (InvalidRecordException e) {
            Counter counter =
                    rejected.computeIfAbsent(
                            e.reason(),
                            r -> getRuntimeContext().getMetricGroup().counter("rejected_" + r));
            counter.inc();
            if (counter.getCount() <= LOGGED_PER_REASON) {
                LOG.warn(
                        "Skipping invalid record from {} ({}-{}@{}): {}",
                        sourceName,
                        raw.topic(),
                        raw.partition(),
                        raw.offset(),
                        e.getMessage());
            }
            ctx.output(
                    DEAD_LETTERS, DeadLetterJson.of(e.reason(), e.getMessage(), sourceName, raw));
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        newestState.update(List.of(newestAccepted));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        newestState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        StateNames.NEWEST_ACCEPTED_TIMESTAMP, Types.LONG));
        newestAccepted = Long.MIN_VALUE;
        // after a rescale every subtask starts from the newest timestamp any subtask had accepted
        for (Long t : newestState.get()) {
            newestAccepted = Math.max(newestAccepted, t);
        }
    }
}
