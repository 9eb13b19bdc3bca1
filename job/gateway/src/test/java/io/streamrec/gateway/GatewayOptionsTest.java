package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayOptionsTest {

    @Test
    void theDefaultsAndAnyFreePortAreValid() {
        assertThatCode(() -> GatewayOptions.validate(new Configuration()))
                .doesNotThrowAnyException();
        assertThatCode(
                        () ->
                                GatewayOptions.validate(
                                        Configuration.fromMap(Map.of("gateway.port", "0"))))
                .doesNotThrowAnyException();
    }

    @Test
    void theLimitsHaveBoundedDefaults() {
        Configuration conf = new Configuration();

        assertThat(conf.get(GatewayOptions.MAX_BODY)).isEqualTo(MemorySize.parse("1 mb"));
        assertThat(conf.get(GatewayOptions.READ_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(GatewayOptions.IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(conf.get(GatewayOptions.MAX_PENDING_REQUESTS)).isEqualTo(1000);
        assertThat(conf.get(GatewayOptions.WORK_QUEUE)).isEqualTo(256);
        assertThat(conf.get(GatewayOptions.USER_RATE)).as("no per-user limit by default").isZero();
        assertThat(conf.get(GatewayOptions.CLIENT_RATE))
                .as("no per-client limit by default")
                .isZero();
    }

    @ParameterizedTest
    @CsvSource({
        "gateway.port, 70000",
        "gateway.port, -1",
        "gateway.request-timeout, 0 s",
        "gateway.max-batch, 0",
        "gateway.threads, 0",
        "gateway.io-threads, 0",
        "gateway.work-queue, 0",
        "gateway.max-pending-requests, 0",
        "gateway.max-body, 0 b",
        "gateway.max-body, 3 gb",
        "gateway.bodies-in-flight, 100 kb",
        "gateway.read-timeout, 0 s",
        "gateway.idle-timeout, 0 s",
        "gateway.max-connections, 0",
        "gateway.max-connections-per-address, -1",
        "gateway.user-rate, -1",
        "gateway.user-burst, 0",
        "gateway.rate-limited-users, 0",
        "gateway.client-rate, -1",
        "gateway.client-rate, NaN",
        "gateway.client-rate, Infinity",
        "gateway.client-burst, 0",
        "gateway.rate-limited-clients, 0",
        "gateway.tls.handshake-timeout, 0 s"
    })
    void anOutOfRangeValueFailsNamingTheOption(String key, String value) {
        Configuration conf = Configuration.fromMap(Map.of(key, value));

        assertThatThrownBy(() -> GatewayOptions.validate(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option " + key + " = ");
    }

    @Test
    void tlsNeedsItsPasswordFileAndClientCertificatesATruststore() {
        Map<String, String> keystore = Map.of("gateway.tls.keystore", "gateway.p12");
        Map<String, String> withPassword =
                Map.of(
                        "gateway.tls.keystore", "gateway.p12",
                        "gateway.tls.keystore-password-file", "gateway.password");

        assertThatThrownBy(() -> GatewayOptions.validate(Configuration.fromMap(keystore)))
                .hasMessageStartingWith("option gateway.tls.keystore-password-file = ");
        assertThatCode(() -> GatewayOptions.validate(Configuration.fromMap(withPassword)))
                .doesNotThrowAnyException();
        Configuration need = Configuration.fromMap(withPassword);
        need.setString("gateway.tls.client-auth", "need");
        assertThatThrownBy(() -> GatewayOptions.validate(need))
                .hasMessageStartingWith("option gateway.tls.truststore = ");
        need.setString("gateway.tls.truststore", "clients.pem");
        assertThatCode(() -> GatewayOptions.validate(need)).doesNotThrowAnyException();
        Configuration noKeystore = Configuration.fromMap(Map.of("gateway.tls.client-auth", "want"));
        assertThatThrownBy(() -> GatewayOptions.validate(noKeystore))
                .hasMessageStartingWith("option gateway.tls.client-auth = ");
    }

    /**
     * {@code gateway.trusted-proxies} is read at start: a bad entry fails naming the option and the
     * entry; none are trusted by default.
     */
    @Test
    void trustedProxiesAreValidatedNamingTheBadEntry() throws Exception {
        Configuration conf =
                Configuration.fromMap(
                        Map.of("gateway.trusted-proxies", "10.0.0.0/8;2001:db8::/32;lb.local"));

        assertThatThrownBy(() -> GatewayOptions.validate(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option gateway.trusted-proxies = ")
                .hasMessageContaining("'lb.local' is not an IPv4 or IPv6 address or CIDR range");
        conf.set(GatewayOptions.TRUSTED_PROXIES, List.of("10.0.0.0/8", "2001:db8::/32"));
        assertThatCode(() -> GatewayOptions.validate(conf)).doesNotThrowAnyException();
        assertThat(GatewayOptions.trustedProxies(conf).trusts(InetAddress.getByName("10.1.1.1")))
                .isTrue();
        assertThat(
                        GatewayOptions.trustedProxies(new Configuration())
                                .trusts(InetAddress.getByName("127.0.0.1")))
                .as("none by default")
                .isFalse();
    }
}
