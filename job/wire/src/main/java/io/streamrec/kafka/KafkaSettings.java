package io.streamrec.kafka;

import io.streamrec.config.InvalidOption;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/** Bootstrap servers and extra client properties (security etc.) shared by all Kafka clients. */
public final class KafkaSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String BOOTSTRAP_SERVERS_PROPERTY = "bootstrap.servers";

    private final String bootstrapServers;
    private final TreeMap<String, String> properties;

    public KafkaSettings(String bootstrapServers, Map<String, String> properties) {
        this.bootstrapServers = bootstrapServers;
        this.properties = new TreeMap<>(properties);
    }

    /**
     * Bootstrap servers and client properties: those of {@code kafka.properties-file}, then {@code
     * kafka.properties} over them; fails with an {@link InvalidOption} for blank servers or a file
     * it cannot read.
     */
    public static KafkaSettings from(ReadableConfig conf) {
        Map<String, String> properties = new TreeMap<>(propertiesFile(conf));
        properties.putAll(conf.get(KafkaOptions.PROPERTIES));
        String servers = bootstrapServers(conf, properties);
        if (servers.isBlank()) {
            throw blankServers(conf, servers);
        }
        return new KafkaSettings(servers, properties);
    }

    /**
     * Names where the blank servers were set, in the order {@link #bootstrapServers} looks: the
     * option, {@code kafka.properties.bootstrap.servers}, else the file's {@code bootstrap.servers}
     * (the option's default is not blank).
     */
    private static InvalidOption blankServers(ReadableConfig conf, String servers) {
        if (conf.getOptional(KafkaOptions.BOOTSTRAP_SERVERS).isPresent()) {
            return new InvalidOption(KafkaOptions.BOOTSTRAP_SERVERS, servers, "not empty");
        }
        if (conf.get(KafkaOptions.PROPERTIES).containsKey(BOOTSTRAP_SERVERS_PROPERTY)) {
            ConfigOption<String> property =
                    ConfigOptions.key(
                                    KafkaOptions.PROPERTIES.key()
                                            + "."
                                            + BOOTSTRAP_SERVERS_PROPERTY)
                            .stringType()
                            .noDefaultValue();
            return new InvalidOption(property, servers, "not empty");
        }
        return new InvalidOption(
                KafkaOptions.PROPERTIES_FILE,
                conf.get(KafkaOptions.PROPERTIES_FILE),
                "a file whose " + BOOTSTRAP_SERVERS_PROPERTY + " is not empty");
    }

    /**
     * {@code kafka.bootstrap-servers} when set, else the client properties' {@code
     * bootstrap.servers} (Confluent-style client files hold them), else the option's default: a
     * default over the file would send every client to localhost.
     */
    private static String bootstrapServers(ReadableConfig conf, Map<String, String> properties) {
        return conf.getOptional(KafkaOptions.BOOTSTRAP_SERVERS)
                .or(() -> Optional.ofNullable(properties.get(BOOTSTRAP_SERVERS_PROPERTY)))
                .orElseGet(() -> conf.get(KafkaOptions.BOOTSTRAP_SERVERS));
    }

    private static Map<String, String> propertiesFile(ReadableConfig conf) {
        Optional<String> file = conf.getOptional(KafkaOptions.PROPERTIES_FILE);
        if (file.isEmpty()) {
            return Map.of();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(file.get()), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new InvalidOption(
                    KafkaOptions.PROPERTIES_FILE,
                    file.get(),
                    "a readable properties file (" + e + ")");
        }
        Map<String, String> properties = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> properties.put(k, p.getProperty(k)));
        return properties;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put(BOOTSTRAP_SERVERS_PROPERTY, bootstrapServers);
        return p;
    }
}
