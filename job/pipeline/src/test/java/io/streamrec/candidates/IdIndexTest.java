package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IdIndexTest {
    /** Short ids from a few chars (prefixes, the lowest char, chars beyond a byte, long ids). */
    @Test
    void compareOrdersIdsAsStringCompareTo() {
        Random random = new Random(3);
        char[] alphabet = {'\0', '0', '1', '9', 'a', 'z', '\u00ff', '\u0100', '\u20ac'};
        IdIndex ids = new IdIndex();
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
    @Test
    void findsEveryIdThroughGrowthAndForgetsOne() {
        IdIndex ids = new IdIndex();
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
}
