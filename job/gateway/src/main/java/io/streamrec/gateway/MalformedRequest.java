package io.streamrec.gateway;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

/** Why a whole request is malformed (400, connection closed) before it is routed. */
final class MalformedRequest {
    private MalformedRequest() {}

    /** Why {@code request} is malformed, or null. */
    static String reason(FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return "malformed request: " + request.decoderResult().cause();
        }
        if (HttpVersion.HTTP_1_1.equals(request.protocolVersion())
                && request.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
            return "an HTTP/1.1 request needs exactly one Host header"; // RFC 9112 3.2
        }
        return uriReason(request.uri());
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
