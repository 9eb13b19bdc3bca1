package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The ranker's further statistics: what they count, their caps, and snapshot → restore. */
class ActivityStatisticsTest {
    private static final long HOUR = 3_600_000L;
    private static final String[] GENRES = {"Drama", "Comedy", "Horror", "Sci-Fi", "War", "Crime"};

    @Test
    void itemContentTokensIdfAndReleaseYears() {
        ItemContent content = new ItemContent();
        content.put(0, "Star Wars (1977)", List.of("Sci-Fi"));
        content.put(1, "Star Trek", List.of("Sci-Fi", "Action"));
        content.put(2, "Heat (1995) (V)", List.of());
        assertThat(content.releaseYear(0)).isEqualTo(1977);
        assertThat(content.releaseYear(1)).isEqualTo(ItemContent.NO_YEAR);
        assertThat(content.releaseYear(2)).isEqualTo(1995);
        assertThat(content.releaseYear(7)).isEqualTo(ItemContent.NO_YEAR);
        assertThat(words(content, content.words(1))).containsExactly("star", "trek");
        assertThat(words(content, content.attributes(1)))
                .containsExactly("attr:sci-fi", "attr:action");
        assertThat(content.attributeTokens()).isEqualTo(2);
        // star on 2 of 3 items: ln(3 / 2)
        assertThat(content.idf(content.words(0)[0])).isCloseTo(Math.log(1.5), within(1e-12));
        // a changed item replaces its tokens: star now on 1 of 3
        content.put(1, "Trek", List.of("Action"));
        assertThat(content.idf(content.words(0)[0])).isCloseTo(Math.log(3), within(1e-12));
        assertThat(content.items()).isEqualTo(3);
        assertThat(ItemContent.releaseYear("Year 1 (0001)")).isEqualTo(ItemContent.NO_YEAR);
    }

    /**
     * An item retitled again and again (a rotating tag) leaves tokens no item has; once they are
     * most of the tokens they are dropped and the rest numbered again, users' attribute counts and
     * the global ones following by word, their shares unchanged.
     */
    @Test
    void tokensNoItemHasAreDroppedOnceTheyAreMostAndCountsFollowByWord() {
        ActivityStatistics stats = new ActivityStatistics();
        stats.putItem(0, "Heat", List.of("Crime"));
        UserEvent e = new UserEvent("e1", "u", "0", EventType.CLICK, Float.NaN, HOUR);
        stats.add(0, 0, e, 0, true);
        stats.add(1, 0, e, 0, true);
        ItemContent content = stats.content();
        UserActivity users = stats.users();
        int crime = content.attributes(0)[0];
        double share = users.globalAttributeEvents(crime) / users.globalAttributeEvents();
        for (int tag = 0; tag < 3 * ItemContent.COMPACT_AT_LEAST; tag++) {
            stats.putItem(1, "Live " + tag, List.of("tag" + tag));
        }

        // heat, attr:crime; live, the latest number, attr:tag<latest>; and fewer than 1024 dead
        assertThat(content.tokens()).isLessThan(ItemContent.COMPACT_AT_LEAST + 5);
        int crimeNow = content.attributes(0)[0];
        assertThat(content.word(crimeNow)).isEqualTo("attr:crime");
        assertThat(words(content, content.attributes(1)))
                .containsExactly("attr:tag" + (3 * ItemContent.COMPACT_AT_LEAST - 1));
        assertThat(users.attributeAt(0, 0)).isEqualTo(crimeNow);
        assertThat(users.attributeCountAt(1, 0)).isEqualTo(1.0);
        assertThat(users.globalAttributeEvents(crimeNow) / users.globalAttributeEvents())
                .isEqualTo(share);
        // the attributes of the catalog now, and those its items dropped since the compaction
        assertThat(content.attributeTokens()).isBetween(2, ItemContent.COMPACT_AT_LEAST + 2);
        // the idf of what is left is as in a fresh index of the same catalog
        ItemContent fresh = new ItemContent();
        fresh.put(0, "Heat", List.of("Crime"));
        fresh.put(
                1,
                "Live " + (3 * ItemContent.COMPACT_AT_LEAST - 1),
                List.of("tag" + (3 * ItemContent.COMPACT_AT_LEAST - 1)));
        assertThat(content.idf(crimeNow)).isEqualTo(fresh.idf(fresh.attributes(0)[0]));
    }

    /**
     * Bytes naming a token the dictionary lacks, or a word twice, are corrupt: a compaction maps
     * every item's tokens through an array as long as the dictionary.
     */
    @Test
    void contentBytesWithATokenOutsideTheDictionaryAreCorrupt() throws IOException {
        for (String[] dictionary : new String[][] {{"heat"}, {"heat", "heat"}}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(1); // format
            out.writeInt(dictionary.length);
            for (String word : dictionary) {
                out.writeUTF(word);
            }
            out.writeInt(1); // items
            out.writeBoolean(true);
            out.writeInt(1);
            out.writeInt(dictionary.length == 1 ? 5 : 0); // title tokens
            out.writeInt(0); // attribute tokens
            out.writeInt(ItemContent.NO_YEAR);
            assertThatThrownBy(
                            () ->
                                    ItemContent.readFrom(
                                            new DataInputStream(
                                                    new ByteArrayInputStream(bytes.toByteArray())),
                                            1))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("corrupt");
        }
    }

