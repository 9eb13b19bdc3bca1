package io.streamrec.tools.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** {@link TopicSetupMain}'s options: described, with defaults, in its usage and in README. */
class TopicSetupOptionsTest {

    @Test
    void everyOptionHasADescriptionAndADefault() {
        for (ConfigOption<Integer> option : TopicSetupOptions.ALL) {
            assertThat(option.hasDefaultValue()).as(option.key()).isTrue();
            assertThat(option.description().getBlocks()).as(option.key()).isNotEmpty();
        }
    }

    @Test
    void theUsageNamesEachOptionWithItsDefault() {
        assertThat(TopicSetupMain.ARGUMENTS.usage())
                .contains("partitions (default 2)", "events-partitions (default 1)");
    }

    @Test
    void partitionsAreReadFromTheCommandLine() {
        Configuration conf =
                TopicSetupMain.ARGUMENTS
                        .parse("-Dkafka.bootstrap-servers=127.0.0.1:9092", "-Devents-partitions=3")
                        .options();
        assertThat(conf.get(TopicSetupOptions.EVENTS_PARTITIONS)).isEqualTo(3);
        assertThat(conf.get(TopicSetupOptions.PARTITIONS)).isEqualTo(2);
    }

    /** README names each as {@code `-Dkey=N`} followed by its default. */
    @Test
    void readmeDocumentsEachOptionWithItsDefault() throws Exception {
        String readme = Files.readString(repositoryRoot().resolve("README.md")).replace('\n', ' ');
        for (ConfigOption<Integer> option : TopicSetupOptions.ALL) {
            assertThat(readme)
                    .contains("`-D" + option.key() + "=N` (default " + option.defaultValue() + ")");
        }
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("flink-conf"))) {
            p = p.getParent();
        }
        assertThat(p).as("flink-conf/ above the working directory").isNotNull();
        return p;
    }
}
