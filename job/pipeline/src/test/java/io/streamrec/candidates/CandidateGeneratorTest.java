package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every source on a tiny stream, against values computed by hand in the comments. */
class CandidateGeneratorTest {
    private static final long HOUR = 3_600_000L;
    private static final double WEEK_H = 168;

    /** Rare words at most on 2 items: wars (a, e), trek (b, c), sci-fi (a, b), drama (d, f). */
    private static final ItemCatalog CATALOG =
            new ItemCatalog(
                    List.of(
                            new ItemRecord("a", "Star Wars (1977)", List.of("Sci-Fi")),
                            new ItemRecord("b", "Star Trek (1979)", List.of("Sci-Fi")),
                            new ItemRecord("c", "Trek Nation (2010)", List.of("Documentary")),
                            new ItemRecord("d", "Casablanca (1942)", List.of("Drama")),
                            new ItemRecord("e", "Wars of Roses (1989)", List.of("Comedy")),
                            new ItemRecord("f", "A Star (1952)", List.of("Drama"))));

    private CandidateGenerator generator;

    static CandidateSettings settings() {
        return HandComputedSettings.standard();
    }

    static UserEvent event(String user, String item, long hour) {
        return new UserEvent(user + item + hour, user, item, EventType.RATING, 5f, hour * HOUR);
    }

    /** The stream {@link #replay} describes. */
    static List<UserEvent> stream() {
        return List.of(
                event("u1", "a", 0),
                event("u1", "b", 1),
                event("u2", "a", 2),
                event("u2", "c", 3),
                event("u1", "c", 4),
                event("u1", "d", 5),
                event("u3", "b", 6));
    }

    /**
     * u1: a 0h, b 1h, c 4h, d 5h; u2: a 2h, c 3h; u3: b 6h. Counts n: a 2, b 2, c 2, d 1.
     * Co-occurrence: a-b 1, a-c 2 (u2, then u1), b-c 1, a-d, b-d, c-d 1. Transitions: a>b, a>c,
     * b>c, c>d; out: a 2, b 1, c 1.
     */
    @BeforeEach
    void replay() {
        generator = new CandidateGenerator(settings(), CATALOG);
        stream().forEach(generator::update);
    }

    /**
     * After a rescale a subtask adopts a user's attribute counts from the subtask that owned it.
     * Each numbers attribute words in the order it read the catalog (its own consumer of the
     * catalog topic), so the counts must follow the words, not their numbers; a word the adopting
     * subtask has never read has no count there.
     */
    @Test
    void adoptedAttributeCountsFollowTheirWordsNotTheOwnersNumbering() {
        CandidateGenerator owner = new CandidateGenerator(settings(), ItemCatalog.empty());
        CandidateGenerator adopter = new CandidateGenerator(settings(), ItemCatalog.empty());
        owner.putItem("i2", "", List.of("Noir"));
        owner.putItem("i1", "", List.of("Western"));
        owner.putItem("i3", "", List.of("Musical"));
        adopter.putItem("i1", "", List.of("Western"));
        adopter.putItem("i2", "", List.of("Noir"));
        for (CandidateGenerator g : List.of(owner, adopter)) {
            g.update(event("u1", "i2", 1));
            g.update(event("u1", "i3", 2));
        }
        owner.keepUserStatisticsOf(user -> true);
        adopter.keepUserStatisticsOf(user -> false); // u1 was the owner's
        adopter.keepUserStatisticsOf(user -> true);

        adopter.adoptUserStatistics(owner);

        UserActivity users = adopter.activity().users();
        int u1 = new StatisticsView(adopter).user("u1");
        ItemContent words = adopter.activity().content();
        assertThat(users.attributes(u1)).isEqualTo(1);
        assertThat(words.word(users.attributeAt(u1, 0))).isEqualTo("attr:noir");
        assertThat(users.attributeCountAt(u1, 0)).isEqualTo(1.0);
    }

    /**
     * A checkpoint of earlier code can hold an adopted user's attribute numbered beyond what its
     * subtask knows (copied verbatim from another subtask): such a count is dropped at the next
     * adoption, not a failed restore.
     */
    @Test
    void anAttributeNumberedBeyondTheOwnersWordsIsDroppedWhenAdopted() {
        UserActivity owner = new UserActivity(32, 20);
        owner.add(0, 1_000L, new int[] {0, 5}, 0.0, 0.0); // 5: no word of the owner's
        UserActivity adopter = new UserActivity(32, 20);

        adopter.adopt(owner, new int[] {0}, new int[] {1, 0}, user -> true);

        assertThat(adopter.attributes(0)).isEqualTo(1);
        assertThat(adopter.attributeAt(0, 0)).isEqualTo(1);
    }

