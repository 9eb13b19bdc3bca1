package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.fixtures.CommittedFixtures;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Candidate statistics as format versions 1 to 4 of {@link CandidateStatisticsSerializer} wrote
 * them, committed under {@code src/test/resources/serializer-fixtures}, still restore to the
 * candidates computed by hand (as in {@link CandidateGeneratorTest}) and to those of a live replay.
 */
class CandidateStatisticsFixtureTest {
    private static final String FOLDER = "serializer-fixtures";
    private static final String V1 = "CandidateStatistics.v1.bin";
    private static final String V2 = "CandidateStatistics.v2.bin";
    private static final String V3 = "CandidateStatistics.v3.bin";
    private static final String V4 = "CandidateStatistics.v4.bin";
    private static final long HOUR = 3_600_000L;

    private static final CandidateSettings SETTINGS = HandComputedSettings.standard();

    /**
     * What version 1 wrote: the stream of {@link CandidateGeneratorTest} (u1: a 0h, b 1h, c 4h, d
     * 5h; u2: a 2h, c 3h; u3: b 6h), then a new catalog item g titled "Wars Again".
     */
    private static CandidateGenerator version1() {
        CandidateGenerator g =
                new CandidateGenerator(
                        SETTINGS,
                        new ItemCatalog(
                                List.of(
                                        new ItemRecord("a", "Star Wars (1977)", List.of("Sci-Fi")),
                                        new ItemRecord("b", "Star Trek (1979)", List.of("Sci-Fi")),
                                        new ItemRecord("c", "Trek Nation (2010)", List.of("Doc")),
                                        new ItemRecord("d", "Casablanca (1942)", List.of("Drama")),
                                        new ItemRecord("e", "Wars of Roses (1989)", List.of()),
                                        new ItemRecord("f", "A Star (1952)", List.of("Drama")))));
        List.of("u1 a 0", "u1 b 1", "u2 a 2", "u2 c 3", "u1 c 4", "u1 d 5", "u3 b 6")
                .forEach(e -> g.update(event(e)));
        g.putItem("g", "Wars Again (2020)", List.of());
        return g;
    }

    private static UserEvent event(String userItemHour) {
        String[] f = userItemHour.split(" ");
        long t = Long.parseLong(f[2]) * HOUR;
        return new UserEvent(userItemHour, f[0], f[1], EventType.RATING, 5f, t);
    }

    @ParameterizedTest
    @ValueSource(strings = {V1, V2, V3, V4})
    void committedStatisticsGiveTheHandComputedCandidates(String fixture) throws IOException {
        byte[] bytes = committed(fixture);
        assertThat(bytes[0]).as("format version byte").isEqualTo(version(fixture));
        CandidateGenerator restored = CandidateStatisticsSerializer.fromBytes(bytes, SETTINGS);

        assertThat(restored.updates()).isEqualTo(7);
        assertThat(restored.userItems("u1")).containsExactly("d", "c", "b", "a");
        CandidateSet u2 = restored.candidates("u2", 7 * HOUR);
        // item-to-item: d 1/2 + 1/1 + 0.6 / 2, b 1/2 + 0.6 (1/2 + 1/2)
        List<ScoredItem> itemToItem = u2.list(Source.ITEM_TO_ITEM);
        assertThat(ids(itemToItem)).containsExactly("d", "b");
        assertThat(itemToItem.get(0).score()).isCloseTo(1.8, within(1e-12));
        assertThat(itemToItem.get(1).score()).isCloseTo(1.1, within(1e-12));
        // similar users: u1 met on a at 2 h and c at 4 h, 7-day half-life, read at 7 h
        double sim = Math.pow(2, -5 / 168.0) + Math.pow(2, -3 / 168.0);
        assertThat(u2.list(Source.SIMILAR_USERS).get(0).score()).isCloseTo(sim, within(1e-12));
        // title words: wars is on a, e and g now (not rare); trek and sci-fi lead to b, ln(7 / 2)
        assertThat(ids(u2.list(Source.TITLE_WORDS))).containsExactly("b");
        assertThat(u2.list(Source.TITLE_WORDS).get(0).score())
                .isCloseTo(2 * Math.log(3.5), within(1e-12));
        CandidateSet u4 = restored.candidates("u4", 7 * HOUR);
        assertThat(ids(u4.list(Source.POPULARITY_ALL_TIME))).containsExactly("a", "b", "c", "d");
        assertThat(u4.list(Source.POPULARITY_6H).get(0).score())
                .isCloseTo(Math.pow(2, -1) + Math.pow(2, -1 / 6.0), within(1e-12));
    }

