package io.streamrec.gateway;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Request heads as RFC 9112 frames them, where a proxy in front and this gateway could disagree
 * about where a request ends (request smuggling): lines end in CRLF only, and a request with both
 * Content-Length and {@code Transfer-Encoding: chunked} is malformed (400 and close), not read as
 * chunked on a connection kept alive.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
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
