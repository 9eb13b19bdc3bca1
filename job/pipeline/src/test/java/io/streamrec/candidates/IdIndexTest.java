package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdIndexTest {
    static Stream<Arguments> stores() {
        return Stream.of(
                Arguments.of("strings", (Supplier<IdIndex>) IdIndex::new),
                Arguments.of("packed", (Supplier<IdIndex>) IdIndex::packed));
    }

    /** Short ids from a few chars (prefixes, the lowest char, chars beyond a byte, long ids). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void compareOrdersIdsAsStringCompareTo(String store, Supplier<IdIndex> index) {
        Random random = new Random(3);
        char[] alphabet = {'\0', '0', '1', '9', 'a', 'z', '\u00ff', '\u0100', '\u20ac'};
        IdIndex ids = index.get();
        for (int i = 0; i < 3_000; i++) {
            StringBuilder id = new StringBuilder();
            for (int k = random.nextInt(11); k > 0; k--) {
                id.append(alphabet[random.nextInt(alphabet.length)]);
            }
            ids.of(id.toString());
        }
        for (int trial = 0; trial < 200_000; trial++) {
            int a = random.nextInt(ids.size());
            int b = random.nextInt(ids.size());
            assertThat(Integer.signum(ids.compare(a, b)))
                    .as("%s vs %s", ids.id(a), ids.id(b))
                    .isEqualTo(Integer.signum(ids.id(a).compareTo(ids.id(b))));
        }
    }

    /** Every id keeps its index through the table's growth; a forgotten id is a new one after. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void findsEveryIdThroughGrowthAndForgetsOne(String store, Supplier<IdIndex> index) {
        IdIndex ids = index.get();
        for (int i = 0; i < 10_000; i++) {
            assertThat(ids.of("user-" + i)).isEqualTo(i);
        }
        assertThat(ids.of("user-77")).isEqualTo(77);
        ids.forget(77);
        assertThat(ids.find("user-77")).isEqualTo(-1);
        assertThat(ids.find("#77")).isEqualTo(77);
        assertThat(ids.id(77)).isEqualTo("#77");
        for (int i = 0; i < 10_000; i++) {
            if (i != 77) {
                assertThat(ids.find("user-" + i)).isEqualTo(i);
            }
        }
        assertThat(ids.find("user-10000")).isEqualTo(-1);
        assertThat(ids.of("user-77")).isEqualTo(10_000);
        assertThat(ids.size()).isEqualTo(10_001);
    }

    /**
     * A users index gives forgotten indices to new ids, the lowest first, and after a restore too
     * (the placeholders say which are free); its packed bytes stay bounded however many ids are
     * forgotten and replaced.
     */
    @Test
    void aUsersIndexGivesForgottenIndicesToNewIdsAlsoAfterARestore() throws Exception {
        IdIndex ids = IdIndex.users();
        for (int i = 0; i < 100; i++) {
            ids.of("user-" + i);
        }
        ids.forget(40);
        ids.forget(7);
        assertThat(ids.find("#7")).isEqualTo(-1); // a free index is found by no id
        assertThat(ids.of("new-a")).isEqualTo(7);
        assertThat(ids.find("new-a")).isEqualTo(7);
        ids.forget(3);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ids.writeTo(new DataOutputStream(bytes));
        IdIndex restored = IdIndex.users();
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        for (IdIndex index : List.of(ids, restored)) {
            assertThat(index.of("new-b")).isEqualTo(3);
            assertThat(index.of("new-c")).isEqualTo(40);
            assertThat(index.of("new-d")).isEqualTo(100);
            assertThat(index.find("user-3")).isEqualTo(-1);
            assertThat(index.find("user-99")).isEqualTo(99);
            assertThat(index.find("#40")).isEqualTo(-1);
        }
        IdIndex freeAfterRestore = IdIndex.users();
        freeAfterRestore.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(freeAfterRestore.find("#3")).isEqualTo(-1);
        assertThat(freeAfterRestore.of("#3")).isEqualTo(3); // an id like it is a new user's
        // an index of other ids (title words) keeps placeholder-like ids as ids
        IdIndex words = new IdIndex();
        words.of("#0");
        words.forget(0);
        assertThat(words.of("x")).isEqualTo(1);

        IdIndex churn = IdIndex.users();
        for (int i = 0; i < 1_000; i++) {
            churn.of("user-" + i);
        }
        for (int i = 0; i < 50_000; i++) {
            churn.forget(i % 1_000);
            assertThat(churn.of("returning-user-" + i)).isEqualTo(i % 1_000);
        }
        assertThat(churn.size()).isEqualTo(1_000);
        assertThat(churn.packedBytes()).isLessThan(1 << 19);
    }

    /**
     * One event's id is looked up several times by the same string: the index remembers the last
     * one found, and forgetting it or finding another does not leave a stale answer.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void theSameIdObjectFoundAgainAfterAForgetIsNew(String store, Supplier<IdIndex> index) {
        IdIndex ids = index.get();
        String a = "user-a";
        String b = "user-b";
        assertThat(ids.find(a)).isEqualTo(-1);
        assertThat(ids.of(a)).isEqualTo(0);
        assertThat(ids.of(b)).isEqualTo(1);
        assertThat(ids.find(a)).isEqualTo(0);
        assertThat(ids.find(a)).isEqualTo(0);
        assertThat(ids.find(b)).isEqualTo(1);
        assertThat(ids.find(a)).isEqualTo(0);
        ids.forget(0);
        assertThat(ids.find(a)).isEqualTo(-1);
        assertThat(ids.of(a)).isEqualTo(2);
        assertThat(ids.find(a)).isEqualTo(2);
        assertThat(ids.of(a)).isEqualTo(2);
    }

    /**
     * Packed ids over several chunks, of lengths that take one to three length bytes, with chars
     * beyond ASCII: each is found, read back and matched only by itself, and a checkpoint of the
     * index restores the same indices into a string index.
     */
    @Test
    void packedIdsReadBackAcrossChunksAndLengths() throws Exception {
        Random random = new Random(5);
        char[] alphabet = {'a', 'Z', '7', '-', '\u00e9', '\u20ac', '\u00ff'};
        IdIndex packed = IdIndex.packed();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            int length = i % 100 == 0 ? 20_000 : i % 10 == 0 ? 200 : random.nextInt(30);
            StringBuilder id = new StringBuilder().append(i).append(':');
            for (int k = 0; k < length; k++) {
                id.append(alphabet[random.nextInt(i % 2 == 0 ? 4 : alphabet.length)]);
            }
            written.add(id.toString());
            assertThat(packed.of(id.toString())).isEqualTo(i);
        }
        for (int i = 0; i < written.size(); i++) {
            assertThat(packed.id(i)).isEqualTo(written.get(i));
            assertThat(packed.find(packed.id(i))).isEqualTo(i);
            assertThat(packed.find(written.get(i) + "x")).isEqualTo(-1);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        packed.writeTo(new DataOutputStream(bytes));
        IdIndex strings = new IdIndex();
        strings.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(packed.indicesIn(strings)).containsExactly(strings.indicesIn(packed));
        assertThat(strings.indicesIn(packed)[3_999]).isEqualTo(3_999);
    }
}
