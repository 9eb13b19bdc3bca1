package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A corrupt length in candidate statistics is an IOException, never an allocation. */
class CorruptStatisticsLengthTest {

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, -5})
    void itemActivityCount(int length) {
        DataInputStream in =
                bytes(
                        out -> {
                            out.writeInt(1); // format
                            out.writeInt(length);
                        });
        assertCorrupt(
                () -> ItemActivity.readFrom(in, Integer.MAX_VALUE), "ItemActivity.items", length);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, -5})
    void userActivityAttributes(int length) {
        DataInputStream in = userActivity(8, length);
        assertCorrupt(
                () -> UserActivity.readFrom(in, Integer.MAX_VALUE),
                "UserActivity.attributes",
                length);
    }

    /** The cap read bounds every user's attribute arrays, so it is bounded itself. */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 4097, -3})
    void userActivityAttributeCap(int cap) {
        DataInputStream in = userActivity(cap, Integer.MAX_VALUE - 8);
        assertCorrupt(
                () -> UserActivity.readFrom(in, Integer.MAX_VALUE),
                "UserActivity.attributeCap",
                cap);
    }

    /** Format 1 of one user's activity, up to its attribute count: {@code cap}, then {@code n}. */
    private static DataInputStream userActivity(int cap, int attributes) {
        return bytes(
                out -> {
                    out.writeInt(1); // format
                    out.writeInt(cap);
                    out.writeInt(100); // mean window
                    out.writeInt(1); // users
                    out.writeLong(1L);
                    out.writeLong(1L);
                    out.writeDouble(0.0);
                    out.writeDouble(0.0);
                    out.writeDouble(0.0);
                    out.writeInt(attributes);
                });
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, -5})
    void itemContentWords(int length) {
        DataInputStream in =
                bytes(
                        out -> {
                            out.writeInt(1); // format
                            out.writeInt(0); // tokens
                            out.writeInt(1); // items
                            out.writeBoolean(true);
                            out.writeInt(length);
                        });
        assertCorrupt(
                () -> ItemContent.readFrom(in, Integer.MAX_VALUE), "ItemContent.words", length);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, -5})
    void itemPairsCount(int length) {
        DataInputStream in = bytes(out -> out.writeInt(length));
        assertCorrupt(
                () -> new ItemPairs(4).readFrom(in, false, Integer.MAX_VALUE),
                "ItemPairs.items",
                length);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, -5})
    void titleWordsDictionary(int length) {
        DataInputStream in = bytes(out -> out.writeInt(length));
        assertCorrupt(() -> new TitleWords(10).readFrom(in, 10), "TitleWords.dictionary", length);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, -5})
    void titleWordsOfAnItemOutsideTheDictionary(int word) {
        DataInputStream in =
                bytes(
                        out -> {
                            out.writeInt(0); // dictionary
                            out.writeInt(1); // items
                            out.writeInt(1); // words of the item
                            out.writeInt(word);
                        });
        assertCorrupt(() -> new TitleWords(10).readFrom(in, 10), "TitleWords.word", word);
    }

    /**
     * The recent users per item may differ from the settings' (each list keeps its newest), so the
     * written value sizes what is read: a corrupt one is refused before any list is.
     */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, -5})
    void usersPerItemOfTheWriter(int usersPerItem) {
        CandidateSettings s = CandidateSettings.defaults();
        DataInputStream in =
                bytes(
                        out -> {
                            out.writeLong(s.userItems());
                            out.writeLong(s.neighbourCap());
                            out.writeLong(usersPerItem);
                            out.writeLong(s.similarPerUser());
                            out.writeLong(s.similarity().millis());
                        });
        assertCorrupt(
                () -> CandidateGenerator.readFrom(in, s, 4),
                "CandidateGenerator.usersPerItem",
                usersPerItem);
    }

    private static void assertCorrupt(ThrowingCallable read, String what, int length) {
        assertThatThrownBy(read)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(what)
                .hasMessageContaining(String.valueOf(length));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static DataInputStream bytes(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()));
    }
}
