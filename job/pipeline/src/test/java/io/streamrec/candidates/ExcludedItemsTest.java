package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The items one read skips: exactly the last set's, also when the read counter wraps. */
class ExcludedItemsTest {

    @Test
    void excludesExactlyTheLastSetsItems() {
        ExcludedItems excluded = new ExcludedItems();
        excluded.set(items(3, 20));
        assertThat(excluded.contains(3)).isTrue();
        assertThat(excluded.contains(20)).isTrue();
        assertThat(excluded.contains(4)).isFalse();
        excluded.set(items(4));
        assertThat(excluded.contains(3)).isFalse();
        assertThat(excluded.contains(4)).isTrue();
        excluded.set(null);
        assertThat(excluded.contains(4)).isFalse();
    }

    @Test
    void afterTheCounterWrapsNoItemIsExcludedThatTheLastSetDidNotName() {
        ExcludedItems excluded = new ExcludedItems(-3);
        excluded.set(items(5)); // stamp -2
        excluded.set(null); // -1
        excluded.set(items(7)); // 0 would match every item never marked: wraps to 1
        assertThat(excluded.contains(7)).isTrue();
        for (int item = 0; item < 16; item++) {
            if (item != 7) {
                assertThat(excluded.contains(item)).as("item %d", item).isFalse();
            }
        }
        excluded.set(null);
        assertThat(excluded.contains(7)).isFalse();
    }

    private static RecentIds items(int... ids) {
        RecentIds recent = new RecentIds(16);
        for (int id : ids) {
            recent.add(id);
        }
        return recent;
    }
}
