package io.streamrec.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.InvalidOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {

    @Test
    void thePropertiesOptionWinsOverTheFileAndTheServersOverBoth(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nbootstrap.servers=x:1\n");
        Configuration conf =
                Configuration.fromMap(
                        Map.of(
                                "kafka.bootstrap-servers", "broker:9092",
                                "kafka.properties-file", file.toString(),
                                "kafka.properties", "sasl.mechanism:SCRAM-SHA-512"));

        Properties p = KafkaSettings.from(conf).toProperties();

        assertThat(p)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "broker:9092");
    }

    @Test
    void theFilesServersAreUsedWhenTheServersOptionIsUnset(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=prod-broker:9093\n");
        Configuration conf =
                Configuration.fromMap(Map.of("kafka.properties-file", file.toString()));

        KafkaSettings kafka = KafkaSettings.from(conf);

        assertThat(kafka.bootstrapServers()).isEqualTo("prod-broker:9093");
        assertThat(kafka.toProperties()).containsEntry("bootstrap.servers", "prod-broker:9093");
    }

    @Test
    void withoutServersAnywhereTheDefaultIsUsed() {
        assertThat(KafkaSettings.from(new Configuration()).bootstrapServers())
                .isEqualTo("localhost:9092");
    }

    @Test
    void blankServersAndAnUnreadableFileAreRefusedByName(@TempDir Path dir) {
        assertThatThrownBy(
                        () ->
                                KafkaSettings.from(
                                        Configuration.fromMap(
                                                Map.of("kafka.bootstrap-servers", " "))))
                .isInstanceOf(InvalidOption.class)
                .hasMessage(
                        "option kafka.bootstrap-servers =   is out of range: must be not empty");
        assertThatThrownBy(
                        () ->
                                KafkaSettings.from(
                                        Configuration.fromMap(
                                                Map.of(
                                                        "kafka.properties-file",
                                                        dir.resolve("absent").toString()))))
                .isInstanceOf(InvalidOption.class)
                .hasMessageStartingWith("option kafka.properties-file = ")
                .hasMessageContaining("a readable properties file");
    }

    /** Blank servers from the client properties name the key or the file, not the unset option. */
    @Test
    void blankServersFromThePropertiesAreRefusedNamingWhereTheyWereSet(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=\nsecurity.protocol=SASL_SSL\n");

        assertThatThrownBy(
                        () ->
                                KafkaSettings.from(
                                        Configuration.fromMap(
                                                Map.of("kafka.properties.bootstrap.servers", " "))))
                .isInstanceOf(InvalidOption.class)
                .hasMessage(
                        "option kafka.properties.bootstrap.servers =   is out of range: must be"
                                + " not empty");
        assertThatThrownBy(
                        () ->
                                KafkaSettings.from(
                                        Configuration.fromMap(
                                                Map.of("kafka.properties-file", file.toString()))))
                .isInstanceOf(InvalidOption.class)
                .hasMessage(
                        "option kafka.properties-file = "
                                + file
                                + " is out of range: must be a file whose bootstrap.servers is"
                                + " not empty");
    }
}
