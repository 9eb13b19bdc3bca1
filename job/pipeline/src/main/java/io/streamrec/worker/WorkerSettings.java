package io.streamrec.worker;

import java.io.Serializable;

/**
 * How workers batch and train: flush a micro-batch at {@code batchSize} events or {@code
 * flushIntervalMs} after its first event; apply their own updates to their replica until the
 * parameter server's newer version arrives ({@code localUpdates}); use a GPU when there is one;
 * remember {@code maxUserItems} per user; draw {@code recentNegativeFraction} of the negatives from
 * the last {@code recentPositives} positives; dead-letter each user's events beyond {@code
 * userFlood}.
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
        FloodLimit userFlood)
        implements Serializable {

    /** Settings without a flood limit. */
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
                FloodLimit.OFF);
    }

    /** These settings with local updates switched on or off. */
    public WorkerSettings withLocalUpdates(boolean on) {
        return new WorkerSettings(
                batchSize,
                flushIntervalMs,
                on,
                preferGpu,
                maxUserItems,
                recentNegativeFraction,
                recentPositives,
                dedupeWindowMs,
                userFlood);
    }

    /** These settings with {@code limit} on each user's events. */
    public WorkerSettings withUserFlood(FloodLimit limit) {
        return new WorkerSettings(
                batchSize,
                flushIntervalMs,
                localUpdates,
                preferGpu,
                maxUserItems,
                recentNegativeFraction,
                recentPositives,
                dedupeWindowMs,
                limit);
    }
}
