package io.streamrec.ingest;

import static io.streamrec.schema.SavepointContract.StateNames.NEWEST_ACCEPTED_PER_PARTITION;
import static io.streamrec.schema.SavepointContract.StateNames.NEWEST_ACCEPTED_TIMESTAMP;
import static io.streamrec.schema.SavepointContract.StateNames.PARTITION_CLOCKS;

import io.streamrec.records.EventTimeGuard;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.RecordParser;
import io.streamrec.schema.RawRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
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

    /** A partition's clock as checkpointed: (topic, partition, newest accepted event time). */
    private static final TypeInformation<Tuple3<String, Integer, Long>> CLOCK_TYPE =
            Types.TUPLE(Types.STRING, Types.INT, Types.LONG);

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
     * Split list state, not union state: a source chain with union state cannot take a savepoint
     * while some of its subtasks have finished their operators and others have not, which Flink
     * 2.2's stop-with-savepoint races into on a busy machine (FLINK-23884,
     * PartialFinishingNotSupportedByStateException). At the same parallelism each subtask gets its
     * own clocks back, as the Kafka source gets its own splits; after a rescale the reading subtask
     * may restore only an older copy of a partition's clock (a subtask keeps writing the clocks of
     * partitions it no longer reads, and copies merge by the newest) or none, and judges lateness
     * against that copy or from the partition's next event, possibly more leniently; a rescale out
     * and back in can also bring back a copy stricter than the clock in force just before.
     */
    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        OperatorStateStore store = context.getOperatorStateStore();
        clockState = store.getListState(new ListStateDescriptor<>(PARTITION_CLOCKS, CLOCK_TYPE));
        clocks = new PartitionClocks(legacyClock(store));
        for (Tuple3<String, Integer, Long> c : clockState.get()) {
            clocks.advance(c.f0, c.f1, c.f2);
        }
        for (Tuple3<String, Integer, Long> c :
                restoredUnion(store, NEWEST_ACCEPTED_PER_PARTITION, CLOCK_TYPE)) {
            clocks.advance(c.f0, c.f1, c.f2);
        }
    }

    /**
     * The one clock of checkpoints written before clocks were per partition (the newest event time
     * any subtask had accepted), or {@link Long#MIN_VALUE}. It starts the clocks of partitions
     * without their own, which judges them as those versions did, once; it is not written again.
     */
    private static long legacyClock(OperatorStateStore store) throws Exception {
        long newest = Long.MIN_VALUE;
        for (Long t : restoredUnion(store, NEWEST_ACCEPTED_TIMESTAMP, Types.LONG)) {
            newest = Math.max(newest, t);
        }
        return newest;
    }

    /**
     * The entries of a union state that earlier versions wrote, emptied once read, or none where
     * the checkpoint has no such state: the state is only touched when restored, so a job that
     * started on this version registers no union state at all.
     */
    private static <T> List<T> restoredUnion(
            OperatorStateStore store, String name, TypeInformation<T> type) throws Exception {
        if (!store.getRegisteredStateNames().contains(name)) {
            return List.of();
        }
        ListState<T> state = store.getUnionListState(new ListStateDescriptor<>(name, type));
        List<T> entries = new ArrayList<>();
        state.get().forEach(entries::add);
        state.clear();
        return entries;
    }
}
