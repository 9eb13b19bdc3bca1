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
     * Whether {@code source} declares {@code method} as a test JUnit runs: annotated as one among
     * the annotations before its declaration, with neither those nor the class {@code @Disabled}.
     * Read with comments and string literals blanked, so that neither a comment nor a reason string
     * ("...; never regenerate") is taken for code.
     */
    private static boolean runsAsATest(String source, String method) {
        String code = withoutCommentsAndStrings(source);
        Matcher top = Pattern.compile("\\bclass\\s+\\w+").matcher(code);
        if (top.find() && DISABLED.matcher(code.substring(0, top.start())).find()) {
            return false;
        }
        Matcher declared = Pattern.compile("\\bvoid\\s+" + method + "\\s*\\(").matcher(code);
        while (declared.find()) {
            String before = annotationsBefore(code, declared.start());
            if (TEST.matcher(before).find() && !DISABLED.matcher(before).find()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The code between {@code at} and the ';', '{' or '}' before it outside parentheses (an
     * annotation's array, {@code @CsvSource({...})}, is inside them): its modifiers and
     * annotations.
     */
    private static String annotationsBefore(String code, int at) {
        int depth = 0;
        int i = at - 1;
        for (; i >= 0; i--) {
            char c = code.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(') {
                depth--;
            } else if (depth == 0 && (c == ';' || c == '{' || c == '}')) {
                break;
            }
        }
        return code.substring(i + 1, at);
    }

    /** {@code source} with its comments and string and char literals replaced by spaces. */
    static String withoutCommentsAndStrings(String source) {
        StringBuilder out = new StringBuilder(source);
        int i = 0;
        while (i < source.length()) {
            int end = literalOrCommentEnd(source, i);
            for (int k = i; k < end; k++) {
                if (out.charAt(k) != '\n') {
                    out.setCharAt(k, ' ');
                }
            }
            i = Math.max(end, i + 1);
        }
        return out.toString();
    }

    /** Where the comment or literal starting at {@code i} ends, or {@code i} if none starts. */
    private static int literalOrCommentEnd(String s, int i) {
        if (s.startsWith("//", i)) {
            int nl = s.indexOf('\n', i);
            return nl < 0 ? s.length() : nl;
        }
        if (s.startsWith("/*", i)) {
            int close = s.indexOf("*/", i + 2);
            return close < 0 ? s.length() : close + 2;
        }
        if (s.startsWith("\"\"\"", i)) {
            int close = s.indexOf("\"\"\"", i + 3);
            return close < 0 ? s.length() : close + 3;
        }
        char c = s.charAt(i);
        if (c == '"' || c == '\'') {
            int k = i + 1;
            while (k < s.length() && s.charAt(k) != c) {
                k += s.charAt(k) == '\\' ? 2 : 1;
            }
            return Math.min(k + 1, s.length());
        }
        return i;
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
