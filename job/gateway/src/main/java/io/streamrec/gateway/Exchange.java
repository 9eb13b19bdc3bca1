package io.streamrec.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.streamrec.records.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's answer: sent at most once, from any thread (it hops to the connection's event
 * loop), so a request waiting for its result holds no thread, only this object.
 */
final class Exchange {
    /**
     * How long a refused connection stays half-open so the client reads the answer, not a reset.
     */
    static final long LINGER_MILLIS = 500;

    /** The Retry-After of a 503 for a gateway too busy to take the request. */
    static final long BUSY_RETRY_AFTER_SECONDS = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Channel channel;
    private final boolean keepAlive;

    /** The request's body was not read: the answer ends the connection as {@link #refuse} does. */
    private final boolean ending;

    /** The request was HEAD: its answer is a head alone, whatever its status. */
    private final boolean headOnly;

    private final Runnable onSent;
    private final Runnable releaseBody;
    private volatile boolean bodyKept;
    private final AtomicBoolean sent = new AtomicBoolean();
    private volatile GenericFutureListener<Future<Void>> abandoned;

    Exchange(Channel channel, boolean keepAlive, Runnable onSent) {
        this(channel, keepAlive, false, onSent, () -> {});
    }

    /**
     * @param releaseBody gives the request body's share of the bodies-in-flight budget back; run
     *     once, however often it is called
     */
    Exchange(
            Channel channel,
            boolean keepAlive,
            boolean headOnly,
            Runnable onSent,
            Runnable releaseBody) {
        this(channel, keepAlive, headOnly, onSent, releaseBody, false);
    }

    private Exchange(
            Channel channel,
            boolean keepAlive,
            boolean headOnly,
            Runnable onSent,
            Runnable releaseBody,
            boolean ending) {
        this.channel = channel;
        this.keepAlive = keepAlive;
        this.ending = ending;
        this.headOnly = headOnly;
        this.onSent = onSent;
        this.releaseBody = releaseBody;
    }

    /**
     * The exchange of a request whose body is not read ({@link HeadAlone}): its answer ends the
     * connection without reading the body, lingering so the client reads the answer, not a reset.
     */
    static Exchange ending(Channel channel, boolean headOnly) {
        return new Exchange(channel, false, headOnly, () -> {}, () -> {}, true);
    }

    /**
     * Keeps the request body's share of {@code gateway.bodies-in-flight} after routing, for a
     * router that hands a copy of the body to a worker: queued work would otherwise hold bodies the
     * budget no longer counts. The share goes back when the returned action runs, not when routing
     * ends.
     */
    Runnable keepBody() {
        bodyKept = true;
        return releaseBody;
    }

    boolean bodyKept() {
        return bodyKept;
    }

    /**
     * Takes the right to answer from this exchange, so that a send from elsewhere (a worker the
     * request was handed to) writes nothing; false when it was answered already.
     */
    boolean claim() {
        return sent.compareAndSet(false, true);
    }

    Channel channel() {
        return channel;
    }

    /**
     * Runs {@code action} if the client goes away before the answer is sent. The listener leaves
     * the connection's close future when the answer is sent: a keep-alive connection serves request
     * after request, and each listener holds what its action holds (a result's body).
     */
    void whenAbandoned(Runnable action) {
        GenericFutureListener<Future<Void>> listener =
                f -> {
                    if (!sent.get()) {
                        action.run();
                    }
                };
        abandoned = listener;
        channel.closeFuture().addListener(listener);
        if (sent.get()) {
            channel.closeFuture().removeListener(listener); // answered meanwhile
        }
    }

    void send(int status, String json) {
        send(status, json, 0);
    }

    /** 401 with the {@code WWW-Authenticate: Bearer} challenge. */
    void sendUnauthorized(String json) {
        FullHttpResponse response = response(401, json, 0);
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        send(response);
    }

    /** 405 with the {@code Allow} header an origin server must send with it (RFC 9110 15.5.6). */
    void sendMethodNotAllowed(String allowed, String json) {
        FullHttpResponse response = response(405, json, 0);
        response.headers().set(HttpHeaderNames.ALLOW, allowed);
        send(response);
    }

    /**
     * Refuses a request on a user's path that is not {@code allowed} (405) or whose user id is
     * malformed (400); true when it answered so.
     */
    boolean refusedUserRequest(HttpMethod method, HttpMethod allowed, String userId) {
        if (!allowed.equals(method)) {
            sendMethodNotAllowed(allowed.name(), error("use " + allowed.name()));
            return true;
        }
        if (!RecordParser.ID.matcher(userId).matches()) {
            send(400, error("userId must be 1-128 of [A-Za-z0-9._:-]"));
            return true;
        }
        return false;
    }

    /** 503 with Retry-After: the gateway has no room for the request now ({@code why}). */
    void sendBusy(String why) {
        send(503, error("gateway busy: " + why), BUSY_RETRY_AFTER_SECONDS);
    }

    /** 429 with Retry-After: a limiter's wait, in whole seconds rounded up. */
    void sendTooManyRequests(String message, long waitMillis) {
        send(429, error(message), (waitMillis + 999) / 1000);
    }

    /** The JSON body of an error answer: {@code {"error":message}}. */
    static String error(String message) {
        return MAPPER.createObjectNode().put("error", message).toString();
    }

    /** Sends the answer, with {@code Retry-After: retryAfterSeconds} when that is above 0. */
    void send(int status, String json, long retryAfterSeconds) {
        send(response(status, json, retryAfterSeconds));
    }

    private void send(FullHttpResponse answer) {
        if (!sent.compareAndSet(false, true)) {
            answer.release();
            return;
        }
        GenericFutureListener<Future<Void>> listener = abandoned;
        if (listener != null) {
            channel.closeFuture().removeListener(listener);
        }
        // the head keeps the Content-Length a GET would get; the encoder writes what it is given
        FullHttpResponse response = headOnly ? answer.replace(Unpooled.EMPTY_BUFFER) : answer;
        if (headOnly) {
            answer.release();
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (ending) {
            channel.writeAndFlush(response).addListener(f -> endOutput(channel));
            return;
        }
        ChannelFuture written = channel.writeAndFlush(response);
        if (keepAlive) {
            // a failed write leaves the client without its answer: no request after it is routed
            written.addListener(
                    f -> {
                        if (f.isSuccess()) {
                            channel.eventLoop().execute(onSent);
                        } else {
                            channel.close();
                        }
                    });
        } else {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    static FullHttpResponse response(int status, String json, long retryAfterSeconds) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(status),
                        Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (retryAfterSeconds > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        return response;
    }

    /**
     * Answers and ends the connection without reading what the client still sends: stops reading,
     * writes the answer, half-closes, and closes after {@link #LINGER_MILLIS}, so the client reads
     * the answer before the close resets the connection.
     */
    static void refuse(Channel channel, int status, String json) {
        channel.config().setAutoRead(false);
        FullHttpResponse response = response(status, json, 0);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.writeAndFlush(response).addListener(f -> endOutput(channel));
    }

    /**
     * Half-closes: over TLS after a close_notify, so that the client reads a clean end of the
     * answer rather than a truncated TLS stream.
     */
    private static void endOutput(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        ChannelFuture ended = tls == null ? channel.newSucceededFuture() : tls.closeOutbound();
        ended.addListener(
                f -> {
                    if (channel instanceof SocketChannel socket && socket.isActive()) {
                        socket.shutdownOutput();
                    }
                    channel.eventLoop()
                            .schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
                });
    }
}
