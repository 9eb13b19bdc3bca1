package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamrecOptions#CLASSES} is what README's table, the deployment manifests' check and
 * anyone listing the job's options read, so an options class missing from it would go unchecked.
 */
class StreamrecOptionsTest {

    @Test
    void everyClassOfTheJobWithAnOptionIsListed() throws Exception {
        assertThat(StreamrecOptions.CLASSES)
                .containsExactlyInAnyOrderElementsOf(classesDeclaringOptions());
    }

    @Test
    void everyKeyIsOneOptionsOnly() {
        List<String> keys = StreamrecOptions.all().stream().map(ConfigOption::key).toList();
        assertThat(keys).doesNotHaveDuplicates().hasSizeGreaterThan(70);
    }

    /** Every class of the job's main classes with a public static {@link ConfigOption} field. */
    private static List<Class<?>> classesDeclaringOptions()
            throws IOException, URISyntaxException, ClassNotFoundException {
        Path root =
                Path.of(
                        StreamrecOptions.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.');
                Class<?> c =
                        Class.forName(
                                name.substring(0, name.length() - ".class".length()),
                                false,
                                StreamrecOptions.class.getClassLoader());
                if (declaresAnOption(c)) {
                    found.add(c);
                }
            }
        }
        return found;
    }

    private static boolean declaresAnOption(Class<?> c) {
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers())
                    && Modifier.isStatic(f.getModifiers())
                    && f.getType() == ConfigOption.class) {
                return true;
            }
        }
        return false;
    }
}
