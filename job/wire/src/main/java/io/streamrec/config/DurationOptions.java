package io.streamrec.config;

import java.time.Duration;
import java.util.function.ToLongFunction;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Checks that a duration option's value can be read in the unit its reader takes: {@code
 * 1000000000000000 d} parses, and its {@link Duration#toMillis} (or {@code 200000 d}'s {@link
 * Duration#toNanos}) would throw an ArithmeticException naming no option where it is read.
 */
public final class DurationOptions {
    private DurationOptions() {}

    /**
     * Fails with an {@link InvalidOption} when {@code option} is set to a duration whose
     * milliseconds a long cannot hold; options of other types are let through.
     */
    public static void checkFitsMillis(ReadableConfig conf, ConfigOption<?> option) {
        checkFits(conf, option, Duration::toMillis, "ms");
    }

    /**
     * Fails with an {@link InvalidOption} when {@code option}, read in milliseconds and meaning
     * something at 0, is set below a millisecond but above 0: {@code 500 micros} would read as 0.
     */
    public static void checkZeroOrAtLeastOneMilli(
            ReadableConfig conf, ConfigOption<Duration> option) {
        conf.getOptional(option)
                .filter(d -> d.compareTo(Duration.ZERO) > 0 && d.compareTo(ONE_MILLI) < 0)
                .ifPresent(
                        d -> {
                            throw new InvalidOption(option, d, "0 or at least 1 ms");
                        });
    }

    private static final Duration ONE_MILLI = Duration.ofMillis(1);

    /** As {@link #checkFitsMillis}, for an option read in nanoseconds. */
    public static void checkFitsNanos(ReadableConfig conf, ConfigOption<?> option) {
        checkFits(conf, option, Duration::toNanos, "ns");
    }

    private static void checkFits(
            ReadableConfig conf,
            ConfigOption<?> option,
            ToLongFunction<Duration> inUnit,
            String unit) {
        conf.getOptional(option)
                .filter(Duration.class::isInstance)
                .map(Duration.class::cast)
                .ifPresent(
                        d -> {
                            try {
                                inUnit.applyAsLong(d);
                            } catch (ArithmeticException e) {
                                throw new InvalidOption(
                                        option, d, "at most " + Long.MAX_VALUE + " " + unit);
                            }
                        });
    }
}
