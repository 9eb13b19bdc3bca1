package io.streamrec.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Starts a request's clock at its first byte; when it runs out, passes a 408 {@link Refusal} down
 * the pipeline, which answers it in its turn and closes. A request whose first bytes came in the
 * buffer that ended the one before gets its clock once the connection reads again ({@link
 * #resumed}): the gateway's own time on the requests before is not the client's. Bytes that leave
 * no request begun (line ends between requests) start none.
 */
final class ReadDeadline extends ChannelDuplexHandler {
    private final long timeoutMillis;

    /** Whether the decoder after this holds bytes of a request not yet read whole. */
    private final BooleanSupplier partial;

    private ScheduledFuture<?> timer;
    private ChannelHandlerContext context;

    ReadDeadline(long timeoutMillis, BooleanSupplier partial) {
        this.timeoutMillis = timeoutMillis;
        this.partial = partial;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean bytes = msg instanceof ByteBuf buf && buf.isReadable();
        if (bytes) {
            start(ctx);
        }
        ctx.fireChannelRead(msg); // decoded at once: a request read whole stops its clock
        if (!bytes) {
            return;
        }
        if (!partial.getAsBoolean()) {
            requestRead(); // nothing begun: line ends between requests, or every request read
        } else if (timer == null && ctx.channel().config().isAutoRead()) {
            start(ctx); // the rest of this buffer began the next request, and reading goes on
        }
    }

    /**
     * The connection reads again after answering the requests before: a request whose first bytes
     * came meanwhile (behind one the gateway was handling) gets its clock now.
     */
    void resumed() {
        if (context != null && timer == null && partial.getAsBoolean()) {
            start(context);
        }
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer =
                    ctx.executor()
                            .schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        ctx.fireChannelRead(
                new Refusal(
                        408,
                        Exchange.error("request not received within " + timeoutMillis + " ms")));
    }

    /** Whether a request's bytes have begun to arrive and it is not yet read whole. */
    boolean reading() {
        return timer != null;
    }

    /** The request is read whole: its clock stops, and the next byte starts the next one's. */
    void requestRead() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        requestRead();
        ctx.fireChannelInactive();
    }
}
