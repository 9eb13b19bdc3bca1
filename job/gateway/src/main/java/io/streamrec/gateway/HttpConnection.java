package io.streamrec.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's pipeline and state: a whole request (head and body) must arrive within
 * the read timeout of its first byte; a body over the limit is refused by its Content-Length before
 * it is read; a connection with nothing to do past the idle timeout is closed. One request is
 * handled at a time; reading pauses while it waits, and pipelined ones queue behind it.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
    /** What answers a whole request; it must not block (the caller is an event loop). */
    interface Router {
        void handle(FullHttpRequest request, Exchange exchange);
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    /** The first handler of a connection's pipeline: TLS, when on, goes right after it. */
    static final String COUNT = "count";

    /** Pipelined requests a connection may queue behind the one in progress. */
    private static final int MAX_QUEUED = 16;

    private final Router router;
    private final ReadDeadline deadline;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean busy;

    private HttpConnection(Router router, ReadDeadline deadline) {
        this.router = router;
        this.deadline = deadline;
    }

    /** Builds a new connection's pipeline. */
    static void initialize(
            SocketChannel channel, Router router, ConnectionCount count, Limits limits) {
        ReadDeadline deadline = new ReadDeadline(limits.readTimeoutMillis());
        channel.pipeline()
                .addLast(COUNT, count)
                .addLast(
                        "idle",
                        new IdleStateHandler(
                                0, 0, limits.idleTimeoutMillis(), TimeUnit.MILLISECONDS))
                .addLast("deadline", deadline)
                .addLast("codec", new HttpServerCodec(4096, 8192, 8192))
                .addLast("body", new BodyLimit(limits.maxBodyBytes()))
                .addLast("app", new HttpConnection(router, deadline));
    }

    record Limits(long readTimeoutMillis, long idleTimeoutMillis, int maxBodyBytes) {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        deadline.requestRead();
        if (busy) {
            queued.add(request);
            if (queued.size() > MAX_QUEUED) {
                Exchange.refuse(ctx.channel(), 429, GatewayServer.error("too many pipelined"));
            }
            return;
        }
        start(ctx, request);
    }

    private void start(ChannelHandlerContext ctx, FullHttpRequest request) {
        busy = true;
        ctx.channel().config().setAutoRead(false);
        try {
            if (request.decoderResult().isFailure()) {
                Exchange.refuse(
                        ctx.channel(),
                        400,
                        GatewayServer.error(
                                "malformed request: " + request.decoderResult().cause()));
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            router.handle(request, new Exchange(ctx.channel(), keepAlive, () -> next(ctx)));
        } finally {
            request.release();
        }
    }

    /** The answer is written: the next queued request, or read on. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        FullHttpRequest request = queued.poll();
        if (request != null) {
            start(ctx, request);
        } else {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // idle: no bytes either way for the idle timeout; a waiting request keeps it open
        if (event instanceof IdleStateEvent && !busy && !deadline.reading()) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        queued.forEach(FullHttpRequest::release);
        queued.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close(); // a reset by the client, mostly; nothing to answer
    }

    /** Starts a request's clock at its first byte; answers 408 and closes when it runs out. */
    static final class ReadDeadline extends ChannelDuplexHandler {
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
                                .schedule(
                                        () ->
                                                Exchange.refuse(
                                                        ctx.channel(),
                                                        408,
                                                        GatewayServer.error(
                                                                "request not received within "
                                                                        + timeoutMillis
                                                                        + " ms")),
                                        timeoutMillis,
                                        TimeUnit.MILLISECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        boolean reading() {
            return timer != null;
        }

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

    /** The body limit: a request over it gets 413 and its connection ends unread. */
    static final class BodyLimit extends HttpObjectAggregator {
        private final int maxBytes;

        BodyLimit(int maxBytes) {
            super(maxBytes);
            this.maxBytes = maxBytes;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            Exchange.refuse(
                    ctx.channel(),
                    413,
                    GatewayServer.error("body larger than " + maxBytes + " bytes"));
        }
    }

    /** Counts open connections; one over the bound is closed at once. */
    @ChannelHandler.Sharable
    static final class ConnectionCount extends ChannelInboundHandlerAdapter {
        private final int max;
        private final AtomicInteger open = new AtomicInteger();

        ConnectionCount(int max) {
            this.max = max;
        }

        int open() {
            return open.get();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (open.incrementAndGet() > max) {
                ctx.close();
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.decrementAndGet();
            ctx.fireChannelInactive();
        }
    }
}
