package io.streamrec.feeds;

import java.io.Serializable;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Bootstrap servers and extra client properties (security etc.) shared by all Kafka clients. */
public final class KafkaSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String bootstrapServers;
    private final TreeMap<String, String> properties;

    public KafkaSettings(String bootstrapServers, Map<String, String> properties) {
        this.bootstrapServers = bootstrapServers;
        this.properties = new TreeMap<>(properties);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }
}