    @ParameterizedTest
    @ValueSource(strings = {V1, V2, V3, V4})
    void committedStatisticsGoOnAsALiveReplay(String fixture) throws IOException {
        CandidateGenerator restored =
                CandidateStatisticsSerializer.fromBytes(committed(fixture), SETTINGS);
        CandidateGenerator live = version1();
        assertThat(restored.size()).isEqualTo(live.size());
        for (String event : List.of("u2 g 8", "u4 e 9", "u3 a 10", "u1 g 11", "u2 b 12")) {
            UserEvent e = event(event);
            for (String user : List.of("u1", "u2", "u3", "u4", "u5")) {
                assertThat(
                                CandidateStatisticsSerializerTest.describe(
                                        restored.candidates(user, e.timestamp())))
                        .as("%s before %s", user, event)
                        .isEqualTo(
                                CandidateStatisticsSerializerTest.describe(
                                        live.candidates(user, e.timestamp())));
            }
            restored.update(e);
            live.update(e);
        }
        assertThat(restored.size()).isEqualTo(live.size());
    }

    /**
     * The similarity rule is not part of the state: statistics the fixtures' code wrote (users made
     * similar both ways) restored under {@link SimilarUsers#EARLIER} go on as today's statistics of
     * the same events would, restored under that rule, and no longer as a replay that kept making
     * users similar both ways.
     */
    @ParameterizedTest
    @ValueSource(strings = {V1, V2, V3, V4})
    void committedStatisticsGoOnUnderTheRuleTheyAreRestoredUnder(String fixture)
            throws IOException {
        CandidateSettings earlier = SETTINGS.withSimilarUsers(SimilarUsers.EARLIER);
        CandidateGenerator restored =
                CandidateStatisticsSerializer.fromBytes(committed(fixture), earlier);
        CandidateGenerator switched =
                CandidateStatisticsSerializer.fromBytes(
                        CandidateStatisticsSerializer.toBytes(version1()), earlier);
        CandidateGenerator bothWays = version1();
        for (String event : List.of("u2 g 8", "u4 e 9", "u3 a 10", "u1 g 11", "u2 b 12")) {
            for (CandidateGenerator g : List.of(restored, switched, bothWays)) {
                g.update(event(event));
            }
        }
        for (String user : List.of("u1", "u2", "u3", "u4", "u5")) {
            assertThat(describe(restored, user)).as(user).isEqualTo(describe(switched, user));
        }
        assertThat(restored.size()).isEqualTo(switched.size());
        // u3 on a at 10 h met u2 (and u1): both ways u2 became similar to u3 then, one way only
        // on b at 12 h, so u2's similar users' items weigh less one way
        assertThat(describe(restored, "u2")).isNotEqualTo(describe(bothWays, "u2"));
    }

    private static List<String> describe(CandidateGenerator g, String user) {
        return CandidateStatisticsSerializerTest.describe(g.candidates(user, 13 * HOUR));
    }

    /**
     * Statistics written with 100 recent users per item restore under a smaller cap, each item
     * keeping its newest users: after the restore, u4 on a meets only a's newest user (u2), whose
     * items alone become u4's similar-user candidates. Under any other changed bound they do not
     * restore.
     */
    @ParameterizedTest
    @ValueSource(strings = {V3, V4})
    void fewerRecentUsersPerItemKeepTheNewest(String fixture) throws IOException {
        CandidateSettings fewer = HandComputedSettings.of(10, 1, 200);
        CandidateGenerator one = CandidateStatisticsSerializer.fromBytes(committed(fixture), fewer);
        CandidateGenerator all =
                CandidateStatisticsSerializer.fromBytes(committed(fixture), SETTINGS);
        one.update(event("u4 a 9"));
        all.update(event("u4 a 9"));

        assertThat(ids(one.candidates("u4", 9 * HOUR).list(Source.SIMILAR_USERS)))
                .containsExactly("c");
        assertThat(ids(all.candidates("u4", 9 * HOUR).list(Source.SIMILAR_USERS)))
                .containsExactlyInAnyOrder("b", "c", "d");
        CandidateSettings otherNeighbourCap = HandComputedSettings.of(10, 100, 100);
        assertThatThrownBy(
                        () ->
                                CandidateStatisticsSerializer.fromBytes(
                                        committed(fixture), otherNeighbourCap))
                .hasMessageContaining("statistics written with caps");
    }

    /**
     * Today's serializer, given the generator the fixture of the version it writes holds ({@link
     * #version1}'s stream, not read from the fixture), writes that fixture's committed bytes: a
     * layout changed in reader and writer alike would pass the read-and-write-again test below.
     */
    @Test
    void todaysWriterWritesTheCommittedBytesOfItsVersion() throws IOException {
        String fixture = "CandidateStatistics.v" + CandidateStatisticsSerializer.VERSION + ".bin";
        CommittedFixtures.assertWritesCommitted(
                fixture, CandidateStatisticsSerializer.toBytes(version1()));
    }

    /**
     * The current version's fixture, read and written again, gives its bytes: the reader keeps
     * everything the writer writes.
     */
    @Test
    void theCurrentVersionWrittenAgainGivesTheCommittedBytes() throws IOException {
        byte[] bytes = committed(V4);
        CandidateGenerator restored = CandidateStatisticsSerializer.fromBytes(bytes, SETTINGS);

        assertThat(CandidateStatisticsSerializer.toBytes(restored)).isEqualTo(bytes);
    }

