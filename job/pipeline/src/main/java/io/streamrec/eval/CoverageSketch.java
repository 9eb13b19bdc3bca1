package io.streamrec.eval;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * A HyperLogLog sketch of a set of item ids: how many distinct items a recommender put in its
 * top-10 lists, to within about 1% (1.04 / √{@link #REGISTERS}), in {@link #REGISTERS} bytes
 * however many items there are, and mergeable across serving subtasks. A report carries it instead
 * of the ids once those would not fit in a Kafka record (Flajolet et al., 2007, with the
 * small-range correction by linear counting).
 */
public final class CoverageSketch {
    private static final int P = 14;

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
        int rank = Long.numberOfLeadingZeros((hash << P) | (1L << (P - 1))) + 1;
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

    /** The estimated number of distinct items added. */
    public long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += Math.scalb(1.0, -r);
            zeros += r == 0 ? 1 : 0;
        }
        double m = REGISTERS;
        double raw = 0.7213 / (1 + 1.079 / m) * m * m / sum;
        if (raw <= 2.5 * m && zeros > 0) {
            return Math.round(m * Math.log(m / zeros));
        }
        return Math.round(raw);
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
        byte[] registers = Base64.getDecoder().decode(text);
        if (registers.length != REGISTERS) {
            throw new IllegalArgumentException(
                    "a coverage sketch has " + REGISTERS + " registers, not " + registers.length);
        }
        for (byte r : registers) {
            if (r < 0 || r > 64 - P + 1) {
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
