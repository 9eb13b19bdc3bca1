package io.streamrec.lifecycle;

import org.apache.flink.util.ExceptionUtils;

/**
 * Closes everything an operator holds, each even when one before it failed, and rethrows the first
 * failure as it is, the others suppressed in it; the first {@link Error}, though, goes on whatever
 * failed before it, the earlier failures suppressed in it, so that Flink sees it is fatal. Flink's
 * {@code IOUtils.closeAll} stops at an {@link Error} (the rest never closed: native memory and
 * threads outliving the task at every failover), or wraps it in an {@link Exception}, which hides
 * from Flink that it is fatal.
 */
public final class CloseAll {
    private CloseAll() {}

    /** Closes each of {@code closeables} that is not null, in order. */
    public static void close(AutoCloseable... closeables) throws Exception {
        Throwable failure = null;
        for (AutoCloseable closeable : closeables) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Throwable t) {
                failure = combined(failure, t);
            }
        }
        if (failure != null) {
            ExceptionUtils.rethrowException(failure);
        }
    }

    /**
     * Closes {@code closeables} as {@link #close} does after {@code failure} left them open (an
     * object half made, its owner never to get it); an exception closing throws is suppressed in
     * {@code failure}, for the caller to throw. When closing throws an {@link Error}, the first
     * Error goes on, as everywhere here: {@code failure} if it is one, with the closing one
     * suppressed in it, else the closing one, with {@code failure} suppressed in it.
     */
    public static void closeAfter(Throwable failure, AutoCloseable... closeables) {
        try {
            close(closeables);
        } catch (Error closing) {
            throw (Error) combined(failure, closing); // one of the two Errors
        } catch (Exception closing) {
            suppress(failure, closing);
        }
    }

    /** The first {@link Error} of the two, else the first; the other suppressed in it. */
    private static Throwable combined(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (next instanceof Error && !(first instanceof Error)) {
            suppress(next, first);
            return next;
        }
        suppress(first, next);
        return first;
    }

    /**
     * Suppresses {@code t} in {@code into} unless it is the same object (a closeable that rethrows
     * the failure it was closed after): addSuppressed would throw, replacing the failure.
     */
    private static void suppress(Throwable into, Throwable t) {
        if (into != t) {
            into.addSuppressed(t);
        }
    }
}