    private static List<String> words(ItemContent content, int[] tokens) {
        List<String> out = new ArrayList<>();
        for (int t : tokens) {
            out.add(content.word(t));
        }
        return out;
    }

    @Test
    void itemActivityTimesAndRatingMoments() {
        ItemActivity items = new ItemActivity();
        items.add(3, 10 * HOUR, 4f);
        items.add(3, 5 * HOUR, 2f); // late: first seen moves back, last stays
        items.add(3, 12 * HOUR, Float.NaN); // no rating
        items.add(1, 0, 6f);
        assertThat(items.firstSeen(3)).isEqualTo(5 * HOUR);
        assertThat(items.lastSeen(3)).isEqualTo(12 * HOUR);
        assertThat(items.firstSeen(2)).isEqualTo(ItemActivity.NEVER);
        assertThat(items.valueCount(3)).isEqualTo(2);
        assertThat(items.valueSum(3)).isEqualTo(6.0);
        // values 4, 2, 6: mean 4, variance 8 / 3
        assertThat(items.meanValue()).isCloseTo(4.0, within(1e-12));
        assertThat(items.valueDeviation()).isCloseTo(Math.sqrt(8 / 3.0), within(1e-12));
        assertThat(items.logAgeDays(3, 5 * HOUR + 48 * HOUR)).isCloseTo(Math.log(3), within(1e-12));
        assertThat(items.logAgeDays(2, 0)).isZero();
    }

    @Test
    void userActivityMeansAndAttributeCap() {
        UserActivity users = new UserActivity(2, 2);
        users.add(0, 1_000, new int[] {5, 6}, 1.0, 0.5);
        users.add(0, 500, new int[] {6}, 3.0, 1.5); // late: the latest stays 1000
        // window 2: after two events a moving average with rate 1/2
        users.add(0, 2_000, new int[] {7}, 5.0, 0.0);
        assertThat(users.events(0)).isEqualTo(3);
        assertThat(users.lastEvent(0)).isEqualTo(2_000);
        assertThat(users.meanLogPopularity(0)).isCloseTo((2.0 + 5.0) / 2, within(1e-12));
        assertThat(users.meanLogAge(0)).isCloseTo((1.0 + 0.0) / 2, within(1e-12));
        // cap 2: 7 replaces 5, the smaller count (6 has 2)
        assertThat(users.attributes(0)).isEqualTo(2);
        assertThat(users.attributeCountAt(0, 0)).isEqualTo(1.0);
        assertThat(users.attributeAt(0, 0)).isEqualTo(7);
        assertThat(users.attributeAt(0, 1)).isEqualTo(6);
        assertThat(users.attributeEvents(0)).isEqualTo(4.0);
        assertThat(users.globalAttributeEvents(6)).isEqualTo(2.0);
        assertThat(users.globalAttributeEvents(5)).isEqualTo(1.0);
        assertThat(users.globalAttributeEvents()).isEqualTo(4.0);
        assertThat(users.events(9)).isZero();
        assertThat(users.lastEvent(9)).isEqualTo(UserActivity.NEVER);
    }

    @Test
    void attributeListsStayWithinTheirCapUnderALongRandomStream() {
        // 46 attributes, more than a user keeps: the busiest users meet them all
        CandidateGenerator generator = replay(20_000, 3);
        assertThat(generator.activity().content().attributeTokens()).isEqualTo(46);
        assertThat(generator.activity().users().longestAttributeList())
                .isEqualTo(ActivityStatistics.ATTRIBUTES_PER_USER);
    }

    @Test
    void snapshotThenRestoreReadsTheSameAndContinuesTheSame() throws IOException {
        CandidateGenerator generator = replay(5_000, 7);
        ActivityStatistics original = generator.activity();
        byte[] snapshot = bytes(original);
        ActivityStatistics restored = restore(snapshot);
        assertThat(bytes(restored)).isEqualTo(snapshot);
        for (int i = 0; i < 50; i++) {
            assertThat(restored.items().firstSeen(i)).isEqualTo(original.items().firstSeen(i));
            assertThat(restored.items().valueSum(i)).isEqualTo(original.items().valueSum(i));
            assertThat(restored.users().meanLogAge(i)).isEqualTo(original.users().meanLogAge(i));
            assertThat(restored.content().attributes(i))
                    .isEqualTo(original.content().attributes(i));
        }
        assertThat(restored.content().idf(3)).isEqualTo(original.content().idf(3));
        // the same events and catalog changes after the restore leave both in the same state
        Random random = new Random(3);
        for (int i = 0; i < 500; i++) {
            UserEvent e = event(random, i, 10_000 + i);
            int user = random.nextInt(200);
            int item = random.nextInt(400);
            original.add(user, item, e, 7, true);
            restored.add(user, item, e, 7, true);
        }
        original.putItem(401, "New (2024)", List.of("Western"));
        restored.putItem(401, "New (2024)", List.of("Western"));
        assertThat(bytes(restored)).isEqualTo(bytes(original));
    }

