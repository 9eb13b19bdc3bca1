package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A request's clock, on the channel's frozen time: it starts at the request's first byte, not at
 * later ones, and stops when the request is read whole or its connection ends.
 */
class ReadDeadlineTest {
    /** What the decoder behind the deadline would say: bytes of a request not yet read whole. */
    private boolean begun;

    private final ReadDeadline deadline = new ReadDeadline(1_000, () -> begun);
    private boolean inactiveSeen;
    private final EmbeddedChannel channel =
            new EmbeddedChannel(
                    deadline,
                    new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            inactiveSeen = true;
                        }
                    });

    ReadDeadlineTest() {
        channel.freezeTime();
    }

    private void receive(String bytes) {
        begun = true;
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    /** The refusals passed on, in order; the bytes passed on are released. */
    private List<Refusal> refusals() {
        List<Refusal> refusals = new ArrayList<>();
        for (Object in; (in = channel.readInbound()) != null; ) {
            if (in instanceof Refusal refusal) {
                refusals.add(refusal);
            } else {
                ((ByteBuf) in).release();
            }
        }
        return refusals;
    }

    @Test
    void aRequestNotReadWholeWithinTheTimeoutOfItsFirstByteIsRefused408() {
        receive("GET /hea");
        advance(600);
        receive("lth HTTP/1.1\r\n"); // later bytes do not restart the clock
        advance(399);
        assertThat(refusals()).isEmpty();

        advance(1);

        assertThat(refusals())
                .containsExactly(
                        new Refusal(408, Exchange.error("request not received within 1000 ms")));
        advance(1_000);
        assertThat(refusals()).as("one refusal for the request").isEmpty();
    }

    @Test
    void anEmptyReadStartsNoClock() {
        channel.writeInbound(Unpooled.EMPTY_BUFFER);

        assertThat(deadline.reading()).isFalse();
        advance(5_000);
        assertThat(refusals()).isEmpty();
    }

    @Test
    void aRequestReadWholeStopsItsClockAndTheNextByteStartsAnother() {
        receive("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(deadline.reading()).isTrue();
        advance(900);

        begun = false;
        deadline.requestRead();
        assertThat(deadline.reading()).isFalse();
        advance(900);
        assertThat(refusals()).isEmpty();

        receive("G");
        advance(999);
        assertThat(refusals()).isEmpty();
        advance(1);
        assertThat(refusals()).hasSize(1);
    }

    @Test
    void aClosedConnectionsClockStops() {
        receive("GET /hea");

        channel.close();

        assertThat(deadline.reading()).isFalse();
        assertThat(inactiveSeen).as("passed on").isTrue();
        advance(5_000);
        assertThat(refusals()).isEmpty();
    }
}
