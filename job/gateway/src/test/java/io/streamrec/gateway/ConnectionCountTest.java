package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
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
        return new EmbeddedChannel(count, recorder(name));
    }

    private ChannelHandler recorder(String name) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                seen.add("active " + name);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                seen.add("inactive " + name);
            }
        };
    }

    /** A connection through {@code limit} from {@code address} (each on a port of its own). */
    private Peer connect(ConnectionCount limit, String name, String address) throws Exception {
        Peer peer =
                new Peer(
                        new InetSocketAddress(InetAddress.getByName(address), 40000 + seen.size()),
                        limit,
                        recorder(name));
        peer.register();
        return peer;
    }

    /** An embedded connection whose remote end is a TCP address, as a client's is. */
    private static final class Peer extends EmbeddedChannel {
        private final InetSocketAddress remote;

        Peer(InetSocketAddress remote, ChannelHandler... handlers) {
            super(DefaultChannelId.newInstance(), false, false, handlers);
            this.remote = remote; // set before register() makes the channel active
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
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

    /**
     * One address holding all of gateway.max-connections would leave none for anyone else: with
     * gateway.max-connections-per-address its next connection is closed at once while another
     * address is still let in, and closing connections frees their address's slots.
     */
    @Test
    void aConnectionOverItsAddresssBoundIsClosedWhileAnotherAddressIsAdmitted() throws Exception {
        ConnectionCount limit = new ConnectionCount(10, 2);

        Peer a1 = connect(limit, "a1", "192.0.2.1");
        Peer a2 = connect(limit, "a2", "192.0.2.1");
        Peer a3 = connect(limit, "a3", "192.0.2.1");
        Peer b1 = connect(limit, "b1", "198.51.100.7");

        assertThat(a1.isOpen()).isTrue();
        assertThat(a2.isOpen()).isTrue();
        assertThat(a3.isOpen()).as("the third from one address").isFalse();
        assertThat(b1.isOpen()).as("another address").isTrue();
        assertThat(limit.open()).as("only the admitted ones").isEqualTo(3);
        assertThat(limit.openFrom(InetAddress.getByName("192.0.2.1"))).isEqualTo(2);
        assertThat(limit.openFrom(InetAddress.getByName("198.51.100.7"))).isEqualTo(1);

        a1.close();
        Peer a4 = connect(limit, "a4", "192.0.2.1");
        assertThat(a4.isOpen()).as("a slot freed by a close").isTrue();
        assertThat(connect(limit, "a5", "192.0.2.1").isOpen()).isFalse();

        a2.close();
        a4.close();
        b1.close();
        assertThat(limit.open()).isZero();
        assertThat(limit.addresses()).as("no entry left behind").isZero();
        assertThat(seen)
                .containsExactly(
                        "active a1",
                        "active a2",
                        "inactive a3",
                        "active b1",
                        "inactive a1",
                        "active a4",
                        "inactive a5",
                        "inactive a2",
                        "inactive a4",
                        "inactive b1");
    }

    /**
     * A connection refused by the total bound takes no slot of its address, and one refused by its
     * address's bound none of the total: each refusal gives back exactly what it took.
     */
    @Test
    void aRefusedConnectionHoldsNeitherCount() throws Exception {
        ConnectionCount limit = new ConnectionCount(2, 1);

        Peer a = connect(limit, "a", "192.0.2.1");
        Peer again = connect(limit, "again", "192.0.2.1");
        assertThat(again.isOpen()).isFalse();
        assertThat(limit.open()).as("the refused one is not counted").isEqualTo(1);

        Peer b = connect(limit, "b", "198.51.100.7");
        Peer c = connect(limit, "c", "203.0.113.9");
        assertThat(b.isOpen()).isTrue();
        assertThat(c.isOpen()).as("over the total").isFalse();
        assertThat(limit.openFrom(InetAddress.getByName("203.0.113.9"))).isZero();
        assertThat(limit.addresses()).isEqualTo(2);

        b.close();
        Peer c2 = connect(limit, "c2", "203.0.113.9");
        assertThat(c2.isOpen()).as("its address held nothing while it was refused").isTrue();

        a.close();
        c2.close();
        assertThat(limit.open()).isZero();
        assertThat(limit.addresses()).isZero();
    }

    /**
     * An IPv6 host is given a /64 of addresses, so its connections count against the /64, as
     * gateway.client-rate keys it; without a per-address bound none are counted by address.
     */
    @Test
    void anIpv6ClientCountsByItsSlash64AndZeroIsNoPerAddressBound() throws Exception {
        ConnectionCount limit = new ConnectionCount(10, 1);
        Peer first = connect(limit, "first", "2001:db8:1:2::1");
        Peer sameHost = connect(limit, "sameHost", "2001:db8:1:2::ffff");
        Peer otherSite = connect(limit, "otherSite", "2001:db8:1:3::1");
        assertThat(first.isOpen()).isTrue();
        assertThat(sameHost.isOpen()).as("the same /64").isFalse();
        assertThat(otherSite.isOpen()).isTrue();

        ConnectionCount unbounded = new ConnectionCount(10, 0);
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            peers.add(connect(unbounded, "p" + i, "192.0.2.1"));
        }
        assertThat(peers).allMatch(EmbeddedChannel::isOpen);
        assertThat(unbounded.open()).isEqualTo(5);
        assertThat(unbounded.addresses()).isZero();
    }
}
