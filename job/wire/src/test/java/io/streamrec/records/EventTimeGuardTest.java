package io.streamrec.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventTimeGuardTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final long NONE_ACCEPTED = Long.MIN_VALUE;

    private static EventTimeGuard<Long> guard(long maxFutureMs, long allowedLatenessMs) {
        return new EventTimeGuard<>(
                Long::longValue, Long.MIN_VALUE, maxFutureMs, allowedLatenessMs);
    }

    @Test
    void rejectsOnlyTimestampsFurtherAheadOfTheClockThanTheBound() throws Exception {
        EventTimeGuard<Long> guard = guard(300_000, 86_400_000);

        assertThat(guard.check(NOW + 300_000, NONE_ACCEPTED, NOW)).isEqualTo(NOW + 300_000);
        assertThatThrownBy(() -> guard.check(NOW + 300_001, NONE_ACCEPTED, NOW))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("future_timestamp"))
                .hasMessageContaining("is 300001 ms ahead of the clock");
    }

    @Test
    void aBoundAsLargeAsALongAcceptsEveryTimestampInsteadOfWrappingAround() throws Exception {
        EventTimeGuard<Long> guard = guard(Long.MAX_VALUE, 86_400_000);

        assertThat(guard.check(NOW, NONE_ACCEPTED, NOW)).isEqualTo(NOW);
        assertThat(guard.check(1L, NONE_ACCEPTED, NOW)).isEqualTo(1L);
        assertThat(guard.check(Long.MAX_VALUE, NONE_ACCEPTED, NOW)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theLargestTimestampIsTooFarAheadOfAnOrdinaryBound() {
        assertThatThrownBy(
                        () -> guard(300_000, 86_400_000).check(Long.MAX_VALUE, NONE_ACCEPTED, NOW))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("future_timestamp"))
                .hasMessageContaining("is " + (Long.MAX_VALUE - NOW) + " ms ahead");
    }

    @Test
    void aTimestampFarBehindTheClockIsNotAheadOfIt() throws Exception {
        assertThat(guard(0, Long.MAX_VALUE).check(Long.MIN_VALUE + 1, NONE_ACCEPTED, NOW))
                .isEqualTo(Long.MIN_VALUE + 1);
    }

    @Test
    void aTimestampInSecondsIsRefusedEvenOnAPartitionThatHasAcceptedNothing() throws Exception {
        long earliest = ValidationOptions.EARLIEST_TIMESTAMP.defaultValue();
        EventTimeGuard<Long> guard =
                new EventTimeGuard<>(Long::longValue, earliest, 300_000, 86_400_000);

        assertThatThrownBy(() -> guard.check(1_365_029_107L, NONE_ACCEPTED, NOW))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("invalid_timestamp"))
                .hasMessageContaining("1970-01-16T")
                .hasMessageContaining(
                        "is before validation.earliest-timestamp (1980-01-01T00:00:00Z)")
                .hasMessageContaining("not seconds");
        assertThat(guard.check(earliest, NONE_ACCEPTED, NOW)).isEqualTo(earliest);
        assertThat(guard.check(1_365_029_107_000L, NONE_ACCEPTED, NOW))
                .isEqualTo(1_365_029_107_000L);
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThatThrownBy(() -> guard(-1, 86_400_000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsTimestampsFurtherBehindTheNewestAcceptedThanTheLateness() throws Exception {
        EventTimeGuard<Long> guard = guard(300_000, 1_000);

        assertThat(guard.check(NOW - 1_000, NOW, NOW)).isEqualTo(NOW - 1_000);
        assertThatThrownBy(() -> guard.check(NOW - 1_001, NOW, NOW))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("too_late"));
    }
}
