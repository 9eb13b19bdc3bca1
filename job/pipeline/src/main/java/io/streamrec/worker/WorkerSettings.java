package io.streamrec.worker;

import io.streamrec.records.ValidationOptions;
import java.io.Serializable;

/**
 * How workers batch and train: flush a micro-batch at {@code batchSize} events or {@code
 * flushIntervalMs} after its first event; apply their own updates to their replica until the
 * parameter server's newer version arrives ({@code localUpdates}); use a GPU when there is one;
 * remember {@code maxUserItems} per user; draw {@code recentNegativeFraction} of the negatives from
 * the last {@code recentPositives} positives; dead-letter an event id its user sent within {@code
 * dedupeWindowMs}, keeping at most {@code dedupeMaxIds} ids per user; dead-letter each user's
 * events beyond {@code userFlood}.
 */
public record WorkerSettings(
        int batchSize,
        long flushIntervalMs,
        boolean localUpdates,
        boolean preferGpu,
        int maxUserItems,
        double recentNegativeFraction,
        int recentPositives,
        long dedupeWindowMs,
        int dedupeMaxIds,
        FloodLimit userFlood)
        implements Serializable {

    /** {@code validation.dedupe-max-ids}' default. */
    public static final int DEFAULT_DEDUPE_MAX_IDS =
            ValidationOptions.DEDUPE_MAX_IDS.defaultValue();

    /** Settings without a flood limit, with the default cap on dedupe ids. */
    public WorkerSettings(
            int batchSize,
            long flushIntervalMs,
            boolean localUpdates,
            boolean preferGpu,
            int maxUserItems,
            double recentNegativeFraction,
            int recentPositives,
            long dedupeWindowMs) {
        this(
                batchSize,
                flushIntervalMs,
                localUpdates,
                preferGpu,
                maxUserItems,
                recentNegativeFraction,
                recentPositives,
                dedupeWindowMs,
                DEFAULT_DEDUPE_MAX_IDS,
                FloodLimit.OFF);
    }

    /** These settings with local updates switched on or off. */
    public WorkerSettings withLocalUpdates(boolean on) {
        return with(on, dedupeMaxIds, userFlood);
    }

    /** These settings with {@code limit} on each user's events. */
    public WorkerSettings withUserFlood(FloodLimit limit) {
        return with(localUpdates, dedupeMaxIds, limit);
    }

    /** These settings with at most {@code maxIds} dedupe ids kept per user. */
    public WorkerSettings withDedupeMaxIds(int maxIds) {
        return with(localUpdates, maxIds, userFlood);
    }

    /** A copy with the settings the withers above change. */
    private WorkerSettings with(boolean localUpdates, int dedupeMaxIds, FloodLimit userFlood) {
        return new WorkerSettings(
                batchSize,
                flushIntervalMs,
                localUpdates,
                preferGpu,
                maxUserItems,
                recentNegativeFraction,
                recentPositives,
                dedupeWindowMs,
                dedupeMaxIds,
                userFlood);
    }
}
