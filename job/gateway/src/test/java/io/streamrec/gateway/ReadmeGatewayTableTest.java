package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * README's configuration table has a {@code gateway.*} row for every {@link GatewayOptions} option
 * and none for an option that does not exist (the job's options have their own check in
 * job/pipeline).
 */
class ReadmeGatewayTableTest {
    private static final Pattern KEY = Pattern.compile("`(gateway\\.[^`]+)`");

    @Test
    void everyGatewayOptionIsInTheTable() throws Exception {
        Set<String> options = new HashSet<>();
        for (Field f : GatewayOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.get(null) instanceof ConfigOption<?> o) {
                options.add(o.key());
            }
        }

        assertThat(documentedKeys()).containsExactlyInAnyOrderElementsOf(options);
    }

    /** The gateway.* keys in the first cell of the rows under "## Configuration". */
    private static Set<String> documentedKeys() throws Exception {
        String readme = Files.readString(root().resolve("README.md"));
        int start = readme.indexOf("\n## Configuration\n");
        assertThat(start).as("README has a Configuration section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        Set<String> keys = new HashSet<>();
        for (String line : readme.substring(start, end).split("\n")) {
            if (line.startsWith("| `gateway.")) {
                Matcher m = KEY.matcher(line.split("\\|")[1]);
                while (m.find()) {
                    keys.add(m.group(1));
                }
            }
        }
        return keys;
    }

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("flink-conf"))) {
            p = p.getParent();
        }
        assertThat(p).as("flink-conf/ above the working directory").isNotNull();
        return p;
    }
}
