package io.streamrec.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts a request's clock at its first byte; when it runs out, passes a 408 {@link Refusal} down
 * the pipeline, which answers it in its turn and closes.
 */
final class ReadDeadline extends ChannelDuplexHandler {
    private final long timeoutMillis;
    private ScheduledFuture<?> timer;

    ReadDeadline(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (timer == null && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            timer =
                    ctx.executor()
                            .schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
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
