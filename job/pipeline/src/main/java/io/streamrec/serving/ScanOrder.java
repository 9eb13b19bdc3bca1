package io.streamrec.serving;

import java.util.Arrays;

/**
 * Item indices by descending static-terms bound, re-sorted every {@link #SCANS_PER_ORDER} scans:
 * scanning likely winners first raises a top-k's threshold early and ends a rank count early. Any
 * order gives the same answer; items newer than the order are scanned after it.
 */
final class ScanOrder {
    private static final int SCANS_PER_ORDER = 256;

    private int[] order = new int[0];
    private int scansSinceOrder;

    /** The order for one scan over {@code items} items; may cover fewer items than there are. */
    int[] forScan(int items, StaticTerms statics) {
        if (scansSinceOrder++ < SCANS_PER_ORDER && order.length > items / 2) {
            return order;
        }
        scansSinceOrder = 0;
        long[] keys = new long[items];
        for (int i = 0; i < items; i++) {
            // float bits made to sort as the floats do, negated for descending order
            int bits = Float.floatToIntBits(statics.bound(i));
            bits ^= (bits >> 31) & 0x7fffffff;
            keys[i] = (-(long) bits - 1) << 32 | i;
        }
        Arrays.sort(keys);
        order = new int[items];
        for (int j = 0; j < items; j++) {
            order[j] = (int) keys[j];
        }
        return order;
    }
}
