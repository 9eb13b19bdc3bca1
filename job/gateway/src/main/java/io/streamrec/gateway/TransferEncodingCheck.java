package io.streamrec.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * A body framed by {@code Transfer-Encoding} other than {@code chunked} alone, in anything but
 * HTTP/1.1, or beside {@code Content-Length} is malformed (RFC 9112 6.1): a proxy in front could
 * frame it otherwise than the decoder. The decoder checks the last in HTTP/1.1 only, and reads an
 * HTTP/1.0 body with both as chunked.
 */
final class TransferEncodingCheck extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest head
                && head.decoderResult().isSuccess()
                && framedAmbiguously(head)) {
            head.setDecoderResult(
                    DecoderResult.failure(
                            new MalformedRequest.Why(
                                    "Transfer-Encoding other than chunked once, in "
                                            + head.protocolVersion()
                                            + " or with Content-Length")));
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean framedAmbiguously(HttpRequest head) {
        HttpHeaders headers = head.headers();
        return headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                && (!HttpVersion.HTTP_1_1.equals(head.protocolVersion())
                        || headers.contains(HttpHeaderNames.CONTENT_LENGTH)
                        || !chunkedAlone(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)));
    }

    /**
     * Whether the header values list one coding, {@code chunked}: chunked given twice is no framing
     * either (RFC 9112 6.1 allows it once, last), and a proxy may refuse or unwrap it. Empty list
     * elements are ignored wherever they stand (RFC 9110 5.6.1): {@code String.split} alone drops
     * only the trailing ones.
     */
    private static boolean chunkedAlone(List<String> values) {
        List<String> codings = new ArrayList<>();
        for (String value : values) {
            for (String element : value.split(",")) {
                String coding = element.trim();
                if (!coding.isEmpty()) {
                    codings.add(coding);
                }
            }
        }
        return codings.size() == 1 && codings.get(0).equalsIgnoreCase("chunked");
    }
}
