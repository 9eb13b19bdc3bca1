package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The body limit's share of the budget behind the decoder, where no test of the whole connection
 * sees it: a chunked body holds the limit until its last chunk, and a body refused gives its share
 * back at once.
 */
class BodyLimitTest {
    private static final int MAX_BODY = 100;

    private final BodyBudget budget = new BodyBudget(1_000);

    private final EmbeddedChannel channel =
            new EmbeddedChannel(
                    new StrictRequestDecoder(),
                    new TransferEncodingCheck(),
                    new BodyLimit(MAX_BODY, budget, () -> false));

    private void receive(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void aChunkedBodyHoldsTheLimitUntilItsLastChunkAndThenOnlyItsSize() {
        receive(
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
        assertThat(budget.available()).isEqualTo(1_000 - MAX_BODY);

        receive("0\r\n\r\n");

        FullHttpRequest request = channel.readInbound();
        assertThat(request.content().readableBytes()).isEqualTo(3);
        assertThat(budget.available()).as("held until routed").isEqualTo(997);
        request.release();
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AndGivesItsShareBackAtOnce() {
        receive(
                "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "65\r\n"
                        + "x".repeat(101)
                        + "\r\n");

        assertThat((Object) channel.readInbound())
                .isEqualTo(new Refusal(413, Exchange.error("body larger than 100 bytes")));
        assertThat(budget.available()).isEqualTo(1_000);
        assertThat(channel.config().isAutoRead()).as("the rest is not read").isFalse();
    }

    /** Netty's own answer would go out at once, ahead of any answer in progress. */
    @Test
    void anOversizedBodyExpectingAContinueGetsNoContinueAndReservesNothing() {
        receive(
                "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n"
                        + "Expect: 100-continue\r\n\r\n");

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat((Object) channel.readInbound())
                .isEqualTo(new Refusal(413, Exchange.error("body larger than 100 bytes")));
        assertThat(budget.available()).isEqualTo(1_000);
    }

    /** A malformed head gets its 400, whatever the budget holds: its body is not read. */
    @Test
    void aMalformedHeadIsPassedOnForIts400EvenWhenTheBudgetCouldNotHoldItsBody() {
        budget.reserve(990);
        receive(
                "POST /events HTTP/1.0\r\nContent-Length: 40\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n");

        FullHttpRequest request = channel.readInbound();
        assertThat(request.decoderResult().isFailure()).isTrue();
        assertThat(budget.available()).isEqualTo(10);
        request.release();
    }
}
