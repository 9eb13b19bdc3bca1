package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientIdentityTest {

    /**
     * Without tokens a client is its address; an IPv6 one by its /64, which one host or site holds
     * whole, so that cycling through it gets no fresh bucket per request.
     */
    @Test
    void aClientWithoutTokensIsItsIpv4AddressOrItsIpv6Slash64() {
        assertThat(ClientIdentity.addressKey(ip("10.0.0.1")))
                .isEqualTo(ClientIdentity.addressKey(ip("10.0.0.1")))
                .isNotEqualTo(ClientIdentity.addressKey(ip("10.0.0.2")));
        assertThat(ClientIdentity.addressKey(ip("2001:db8:0:1::1")))
                .isEqualTo(ClientIdentity.addressKey(ip("2001:db8:0:1:ffff::9")))
                .isNotEqualTo(ClientIdentity.addressKey(ip("2001:db8:0:2::1")));
    }

    private static InetAddress ip(String literal) {
        return TrustedProxies.literal(literal);
    }

    /**
     * With tokens a known token is its own client wherever it comes from, and a request without one
     * is its address; an open gateway grants everyone everything, so its clients are addresses.
     */
    @Test
    void aClientIsItsTokenWhenTheGatewayHasTokensElseItsAddress(@TempDir Path dir)
            throws Exception {
        Path file =
                Files.writeString(
                        dir.resolve("tokens"), AccessTokens.hash("alice") + " events:write\n");
        ClientIdentity withTokens =
                new ClientIdentity(AccessTokens.read(file), TrustedProxies.NONE, null);
        AccessTokens.Grant alice = AccessTokens.read(file).grant("Bearer alice");
        ClientIdentity open = new ClientIdentity(null, TrustedProxies.NONE, null);

        assertThat(withTokens.rateLimitKey(alice, ip("10.0.0.1")))
                .isEqualTo(withTokens.rateLimitKey(alice, ip("10.0.0.2")))
                .isEqualTo(alice.tokenId());
        assertThat(withTokens.rateLimitKey(null, ip("10.0.0.1"))).isEqualTo("ip:10.0.0.1");
        assertThat(open.rateLimitKey(alice, ip("10.0.0.1"))).isEqualTo("ip:10.0.0.1");
    }
}
