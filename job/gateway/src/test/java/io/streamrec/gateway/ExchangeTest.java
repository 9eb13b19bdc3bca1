package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One request's answer on a connection: sent once, and what it waited with let go of. */
class ExchangeTest {

    @Test
    void aRequestAbandonedBeforeItsAnswerRunsItsActionWhenTheConnectionCloses() {
        EmbeddedChannel channel = new EmbeddedChannel();
        AtomicInteger abandoned = new AtomicInteger();
        new Exchange(channel, true, () -> {}).whenAbandoned(abandoned::incrementAndGet);
        channel.close();
        assertThat(abandoned).hasValue(1);
    }

    @Test
    void anAnsweredRequestIsNotAbandonedWhenItsKeepAliveConnectionLaterCloses() {
        EmbeddedChannel channel = new EmbeddedChannel();
        AtomicInteger abandoned = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            Exchange exchange = new Exchange(channel, true, () -> {});
            exchange.whenAbandoned(abandoned::incrementAndGet);
            exchange.send(200, "{}");
            ReferenceCountUtil.release(channel.readOutbound());
        }
        channel.close();
        assertThat(abandoned).hasValue(0);
    }

    @Test
    void aKeepAliveConnectionHoldsNothingOfTheRequestsItAnswered() {
        EmbeddedChannel channel = new EmbeddedChannel();
        WeakReference<byte[]> firstBody = null;
        for (int i = 0; i < 1_000; i++) {
            byte[] body = new byte[1024]; // what a waiting request's action holds: its result
            if (firstBody == null) {
                firstBody = new WeakReference<>(body);
            }
            Exchange exchange = new Exchange(channel, true, () -> {});
            exchange.whenAbandoned(() -> body[0]++);
            exchange.send(200, "{}");
            ReferenceCountUtil.release(channel.readOutbound());
        }
        for (int attempt = 0; attempt < 20 && firstBody.get() != null; attempt++) {
            System.gc();
        }
        assertThat(firstBody.get()).as("the first answered request's body").isNull();
        assertThat(channel.isOpen()).isTrue();
    }
}
