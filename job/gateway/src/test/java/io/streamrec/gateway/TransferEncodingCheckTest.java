package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/**
 * The framing rules on a decoded head, without the decoder: {@code Transfer-Encoding} is {@code
 * chunked} alone, in HTTP/1.1, without {@code Content-Length}, or the head is failed (400).
 */
class TransferEncodingCheckTest {
    private static HttpRequest head(HttpVersion version, String... headers) {
        HttpRequest head = new DefaultHttpRequest(version, HttpMethod.POST, "/events");
        for (int i = 0; i < headers.length; i += 2) {
            head.headers().add(headers[i], headers[i + 1]);
        }
        return head;
    }

    /** The head as the next handler gets it. */
    private static HttpRequest checked(HttpRequest head) {
        EmbeddedChannel channel = new EmbeddedChannel(new TransferEncodingCheck());
        channel.writeInbound(head);
        HttpRequest passed = channel.readInbound();
        assertThat(passed).isSameAs(head);
        return passed;
    }

    private static boolean malformed(HttpRequest head) {
        return checked(head).decoderResult().isFailure();
    }

    @Test
    void chunkedAloneInHttp11IsFramingInAnyCase() {
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", "chunked"))).isFalse();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", "Chunked"))).isFalse();
    }

    @Test
    void aHeadWithoutTransferEncodingPassesInEitherVersion() {
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Content-Length", "2"))).isFalse();
        assertThat(malformed(head(HttpVersion.HTTP_1_0, "Content-Length", "2"))).isFalse();
        assertThat(malformed(head(HttpVersion.HTTP_1_0))).isFalse();
    }

    @Test
    void chunkedInHttp10IsMalformed() {
        HttpRequest head = checked(head(HttpVersion.HTTP_1_0, "Transfer-Encoding", "chunked"));

        assertThat(head.decoderResult().isFailure()).isTrue();
        assertThat(head.decoderResult().cause())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Transfer-Encoding other than chunked once, in HTTP/1.0 or with"
                                + " Content-Length");
    }

    @Test
    void chunkedBesideContentLengthIsMalformed() {
        assertThat(
                        malformed(
                                head(
                                        HttpVersion.HTTP_1_1,
                                        "Transfer-Encoding",
                                        "chunked",
                                        "Content-Length",
                                        "2")))
                .isTrue();
    }

    @Test
    void anyCodingButChunkedOnceIsMalformed() {
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", "chunked, chunked")))
                .isTrue();
        assertThat(
                        malformed(
                                head(
                                        HttpVersion.HTTP_1_1,
                                        "Transfer-Encoding",
                                        "chunked",
                                        "Transfer-Encoding",
                                        "chunked")))
                .isTrue();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", "gzip, chunked")))
                .isTrue();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", "gzip"))).isTrue();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", "xchunked"))).isTrue();
    }

    /** RFC 9110 5.6.1: empty list elements are ignored wherever they stand, in any value. */
    @Test
    void emptyListElementsAroundChunkedAreIgnored() {
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", ", chunked")))
                .isFalse();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", "chunked ,")))
                .isFalse();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", "chunked , ,")))
                .isFalse();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", ",, chunked ,,")))
                .isFalse();
        assertThat(
                        malformed(
                                head(
                                        HttpVersion.HTTP_1_1,
                                        "Transfer-Encoding",
                                        ", ,",
                                        "Transfer-Encoding",
                                        "chunked")))
                .isFalse();
    }

    @Test
    void emptyElementsDoNotHideASecondCoding() {
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", "chunked, , chunked")))
                .isTrue();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", ", gzip, chunked")))
                .isTrue();
    }

    /**
     * Only empty elements is no coding at all, so no framing. (A value of only whitespace reaches
     * the check as empty: the decoder trims values, and Netty's headers refuse untrimmed ones.)
     */
    @Test
    void aTransferEncodingOfOnlyEmptyElementsIsMalformed() {
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", ","))).isTrue();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", ", ,"))).isTrue();
        assertThat(malformed(head(HttpVersion.HTTP_1_1, "Transfer-Encoding", ""))).isTrue();
    }

    /** The decoder's own failure is what the 400 names, not this check's. */
    @Test
    void aHeadTheDecoderFailedKeepsItsCause() {
        HttpRequest head = head(HttpVersion.HTTP_1_0, "Transfer-Encoding", "chunked");
        IllegalArgumentException decoderCause = new IllegalArgumentException("bad header");
        head.setDecoderResult(DecoderResult.failure(decoderCause));

        assertThat(checked(head).decoderResult().cause()).isSameAs(decoderCause);
    }

    @Test
    void bodyPartsPassUnchanged() {
        EmbeddedChannel channel = new EmbeddedChannel(new TransferEncodingCheck());
        HttpContent part = new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {1, 2}));
        channel.writeInbound(part);

        HttpContent passed = channel.readInbound();
        assertThat(passed).isSameAs(part);
        assertThat(passed.decoderResult().isSuccess()).isTrue();
        passed.release();
    }
}
