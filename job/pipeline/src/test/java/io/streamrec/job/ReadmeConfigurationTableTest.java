package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * README's configuration table lists every {@link StreamrecOptions} option with its default, and
 * nothing else. A row may list several options as {@code `a` / `b`} with defaults {@code x / y} (or
 * one default for all); "–" stands for no default (or an empty one).
 */
class ReadmeConfigurationTableTest {
    private static final Pattern KEY = Pattern.compile("`([^`]+)`");
    private static final String NONE = "–";

    @Test
    void everyOptionIsInTheTableWithItsDefault() throws Exception {
        Map<String, String> table = readmeTable();
        Map<String, ConfigOption<?>> options = streamrecOptions();

        assertThat(table.keySet())
                .as("README options")
                .containsExactlyInAnyOrderElementsOf(options.keySet());
        for (ConfigOption<?> option : options.values()) {
            assertDefault(option, table.get(option.key()));
        }
    }

    private static void assertDefault(ConfigOption<?> option, String documented) {
        if (documented.equals(NONE)) {
            assertThat(
                            !option.hasDefaultValue()
                                    || option.defaultValue().equals(Map.of())
                                    || option.defaultValue().equals(List.of()))
                    .as(option.key() + " is documented without a default")
                    .isTrue();
            return;
        }
        assertThat(option.hasDefaultValue()).as(option.key() + " has a default").isTrue();
        String value = documented.replace("`", "");
        if (option.defaultValue() instanceof Number) {
            value = value.replace(",", ""); // thousands separators: 1,000,000
        }
        Object parsed = Configuration.fromMap(Map.of(option.key(), value)).get(option);
        assertThat(parsed)
                .as(option.key() + " documented as " + documented)
                .isEqualTo(option.defaultValue());
    }

    /** Option key to documented default, from the table under "## Configuration". */
    private static Map<String, String> readmeTable() throws Exception {
        String readme = Files.readString(RepositoryFiles.root().resolve("README.md"));
        int start = readme.indexOf("\n## Configuration\n");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("README has a Configuration section").isPositive();
        Map<String, String> table = new LinkedHashMap<>();
        for (String line : readme.substring(start, end).split("\n")) {
            // gateway.* rows are the gateway's own options (GatewayOptions), not the job's
            if (!line.startsWith("| `") || line.startsWith("| `gateway.")) {
                continue;
            }
            String[] cells = line.split("\\|");
            List<String> keys = new ArrayList<>();
            Matcher m = KEY.matcher(cells[1]);
            while (m.find()) {
                keys.add(m.group(1));
            }
            String[] defaults = cells[2].trim().split(" / ");
            assertThat(defaults.length).as("defaults of " + keys).isIn(1, keys.size());
            for (int i = 0; i < keys.size(); i++) {
                String documented = defaults[defaults.length == 1 ? 0 : i].trim();
                assertThat(table.put(keys.get(i), documented))
                        .as(keys.get(i) + " listed once")
                        .isNull();
            }
        }
        return table;
    }

    private static Map<String, ConfigOption<?>> streamrecOptions() {
        Map<String, ConfigOption<?>> options = new LinkedHashMap<>();
        for (ConfigOption<?> o : StreamrecOptions.all()) {
            options.put(o.key(), o);
        }
        return options;
    }
}
