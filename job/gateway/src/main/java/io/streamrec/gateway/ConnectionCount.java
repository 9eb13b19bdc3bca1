package io.streamrec.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections, in all and per client address; one over either bound is closed at once,
 * before the handlers after the count see it active.
 *
 * <p>The address is the connection's TCP peer (an IPv6 one by its /64, as {@code
 * gateway.client-rate} keys it: a host is given a /64 of addresses), never what a header names.
 * Only admitted connections are counted: a refused one gives back what it took before it is closed,
 * and an address's entry is removed when its last connection closes, so the map holds at most one
 * entry per open connection.
 */
@ChannelHandler.Sharable
final class ConnectionCount extends ChannelInboundHandlerAdapter {
    /** The address key an admitted connection was counted under; unset while not admitted. */
    private static final AttributeKey<String> ADMITTED =
            AttributeKey.valueOf(ConnectionCount.class, "admitted");

    /** What an admitted connection is counted under when there is no per-address bound. */
    private static final String ANY = "";

    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

    /** At most {@code max} open connections, with no bound per address. */
    ConnectionCount(int max) {
        this(max, 0);
    }

    /**
     * At most {@code max} open connections, and at most {@code maxPerAddress} of them from one
     * address (0: no bound per address).
     */
    ConnectionCount(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    int open() {
        return open.get();
    }

    /** The open connections counted against {@code address} (0 without a per-address bound). */
    int openFrom(InetAddress address) {
        return perAddress.getOrDefault(ClientIdentity.addressKey(address), 0);
    }

    /** The addresses with an open connection counted against them. */
    int addresses() {
        return perAddress.size();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        String key = admit(ctx);
        if (key == null) {
            ctx.close();
            return;
        }
        ctx.channel().attr(ADMITTED).set(key);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        String key = ctx.channel().attr(ADMITTED).getAndSet(null);
        if (key != null) {
            release(key);
        }
        ctx.fireChannelInactive();
    }

    /** Counts the connection and returns its address key, or null, counting nothing, if over. */
    private String admit(ChannelHandlerContext ctx) {
        int n;
        do {
            n = open.get();
            if (n >= max) {
                return null;
            }
        } while (!open.compareAndSet(n, n + 1));
        if (maxPerAddress <= 0) {
            return ANY;
        }
        String key = ClientIdentity.addressKey(peer(ctx.channel().remoteAddress()));
        boolean[] admitted = {false};
        perAddress.compute(
                key,
                (k, count) -> {
                    int c = count == null ? 0 : count;
                    if (c >= maxPerAddress) {
                        return count;
                    }
                    admitted[0] = true;
                    return c + 1;
                });
        if (!admitted[0]) {
            open.decrementAndGet();
            return null;
        }
        return key;
    }

    private void release(String key) {
        open.decrementAndGet();
        if (maxPerAddress > 0) {
            perAddress.computeIfPresent(key, (k, count) -> count > 1 ? count - 1 : null);
        }
    }

    private static InetAddress peer(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
