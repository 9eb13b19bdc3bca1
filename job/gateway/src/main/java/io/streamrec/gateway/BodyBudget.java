package io.streamrec.gateway;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies all connections may hold: each body reserves its Content-Length
 * ({@code gateway.max-body} when chunked) from its head, and keeps its own size from its last byte
 * until it is routed (or dropped, or its connection ends), pipelined ones queued behind a request
 * in progress included.
 */
final class BodyBudget {
    private final AtomicLong available;

    BodyBudget(long bytes) {
        this.available = new AtomicLong(bytes);
    }

    boolean reserve(long bytes) {
        long left;
        do {
            left = available.get();
            if (left < bytes) {
                return false;
            }
        } while (!available.compareAndSet(left, left - bytes));
        return true;
    }

    void release(long bytes) {
        available.addAndGet(bytes);
    }

    long available() {
        return available.get();
    }
}