    /**
     * Version 4 writes each neighbour list's update stamps and clock where version 3 wrote recency
     * ranks. A list restored from ranks has stamps 1 to its size and that size as its clock, so
     * version 3's statistics written again are version 4's of the same events, once the live lists'
     * stamps are ranks too.
     */
    @Test
    void version3WrittenAgainIsVersion4OfTheSameEventsWithRanksAsStamps() throws IOException {
        CandidateGenerator restored =
                CandidateStatisticsSerializer.fromBytes(committed(V3), SETTINGS);
        CandidateGenerator live = version1();
        live.compactUpdateStamps();

        assertThat(CandidateStatisticsSerializer.toBytes(restored))
                .isEqualTo(CandidateStatisticsSerializer.toBytes(live));
    }

    /** Version 2 also holds the activity statistics; version 1 restores them empty. */
    @Test
    void activityStatisticsRestoreFromVersion2Only() throws IOException {
        CandidateGenerator v1 = CandidateStatisticsSerializer.fromBytes(committed(V1), SETTINGS);
        CandidateGenerator v2 = CandidateStatisticsSerializer.fromBytes(committed(V2), SETTINGS);
        int u1 = v2.user("u1");
        assertThat(v2.activity().users().events(u1)).isEqualTo(4);
        assertThat(v2.activity().users().lastEvent(u1)).isEqualTo(5 * HOUR);
        assertThat(v1.activity().users().events(u1)).isZero();
        ByteArrayOutputStream live = new ByteArrayOutputStream();
        version1().activity().writeTo(new DataOutputStream(live));
        ByteArrayOutputStream restored = new ByteArrayOutputStream();
        v2.activity().writeTo(new DataOutputStream(restored));
        assertThat(restored.toByteArray()).isEqualTo(live.toByteArray());
    }

    /**
     * Version 3 also holds the short-term (2 h) popularity counts; versions 1 and 2 restore them
     * empty, and they fill from the next events on.
     */
    @Test
    void shortTermCountsRestoreFromVersion3Only() throws IOException {
        CandidateGenerator v2 = CandidateStatisticsSerializer.fromBytes(committed(V2), SETTINGS);
        CandidateGenerator v3 = CandidateStatisticsSerializer.fromBytes(committed(V3), SETTINGS);
        // b at 1 h and 6 h, read at 7 h at a 2 h half-life
        assertThat(v3.popularity().shortTerm(v3.item("b"), 7 * HOUR))
                .isCloseTo(Math.pow(2, -3) + Math.pow(2, -0.5), within(1e-12));
        assertThat(v2.popularity().shortTerm(v2.item("b"), 7 * HOUR)).isZero();
        CandidateGenerator live = version1();
        assertThat(shortTermBytes(v3)).isEqualTo(shortTermBytes(live));
        UserEvent next = event("u2 b 8");
        for (CandidateGenerator g : List.of(v2, v3, live)) {
            g.update(next);
        }
        assertThat(shortTermBytes(v3)).isEqualTo(shortTermBytes(live));
        // version 2 lacks the earlier events' 2^(-3.5) + 2^(-1), less by half every 2 h
        assertThat(v2.popularity().shortTerm(v2.item("b"), 8 * HOUR)).isEqualTo(1.0);
        assertThat(live.popularity().shortTerm(live.item("b"), 8 * HOUR))
                .isCloseTo(1 + Math.pow(2, -3.5) + Math.pow(2, -1), within(1e-12));
    }

    private static byte[] shortTermBytes(CandidateGenerator g) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        g.popularity().writeShortTermTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static byte version(String fixture) {
        return (byte) Integer.parseInt(fixture.replaceAll("\\D", ""));
    }

    /**
     * Writes the fixture if it is missing (never overwrites it): {@code mvn test -pl job/pipeline
     * -am -Dtest=CandidateStatisticsFixtureTest#writeMissingFixture -Dfixtures.write=true
     * -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingFixture() throws IOException {
        String fixture = "CandidateStatistics.v" + CandidateStatisticsSerializer.VERSION + ".bin";
        Path file = Path.of("src/test/resources", FOLDER, fixture);
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.write(file, CandidateStatisticsSerializer.toBytes(version1()));
            System.out.println("Wrote " + file);
        }
    }

    private static byte[] committed(String fixture) throws IOException {
        try (InputStream in =
                CandidateStatisticsFixtureTest.class.getResourceAsStream(
                        "/" + FOLDER + "/" + fixture)) {
            assertThat(in).as("committed fixture %s/%s", FOLDER, fixture).isNotNull();
            return in.readAllBytes();
        }
    }

    private static List<String> ids(List<ScoredItem> list) {
        return list.stream().map(ScoredItem::itemId).toList();
    }
}
