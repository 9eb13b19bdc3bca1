package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.InvalidOption;
import io.streamrec.kafka.TopicOptions;
import io.streamrec.records.ValidationOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewaySettingsTest {

    @Test
    void theDefaultsAreThoseOfTheOptions() {
        GatewaySettings settings = GatewaySettings.from(new Configuration());

        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.maxBatch()).isEqualTo(1000);
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.connections().maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(settings.connections().maxConnections()).isEqualTo(10000);
        assertThat(settings.connections().maxConnectionsPerAddress())
                .as("no per-address limit: behind a proxy every connection has its address")
                .isZero();
        assertThat(settings.topics())
                .isEqualTo(
                        new GatewaySettings.Topics(
                                TopicOptions.EVENTS.defaultValue(),
                                TopicOptions.REQUESTS.defaultValue(),
                                TopicOptions.RESULTS.defaultValue()));
        assertThat(settings.userRate().newLimiter()).as("no per-user limit").isNull();
        assertThat(settings.clientRate().newLimiter()).as("no per-client limit").isNull();
        assertThat(settings.tokensFile()).as("open").isNull();
        assertThat(settings.userIdKeyFile()).isNull();
        assertThat(settings.auditLog()).isNull();
        assertThat(settings.tls()).as("plain HTTP").isNull();
    }

    @Test
    void theConnectionsPerAddressAreRead() {
        Configuration conf =
                Configuration.fromMap(Map.of("gateway.max-connections-per-address", "50"));

        assertThat(GatewaySettings.from(conf).connections().maxConnectionsPerAddress())
                .isEqualTo(50);
    }

    /**
     * The options are checked where they are read, so a gateway started in process (a test, a
     * bench) fails at start as {@code GatewayMain} does, rather than answering every batch 413.
     */
    @Test
    void anOutOfRangeOptionFailsNamingIt() {
        Configuration conf = Configuration.fromMap(Map.of("gateway.max-batch", "0"));

        assertThatThrownBy(() -> GatewaySettings.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option gateway.max-batch = 0 is out of range: must be >= 1");
    }

    /** The gateway turns away an event stamped in seconds as the job's validation would. */
    @Test
    void theEarliestTimestampIsTheJobs() {
        assertThat(GatewaySettings.from(new Configuration()).earliestTimestamp())
                .isEqualTo(315_532_800_000L);
        Configuration older = Configuration.fromMap(Map.of("validation.earliest-timestamp", "0"));
        assertThat(GatewaySettings.from(older).earliestTimestamp()).isZero();
    }

    /** The options it shares with the job are checked as the job checks them. */
    @Test
    void aNegativeMaxFutureFailsNamingIt() {
        Configuration conf = new Configuration();
        conf.set(ValidationOptions.MAX_FUTURE, Duration.ofSeconds(-1));

        assertThatThrownBy(() -> GatewaySettings.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option validation.max-future = PT-1S is out of range: must be >= 0");
    }

    @Test
    void aMaxFutureBeyondTheMillisecondsALongHoldsFailsNamingIt() {
        Configuration conf =
                Configuration.fromMap(Map.of("validation.max-future", "200000000000 d"));

        assertThatThrownBy(() -> GatewaySettings.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option validation.max-future = ")
                .hasMessageEndingWith("must be at most 9223372036854775807 ms");
    }

    /** Each is read in milliseconds when the gateway starts, so it is checked before. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "gateway.request-timeout",
                "gateway.read-timeout",
                "gateway.idle-timeout",
                "gateway.tls.handshake-timeout"
            })
    void aGatewayDurationBeyondTheMillisecondsALongHoldsFailsNamingIt(String key) {
        Configuration conf = Configuration.fromMap(Map.of(key, "200000000000 d"));

        assertThatThrownBy(() -> GatewaySettings.from(conf))
                .isInstanceOf(InvalidOption.class)
                .hasMessageStartingWith("option " + key + " = ")
                .hasMessageEndingWith("must be at most 9223372036854775807 ms");
    }

    /** Unlike a blank tokens file, a blank key file is refused: it would not mean raw ids. */
    @Test
    void aBlankUserIdKeyFileFailsNamingIt() {
        Configuration conf = Configuration.fromMap(Map.of("privacy.user-id-key-file", ""));

        assertThatThrownBy(() -> GatewaySettings.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "option privacy.user-id-key-file =  is out of range: must be a key file's"
                                + " path, not blank (unset: raw user ids)");
    }

    /** A shared configuration file's job-only options are the job's to check, not the gateway's. */
    @Test
    void aJobOptionOutOfRangeDoesNotStopTheGateway() {
        Configuration conf =
                Configuration.fromMap(Map.of("model.dim", "0", "ranker.learning-rate", "-1"));

        assertThat(GatewaySettings.from(conf).maxBatch()).isEqualTo(1000);
    }

    /** Only gateway.*: a configuration shared with the job holds job options the gateway skips. */
    @Test
    void aMisspelledGatewayOptionIsReported() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of("gateway.max-bach", "5", "gateway.port", "0", "model.dimm", "8"));

        assertThat(GatewaySettings.unknownOptions(conf)).containsExactly("gateway.max-bach");
    }

    /**
     * A tokens file set blank (an unset variable in a manifest) is refused: read as unset, it
     * started an open gateway where every caller was admin, forgets of any user included.
     */
    @Test
    void aBlankTokensFileIsRefused() {
        Configuration conf = Configuration.fromMap(Map.of("gateway.tokens-file", " "));

        assertThatThrownBy(() -> GatewaySettings.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "option gateway.tokens-file =   is out of range: must be a tokens file's"
                                + " path, not blank (unset: an open gateway, where anyone is"
                                + " admin)");
    }

    /** Without a tokens file the client rate limits the callers by address. */
    @Test
    void withoutATokensFileTheGatewayIsOpenAndARateLimits() {
        Configuration conf = Configuration.fromMap(Map.of("gateway.client-rate", "2.5"));

        GatewaySettings settings = GatewaySettings.from(conf);

        assertThat(settings.tokensFile()).isNull();
        assertThat(settings.clientRate())
                .isEqualTo(new GatewaySettings.RateLimit(2.5, 100, 10_000));
        assertThat(settings.clientRate().newLimiter()).isNotNull();
    }

    /**
     * A keystore set blank beside its password file is refused: read as unset, the gateway served
     * plain HTTP to an operator who asked for HTTPS. Any of the gateway's file options set blank is
     * refused alike.
     */
    @Test
    void aPasswordFileWithABlankKeystoreIsRefused() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "gateway.tls.keystore",
                                "",
                                "gateway.tls.keystore-password-file",
                                "secrets/gateway.password"));

        assertThatThrownBy(() -> GatewaySettings.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "option gateway.tls.keystore =  is out of range: must be a PKCS12"
                                + " keystore's path, not blank (unset: plain HTTP)");
        for (String option :
                List.of(
                        "gateway.tls.keystore-password-file",
                        "gateway.tls.truststore",
                        "gateway.audit-log")) {
            assertThatThrownBy(
                            () -> GatewaySettings.from(Configuration.fromMap(Map.of(option, ""))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("option " + option + " =  is out of range: must be")
                    .hasMessageContaining("not blank");
        }
    }
}
