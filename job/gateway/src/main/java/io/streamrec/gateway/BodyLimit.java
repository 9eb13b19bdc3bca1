package io.streamrec.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The body limit: a request over it gets 413 and its connection ends unread; one that the {@link
 * BodyBudget} cannot hold gets 503 the same way. Both are {@link Refusal}s passed down the
 * pipeline, answered in their request's turn.
 *
 * <p>A body is read only when its head may send one ({@link HttpConnection.Router#readsBody}):
 * otherwise the head is passed on alone ({@link HeadAlone}) before it reserves anything, so heads
 * that announce bodies they never send hold the budget only for clients that may write events.
 */
final class BodyLimit extends HttpObjectAggregator {
    private final int maxBytes;
    private final BodyBudget budget;

    /** Whether the connection has a request in progress: no 100 Continue goes out ahead of it. */
    private final BooleanSupplier busy;

    /** What this connection's body in progress holds of the budget. */
    private long reserved;

    /** Whether a head's body is read, and so reserved. */
    private final Predicate<HttpRequest> readsBody;

    private boolean overBudget;

    /** The head in progress is passed on alone, its body unread. */
    private boolean headAlone;

    BodyLimit(int maxBytes, BodyBudget budget, BooleanSupplier busy) {
        this(maxBytes, budget, busy, head -> true);
    }

    BodyLimit(
            int maxBytes,
            BodyBudget budget,
            BooleanSupplier busy,
            Predicate<HttpRequest> readsBody) {
        super(maxBytes);
        this.maxBytes = maxBytes;
        this.budget = budget;
        this.busy = busy;
        this.readsBody = readsBody;
    }

    /**
     * Over {@code gateway.max-body} (413), or not within the budget (503): checked at the head,
     * before any of the body is read.
     */
    @Override
    protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
        if (overBudget || headAlone) {
            return true; // found by newContinueResponse, which comes first
        }
        return super.isContentLengthInvalid(start, maxContentLength) || !reserveFor(start);
    }

    /**
     * Reserves what {@code start}'s body may take of the budget; false (and {@link #headAlone})
     * when the body is not to be read, or (and {@link #overBudget}) when the budget cannot hold it.
     */
    private boolean reserveFor(HttpMessage start) {
        releaseReserved(); // a body that never finished (none can be pending here)
        long wanted = wantedBy(start);
        if (wanted > 0 && !(start instanceof HttpRequest head && readsBody.test(head))) {
            headAlone = true;
            return false;
        }
        if (wanted > 0 && !budget.reserve(wanted)) {
            overBudget = true;
            return false;
        }
        reserved = wanted;
        return true;
    }

    /** The bytes {@code start}'s body may take: its Content-Length, the limit when chunked. */
    private long wantedBy(HttpMessage start) {
        if (start.decoderResult().isFailure()) {
            return 0; // refused 400 whole: its body is not read (a bad Content-Length too)
        }
        long length;
        try {
            length = HttpUtil.getContentLength(start, -1L);
        } catch (NumberFormatException e) {
            return 0; // the decoder fails such a head: 400
        }
        return length >= 0 ? length : HttpUtil.isTransferEncodingChunked(start) ? maxBytes : 0;
    }

    /**
     * Received whole: the request keeps exactly its body's bytes of the budget until the connection
     * routes or drops it ({@link HttpConnection}); the rest of the reservation (a chunked body's
     * unused part) goes back now.
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
     * {@link #handleOversizedMessage} (413, closed), an expectation other than 100-continue by a
     * 417 refusal, and no 100 Continue goes out ahead of the answer in progress (the client sends
     * its body after its own wait). Netty would write each at once.
     */
    @Override
    protected Object newContinueResponse(
            HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        String expect = start.headers().get(HttpHeaderNames.EXPECT);
        if (expect == null || start.decoderResult().isFailure()) {
            // a malformed head (a Content-Length not a number among them) gets its 400 in its
            // turn; its headers are not read here, where a throw would end the connection before
            // the answer in progress went out
            return null;
        }
        if (expect.equalsIgnoreCase("100-continue")
                && HttpUtil.getContentLength(start, -1L) <= maxContentLength
                && !busy.getAsBoolean()) {
            return continueWithinBudget(start, maxContentLength, pipeline);
        }
        start.headers().remove(HttpHeaderNames.EXPECT);
        if (!expect.equalsIgnoreCase("100-continue")) {
            pipeline.context(this)
                    .fireChannelRead(
                            new Refusal(417, Exchange.error("unsupported Expect: " + expect)));
        }
        return null;
    }

    /** Netty checks the length only without a 100 Continue: the budget is taken here. */
    private Object continueWithinBudget(
            HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        if (reserveFor(start)) {
            return super.newContinueResponse(start, maxContentLength, pipeline);
        }
        start.headers().remove(HttpHeaderNames.EXPECT);
        return null; // isContentLengthInvalid then refuses it, 503
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.channel().config().setAutoRead(false); // the rest of the body is not read
        releaseReserved();
        if (headAlone) {
            headAlone = false;
            ctx.fireChannelRead(new HeadAlone(withoutBody((HttpRequest) oversized)));
            return;
        }
        Refusal refusal =
                overBudget
                        ? new Refusal(
                                503,
                                Exchange.error(
                                        "gateway busy: too many request bodies arriving at once"))
                        : new Refusal(
                                413, Exchange.error("body larger than " + maxBytes + " bytes"));
        overBudget = false;
        ctx.fireChannelRead(refusal);
    }

    /**
     * {@code head} as a whole request with an empty body, without the framing of the one unread.
     */
    private static FullHttpRequest withoutBody(HttpRequest head) {
        DefaultFullHttpRequest request =
                new DefaultFullHttpRequest(
                        head.protocolVersion(),
                        head.method(),
                        head.uri(),
                        Unpooled.EMPTY_BUFFER,
                        head.headers().copy(),
                        new DefaultHttpHeaders());
        request.headers()
                .remove(HttpHeaderNames.CONTENT_LENGTH)
                .remove(HttpHeaderNames.TRANSFER_ENCODING)
                .remove(HttpHeaderNames.EXPECT);
        request.setDecoderResult(head.decoderResult());
        return request;
    }
}
