package io.streamrec.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fixtures of old formats are written once, by the code of their time, and never regenerated: the
 * restore tests prove only what those bytes are. Every committed fixture (serialized records and
 * their snapshots, operator snapshots, old JSON records, the stored savepoint) is listed with its
 * SHA-256 in {@code committed-fixtures.sha256}; a changed, missing or unlisted one fails here. A
 * new fixture is added to the list in the commit that writes it.
 */
class CommittedFixturesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** Where fixtures live, relative to the repository root, and which of their files count. */
    private static final Map<String, String> FIXTURE_DIRECTORIES =
            Map.of(
                    "state-schemas/src/test/resources/serializer-fixtures", ".bin",
                    "job/pipeline/src/test/resources/serializer-fixtures", ".bin",
                    "job/pipeline/src/test/resources/operator-fixtures", ".snapshot",
                    "job/pipeline/src/test/resources/compat", ".json",
                    "job/e2e-tests/src/test/resources/savepoints", "");

    @Test
    void everyCommittedFixtureHasTheBytesItWasWrittenWith() throws IOException {
        Map<String, String> listed = listed();
        Map<String, String> found = new TreeMap<>();
        for (Map.Entry<String, String> dir : FIXTURE_DIRECTORIES.entrySet()) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir.getKey()))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(dir.getValue()) && !name.equals("README.md")) {
                        found.put(
                                ROOT.relativize(file).toString().replace('\\', '/'), sha256(file));
                    }
                }
            }
        }
        assertThat(found).as("fixtures and their SHA-256").isEqualTo(listed);
    }

    private static Map<String, String> listed() throws IOException {
        try (InputStream in =
                CommittedFixturesTest.class.getResourceAsStream("/committed-fixtures.sha256")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank())
                    .map(line -> line.split("\\s+", 2))
                    .collect(
                            Collectors.toMap(
                                    parts -> parts[1],
                                    parts -> parts[0],
                                    (a, b) -> a,
                                    TreeMap::new));
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theListNamesEachFileOnce() throws IOException {
        try (InputStream in =
                CommittedFixturesTest.class.getResourceAsStream("/committed-fixtures.sha256")) {
            List<String> names =
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .lines()
                            .filter(line -> !line.isBlank())
                            .map(line -> line.split("\\s+", 2)[1])
                            .toList();
            assertThat(names).doesNotHaveDuplicates().isNotEmpty();
        }
    }
}
