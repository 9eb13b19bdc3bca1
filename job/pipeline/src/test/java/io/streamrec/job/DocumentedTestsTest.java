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
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every test README, BENCHMARKS and the reference pages under docs/ name as the evidence of a
 * figure or a guarantee ({@code `SomethingTest#method`} or {@code `SomethingITCase`}) exists: a
 * renamed or deleted test must not leave a claim that nothing backs.
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
        List<String> named = testsNamedIn(document);
        assertThat(named).as("tests %s names", document).isNotEmpty();
        assertThat(missing(named)).as("tests %s names that do not exist", document).isEmpty();
    }

    /** What moved out of README into docs/ stays backed too; a page may name no test at all. */
    @ParameterizedTest
    @MethodSource("docsPages")
    void everyTestADocsPageNamesExists(String page) throws IOException {
        assertThat(missing(testsNamedIn(page)))
                .as("tests %s names that do not exist", page)
                .isEmpty();
    }

    /** Every markdown page under docs/, relative to the repository root. */
    static List<String> docsPages() throws IOException {
        try (Stream<Path> pages = Files.list(RepositoryFiles.root().resolve("docs"))) {
            return pages.map(p -> "docs/" + p.getFileName())
                    .filter(name -> name.endsWith(".md"))
                    .sorted()
                    .toList();
        }
    }

    /** Each test {@code document} names, as {@code Class} or {@code Class#method}. */
    private static List<String> testsNamedIn(String document) throws IOException {
        Matcher m = NAMED.matcher(Files.readString(RepositoryFiles.root().resolve(document)));
        List<String> named = new ArrayList<>();
        while (m.find()) {
            named.add(m.group(2) == null ? m.group(1) : m.group(1) + "#" + m.group(2));
        }
        return named;
    }

    /** The names of {@code named} that are no test class, or no test JUnit runs in its class. */
    private static List<String> missing(List<String> named) throws IOException {
        Map<String, String> sources = testSources(RepositoryFiles.root());
        List<String> missing = new ArrayList<>();
        for (String name : named) {
            String[] classAndMethod = name.split("#", 2);
            String source = sources.get(classAndMethod[0]);
            if (source == null
                    || (classAndMethod.length == 2 && !runsAsATest(source, classAndMethod[1]))) {
                missing.add(name);
            }
        }
        return missing;
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
