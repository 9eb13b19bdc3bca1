package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The state of one parameter row held by the parameter server: its weights, the optimizer's per-row
 * slots (AdaGrad accumulators or FTRL z/n), a version bumped by every applied update, and an update
 * counter that counts gradient contributions (one per event that touched the row). Item rows also
 * carry interaction statistics: all-time positives and an exponentially decayed "trending" count
 * anchored at {@code trendTime} (epoch ms), the newest event time of a positive the row took.
 *
 * <p>{@code oldestNewPositiveTime} (schema version 3) is the event time of the oldest event among
 * the positives that the row's latest update with positives added: one update takes a worker's
 * micro-batch, whose events waited in it up to {@code worker.flush-interval}, and serving measures
 * its freshness from the one that waited longest. Rows written before version 3 read with {@code
 * trendTime} there.
 *
 * <p>A row on the model-updates topic also carries a {@code stamp} (schema version 2): the run that
 * wrote it and the checkpoint whose transaction carries it, which replicas use to drop rows of
 * abandoned runs after a restore from an older checkpoint ({@code RunLineage}). Rows in state, on
 * the job's own edges and on the topic as version 1 wrote it have none (null).
 *
 * <p>Instances are treated as immutable: the parameter server builds a new row per update.
 */
@TypeInfo(ParameterRow.Info.class)
public record ParameterRow(
        String key,
        float[] weights,
        float[] slots,
        long version,
        long updates,
        long positives,
        float trend,
        long trendTime,
        long oldestNewPositiveTime,
        RunCheckpoint stamp) {

    /** A row without a stamp. */
    public ParameterRow(
            String key,
            float[] weights,
            float[] slots,
            long version,
            long updates,
            long positives,
            float trend,
            long trendTime,
            long oldestNewPositiveTime) {
        this(
                key,
                weights,
                slots,
                version,
                updates,
                positives,
                trend,
                trendTime,
                oldestNewPositiveTime,
                null);
    }

    /** A row without a stamp whose newest positives all carry {@code trendTime}. */
    public ParameterRow(
            String key,
            float[] weights,
            float[] slots,
            long version,
            long updates,
            long positives,
            float trend,
            long trendTime) {
        this(key, weights, slots, version, updates, positives, trend, trendTime, trendTime);
    }

    /**
     * The erasure of row {@code key} (a forgotten user's row): no weights, version -1. On the
     * model-updates topic it is a Kafka tombstone (a null value), which compaction keeps only for
     * the topic's {@code delete.retention.ms} and then removes with every earlier value of the key.
     */
    public static ParameterRow tombstone(String key) {
        return new ParameterRow(key, new float[0], new float[0], -1L, 0L, 0L, 0f, 0L, 0L, null);
    }

    public boolean isTombstone() {
        return version < 0 && weights.length == 0;
    }

    /** This row with {@code stamp} in place of its own. */
    public ParameterRow stamped(RunCheckpoint stamp) {
        return new ParameterRow(
                key,
                weights,
                slots,
                version,
                updates,
                positives,
                trend,
                trendTime,
                oldestNewPositiveTime,
                stamp);
    }

    /** The trending count decayed to {@code now}, for a decay rate per millisecond. */
    public double trendAt(long now, double decayPerMs) {
        if (trend == 0f) {
            return 0.0;
        }
        return trend * Math.exp(-Math.max(0L, now - trendTime) * decayPerMs);
    }

    /** Flink type information backed by {@link ParameterRowSerializer}. */
    public static final class Info extends TypeInfoFactory<ParameterRow> {
        @Override
        public TypeInformation<ParameterRow> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<ParameterRow> typeInfo() {
        return new RecordTypeInfo<>(ParameterRow.class, ParameterRowSerializer.INSTANCE);
    }
}
