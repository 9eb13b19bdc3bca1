package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A restore of popularity holds counters of indexed items only: one beyond them would be ranked
 * without an id, or be the count an item indexed later starts with.
 */
class ItemPopularityTest {
    private static final long T = 1_000_000L;

    @Test
    void aRestoreRanksTheItemsAsWritten() throws IOException {
        ItemPopularity written = written();
        ItemPopularity restored = new ItemPopularity(items(3), 5);
        restored.readFrom(input(bytes(written::writeTo)), 3);
        restored.readShortTermFrom(input(bytes(written::writeShortTermTo)), 3);
        ExcludedItems none = new ExcludedItems();
        none.set(new UserHistories(), -1);
        assertThat(restored.top(Source.POPULARITY_ALL_TIME, 3, none)).containsExactly(2, 1, 0);
        assertThat(restored.shortTerm(2, T)).isEqualTo(written.shortTerm(2, T)).isEqualTo(3.0);
    }

    @Test
    void countersOfMoreItemsThanIndexedAreCorrupt() throws IOException {
        ItemPopularity written = written();
        byte[] counts = bytes(written::writeTo);
        assertThatThrownBy(() -> new ItemPopularity(items(2), 5).readFrom(input(counts), 2))
                .isInstanceOf(IOException.class)
                .hasMessage("corrupt ItemPopularity.items 3, 2 indexed");
        byte[] shortTerm = bytes(written::writeShortTermTo);
        assertThatThrownBy(
                        () ->
                                new ItemPopularity(items(2), 5)
                                        .readShortTermFrom(input(shortTerm), 2))
                .isInstanceOf(IOException.class)
                .hasMessage("corrupt ItemPopularity.shortTermItems 3, 2 indexed");
    }

    /** Items 0, 1 and 2 with 1, 2 and 3 events. */
    private static ItemPopularity written() {
        ItemPopularity p = new ItemPopularity(items(3), 5);
        for (int item = 0; item < 3; item++) {
            for (int e = 0; e <= item; e++) {
                p.add(item, T);
            }
        }
        return p;
    }

    private static IdIndex items(int n) {
        IdIndex items = new IdIndex();
        for (int i = 0; i < n; i++) {
            items.of("i" + i);
        }
        return items;
    }

    private interface Writer {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writer.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
