package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyedRowsTest {
    @Test
    void sumsMatchAMapThroughGrowthAndClears() {
        KeyedRows rows = new KeyedRows(2);
        Random random = new Random(5);
        for (int round = 0; round < 3; round++) {
            rows.clear();
            Map<Integer, double[]> expected = new HashMap<>();
            for (int i = 0; i < 5_000; i++) {
                int key = random.nextInt(1 << (10 + 5 * round)); // clustered, then spread keys
                int column = random.nextInt(2);
                double amount = random.nextDouble();
                rows.add(key, column, amount);
                expected.computeIfAbsent(key, k -> new double[2])[column] += amount;
            }
            for (Map.Entry<Integer, double[]> e : expected.entrySet()) {
                assertThat(rows.get(e.getKey(), 0)).isEqualTo(e.getValue()[0]);
                assertThat(rows.get(e.getKey(), 1)).isEqualTo(e.getValue()[1]);
                assertThat(rows.rowIfPresent(e.getKey())).isNotNegative();
            }
            int absent = 1 << 26;
            assertThat(rows.get(absent, 1)).isZero();
            assertThat(rows.rowIfPresent(absent)).isEqualTo(-1);
        }
        rows.clear();
        assertThat(rows.get(7, 0)).isZero();
        rows.set(7, 1, 3.0);
        assertThat(rows.get(7, 0)).isZero();
        assertThat(rows.get(7, 1)).isEqualTo(3.0);
    }

    /**
     * Keys 4,096 apart share a bit of the written-keys filter: the table still tells them apart.
     */
    @Test
    void keysThatShareAFilterBitAreToldApartAndAClearForgetsThem() {
        KeyedRows rows = new KeyedRows(1);
        rows.set(5, 0, 1.0);
        assertThat(rows.rowIfPresent(5 + 4_096)).isEqualTo(-1);
        assertThat(rows.rowIfPresent(5 - 4_096)).isEqualTo(-1);
        rows.set(5 + 4_096, 0, 2.0);
        assertThat(rows.get(5, 0)).isEqualTo(1.0);
        assertThat(rows.get(5 + 4_096, 0)).isEqualTo(2.0);
        rows.clear();
        assertThat(rows.rowIfPresent(5)).isEqualTo(-1);
        assertThat(rows.rowIfPresent(5 + 4_096)).isEqualTo(-1);
        rows.set(-3, 0, 4.0); // a negative key takes a bit as well
        assertThat(rows.get(-3, 0)).isEqualTo(4.0);
        assertThat(rows.rowIfPresent(-3 + 4_096)).isEqualTo(-1);
    }
}
