package io.streamrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every test README and BENCHMARKS name as the evidence of a figure or a guarantee ({@code
 * `SomethingTest#method`} or {@code `SomethingITCase`}) exists: a renamed or deleted test must not
 * leave a claim that nothing backs.
 */
class DocumentedTestsTest {
    private static final Pattern NAMED =
            Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|ITCase))(?:#([A-Za-z0-9_]+))?`");

    /** {@code @Disabled}, not a condition such as {@code @DisabledIfSystemProperty}. */
    private static final Pattern DISABLED =
            Pattern.compile("@(?:org\\.junit\\.jupiter\\.api\\.)?Disabled(?![A-Za-z])");

    private static final Pattern TEST =
            Pattern.compile("@(?:Test|ParameterizedTest|RepeatedTest|TestFactory)(?![A-Za-z])");

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "BENCHMARKS.md"})
    void everyTestTheDocumentNamesExists(String document) throws IOException {
        Path root = RepositoryFiles.root();
        Map<String, String> sources = testSources(root);
        List<String> missing = new ArrayList<>();
        Matcher m = NAMED.matcher(Files.readString(root.resolve(document)));
        int named = 0;
        while (m.find()) {
            named++;
            String source = sources.get(m.group(1));
            if (source == null) {
                missing.add(m.group(1));
            } else if (m.group(2) != null && !runsAsATest(source, m.group(2))) {
                missing.add(m.group(1) + "#" + m.group(2));
            }
        }
        assertThat(named).as("tests %s names", document).isPositive();
        assertThat(missing).as("tests %s names that do not exist", document).isEmpty();
    }

    /**
     * Whether {@code source} declares {@code method} as a test JUnit runs: annotated as one in the
     * annotations before its declaration (back to the end of the statement or block before them),
     * with neither those nor the class {@code @Disabled}.
     */
    private static boolean runsAsATest(String source, String method) {
        Matcher top = Pattern.compile("\\bclass\\s+\\w+").matcher(source);
        if (top.find() && DISABLED.matcher(source.substring(0, top.start())).find()) {
            return false;
        }
        Matcher declared = Pattern.compile("\\bvoid\\s+" + method + "\\s*\\(").matcher(source);
        while (declared.find()) {
            String before = annotationsBefore(source, declared.start());
            if (TEST.matcher(before).find() && !DISABLED.matcher(before).find()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The text between the end of the statement or block before {@code at} (a ';', or a brace that
     * ends its line: an annotation's array closes as "})") and {@code at}.
     */
    private static String annotationsBefore(String source, int at) {
        String head = source.substring(0, at);
        int from =
                Math.max(
                        head.lastIndexOf(';'),
                        Math.max(head.lastIndexOf("}\n"), head.lastIndexOf("{\n")));
        return head.substring(from + 1);
    }

    /** Each test class's source by simple name, from every module's src/test/java. */
    private static Map<String, String> testSources(Path root) throws IOException {
        Map<String, String> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().contains("/src/test/java/"))
                    .filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .forEach(
                            p -> {
                                String name = p.getFileName().toString().replace(".java", "");
                                sources.merge(name, read(p), String::concat);
                            });
        }
        return sources;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
