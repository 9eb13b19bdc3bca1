package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.kafka.KafkaOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

    /**
     * Every class of the job's own modules (the pipeline and the wire module beside it) with a
     * public static {@link ConfigOption} field.
     */
    private static List<Class<?>> classesDeclaringOptions() throws Exception {
        List<Class<?>> found = new ArrayList<>();
        for (Path location :
                Set.of(classesOf(StreamrecOptions.class), classesOf(KafkaOptions.class))) {
            // a module is a classes folder in the reactor, a jar when built alone
            try (FileSystem jar =
                    Files.isRegularFile(location) ? FileSystems.newFileSystem(location) : null) {
                Path root = jar == null ? location : jar.getPath("/");
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        Class<?> c = load(root.relativize(file).toString());
                        if (declaresAnOption(c)) {
                            found.add(c);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static Path classesOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Class<?> load(String classFile) throws ClassNotFoundException {
        String name = classFile.replace('/', '.');
        return Class.forName(
                name.substring(0, name.length() - ".class".length()),
                false,
                StreamrecOptions.class.getClassLoader());
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
