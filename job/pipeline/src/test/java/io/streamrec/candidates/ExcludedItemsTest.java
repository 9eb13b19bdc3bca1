package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The items one read skips: exactly the last set's, also when the read counter wraps. */
class ExcludedItemsTest {

    @Test
    void excludesExactlyTheLastSetsItems() {
        ExcludedItems excluded = new ExcludedItems();
        OneUserItems.of(3, 20).excludeIn(excluded);
        assertThat(excluded.contains(3)).isTrue();
        assertThat(excluded.contains(20)).isTrue();
        assertThat(excluded.contains(4)).isFalse();
        OneUserItems.of(4).excludeIn(excluded);
        assertThat(excluded.contains(3)).isFalse();
        assertThat(excluded.contains(4)).isTrue();
        OneUserItems.excludeNoneIn(excluded);
        assertThat(excluded.contains(4)).isFalse();
    }

    @Test
    void afterTheCounterWrapsNoItemIsExcludedThatTheLastSetDidNotName() {
        ExcludedItems excluded = new ExcludedItems(-3);
        OneUserItems.of(5).excludeIn(excluded); // stamp -2
        OneUserItems.excludeNoneIn(excluded); // -1
        OneUserItems.of(7).excludeIn(excluded); // 0 would match every item never marked: wraps to 1
        assertThat(excluded.contains(7)).isTrue();
        for (int item = 0; item < 16; item++) {
            if (item != 7) {
                assertThat(excluded.contains(item)).as("item %d", item).isFalse();
            }
        }
        OneUserItems.excludeNoneIn(excluded);
        assertThat(excluded.contains(7)).isFalse();
    }
}