    /**
     * A candidate carries its item's index in the statistics that made it; statistics that index
     * items in another order, or a set merged from plain lists, are answered by the item's id.
     */
    @Test
    void aCandidatesIndexIsReadOnlyByTheStatisticsThatMadeIt() {
        // the same items and events, the items indexed in another order: an empty catalog
        // indexes them as the events first name them, here the stream's last event first
        CandidateGenerator reversed = new CandidateGenerator(settings(), ItemCatalog.empty());
        List<UserEvent> events = new ArrayList<>(stream());
        Collections.reverse(events);
        events.forEach(reversed::update);
        StatisticsView own = new StatisticsView(generator);
        StatisticsView other = new StatisticsView(reversed);
        CandidateSet made = generator.candidates("u3", 7 * HOUR);
        assertThat(made.candidates()).isNotEmpty();
        int differentIndices = 0;
        for (Candidate c : made.candidates()) {
            assertThat(own.item(c)).isEqualTo(c.item()).isEqualTo(own.item(c.itemId()));
            assertThat(other.item(c)).isEqualTo(other.item(c.itemId())).isNotNegative();
            differentIndices += other.item(c) != c.item() ? 1 : 0;
        }
        assertThat(differentIndices).as("the two orders differ").isPositive();
        CandidateSet merged =
                CandidateSet.union(
                        new EnumMap<>(
                                Map.of(
                                        Source.POPULARITY_ALL_TIME,
                                        List.of(new ScoredItem("d", 1.0)))));
        Candidate plain = merged.candidates().get(0);
        assertThat(plain.item()).isEqualTo(-1);
        assertThat(own.item(plain)).isEqualTo(own.item("d")).isNotNegative();
    }

    /**
     * An item file's title (or one the catalog topic took before titles had a bound) longer than a
     * checkpoint can write as one word: the statistics keep its first 1,024 characters, so they are
     * written, and through the journal too, instead of failing every checkpoint.
     */
    @Test
    void aTitleTooLongForACheckpointIsCutAndTheStatisticsAreWritten() throws Exception {
        String word = "a".repeat(70_000); // one word, 70,000 bytes of modified UTF-8
        String wide = new String(Character.toChars(0x20000)).repeat(20_000); // 6 bytes each
        Map<String, String> journalled = new HashMap<>();
        generator.recordChangesTo(
                new CandidateGenerator.Changes() {
                    @Override
                    public void event(UserEvent event) {}

                    @Override
                    public void item(String itemId, String title, List<String> attributes) {
                        journalled.put(itemId, title);
                        assertThat(attributes).allMatch(a -> a.length() <= 1024);
                    }
                });
        generator.putItem("long", word, List.of("g".repeat(2_000)));
        generator.putItem("wide", wide, List.of());
        byte[] bytes = CandidateStatisticsSerializer.toBytes(generator);
        assertThat(journalled).containsEntry("long", "a".repeat(1024));
        assertThat(journalled.get("wide")).hasSize(1024); // 512 whole characters
        assertThat(journalled.get("wide").codePoints()).containsOnly(0x20000);
        CandidateGenerator restored =
                CandidateStatisticsSerializer.fromBytes(bytes, generator.settings());
        assertThat(CandidateStatisticsSerializer.toBytes(restored)).isEqualTo(bytes);
    }

    /** An item file's titles and attributes are cut as the catalog topic's are. */
    @Test
    void aTitleTooLongForACheckpointInTheItemFileIsCutAndTheStatisticsAreWritten()
            throws Exception {
        ItemCatalog file =
                new ItemCatalog(
                        List.of(
                                new ItemRecord(
                                        "long", "a".repeat(70_000), List.of("g".repeat(70_000)))));
        CandidateGenerator fromFile = new CandidateGenerator(settings(), file);
        CandidateGenerator fromTopic = new CandidateGenerator(settings(), ItemCatalog.empty());
        fromTopic.putItem("long", "a".repeat(70_000), List.of("g".repeat(70_000)));

        byte[] bytes = CandidateStatisticsSerializer.toBytes(fromFile);

        assertThat(bytes).isEqualTo(CandidateStatisticsSerializer.toBytes(fromTopic));
    }

