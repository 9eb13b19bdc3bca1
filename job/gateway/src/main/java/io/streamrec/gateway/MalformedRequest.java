package io.streamrec.gateway;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Why a whole request is malformed (400, connection closed) before it is routed. */
final class MalformedRequest {
    private static final Logger LOG = LoggerFactory.getLogger(MalformedRequest.class);

    /**
     * A framing the gateway refuses itself: its message, written here, is fit for the client. The
     * decoder's own exceptions are not shown (their class names the server's make): only the limit
     * a head passed, or that it is malformed.
     */
    static final class Why extends IllegalArgumentException {
        Why(String message) {
            super(message);
        }
    }

    private MalformedRequest() {}

    /** Why {@code request} is malformed, or null. */
    static String reason(FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            // any client can send these: a line each would let it fill the log
            LOG.debug("Malformed request: {}", cause.toString());
            return "malformed request: " + shown(cause);
        }
        if (HttpVersion.HTTP_1_1.equals(request.protocolVersion())
                && request.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
            return "an HTTP/1.1 request needs exactly one Host header"; // RFC 9112 3.2
        }
        return uriReason(request.uri());
    }

    private static String shown(Throwable cause) {
        if (cause instanceof Why) {
            return cause.getMessage();
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return "request head larger than " + StrictRequestDecoder.MAX_HEAD_BYTES + " bytes";
        }
        if (cause instanceof TooLongHttpLineException) {
            return "request line or chunk line longer than "
                    + StrictRequestDecoder.MAX_LINE_BYTES
                    + " bytes";
        }
        return "not an HTTP/1.1 request as RFC 9112 frames one";
    }

    /** Why the URI's percent-encoding cannot be decoded, or null when it can. */
    static String uriReason(String uri) {
        try {
            QueryStringDecoder decoded = new QueryStringDecoder(uri);
            decoded.path();
            decoded.parameters();
            return null;
        } catch (IllegalArgumentException e) {
            return "malformed request URI: " + e.getMessage();
        }
    }
}
