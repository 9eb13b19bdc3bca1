package io.streamrec.eval;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * A HyperLogLog sketch of a set of item ids: how many distinct items a recommender put in its
 * top-10 lists, to about 1% (standard error 1.04 / √{@link #REGISTERS} = 0.8%), in {@link
 * #REGISTERS} bytes however many items there are, and mergeable across serving subtasks. A report
 * carries it instead of the ids once those would not fit in a Kafka record. Estimated with Ertl's
 * improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017),
 * which has no bias from a few items to billions, unlike the classic estimator between its
 * small-range correction and 5 × the registers.
 */
public final class CoverageSketch {
    private static final int P = 14;

    /** The bits of a hash after the register index: ranks run from 1 to Q + 1. */
    private static final int Q = 64 - P;

    /** Registers: 2^14, 16 KB. */
    public static final int REGISTERS = 1 << P;

    private static final XXHash64 HASH = XXHashFactory.fastestJavaInstance().hash64();
    private static final long SEED = 0x5eed_c0feL;

    private final byte[] registers;

    public CoverageSketch() {
        this(new byte[REGISTERS]);
    }

    private CoverageSketch(byte[] registers) {
        this.registers = registers;
    }

    /** A sketch of {@code items}. */
    public static CoverageSketch of(Iterable<String> items) {
        CoverageSketch sketch = new CoverageSketch();
        for (String item : items) {
            sketch.add(item);
        }
        return sketch;
    }

    public void add(String item) {
        byte[] bytes = item.getBytes(StandardCharsets.UTF_8);
        long hash = HASH.hash(bytes, 0, bytes.length, SEED);
        int register = (int) (hash >>> (64 - P));
        // the position of the first 1 bit in the remaining 64 - P bits, 1-based
        int rank = Long.numberOfLeadingZeros((hash << P) | (1L << (P - 1))) + 1; // 1 .. Q + 1
        if (rank > registers[register]) {
            registers[register] = (byte) rank;
        }
    }

    /** Adds the items {@code other} counted: the sketch of the union. */
    public void addAll(CoverageSketch other) {
        for (int i = 0; i < REGISTERS; i++) {
            registers[i] = (byte) Math.max(registers[i], other.registers[i]);
        }
    }

    /** The estimated number of distinct items added (Ertl 2017, algorithm 6). */
    public long estimate() {
        int[] histogram = new int[Q + 2];
        for (byte r : registers) {
            histogram[r]++;
        }
        double m = REGISTERS;
        double z = m * tau(1 - histogram[Q + 1] / m);
        for (int k = Q; k >= 1; k--) {
            z = 0.5 * (z + histogram[k]);
        }
        z += m * sigma(histogram[0] / m);
        return Math.round(m * m / (2 * Math.log(2)) / z);
    }

    /** Ertl's σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k-1), for the registers still 0. */
    private static double sigma(double x) {
        if (x == 1) {
            return Double.POSITIVE_INFINITY;
        }
        double y = 1;
        double z = x;
        double before;
        do {
            x *= x;
            before = z;
            z += x * y;
            y += y;
        } while (z != before);
        return z;
    }

    /** Ertl's τ(x), for the registers at their largest rank. */
    private static double tau(double x) {
        if (x == 0 || x == 1) {
            return 0;
        }
        double y = 1;
        double z = 1 - x;
        double before;
        do {
            x = Math.sqrt(x);
            before = z;
            y *= 0.5;
            z -= Math.pow(1 - x, 2) * y;
        } while (z != before);
        return z / 3;
    }

    public CoverageSketch copy() {
        return new CoverageSketch(registers.clone());
    }

    /** The registers in Base64, as a report carries them. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(registers);
    }

    /**
     * The sketch a report carried.
     *
     * @throws IllegalArgumentException when the text is not a sketch of this size
     */
    public static CoverageSketch fromBase64(String text) {
        return ofRegisters(Base64.getDecoder().decode(text));
    }

    /** The registers, for state; not to be written. */
    byte[] registers() {
        return registers;
    }

    /**
     * The sketch of these registers, as {@link #registers} gave them.
     *
     * @throws IllegalArgumentException when they are not a sketch's
     */
    static CoverageSketch ofRegisters(byte[] registers) {
        if (registers.length != REGISTERS) {
            throw new IllegalArgumentException(
                    "a coverage sketch has " + REGISTERS + " registers, not " + registers.length);
        }
        for (byte r : registers) {
            if (r < 0 || r > Q + 1) {
                throw new IllegalArgumentException("coverage sketch register out of range: " + r);
            }
        }
        return new CoverageSketch(registers);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoverageSketch other && Arrays.equals(registers, other.registers);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(registers);
    }
}
