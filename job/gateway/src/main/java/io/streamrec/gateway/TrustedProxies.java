package io.streamrec.gateway;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies ({@code gateway.trusted-proxies}: IPv4 and IPv6 addresses and CIDR ranges) whose
 * {@code X-Forwarded-For} the gateway believes, and the client a request comes from through them.
 * Any client can write the header, so only what a trusted proxy appended to it counts: the list is
 * read from the right, past the trusted proxies in it, up to the first address that is not one
 * (nginx's {@code real_ip_recursive}). Without trusted proxies the header is never read.
 */
final class TrustedProxies {
    static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * The proxies of {@code entries}, each an address ({@code 10.0.0.5}, {@code ::1}) or a range
     * ({@code 10.0.0.0/8}, {@code 2001:db8::/32}).
     *
     * @throws IllegalArgumentException naming the first entry that is neither
     */
    static TrustedProxies parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            ranges.add(Range.parse(entry.trim()));
        }
        return new TrustedProxies(List.copyOf(ranges));
    }

    boolean trusts(InetAddress address) {
        for (Range r : ranges) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client of a request from {@code peer} with these {@code X-Forwarded-For} headers (in the
     * order received, each a comma-separated list): the peer itself unless it is trusted; else the
     * rightmost forwarded address that is not a trusted proxy. A malformed entry ends the walk at
     * the last address read before it, a trusted one (an entry left of garbage vouches for
     * nothing); a list of trusted proxies only gives its leftmost. A null peer (not an IP
     * connection) is its own client.
     */
    ClientAddress resolve(InetAddress peer, List<String> forwardedFor) {
        if (peer == null || !trusts(peer)) {
            return new ClientAddress(peer, peer);
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",", -1)) {
                if (!hop.isBlank()) { // an empty list element is no element (RFC 9110 5.6.1)
                    hops.add(hop.trim());
                }
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = hop(hops.get(i));
            if (hop == null) {
                break;
            }
            client = hop;
            if (!trusts(hop)) {
                break;
            }
        }
        return new ClientAddress(peer, client);
    }

    /**
     * A forwarded hop's address, or null: an IP address, with or without a port as some load
     * balancers write it ({@code 203.0.113.7:51234}, {@code [2001:db8::1]:443}).
     */
    static InetAddress hop(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            String rest = close < 0 ? "" : text.substring(close + 1);
            return close < 0 || !(rest.isEmpty() || isPort(rest))
                    ? null
                    : literal(text.substring(1, close));
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && colon == text.lastIndexOf(':')) { // IPv6 has two colons or more
            return isPort(text.substring(colon)) ? literal(text.substring(0, colon)) : null;
        }
        return literal(text);
    }

    /** Whether {@code text} is a colon and a port number. */
    private static boolean isPort(String text) {
        return text.matches(":[0-9]{1,5}") && Integer.parseInt(text.substring(1)) <= 65535;
    }

    /**
     * An IP address written as one, or null: never looked up in DNS, as {@link
     * InetAddress#getByName} would a name.
     */
    static InetAddress literal(String text) {
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(text);
        if (ip == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(ip); // an IPv4-mapped IPv6 address becomes IPv4
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes: " + text, e);
        }
    }

    /** The peer a request came in from and the client it is taken for (the same without proxy). */
    record ClientAddress(InetAddress peer, InetAddress client) {}

    /** The addresses whose first {@code prefix} bits are those of {@code network}. */
    private record Range(byte[] network, int prefix) {
        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            InetAddress address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw invalid(entry, "is not an IPv4 or IPv6 address or CIDR range");
            }
            byte[] network = address.getAddress();
            int bits = network.length * 8;
            int prefix = slash < 0 ? bits : prefixLength(entry, entry.substring(slash + 1), bits);
            for (int bit = prefix; bit < bits; bit++) {
                if (bit(network, bit)) { // 10.0.0.1/8 is likely a typo, of 10.0.0.1 or 10.0.0.0/8
                    throw invalid(entry, "has bits set past its /" + prefix);
                }
            }
            return new Range(network, prefix);
        }

        private static int prefixLength(String entry, String text, int bits) {
            if (!text.matches("[0-9]{1,3}") || Integer.parseInt(text) > bits) {
                throw invalid(entry, "has a prefix length outside 0.." + bits);
            }
            return Integer.parseInt(text);
        }

        boolean contains(InetAddress address) {
            byte[] ip = address.getAddress();
            if (ip.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                if (bit(ip, bit) != bit(network, bit)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean bit(byte[] ip, int bit) {
            return (ip[bit / 8] & (0x80 >>> (bit % 8))) != 0;
        }

        private static IllegalArgumentException invalid(String entry, String why) {
            return new IllegalArgumentException("'" + entry + "' " + why);
        }
    }
}