    /**
     * Forgetting u1 leaves no trace of u1 in the per-user statistics: not its id, history or
     * activity, not in u2's or u3's similar users, not among any item's recent users, and not in
     * the serialized statistics; u2 keeps its own. A later event of the id is a new user's.
     */
    @Test
    void aForgottenUserLeavesNoPerUserTrace() throws Exception {
        int u1 = generator.user("u1");
        assertThat(generator.neighbourhood().similarUsers(generator.user("u2")).weight(u1))
                .isNotZero();
        generator.forget("u1");
        assertThat(generator.knows("u1")).isFalse();
        assertThat(generator.histories().size(u1)).isZero();
        assertThat(generator.activity().users().events(u1)).isZero();
        assertThat(generator.neighbourhood().similarUsers(u1).size()).isZero();
        for (String other : List.of("u2", "u3")) {
            BoundedNeighbours similar =
                    generator.neighbourhood().similarUsers(generator.user(other));
            for (int s = 0; s < similar.size(); s++) {
                assertThat(similar.key(s)).isNotEqualTo(u1);
            }
        }
        for (String item : List.of("a", "b", "c", "d")) {
            assertThat(generator.neighbourhood().recentUsers(item(item)).contains(u1)).isFalse();
        }
        assertThat(generator.userItems("u2")).containsExactly("c", "a");
        String bytes =
                new String(
                        CandidateStatisticsSerializer.toBytes(generator),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(bytes).doesNotContain("u1").contains("u2");
        generator.update(event("u1", "e", 7));
        assertThat(generator.userItems("u1")).containsExactly("e");
    }

    /**
     * A forgotten user's index goes to the next new user, so users forgotten and new ones coming do
     * not grow the statistics; the new user starts with none of the forgotten one's numbers, and
     * with the history cap its own ownership gives.
     */
    @Test
    void aNewUserTakesAForgottenUsersIndexAndNothingElse() {
        generator.keepUserStatisticsOf(id -> !id.startsWith("guest"));
        int u1 = generator.user("u1");
        int users = generator.size().users();
        for (int cycle = 0; cycle < 50; cycle++) {
            String forgotten = cycle == 0 ? "u1" : "guest" + (cycle - 1);
            generator.forget(forgotten);
            generator.update(event("guest" + cycle, "e", 7 + cycle));
            assertThat(generator.user("guest" + cycle)).isEqualTo(u1);
        }
        assertThat(generator.size().users()).isEqualTo(users);
        int guest = generator.user("guest49");
        assertThat(generator.userItems("guest49")).containsExactly("e");
        assertThat(generator.activity().users().events(guest)).isZero(); // not a user it keeps
        assertThat(generator.neighbourhood().similarUsers(guest).size()).isZero();
        for (int i = 0; i < 60; i++) {
            generator.update(event("guest49", "x" + i, 100 + i));
        }
        assertThat(generator.userItems("guest49"))
                .hasSize(Math.max(settings().pairWindow(), settings().itemsPerSimilarUser()));
    }

    @Test
    void statisticsAfterTheStream() {
        ItemPairs pairs = generator.pairs();
        assertThat(pairs.cooccurrence(item("a"), item("c"))).isEqualTo(2);
        assertThat(pairs.cooccurrence(item("c"), item("a"))).isEqualTo(2);
        assertThat(pairs.cooccurrence(item("a"), item("d"))).isEqualTo(1);
        assertThat(pairs.cooccurrence(item("b"), item("b"))).isZero();
        assertThat(pairs.transition(item("c"), item("d"))).isEqualTo(1);
        assertThat(pairs.transition(item("d"), item("c"))).isZero();
        assertThat(pairs.count(item("a"))).isEqualTo(2);
        assertThat(pairs.transitionsOut(item("a"))).isEqualTo(2);
        assertThat(pairs.transitionsOut(item("d"))).isZero();
        assertThat(generator.updates()).isEqualTo(7);
        assertThat(generator.userItems("u1")).containsExactly("d", "c", "b", "a");
        assertThat(generator.userItemsOldestFirst("u1")).containsExactly("a", "b", "c", "d");
        assertThat(generator.userItemsOldestFirst("nobody")).isEmpty();
    }

    @Test
    void popularityForANewUser() {
        CandidateSet set = generator.candidates("u4", 7 * HOUR);
        // all-time: a, b, c 2 each (ties by id), d 1
        assertThat(ids(set.list(Source.POPULARITY_ALL_TIME))).containsExactly("a", "b", "c", "d");
        // 6 h at 7 h: b 2^(-1) + 2^(-1/6) = 1.391, c 2^(-2/3) + 2^(-1/2) = 1.337,
        // a 2^(-7/6) + 2^(-5/6) = 1.007, d 2^(-1/3) = 0.794
        List<ScoredItem> sixHours = set.list(Source.POPULARITY_6H);
        assertThat(ids(sixHours)).containsExactly("b", "c", "a", "d");
        assertThat(sixHours.get(0).score())
                .isCloseTo(Math.pow(2, -1) + Math.pow(2, -1 / 6.0), within(1e-12));
        assertThat(sixHours.get(2).score())
                .isCloseTo(Math.pow(2, -7 / 6.0) + Math.pow(2, -5 / 6.0), within(1e-12));
        // 30 d: b 2^(-6/720) + 2^(-1/720) beats c 2^(-4/720) + 2^(-3/720)
        assertThat(ids(set.list(Source.POPULARITY_30D))).containsExactly("b", "c", "a", "d");
        // no history: nothing from the sources that read it
        assertThat(set.list(Source.ITEM_TO_ITEM)).isEmpty();
        assertThat(set.list(Source.SIMILAR_USERS)).isEmpty();
        assertThat(set.list(Source.TITLE_WORDS)).isEmpty();
        assertThat(set.size()).isEqualTo(4);
    }

    @Test
    void itemToItemFromTheLastItems() {
        // u2's last items: c, then a (weight 0.6); a and c excluded
        // d: C[c][d] / n(c) + T[c][d] / out(c) + 0.6 C[a][d] / n(a) = 1/2 + 1/1 + 0.6 / 2 = 1.8
        // b: C[c][b] / n(c) + 0.6 (C[a][b] / n(a) + T[a][b] / out(a)) = 1/2 + 0.6 (1/2 + 1/2)
        List<ScoredItem> list = generator.candidates("u2", 7 * HOUR).list(Source.ITEM_TO_ITEM);
        assertThat(ids(list)).containsExactly("d", "b");
        assertThat(list.get(0).score()).isCloseTo(1.8, within(1e-12));
        assertThat(list.get(1).score()).isCloseTo(1.1, within(1e-12));
    }

    @Test
    void recentItemsOfSimilarUsers() {
        // u2 met u1 on a at 2 h and on c at 4 h: sim = 2^(-5/168) + 2^(-3/168) at 7 h (7 d)
        double sim = Math.pow(2, -5 / WEEK_H) + Math.pow(2, -3 / WEEK_H);
        assertThat(generator.neighbourhood().similarity(user("u2"), user("u1"), 7 * HOUR))
                .isCloseTo(sim, within(1e-9));
        // u1's items latest first: d, c, b, a, weighted 0.8^p; a and c excluded
        List<ScoredItem> list = generator.candidates("u2", 7 * HOUR).list(Source.SIMILAR_USERS);
        assertThat(ids(list)).containsExactly("d", "b");
        assertThat(list.get(0).score()).isCloseTo(sim, within(1e-9));
        assertThat(list.get(1).score()).isCloseTo(sim * 0.64, within(1e-9));
        // u3 met u1 on b at 6 h only
        double sim3 = Math.pow(2, -1 / WEEK_H);
        List<ScoredItem> u3 = generator.candidates("u3", 7 * HOUR).list(Source.SIMILAR_USERS);
        assertThat(ids(u3)).containsExactly("d", "c", "a");
        assertThat(u3.get(2).score()).isCloseTo(sim3 * 0.512, within(1e-9));
    }

    /**
     * Under {@link SimilarUsers#EARLIER} (the default) an event makes its user similar to the
     * item's earlier users only: u2 to u1 on a at 2 h, u1 to u2 on c at 4 h, u3 to u1 on b at 6 h.
     */
    @Test
    void earlierUsersAreSimilarOneWay() {
        CandidateGenerator earlier =
                new CandidateGenerator(settings().withSimilarUsers(SimilarUsers.EARLIER), CATALOG);
        stream().forEach(earlier::update);
        UserNeighbourhood n = earlier.neighbourhood();
        int u1 = earlier.user("u1");
        int u2 = earlier.user("u2");
        int u3 = earlier.user("u3");
        double sim21 = Math.pow(2, -5 / WEEK_H); // a at 2 h only, read at 7 h
        assertThat(n.similarity(u2, u1, 7 * HOUR)).isCloseTo(sim21, within(1e-9));
        assertThat(n.similarity(u1, u2, 7 * HOUR))
                .isCloseTo(Math.pow(2, -3 / WEEK_H), within(1e-9));
        assertThat(n.similarity(u3, u1, 7 * HOUR))
                .isCloseTo(Math.pow(2, -1 / WEEK_H), within(1e-9));
        assertThat(n.similarity(u1, u3, 7 * HOUR)).isZero();
        assertThat(n.similarUsers(u1).size()).isEqualTo(1); // u2; both ways: u2 and u3
        assertThat(generator.neighbourhood().similarUsers(user("u1")).size()).isEqualTo(2);
        // u1's items latest first: d, c, b, a, weighted 0.8^p; a and c excluded
        List<ScoredItem> list = earlier.candidates("u2", 7 * HOUR).list(Source.SIMILAR_USERS);
        assertThat(ids(list)).containsExactly("d", "b");
        assertThat(list.get(0).score()).isCloseTo(sim21, within(1e-9));
        assertThat(list.get(1).score()).isCloseTo(sim21 * 0.64, within(1e-9));
    }

    @Test
    void itemsSharingRareTitleWords() {
        // u2's last two items c (trek -> b) and a (wars -> e, sci-fi -> b); star is on 3 items,
        // not rare; each rare word weighs ln(6 / 2)
        double idf = Math.log(3);
        List<ScoredItem> list = generator.candidates("u2", 7 * HOUR).list(Source.TITLE_WORDS);
        assertThat(ids(list)).containsExactly("b", "e");
        assertThat(list.get(0).score()).isCloseTo(2 * idf, within(1e-12));
        assertThat(list.get(1).score()).isCloseTo(idf, within(1e-12));
        assertThat(generator.titleWords().idf("star")).isCloseTo(Math.log(2), within(1e-12));
    }

    /**
     * With unseen catalog items off, the title source offers e (sharing "wars" with u2's a) only
     * once an event named it: a rating dataset's catalog lists exactly the items it rates, so an
     * item offered before its first event would be a glimpse of the future.
     */
    @Test
    void withoutUnseenCatalogItemsTheTitleSourceOffersAnItemOnlyAfterItsFirstEvent() {
        CandidateGenerator seenOnly =
                new CandidateGenerator(settings().withUnseenCatalogItems(false), CATALOG);
        stream().forEach(seenOnly::update);
        assertThat(ids(seenOnly.candidates("u2", 7 * HOUR).list(Source.TITLE_WORDS)))
                .containsExactly("b");
        assertThat(seenOnly.candidates("u2", 7 * HOUR).contains("e")).isFalse();
        seenOnly.update(event("u3", "e", 7));
        List<ScoredItem> list = seenOnly.candidates("u2", 8 * HOUR).list(Source.TITLE_WORDS);
        assertThat(ids(list)).containsExactly("b", "e");
        assertThat(list.get(1).score()).isCloseTo(Math.log(3), within(1e-12));
    }

    @Test
    void unionKeepsEachItemOnceWithItsSources() {
        CandidateSet set = generator.candidates("u2", 7 * HOUR);
        assertThat(set.contains("a")).isFalse();
        assertThat(set.contains("c")).isFalse();
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.get("e").sources()).containsExactly(Source.TITLE_WORDS);
        Candidate b = set.get("b");
        assertThat(b.sources()).hasSize(generator.sourceCount());
        assertThat(b.rank(Source.ITEM_TO_ITEM)).isEqualTo(1);
        assertThat(b.rank(Source.TITLE_WORDS)).isZero();
        assertThat(b.score(Source.POPULARITY_ALL_TIME)).isEqualTo(2.0);
        assertThat(set.get("d").from(Source.TITLE_WORDS)).isFalse();
        assertThat(set.get("d").score(Source.TITLE_WORDS)).isNaN();
    }

