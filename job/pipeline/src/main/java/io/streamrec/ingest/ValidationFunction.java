package io.streamrec.ingest;

import io.streamrec.schema.RawRecord;
import io.streamrec.schema.SavepointContract.StateNames;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
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
 * EventTimeGuard}, rejects timestamps too far in the future or too late for their Kafka partition
 * ({@link PartitionClocks}, checkpointed). Valid records go on; every invalid one is counted per
 * reason (metric {@code rejected_<reason>}), logged (the first few per reason) and emitted as a
 * JSON dead letter with the reason, the original payload and where it came from (topic, partition,
 * offset), so nothing is lost and the job keeps running.
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
    private transient PartitionClocks clocks;
    private transient ListState<Tuple3<String, Integer, Long>> clockState;

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
                long newest = clocks.newest(raw.topic(), raw.partition());
                long t = timeGuard.check(record, newest, System.currentTimeMillis());
                clocks.advance(raw.topic(), raw.partition(), t);
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
        clockState.clear();
        for (PartitionClocks.Clock c : clocks.clocks()) {
            clockState.add(Tuple3.of(c.topic(), c.partition(), c.newest()));
        }
    }

    /**
     * Union state: after a rescale the subtask that reads a partition may be another one, so each
     * restores every partition's clock (keeping the newest copy of each).
     */
    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        TypeInformation<Tuple3<String, Integer, Long>> clockType =
                Types.TUPLE(Types.STRING, Types.INT, Types.LONG);
        clockState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        StateNames.NEWEST_ACCEPTED_PER_PARTITION, clockType));
        clocks = new PartitionClocks(legacyClock(context));
        for (Tuple3<String, Integer, Long> c : clockState.get()) {
            clocks.advance(c.f0, c.f1, c.f2);
        }
    }

    /**
     * The one clock of checkpoints written before clocks were per partition (the newest event time
     * any subtask had accepted), or {@link Long#MIN_VALUE}. It starts the clocks of partitions
     * without their own, which judges them as those versions did, once; it is not written again.
     */
    private static long legacyClock(FunctionInitializationContext context) throws Exception {
        ListState<Long> legacy =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        StateNames.NEWEST_ACCEPTED_TIMESTAMP, Types.LONG));
        long newest = Long.MIN_VALUE;
        for (Long t : legacy.get()) {
            newest = Math.max(newest, t);
        }
        legacy.clear();
        return newest;
    }
}
