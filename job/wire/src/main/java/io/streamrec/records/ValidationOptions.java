package io.streamrec.records;

import io.streamrec.config.DurationOptions;
import io.streamrec.config.InvalidOption;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/** What validation accepts: event-time bounds and the dedupe window. */
public final class ValidationOptions {
    private ValidationOptions() {}

    /** 1980-01-01T00:00:00Z: a current time in seconds, read as milliseconds, is in 1970. */
    static final long DEFAULT_EARLIEST_TIMESTAMP = 315_532_800_000L;

    public static final ConfigOption<Long> EARLIEST_TIMESTAMP =
            ConfigOptions.key("validation.earliest-timestamp")
                    .longType()
                    .defaultValue(DEFAULT_EARLIEST_TIMESTAMP)
                    .withDescription(
                            "Events stamped before this time (epoch milliseconds; the default is"
                                    + " 1980-01-01) are dead-lettered (invalid_timestamp), and"
                                    + " so are recommendation requests: a timestamp sent in"
                                    + " seconds reads as January 1970."
                                    + " Lower it to replay older data.");

    public static final ConfigOption<Duration> MAX_FUTURE =
            ConfigOptions.key("validation.max-future")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "Events stamped further than this ahead of the wall clock are"
                                    + " dead-lettered (future_timestamp), and so are recommendation"
                                    + " requests where the job's validation reads them; serving"
                                    + " reading requests itself answers such a request at this"
                                    + " bound. Forget requests are not bounded.");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            ConfigOptions.key("validation.allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "Events older than the newest accepted event of their Kafka"
                                    + " partition minus this are dead-lettered (too_late).");

    public static final ConfigOption<Duration> DEDUPE_WINDOW =
            ConfigOptions.key("validation.dedupe-window")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "An event whose id its user already sent within this window"
                                    + " (event time, before the user's newest event) is"
                                    + " dead-lettered (duplicate_event);"
                                    + " 0 turns deduplication off.");

    public static final ConfigOption<Integer> DEDUPE_MAX_IDS =
            ConfigOptions.key("validation.dedupe-max-ids")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "The most event ids one user keeps for deduplication (at least 4):"
                                    + " past it, the ids of the oldest event times are dropped"
                                    + " and a copy of one of them is no longer recognised. The"
                                    + " window bounds the ids of a user whose event times move;"
                                    + " this bounds those of a user whose event times do not.");

    /**
     * {@link #MAX_FUTURE}, refused with an {@link InvalidOption} when negative, between 0 and a
     * millisecond (it would read as 0) or beyond the milliseconds a long holds.
     */
    public static Duration maxFuture(ReadableConfig conf) {
        Duration maxFuture = conf.get(MAX_FUTURE);
        if (maxFuture.isNegative()) {
            throw new InvalidOption(MAX_FUTURE, maxFuture, ">= 0");
        }
        DurationOptions.checkZeroOrAtLeastOneMilli(conf, MAX_FUTURE); // read in milliseconds
        DurationOptions.checkFitsMillis(conf, MAX_FUTURE);
        return maxFuture;
    }
}