    @Test
    void eachPartRoundTripsAlone() throws IOException {
        ActivityStatistics stats = replay(2_000, 5).activity();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        stats.content().writeTo(out);
        stats.items().writeTo(out);
        stats.users().writeTo(out);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(buffer.toByteArray()));
        ItemContent content = ItemContent.readFrom(in, Integer.MAX_VALUE);
        ItemActivity items = ItemActivity.readFrom(in, Integer.MAX_VALUE);
        UserActivity users = UserActivity.readFrom(in, Integer.MAX_VALUE);
        assertThat(in.available()).isZero();
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        DataOutputStream out2 = new DataOutputStream(again);
        content.writeTo(out2);
        items.writeTo(out2);
        users.writeTo(out2);
        assertThat(again.toByteArray()).isEqualTo(buffer.toByteArray());
    }

    /**
     * Content, item activity and user activity exist for indexed items and users only: more is
     * corrupt, as is an item activity longer than its growth makes or with events past the items.
     */
    @Test
    void activityOfMoreItemsOrUsersThanIndexedIsCorrupt() throws IOException {
        ItemContent content = new ItemContent();
        ItemActivity items = new ItemActivity();
        UserActivity users = new UserActivity(4, 10);
        for (int i = 0; i < 3; i++) {
            content.put(i, "Film " + i, List.of("Drama"));
            items.add(i, 1_000L + i, 4f);
            users.add(i, 1_000L + i, content.attributes(i), 0.0, 0.0);
        }
        ItemContent.readFrom(input(content::writeTo), 3);
        ItemActivity.readFrom(input(items::writeTo), 3);
        UserActivity.readFrom(input(users::writeTo), 3);
        assertCorrupt(
                () -> ItemContent.readFrom(input(content::writeTo), 2),
                "corrupt ItemContent.items 3, 2 indexed");
        assertCorrupt(
                () -> ItemActivity.readFrom(input(items::writeTo), 2),
                "corrupt ItemActivity: item 2 of 2 has events");
        assertCorrupt(
                () -> UserActivity.readFrom(input(users::writeTo), 2),
                "corrupt UserActivity.users 3, 2 indexed");
        items.add(39, 2_000L, Float.NaN); // arrays of 40: twice the items they may be for is 20
        ItemActivity.readFrom(input(items::writeTo), 40);
        assertCorrupt(
                () -> ItemActivity.readFrom(input(items::writeTo), 10),
                "corrupt ItemActivity.items 40 for 10 indexed");
    }

    private interface Part {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private static DataInputStream input(Part part) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        part.writeTo(new DataOutputStream(buffer));
        return new DataInputStream(new ByteArrayInputStream(buffer.toByteArray()));
    }

    private static void assertCorrupt(ThrowingCallable read, String message) {
        assertThatThrownBy(read).isInstanceOf(IOException.class).hasMessage(message);
    }

    @Test
    void anUnknownFormatFailsClearly() {
        byte[] snapshot = {0, 0, 0, 9};
        assertThatThrownBy(() -> restore(snapshot))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ActivityStatistics format 9");
    }

    /**
     * Skewed random events of 200 users over 400 catalog items, each with one to three of 6 genres
     * and one of 40 tags.
     */
    private static CandidateGenerator replay(int events, long seed) {
        Random random = new Random(seed);
        List<ItemRecord> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            List<String> genres = new ArrayList<>();
            for (int g = 0; g <= random.nextInt(3); g++) {
                String genre = GENRES[random.nextInt(GENRES.length)];
                if (!genres.contains(genre)) {
                    genres.add(genre);
                }
            }
            genres.add("tag" + i % 40);
            records.add(
                    new ItemRecord("i" + i, "Film " + i + " (" + (1950 + i % 70) + ")", genres));
        }
        CandidateGenerator generator =
                new CandidateGenerator(CandidateSettings.defaults(), new ItemCatalog(records));
        for (int i = 0; i < events; i++) {
            generator.update(event(random, i, i));
        }
        return generator;
    }

    private static UserEvent event(Random random, int i, long minute) {
        String user = "u" + (int) (Math.pow(random.nextDouble(), 2) * 200);
        String item = "i" + (int) (Math.pow(random.nextDouble(), 2) * 420); // some not in catalog
        float value = i % 3 == 0 ? Float.NaN : 1 + random.nextInt(10);
        return new UserEvent("e" + i, user, item, EventType.RATING, value, minute * 60_000L);
    }

    private static byte[] bytes(ActivityStatistics stats) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        stats.writeTo(new DataOutputStream(buffer));
        return buffer.toByteArray();
    }

    private static ActivityStatistics restore(byte[] snapshot) throws IOException {
        return ActivityStatistics.readFrom(
                new DataInputStream(new ByteArrayInputStream(snapshot)),
                Integer.MAX_VALUE,
                Integer.MAX_VALUE);
    }
}
