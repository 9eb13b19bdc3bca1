package io.streamrec.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's pipeline and state: a whole request (head and body) must arrive within
 * the read timeout of its first byte; a body over the limit is refused by its Content-Length before
 * it is read; a connection with nothing to do past the idle timeout is closed. One request is
 * handled at a time; reading pauses while it waits, and pipelined ones queue behind it.
 *
 * <p>Answers go out in the order of their requests, as HTTP/1.1 pipelining needs: a refusal that
 * ends the connection (413, 408, 429 for a queue over its bound) is queued behind the requests
 * before it, which are answered first, and nothing after it is routed.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
    /** What answers a whole request; it must not block (the caller is an event loop). */
    interface Router {
        void handle(FullHttpRequest request, Exchange exchange);

        /**
         * Whether the body {@code head} announces is read: when not, the request is routed with an
         * empty body, holding none of the body budget, and its answer ends the connection.
         */
        default boolean readsBody(HttpRequest head) {
            return true;
        }
    }

    record Limits(
            long readTimeoutMillis,
            long idleTimeoutMillis,
            int maxBodyBytes,
            BodyBudget bodyBudget) {}

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    /** The first handler of a connection's pipeline: TLS, when on, goes right after it. */
    static final String COUNT = "count";

    /** Pipelined requests a connection may queue behind the one in progress. */
    private static final int MAX_QUEUED = 16;

    /** The methods any resource here takes; the others get 405 before routing. */
    private static final Set<HttpMethod> SERVED_METHODS = Set.of(HttpMethod.GET, HttpMethod.POST);

    /** {@link #SERVED_METHODS} as an {@code Allow} header names them. */
    private static final String ALLOWED = "GET, POST";

    private final Router router;
    private final ReadDeadline deadline;

    /**
     * Each whole request this connection holds (in progress or queued) holds its body's bytes of
     * the budget, handed over by {@link BodyLimit}, until it is released here.
     */
    private final BodyBudget budget;

    /**
     * Requests read while one is in progress, each a {@link FullHttpRequest} or a {@link Refusal}.
     */
    private final ArrayDeque<Object> queued = new ArrayDeque<>();

    private boolean busy;

    /** A refusal is queued or sent: nothing read after it is routed. */
    private boolean refusing;

    private HttpConnection(Router router, ReadDeadline deadline, BodyBudget budget) {
        this.router = router;
        this.deadline = deadline;
        this.budget = budget;
    }

    /** Builds a new connection's pipeline. */
    static void initialize(Channel channel, Router router, ConnectionCount count, Limits limits) {
        StrictRequestDecoder decoder = new StrictRequestDecoder();
        ReadDeadline deadline =
                new ReadDeadline(limits.readTimeoutMillis(), decoder::holdsPartOfARequest);
        HttpConnection connection = new HttpConnection(router, deadline, limits.bodyBudget());
        channel.pipeline()
                .addLast(COUNT, count)
                .addLast(
                        "idle",
                        new IdleStateHandler(
                                0, 0, limits.idleTimeoutMillis(), TimeUnit.MILLISECONDS))
                .addLast("deadline", deadline)
                .addLast("decoder", decoder)
                .addLast("framing", new TransferEncodingCheck())
                .addLast("encoder", new HttpResponseEncoder())
                .addLast(
                        "body",
                        new BodyLimit(
                                limits.maxBodyBytes(),
                                limits.bodyBudget(),
                                connection::isBusy,
                                router::readsBody))
                .addLast("app", connection);
    }

    /** Whether a request is in progress (called on the connection's event loop). */
    private boolean isBusy() {
        return busy;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Refusal refusal) {
            refuseInTurn(ctx, refusal);
            return;
        }
        if (msg instanceof HeadAlone head) {
            routeLast(ctx, head);
            return;
        }
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        deadline.requestRead();
        if (refusing) {
            discard(request);
        } else if (!busy) {
            start(ctx, request);
        } else if (queued.size() < MAX_QUEUED) {
            queued.add(request);
        } else {
            discard(request);
            refuseInTurn(ctx, new Refusal(429, Exchange.error("too many pipelined")));
        }
    }

    /**
     * Routes a request whose body is not read once the requests before are answered (at once if
     * none); it ends the connection, so reading stops and nothing after it is routed.
     */
    private void routeLast(ChannelHandlerContext ctx, HeadAlone head) {
        deadline.requestRead();
        if (refusing) {
            discard(head);
            return;
        }
        refusing = true;
        ctx.channel().config().setAutoRead(false);
        if (busy) {
            queued.add(head);
        } else {
            start(ctx, head.request(), true);
        }
    }

    /** Stops reading, and refuses once the requests before are answered (at once if none). */
    private void refuseInTurn(ChannelHandlerContext ctx, Refusal refusal) {
        if (refusing) {
            return;
        }
        refusing = true;
        ctx.channel().config().setAutoRead(false);
        if (busy) {
            queued.add(refusal);
        } else {
            refuse(ctx, refusal);
        }
    }

    private void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        refusing = true;
        Exchange.refuse(ctx.channel(), refusal.status(), refusal.json());
    }

    /** Releases a request (or refusal) that will not be routed, and its share of the budget. */
    private void discard(Object msg) {
        if (msg instanceof HeadAlone head) {
            msg = head.request();
        }
        if (msg instanceof FullHttpRequest request) {
            budget.release(request.content().readableBytes());
        }
        ReferenceCountUtil.release(msg);
    }

    private void start(ChannelHandlerContext ctx, FullHttpRequest request) {
        start(ctx, request, false);
    }

    /** {@code bodyUnread}: the body the head announced is not read, and the answer ends. */
    private void start(ChannelHandlerContext ctx, FullHttpRequest request, boolean bodyUnread) {
        Runnable releaseBody = releaseOnce(request.content().readableBytes()); // before it is read
        busy = true;
        ctx.channel().config().setAutoRead(false);
        Exchange exchange = null;
        try {
            String malformed = MalformedRequest.reason(request);
            if (malformed != null) {
                refuse(ctx, new Refusal(400, Exchange.error(malformed)));
                return;
            }
            exchange = newExchange(ctx, request, releaseBody, bodyUnread);
            route(request, exchange);
        } catch (RuntimeException e) {
            failed(ctx, request, exchange, e);
        } finally {
            if (exchange == null || !exchange.bodyKept()) {
                releaseBody.run(); // routed: the router copied what it keeps, and is done with it
            }
            request.release();
        }
    }

    private Exchange newExchange(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            Runnable releaseBody,
            boolean bodyUnread) {
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (bodyUnread) {
            return Exchange.ending(ctx.channel(), head);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        return new Exchange(ctx.channel(), keepAlive, head, () -> next(ctx), releaseBody);
    }

    private void route(FullHttpRequest request, Exchange exchange) {
        if (!SERVED_METHODS.contains(request.method())) {
            exchange.sendMethodNotAllowed(
                    ALLOWED, Exchange.error(request.method() + " is not served here"));
            return;
        }
        router.handle(request, exchange);
    }

    /**
     * A bug, not the client's fault: answered, or the connection would wait for ever; the requests
     * queued behind it are not routed (the connection ends).
     */
    private void failed(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            Exchange exchange,
            RuntimeException e) {
        LOG.warn("Request {} {} failed", request.method(), request.uri(), e);
        refusing = true;
        queued.forEach(this::discard);
        queued.clear();
        if (exchange == null || exchange.claim()) {
            refuse(ctx, new Refusal(500, Exchange.error("internal error")));
        } else {
            ctx.close();
        }
    }

    /** Gives {@code bytes} back to the budget the first time it runs, never again. */
    private Runnable releaseOnce(long bytes) {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                budget.release(bytes);
            }
        };
    }

    /** The answer is written: the next queued request (or refusal), or read on. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        if (!ctx.channel().isActive()) {
            return; // closed meanwhile: nothing more is routed
        }
        Object next = queued.poll();
        if (next instanceof FullHttpRequest request) {
            start(ctx, request);
        } else if (next instanceof HeadAlone head) {
            start(ctx, head.request(), true);
        } else if (next instanceof Refusal refusal) {
            refuse(ctx, refusal);
        } else if (!refusing) {
            ctx.channel().config().setAutoRead(true);
            deadline.resumed();
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // idle: no bytes either way for the idle timeout; a waiting request keeps it open, but
        // not an answer the client has not read all that time: its queued requests would hold
        // their share of the body budget for as long as it stayed connected
        if (event instanceof IdleStateEvent
                && ((!busy && !deadline.reading()) || unwritten(ctx.channel()) > 0)) {
            ctx.close();
        }
    }

    /** Bytes written to the channel and not yet taken by the client's socket. */
    private static long unwritten(Channel channel) {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        queued.forEach(this::discard);
        queued.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close(); // a reset by the client, mostly; nothing to answer
    }
}
