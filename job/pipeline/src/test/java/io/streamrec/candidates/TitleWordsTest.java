package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rare-word index: postings in indexing order, re-indexed items, idf, bytes. */
class TitleWordsTest {
    private static final double LN_4_OVER_2 = Math.log(4.0 / 2.0);

    /** The items indexed beside the words restored here. */
    private static final int ITEMS = 5;

    /**
     * Items 0-2 of "star" titles, item 1 then re-indexed as "Moon" with a genre; item 4 indexed
     * without words, item 3 never.
     */
    private static TitleWords reindexed() {
        TitleWords words = new TitleWords(5);
        words.put(0, "Star Wars", List.of());
        words.put(1, "Star Trek", List.of());
        words.put(2, "Star Dust", List.of("Drama"));
        words.put(1, "Moon", List.of("Drama"));
        words.put(4, "-", List.of());
        return words;
    }

    private static double[] shared(TitleWords words, int... items) {
        IdIndex ids = new IdIndex();
        for (int i = 0; i < 3; i++) {
            ids.of("i" + i);
        }
        ItemScores scores = new ItemScores(ids);
        words.sharedRareWords(items, scores);
        return new double[] {scores.score(0), scores.score(1), scores.score(2)};
    }

    private static byte[] bytes(TitleWords words) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        words.writeTo(new DataOutputStream(out));
        return out.toByteArray();
    }

    @Test
    void aReindexedItemLeavesItsOldWordsAndTakesItsNewOnes() {
        TitleWords words = reindexed();
        // four items indexed; "star" has items 0 and 2 left, "trek" none, "drama" 2 and 1
        assertThat(words.idf("star")).isCloseTo(LN_4_OVER_2, within(1e-12));
        assertThat(words.idf("trek")).isZero();
        assertThat(words.idf("attr:drama")).isCloseTo(LN_4_OVER_2, within(1e-12));
        assertThat(words.idf("moon")).isCloseTo(Math.log(4.0), within(1e-12));
        // item 0 shares "star" (df 2) with 0 and 2; "wars" (df 1) is no one else's
        assertThat(shared(words, 0)).containsExactly(LN_4_OVER_2, 0.0, LN_4_OVER_2);
        // item 1 shares "attr:drama" with 1 and 2, no longer "star"; items 3 and 4 share nothing
        assertThat(shared(words, 1, 3, 4)).containsExactly(0.0, LN_4_OVER_2, LN_4_OVER_2);
        // a word's postings over the cap are not read
        TitleWords capped = new TitleWords(1);
        capped.put(0, "Star", List.of());
        capped.put(1, "Star", List.of());
        capped.put(2, "Other", List.of());
        IdIndex ids = new IdIndex();
        ItemScores none = new ItemScores(ids);
        capped.sharedRareWords(new int[] {0}, none);
        assertThat(none.score(0)).isZero();
    }

    /**
     * Words sorted, each with its items in posting order (item 1 moved behind item 2 in "drama"),
     * then each item's words as dictionary positions: the layout the statistics' fixtures hold.
     * "trek", whose only item was retitled, is gone.
     */
    @Test
    void writesTheSortedDictionaryThenEachItemsWords() throws IOException {
        assertThat(bytes(reindexed())).isEqualTo(reindexedBytes(false));
    }

    /**
     * The bytes of {@link #reindexed()}: attr:drama, dust, moon, star, ("trek", without items, as
     * the code before 2026-12-07 kept it,) wars; then each item's words by position.
     */
    private static byte[] reindexedBytes(boolean withTrek) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(withTrek ? 6 : 5);
        writeWord(out, "attr:drama", 2, 1);
        writeWord(out, "dust", 2);
        writeWord(out, "moon", 1);
        writeWord(out, "star", 0, 2);
        if (withTrek) {
            writeWord(out, "trek");
        }
        writeWord(out, "wars", 0);
        int wars = withTrek ? 5 : 4;
        out.writeInt(5);
        writeItem(out, 3, wars); // star wars
        writeItem(out, 2, 0); // moon, attr:drama
        writeItem(out, 3, 1, 0); // star dust, attr:drama
        out.writeInt(-1); // item 3: never indexed
        writeItem(out); // item 4: indexed, no words
        return bytes.toByteArray();
    }

    /**
     * An item retitled again and again (a time in its title) holds only its current title's words:
     * the words it no longer has leave the dictionary, and their ids serve the next new words.
     */
    @Test
    void wordsNoItemHasLeaveTheDictionary() throws IOException {
        TitleWords words = new TitleWords(5);
        words.put(0, "Star Wars", List.of());
        for (int minute = 0; minute < 1_000; minute++) {
            words.put(1, "Live at " + minute, List.of("News"));
        }
        // star, wars; live, at, the minute's number, attr:news
        assertThat(words.words()).isEqualTo(6);
        assertThat(words.idf("998")).isZero();
        assertThat(words.idf("999")).isCloseTo(Math.log(2.0), within(1e-12));
        TitleWords fresh = new TitleWords(5);
        fresh.put(0, "Star Wars", List.of());
        fresh.put(1, "Live at 999", List.of("News"));
        assertThat(bytes(words)).isEqualTo(bytes(fresh));
    }

    /**
     * Bytes of the code before 2026-12-07, which kept "trek" after its only item was retitled,
     * restore without it.
     */
    @Test
    void wordsWithoutItemsInOlderBytesAreDroppedOnRestore() throws IOException {
        byte[] older = reindexedBytes(true);
        TitleWords restored = new TitleWords(5);
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(older)), ITEMS);
        assertThat(restored.words()).isEqualTo(5);
        assertThat(bytes(restored)).isEqualTo(bytes(reindexed()));
        restored.put(3, "Trek", List.of());
        assertThat(restored.idf("trek")).isCloseTo(Math.log(5.0), within(1e-12));
    }

    @Test
    void readBackItAnswersAndWritesAsTheIndexItWasWrittenFrom() throws IOException {
        TitleWords original = reindexed();
        TitleWords restored = new TitleWords(5);
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes(original))), ITEMS);
        assertThat(bytes(restored)).isEqualTo(bytes(original));
        assertThat(shared(restored, 0, 1)).containsExactly(shared(original, 0, 1));
        // both go on alike: item 0 re-indexed, a new item
        for (TitleWords w : List.of(original, restored)) {
            w.put(0, "Moon Dust", List.of());
            w.put(3, "Wars", List.of());
        }
        assertThat(bytes(restored)).isEqualTo(bytes(original));
        assertThat(restored.idf("dust")).isEqualTo(original.idf("dust"));
        assertThatThrownBy(
                        () ->
                                restored.readFrom(
                                        new DataInputStream(
                                                new ByteArrayInputStream(bytes(original))),
                                        ITEMS))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Bytes whose item has a word without postings are corrupt, not a word to free. */
    @Test
    void anItemsWordWithoutPostingsIsCorrupt() throws IOException {
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bad);
        out.writeInt(2);
        writeWord(out, "star", 0);
        writeWord(out, "wars");
        out.writeInt(1);
        writeItem(out, 0, 1);
        TitleWords restored = new TitleWords(5);
        assertThatThrownBy(
                        () ->
                                restored.readFrom(
                                        new DataInputStream(
                                                new ByteArrayInputStream(bad.toByteArray())),
                                        ITEMS))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("wars");
    }

    /**
     * Every writer wrote each word once, with distinct items among those indexed: a word twice (the
     * first was left with its postings, still read, under its id) or a posting beyond the items or
     * twice in a word is corrupt.
     */
    @Test
    void aWordTwiceOrAPostingBeyondTheItemsOrTwiceIsCorrupt() {
        assertCorrupt(
                out -> {
                    out.writeInt(2);
                    writeWord(out, "star", 0);
                    writeWord(out, "star", 1);
                    out.writeInt(2);
                    writeItem(out, 0);
                    writeItem(out, 1);
                },
                "corrupt TitleWords: word star twice");
        assertCorrupt(
                out -> {
                    out.writeInt(1);
                    writeWord(out, "star", 0, ITEMS);
                    out.writeInt(1);
                    writeItem(out, 0);
                },
                "corrupt TitleWords posting 5 of 5");
        assertCorrupt(
                out -> {
                    out.writeInt(1);
                    writeWord(out, "star", -1);
                    out.writeInt(0);
                },
                "corrupt TitleWords posting -1 of 5");
        assertCorrupt(
                out -> {
                    out.writeInt(2);
                    writeWord(out, "star", 0, 2);
                    writeWord(out, "wars", 2, 0, 2);
                    out.writeInt(3);
                    writeItem(out, 0, 1);
                    out.writeInt(-1);
                    writeItem(out, 0, 1);
                },
                "corrupt TitleWords posting 2 twice in one list");
        assertCorrupt(
                out -> {
                    out.writeInt(0); // dictionary
                    out.writeInt(ITEMS + 1);
                    for (int item = 0; item <= ITEMS; item++) {
                        out.writeInt(-1);
                    }
                },
                "corrupt TitleWords.items 6, 5 indexed");
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static void assertCorrupt(Writer writer, String message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writer.write(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThatThrownBy(
                        () ->
                                new TitleWords(5)
                                        .readFrom(
                                                new DataInputStream(
                                                        new ByteArrayInputStream(
                                                                bytes.toByteArray())),
                                                ITEMS))
                .isInstanceOf(IOException.class)
                .hasMessage(message);
    }

    private static void writeWord(DataOutputStream out, String word, int... items)
            throws IOException {
        out.writeUTF(word);
        out.writeInt(items.length);
        for (int item : items) {
            out.writeInt(item);
        }
    }

    private static void writeItem(DataOutputStream out, int... positions) throws IOException {
        out.writeInt(positions.length);
        for (int p : positions) {
            out.writeInt(p);
        }
    }
}
