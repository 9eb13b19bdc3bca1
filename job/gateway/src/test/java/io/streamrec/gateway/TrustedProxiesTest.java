package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which peers are trusted proxies, and the client {@code X-Forwarded-For} names through them: read
 * from the right, past trusted proxies, to the first address that is not one.
 */
class TrustedProxiesTest {
    private static final TrustedProxies PROXIES =
            TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.1", "2001:db8:aa::/48", "::1"));

    private static InetAddress ip(String literal) {
        return TrustedProxies.literal(literal);
    }

    /** The client of a request from {@code peer} with these X-Forwarded-For headers, as text. */
    private static String client(String peer, String... forwardedFor) {
        return PROXIES.resolve(ip(peer), List.of(forwardedFor)).client().getHostAddress();
    }

    @Test
    void addressesAndRangesOfBothFamiliesAreTrusted() {
        assertThat(PROXIES.trusts(ip("10.255.0.3"))).isTrue();
        assertThat(PROXIES.trusts(ip("11.0.0.1"))).isFalse();
        assertThat(PROXIES.trusts(ip("192.168.1.1"))).isTrue();
        assertThat(PROXIES.trusts(ip("192.168.1.2"))).isFalse();
        assertThat(PROXIES.trusts(ip("2001:db8:aa:ffff::1"))).isTrue();
        assertThat(PROXIES.trusts(ip("2001:db8:ab::1"))).isFalse();
        assertThat(PROXIES.trusts(ip("::1"))).isTrue();
        assertThat(PROXIES.trusts(ip("::ffff:10.1.2.3"))).as("IPv4-mapped is IPv4").isTrue();
        assertThat(TrustedProxies.parse(List.of("0.0.0.0/0")).trusts(ip("8.8.8.8"))).isTrue();
        assertThat(TrustedProxies.parse(List.of("0.0.0.0/0")).trusts(ip("::2"))).isFalse();
        assertThat(TrustedProxies.NONE.trusts(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void aBadEntryIsNamed() {
        for (String bad :
                List.of(
                        "10.0.0.300",
                        "proxy.example.com",
                        "10.0.0.0/33",
                        "2001:db8::/129",
                        "10.0.0.0/",
                        "10.0.0.0/-1",
                        "10.0.0.1,10.0.0.2",
                        "")) {
            assertThatThrownBy(() -> TrustedProxies.parse(List.of("127.0.0.1", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("'" + bad + "' ");
        }
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.1/8")))
                .hasMessage("'10.0.0.1/8' has bits set past its /8");
    }

    @Test
    void theHeaderOfAPeerThatIsNotTrustedIsIgnored() {
        assertThat(client("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
        assertThat(TrustedProxies.NONE.resolve(ip("10.0.0.1"), List.of("198.51.100.1")).client())
                .isEqualTo(ip("10.0.0.1"));
    }

    @Test
    void theClientIsTheRightmostAddressThatIsNotATrustedProxy() {
        assertThat(client("10.0.0.1", "198.51.100.1")).isEqualTo("198.51.100.1");
        // what the client wrote itself (left) counts for nothing past an untrusted hop
        assertThat(client("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2, 192.168.1.1"))
                .isEqualTo("198.51.100.1");
        assertThat(client("::1", "2001:db8::5, 2001:db8:aa::9")).isEqualTo("2001:db8:0:0:0:0:0:5");
    }

    @Test
    void severalHeadersAreOneListInTheirOrder() {
        assertThat(client("10.0.0.1", "6.6.6.6, 198.51.100.1", "10.0.0.2"))
                .isEqualTo("198.51.100.1");
        assertThat(client("10.0.0.1", "198.51.100.1", "198.51.100.2")).isEqualTo("198.51.100.2");
    }

    @Test
    void aMalformedEntryEndsTheWalkAtTheLastGoodAddress() {
        assertThat(client("10.0.0.1", "198.51.100.1, garbage")).isEqualTo("10.0.0.1");
        assertThat(client("10.0.0.1", "198.51.100.1, unknown, 10.0.0.2")).isEqualTo("10.0.0.2");
        assertThat(client("10.0.0.1", "198.51.100.1:port")).isEqualTo("10.0.0.1");
        assertThat(client("10.0.0.1", "198.51.100.1:65536")).isEqualTo("10.0.0.1");
        assertThat(client("10.0.0.1", "[2001:db8::7]:x")).isEqualTo("10.0.0.1");
        assertThat(client("10.0.0.1", "proxy.example.com"))
                .as("never looked up")
                .isEqualTo("10.0.0.1");
    }

    @Test
    void aForwardedAddressMayCarryAPort() {
        assertThat(client("10.0.0.1", "198.51.100.1:4711")).isEqualTo("198.51.100.1");
        assertThat(client("10.0.0.1", "[2001:db8::7]:443")).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(client("10.0.0.1", "[2001:db8::7]")).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(client("10.0.0.1", "198.51.100.1, 10.0.0.2:80")).isEqualTo("198.51.100.1");
    }

    @Test
    void onlyTrustedProxiesOrNothingForwardedLeaveTheLastTrustedAddress() {
        assertThat(client("10.0.0.1", "10.0.0.3, 10.0.0.2")).isEqualTo("10.0.0.3");
        assertThat(client("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(client("10.0.0.1", " , ")).isEqualTo("10.0.0.1");
        assertThat(client("10.0.0.1", "198.51.100.1,,")).isEqualTo("198.51.100.1");
    }

    @Test
    void thePeerIsKeptBesideTheClient() {
        TrustedProxies.ClientAddress from =
                PROXIES.resolve(ip("10.0.0.1"), List.of("198.51.100.1"));
        assertThat(from.peer()).isEqualTo(ip("10.0.0.1"));
        assertThat(from.client()).isEqualTo(ip("198.51.100.1"));
        assertThat(PROXIES.resolve(null, List.of("198.51.100.1")).client()).isNull();
    }
}
