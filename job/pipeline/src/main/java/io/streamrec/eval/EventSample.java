package io.streamrec.eval;

/**
 * A share of events chosen by event id: the same events on every subtask and in every run, so a
 * sampled figure is reproducible and a replayed event is sampled as it was the first time.
 */
public final class EventSample {
    private EventSample() {}

    /**
     * {@code rate} when it is a sample rate, in (0, 1]; else an {@link IllegalArgumentException}.
     */
    public static double checkRate(double rate, String what) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException(what + " not in (0, 1]: " + rate);
        }
        return rate;
    }

    /** Whether the event with this id is in a sample of {@code rate} (0 to 1) of all events. */
    public static boolean includes(String eventId, double rate) {
        if (rate >= 1.0) {
            return true;
        }
        return ((mixedHash(eventId) >>> 40) & 0xFFFFFF) < rate * 0x1000000;
    }

    /**
     * The event id's hash with its bits mixed (String.hashCode's low bits follow the id's last
     * characters): what the sample decides on, and a seed for other per-event draws.
     */
    public static long mixedHash(String eventId) {
        return eventId.hashCode() * 0x9E3779B97F4A7C15L;
    }
}