    @Test
    void readingChangesNothingAndReplaysAreIdentical() {
        String before = generator.candidates("u2", 7 * HOUR).candidates().toString();
        generator.candidates("u1", 7 * HOUR);
        generator.candidates("u9", 8 * HOUR);
        assertThat(generator.candidates("u2", 7 * HOUR).candidates().toString()).isEqualTo(before);
        assertThat(generator.updates()).isEqualTo(7);
        CandidateGeneratorTest again = new CandidateGeneratorTest();
        again.replay();
        for (Source s : Source.values()) {
            assertThat(again.generator.candidates("u2", 7 * HOUR).list(s))
                    .isEqualTo(generator.candidates("u2", 7 * HOUR).list(s));
        }
    }

    @Test
    void aCatalogUpdateReachesTheTitleSource() {
        generator.putItem("g", "Wars Again (2020)", List.of());
        // wars is now on a, e and g: not rare at 2 items per word
        assertThat(ids(generator.candidates("u2", 7 * HOUR).list(Source.TITLE_WORDS)))
                .containsExactly("b");
    }

    private int item(String id) {
        return generator.item(id);
    }

    private int user(String id) {
        return generator.user(id);
    }

    private static List<String> ids(List<ScoredItem> list) {
        return list.stream().map(ScoredItem::itemId).toList();
    }
}
