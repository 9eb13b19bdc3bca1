package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One count shared by all connections: one over the bound is closed before the handlers after the
 * count see it active.
 */
class ConnectionCountTest {
    private final ConnectionCount count = new ConnectionCount(2);

    /** What the handlers after the count saw, in order. */
    private final List<String> seen = new ArrayList<>();

    private EmbeddedChannel connect(String name) {
        return new EmbeddedChannel(
                count,
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        seen.add("active " + name);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        seen.add("inactive " + name);
                    }
                });
    }

    @Test
    void aConnectionOverTheBoundIsClosedAtOnceAndOneClosedMakesRoom() {
        EmbeddedChannel a = connect("a");
        EmbeddedChannel b = connect("b");
        EmbeddedChannel over = connect("over");

        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).isTrue();
        assertThat(over.isOpen()).isFalse();
        assertThat(count.open()).isEqualTo(2);

        a.close();
        assertThat(count.open()).isEqualTo(1);
        EmbeddedChannel c = connect("c");
        assertThat(c.isOpen()).isTrue();
        assertThat(count.open()).isEqualTo(2);

        assertThat(seen)
                .containsExactly("active a", "active b", "inactive over", "inactive a", "active c");
    }
}
