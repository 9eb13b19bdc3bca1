package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every user's latest items keep, order and write exactly what a {@link RecentIds} per user did,
 * the form they had before: statistics written by either read the same.
 */
class UserHistoriesTest {
    private static final int USERS = 40;

    @Test
    void eachUserReadsAndWritesAsARecentIdsOfTheSameCapThroughGrowthAndEviction()
            throws IOException {
        Random random = new Random(9);
        UserHistories histories = new UserHistories();
        List<RecentIds> expected = new ArrayList<>();
        int[] caps = new int[USERS];
        for (int u = 0; u < USERS; u++) {
            caps[u] = u % 3 == 0 ? 1 : u % 3 == 1 ? 5 : 60; // a cap of one, short, and long
            expected.add(new RecentIds(caps[u]));
        }
        histories.ensureUsers(USERS);
        for (int step = 0; step < 20_000; step++) {
            int u = random.nextInt(USERS);
            int item = random.nextInt(random.nextInt(100) + 1); // repeats, to move items up
            histories.add(u, item, caps[u]);
            expected.get(u).add(item);
        }
        for (int u = 0; u < USERS; u++) {
            RecentIds recent = expected.get(u);
            assertThat(histories.size(u)).as("user %d", u).isEqualTo(recent.size());
            assertThat(histories.mostRecent(u, 1000))
                    .as("user %d", u)
                    .containsExactly(recent.mostRecent(1000));
            for (int i = 0; i < recent.size(); i++) {
                assertThat(histories.get(u, i)).isEqualTo(recent.get(i));
            }
        }
        assertThat(bytes(histories)).isEqualTo(bytes(expected));
        assertThat(histories.longest()).isEqualTo(60);
        assertThat(histories.totalSize())
                .isEqualTo(expected.stream().mapToLong(RecentIds::size).sum());

        UserHistories restored = new UserHistories();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes(histories)));
        int users = in.readInt();
        for (int u = 0; u < users; u++) {
            restored.readUser(in, 60, new RestoredKeys("item", 100));
        }
        assertThat(bytes(restored)).isEqualTo(bytes(histories));
        // a restored list, held at its exact length, goes on as the one that ran on
        for (int step = 0; step < 2_000; step++) {
            int u = random.nextInt(USERS);
            int item = random.nextInt(100);
            restored.add(u, item, caps[u]);
            histories.add(u, item, caps[u]);
        }
        assertThat(bytes(restored)).isEqualTo(bytes(histories));
    }

    @Test
    void addLatestWeighsTheNewestItemsByDecayAndSkipsUnknownUsers() {
        UserHistories histories = new UserHistories();
        histories.ensureUsers(2);
        for (int item = 1; item <= 4; item++) {
            histories.add(0, item, 10);
        }
        ItemScores scores = new ItemScores(new IdIndex());
        histories.addLatest(0, 3, 2.0, 0.5, scores); // items 4, 3, 2 at 2, 1, 0.5
        histories.addLatest(0, 10, 1.0, 0.5, scores); // the whole list: 4, 3, 2, 1 at 1 ... 1/8
        histories.addLatest(1, 3, 1.0, 0.5, scores); // an empty list
        histories.addLatest(2, 3, 1.0, 0.5, scores); // no list
        histories.addLatest(-1, 3, 1.0, 0.5, scores);
        assertThat(new double[] {scores.score(4), scores.score(3), scores.score(2)})
                .containsExactly(3.0, 1.5, 0.75);
        assertThat(scores.score(1)).isEqualTo(0.125);
        assertThat(scores.score(0)).isZero();
        assertThat(histories.newest(0)).isEqualTo(4);
        assertThat(histories.newest(1)).as("an empty list").isZero();
        assertThat(histories.newest(2)).as("no list").isZero();
        assertThat(histories.newest(-1)).isZero();
    }

    @Test
    void aTrimKeepsTheMostRecentAndACopyTranslatesItemsDroppingUnmapped() {
        UserHistories histories = new UserHistories();
        histories.ensureUsers(2);
        for (int item = 0; item < 8; item++) {
            histories.add(0, item, 10);
        }
        histories.trim(0, 3);
        assertThat(histories.mostRecent(0, 10)).containsExactly(7, 6, 5);
        histories.add(0, 8, 3); // the cap holds from now on: 5 falls out
        assertThat(histories.mostRecent(0, 10)).containsExactly(8, 7, 6);

        // 7 is not known here, and 8 lies past the translation's end
        int[] toMine = {-1, -1, -1, -1, -1, -1, 60, -1};
        UserHistories mine = new UserHistories();
        mine.ensureUsers(5);
        mine.copyTranslated(histories, 0, 4, toMine, 10);
        assertThat(mine.mostRecent(4, 10)).containsExactly(60);
        assertThat(mine.size(0)).isZero();

        // a copy under a smaller cap takes the latest of the source
        for (int item = 10; item < 14; item++) {
            histories.add(1, item, 10);
        }
        int[] same = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
        mine.copyTranslated(histories, 1, 2, same, 2);
        assertThat(mine.mostRecent(2, 10)).containsExactly(13, 12);
        // a copy onto itself keeps the list
        histories.copyTranslated(histories, 1, 1, same, 10);
        assertThat(histories.mostRecent(1, 10)).containsExactly(13, 12, 11, 10);
    }

    @Test
    void aListOverTheCapKeepsItsLatestBeforeAnAddAndACapBelowOneIsRefused() {
        UserHistories histories = new UserHistories();
        histories.ensureUsers(1);
        for (int item = 0; item < 6; item++) {
            histories.add(0, item, 10);
        }
        histories.add(0, 3, 4); // already held, and the list is over the new cap
        assertThat(histories.mostRecent(0, 10)).containsExactly(3, 5, 4, 2);
        assertThatThrownBy(() -> histories.add(0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cap must be positive: 0");
    }

    @Test
    void aClearedUserStartsEmptyAndAnUnknownUserHasNothing() {
        UserHistories histories = new UserHistories();
        histories.ensureUsers(1);
        histories.add(0, 3, 4);
        histories.clear(0);
        assertThat(histories.size(0)).isZero();
        histories.add(0, 4, 4);
        assertThat(histories.mostRecent(0, 4)).containsExactly(4);
        assertThat(histories.size(-1)).isZero();
        assertThat(histories.size(1)).isZero();
        assertThat(histories.mostRecent(-1, 4)).isEmpty();
    }

    @Test
    void aListLongerThanTheCapIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(3);
        out.writeInt(1);
        out.writeInt(2);
        out.writeInt(3);
        UserHistories histories = new UserHistories();
        assertThatThrownBy(
                        () ->
                                histories.readUser(
                                        new DataInputStream(
                                                new ByteArrayInputStream(bytes.toByteArray())),
                                        2,
                                        new RestoredKeys("item", 4)))
                .isInstanceOf(IOException.class)
                .hasMessage("recent ids of 3 entries, cap 2");
    }

    /**
     * A history holds indexed items, each once: an item beyond them (which the user's every read
     * met as an index out of bounds, excluding the user's items) or twice is corrupt; the next
     * user's history may hold the same items again.
     */
    @Test
    void aHistoryItemBeyondTheItemsOrTwiceIsCorrupt() throws IOException {
        RestoredKeys items = new RestoredKeys("history item", 3);
        UserHistories histories = new UserHistories();
        histories.readUser(history(0, 2), 5, items);
        histories.readUser(history(2, 1, 0), 5, items);
        assertThat(histories.mostRecent(1, 5)).containsExactly(0, 1, 2);
        assertThatThrownBy(() -> histories.readUser(history(1, 3), 5, items))
                .isInstanceOf(IOException.class)
                .hasMessage("corrupt history item 3 of 3");
        assertThatThrownBy(() -> histories.readUser(history(-2), 5, items))
                .isInstanceOf(IOException.class)
                .hasMessage("corrupt history item -2 of 3");
        assertThatThrownBy(() -> histories.readUser(history(1, 0, 1), 5, items))
                .isInstanceOf(IOException.class)
                .hasMessage("corrupt history item 1 twice in one list");
    }

    /** One user's history as {@link UserHistories#writeTo} writes it, oldest first. */
    private static DataInputStream history(int... items) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(items.length);
        for (int item : items) {
            out.writeInt(item);
        }
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    private static byte[] bytes(UserHistories histories) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        histories.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /** What the statistics wrote before: the count, then each user's {@link RecentIds}. */
    private static byte[] bytes(List<RecentIds> histories) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(histories.size());
        for (RecentIds recent : histories) {
            recent.writeTo(out);
        }
        return bytes.toByteArray();
    }
}
