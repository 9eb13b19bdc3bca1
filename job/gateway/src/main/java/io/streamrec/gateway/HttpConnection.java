package io.streamrec.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
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
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    /** The first handler of a connection's pipeline: TLS, when on, goes right after it. */
    static final String COUNT = "count";

    /** Pipelined requests a connection may queue behind the one in progress. */
    private static final int MAX_QUEUED = 16;

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

    /**
     * An answer that ends the connection, decided by a handler before this one (the body limit, the
     * read deadline) and passed down the pipeline, so it is sent in its request's turn.
     */
    record Refusal(int status, String json) {}

    private HttpConnection(Router router, ReadDeadline deadline, BodyBudget budget) {
        this.router = router;
        this.deadline = deadline;
        this.budget = budget;
    }

    /** Whether a request is in progress (called on the connection's event loop). */
    private boolean isBusy() {
        return busy;
    }

    /** Builds a new connection's pipeline. */
    static void initialize(Channel channel, Router router, ConnectionCount count, Limits limits) {
        ReadDeadline deadline = new ReadDeadline(limits.readTimeoutMillis());
        HttpConnection connection = new HttpConnection(router, deadline, limits.bodyBudget());
        channel.pipeline()
                .addLast(COUNT, count)
                .addLast(
                        "idle",
                        new IdleStateHandler(
                                0, 0, limits.idleTimeoutMillis(), TimeUnit.MILLISECONDS))
                .addLast("deadline", deadline)
                .addLast("decoder", new StrictRequestDecoder())
                .addLast("framing", new FramingCheck())
                .addLast("encoder", new HttpResponseEncoder())
                .addLast(
                        "body",
                        new BodyLimit(
                                limits.maxBodyBytes(), limits.bodyBudget(), connection::isBusy))
                .addLast("app", connection);
    }

    record Limits(
            long readTimeoutMillis,
            long idleTimeoutMillis,
            int maxBodyBytes,
            BodyBudget bodyBudget) {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Refusal refusal) {
            refuseInTurn(ctx, refusal);
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
        if (msg instanceof FullHttpRequest request) {
            budget.release(request.content().readableBytes());
        }
        ReferenceCountUtil.release(msg);
    }

    private void start(ChannelHandlerContext ctx, FullHttpRequest request) {
        Runnable releaseBody = releaseOnce(request.content().readableBytes()); // before it is read
        busy = true;
        ctx.channel().config().setAutoRead(false);
        Exchange exchange = null;
        try {
            String malformed = malformed(request);
            if (malformed != null) {
                refuse(ctx, new Refusal(400, Exchange.error(malformed)));
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            boolean head = HttpMethod.HEAD.equals(request.method());
            exchange = new Exchange(ctx.channel(), keepAlive, head, () -> next(ctx), releaseBody);
            if (!SERVED_METHODS.contains(request.method())) {
                exchange.sendMethodNotAllowed(
                        ALLOWED, Exchange.error(request.method() + " is not served here"));
                return;
            }
            router.handle(request, exchange);
        } catch (RuntimeException e) {
            // a bug, not the client's fault: answered, or the connection would wait for ever; the
            // requests queued behind it are not routed (the connection ends)
            LOG.warn("Request {} {} failed", request.method(), request.uri(), e);
            refusing = true;
            queued.forEach(this::discard);
            queued.clear();
            if (exchange == null || exchange.claim()) {
                refuse(ctx, new Refusal(500, Exchange.error("internal error")));
            } else {
                ctx.close();
            }
        } finally {
            if (exchange == null || !exchange.bodyKept()) {
                releaseBody.run(); // routed: the router copied what it keeps, and is done with it
            }
            request.release();
        }
    }

    /** The methods any resource here takes; the others get 405 before routing. */
    private static final Set<HttpMethod> SERVED_METHODS = Set.of(HttpMethod.GET, HttpMethod.POST);

    /** {@link #SERVED_METHODS} as an {@code Allow} header names them. */
    private static final String ALLOWED = "GET, POST";

    /** Gives {@code bytes} back to the budget the first time it runs, never again. */
    private Runnable releaseOnce(long bytes) {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                budget.release(bytes);
            }
        };
    }

    /** Why a request is malformed (400, connection closed), or null. */
    private static String malformed(FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return "malformed request: " + request.decoderResult().cause();
        }
        if (HttpVersion.HTTP_1_1.equals(request.protocolVersion())
                && request.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
            return "an HTTP/1.1 request needs exactly one Host header"; // RFC 9112 3.2
        }
        return malformedUri(request.uri());
    }

    /**
     * Request heads as RFC 9112 frames them, where a proxy in front and this gateway could disagree
     * about where a request ends (request smuggling): lines end in CRLF only, and a request with
     * both Content-Length and {@code Transfer-Encoding: chunked} is malformed (400 and close), not
     * read as chunked on a connection kept alive.
     */
    static final class StrictRequestDecoder extends HttpRequestDecoder {
        StrictRequestDecoder() {
            super(
                    new HttpDecoderConfig()
                            .setMaxInitialLineLength(4096)
                            .setMaxHeaderSize(8192)
                            .setMaxChunkSize(8192)
                            .setStrictLineParsing(true));
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException("both Content-Length and Transfer-Encoding");
        }
    }

    /**
     * A body framed by {@code Transfer-Encoding} other than {@code chunked} alone, in anything but
     * HTTP/1.1, or beside {@code Content-Length} is malformed (RFC 9112 6.1): a proxy in front
     * could frame it otherwise than the decoder. The decoder checks the last in HTTP/1.1 only, and
     * reads an HTTP/1.0 body with both as chunked.
     */
    static final class FramingCheck extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest head
                    && head.decoderResult().isSuccess()
                    && head.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                    && (!HttpVersion.HTTP_1_1.equals(head.protocolVersion())
                            || head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                            || !chunkedAlone(
                                    head.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING)))) {
                head.setDecoderResult(
                        DecoderResult.failure(
                                new IllegalArgumentException(
                                        "Transfer-Encoding other than chunked once, in "
                                                + head.protocolVersion()
                                                + " or with Content-Length")));
            }
            ctx.fireChannelRead(msg);
        }

        /**
         * Whether the header values list one coding, {@code chunked}: chunked given twice is no
         * framing either (RFC 9112 6.1 allows it once, last), and a proxy may refuse or unwrap it.
         */
        private static boolean chunkedAlone(List<String> values) {
            List<String> codings = new ArrayList<>();
            for (String value : values) {
                for (String coding : value.split(",")) {
                    codings.add(coding.trim());
                }
            }
            return codings.size() == 1 && codings.get(0).equalsIgnoreCase("chunked");
        }
    }

    /** Why the URI's percent-encoding cannot be decoded, or null when it can. */
    static String malformedUri(String uri) {
        try {
            QueryStringDecoder decoded = new QueryStringDecoder(uri);
            decoded.path();
            decoded.parameters();
            return null;
        } catch (IllegalArgumentException e) {
            return "malformed request URI: " + e.getMessage();
        }
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
        } else if (next instanceof Refusal refusal) {
            refuse(ctx, refusal);
        } else if (!refusing) {
            ctx.channel().config().setAutoRead(true);
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
                                                ctx.fireChannelRead(
                                                        new Refusal(
                                                                408,
                                                                Exchange.error(
                                                                        "request not received"
                                                                                + " within "
                                                                                + timeoutMillis
                                                                                + " ms"))),
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

    /**
     * The bytes of request bodies all connections may hold: each body reserves its Content-Length
     * ({@code gateway.max-body} when chunked) from its head, and keeps its own size from its last
     * byte until it is routed (or dropped, or its connection ends), pipelined ones queued behind a
     * request in progress included.
     */
    static final class BodyBudget {
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

    /**
     * The body limit: a request over it gets 413 and its connection ends unread; one that the
     * {@link BodyBudget} cannot hold gets 503 the same way.
     */
    static final class BodyLimit extends HttpObjectAggregator {
        private final int maxBytes;
        private final BodyBudget budget;
        private final BooleanSupplier busy;

        /** What this connection's body in progress holds of the budget. */
        private long reserved;

        private boolean overBudget;

        BodyLimit(int maxBytes, BodyBudget budget, BooleanSupplier busy) {
            super(maxBytes);
            this.maxBytes = maxBytes;
            this.budget = budget;
            this.busy = busy;
        }

        /**
         * Over {@code gateway.max-body} (413), or not within the budget (503): checked at the head,
         * before any of the body is read.
         */
        @Override
        protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
            if (overBudget) {
                return true; // found by newContinueResponse, which comes first
            }
            return super.isContentLengthInvalid(start, maxContentLength) || !reserveFor(start);
        }

        /**
         * Reserves what {@code start}'s body may take of the budget; false (and {@link
         * #overBudget}) when the budget cannot hold it.
         */
        private boolean reserveFor(HttpMessage start) {
            releaseReserved(); // a body that never finished (none can be pending here)
            if (start.decoderResult().isFailure()) {
                return true; // refused 400 whole: its body is not read (a bad Content-Length too)
            }
            long length;
            try {
                length = HttpUtil.getContentLength(start, -1L);
            } catch (NumberFormatException e) {
                return true; // the decoder fails such a head: 400
            }
            long wanted =
                    length >= 0 ? length : HttpUtil.isTransferEncodingChunked(start) ? maxBytes : 0;
            if (wanted > 0 && !budget.reserve(wanted)) {
                overBudget = true;
                return false;
            }
            reserved = wanted;
            return true;
        }

        /**
         * Received whole: the request keeps exactly its body's bytes of the budget until the
         * connection routes or drops it ({@link HttpConnection#discard}); the rest of the
         * reservation (a chunked body's unused part) goes back now.
         */
        @Override
        protected void finishAggregation(FullHttpMessage aggregated) throws Exception {
            super.finishAggregation(aggregated);
            long body = aggregated.content().readableBytes();
            budget.release(reserved - body); // negative (never expected) takes the difference
            reserved = 0;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            releaseReserved();
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
            releaseReserved();
            super.handlerRemoved(ctx);
        }

        private void releaseReserved() {
            budget.release(reserved);
            reserved = 0;
        }

        /**
         * Answers to {@code Expect} go in their request's turn too: an oversized body is refused by
         * {@link #handleOversizedMessage} (413, closed), an expectation other than 100-continue by
         * a 417 refusal, and no 100 Continue goes out ahead of the answer in progress (the client
         * sends its body after its own wait). Netty would write each at once.
         */
        @Override
        protected Object newContinueResponse(
                HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            String expect = start.headers().get(HttpHeaderNames.EXPECT);
            if (expect == null || start.decoderResult().isFailure()) {
                // a malformed head (a Content-Length not a number among them) gets its 400 in
                // its turn; its headers are not read here, where a throw would end the
                // connection before the answer in progress went out
                return null;
            }
            if (expect.equalsIgnoreCase("100-continue")
                    && HttpUtil.getContentLength(start, -1L) <= maxContentLength
                    && !busy.getAsBoolean()) {
                // Netty checks the length only without a 100 Continue: the budget is taken here
                if (reserveFor(start)) {
                    return super.newContinueResponse(start, maxContentLength, pipeline);
                }
                start.headers().remove(HttpHeaderNames.EXPECT);
                return null; // isContentLengthInvalid then refuses it, 503
            }
            start.headers().remove(HttpHeaderNames.EXPECT);
            if (!expect.equalsIgnoreCase("100-continue")) {
                pipeline.context(this)
                        .fireChannelRead(
                                new Refusal(417, Exchange.error("unsupported Expect: " + expect)));
            }
            return null;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.channel().config().setAutoRead(false); // the rest of the body is not read
            releaseReserved();
            if (overBudget) {
                overBudget = false;
                ctx.fireChannelRead(
                        new Refusal(
                                503,
                                Exchange.error(
                                        "gateway busy: too many request bodies arriving at once")));
                return;
            }
            ctx.fireChannelRead(
                    new Refusal(413, Exchange.error("body larger than " + maxBytes + " bytes")));
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
