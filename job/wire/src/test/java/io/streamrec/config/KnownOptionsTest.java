package io.streamrec.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.kafka.KafkaOptions;
import io.streamrec.kafka.TopicOptions;
import io.streamrec.records.PrivacyOptions;
import io.streamrec.records.ValidationOptions;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.junit.jupiter.api.Test;

class KnownOptionsTest {
    private static final ConfigOption<Integer> WORKERS =
            ConfigOptions.key("parallelism.workers").intType().noDefaultValue();

    private static final KnownOptions OPTIONS =
            new KnownOptions(
                    "test",
                    KnownOptions.declaredIn(
                            List.of(
                                    KafkaOptions.class,
                                    TopicOptions.class,
                                    ValidationOptions.class,
                                    PrivacyOptions.class)),
                    List.of());

    @Test
    void aMisspelledKeyUnderAKnownPrefixIsUnknownAndItsIntendedKeyNamed() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "validation.max-futur", "1h",
                                "validation.max-future", "1h",
                                "topic.event", "e"));

        assertThat(OPTIONS.unknownKeys(conf))
                .containsExactly("topic.event", "validation.max-futur");
        assertThat(OPTIONS.closest("validation.max-futur")).contains("validation.max-future");
        assertThat(OPTIONS.closest("topic.event")).contains("topic.events");
        assertThat(OPTIONS.closest("topic.nothing-like-it")).isEmpty();
        assertThat(OPTIONS.warnings(conf))
                .contains(
                        "option validation.max-futur is not a test option: nothing reads it (did"
                                + " you mean validation.max-future?)");
    }

    @Test
    void aKeyIsWarnedAboutOnceHoweverOftenTheConfigurationIsRead() {
        KnownOptions options =
                new KnownOptions(
                        "test",
                        KnownOptions.declaredIn(List.of(ValidationOptions.class)),
                        List.of());
        Configuration first = Configuration.fromMap(Map.of("validation.max-futur", "1h"));
        Configuration second =
                Configuration.fromMap(
                        Map.of("validation.max-futur", "1h", "validation.dedupe-windw", "1h"));

        assertThat(options.newWarnings(first)).hasSize(1);
        assertThat(options.newWarnings(first)).isEmpty();
        assertThat(options.newWarnings(second))
                .containsExactly(
                        "option validation.dedupe-windw is not a test option: nothing reads it (did"
                                + " you mean validation.dedupe-window?)");
    }

    /** Flink's options and other programs' arrive in the same configuration. */
    @Test
    void keysUnderOtherPrefixesAreNotReported() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "pipeline.name", "streamrec",
                                "gateway.port", "0",
                                "partitions", "4",
                                "kafka.properties.sasl.mechanism", "PLAIN"));

        assertThat(OPTIONS.unknownKeys(conf)).isEmpty();
    }

    @Test
    void aPrefixFlinksOptionsShareIsNotTheProgramsOwn() {
        Configuration conf =
                Configuration.fromMap(
                        Map.of("parallelism.default", "2", "parallelism.worker", "2"));

        assertThat(new KnownOptions("test", List.of(WORKERS), List.of()).unknownKeys(conf))
                .containsExactly("parallelism.default", "parallelism.worker");
        assertThat(
                        new KnownOptions(
                                        "test",
                                        List.of(WORKERS),
                                        List.of(CoreOptions.DEFAULT_PARALLELISM))
                                .unknownKeys(conf))
                .isEmpty();
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(KnownOptions.editDistance("max-futur", "max-future")).isEqualTo(1);
        assertThat(KnownOptions.editDistance("dim", "dmi")).isEqualTo(2);
        assertThat(KnownOptions.editDistance("", "abc")).isEqualTo(3);
        assertThat(KnownOptions.editDistance("same", "same")).isZero();
    }
}
