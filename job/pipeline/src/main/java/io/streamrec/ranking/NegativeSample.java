package io.streamrec.ranking;

import io.streamrec.eval.EventSample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The rows of a training list the scorer learns from: the event's item and each other candidate
 * with probability {@code share}, chosen by the event's id, so an event trains on the same rows on
 * every subtask, in every run, after a restore, and whether or not its list was also ranked.
 *
 * <p>A softmax over a uniform sample of the negatives, each kept negative's score raised by {@link
 * #correction} ({@code ln(1 / share)}), has in expectation the full list's normaliser: each kept
 * {@code exp(s + ln(1/q)) = exp(s) / q} stands for the {@code 1 / q} negatives it was drawn from
 * (the "logQ correction" of sampled softmax). The scorer's gradient sits mostly on the few
 * candidates with high probability, so a quarter of the negatives trains about as well as all of
 * them (MovieTweetings replay, BENCHMARKS), each training pass over a quarter of the rows, and a
 * list nobody ranks needs most of its features for those rows only.
 */
public final class NegativeSample {
    private NegativeSample() {}

    /**
     * Which of a list's {@code candidates} rows train, its {@code target} always; null when {@code
     * share} is 1 (every row).
     */
    public static boolean[] rows(String eventId, int candidates, int target, double share) {
        EventSample.checkRate(share, "training negatives share");
        if (share >= 1.0) {
            return null;
        }
        SplittableRandom random = new SplittableRandom(EventSample.mixedHash(eventId));
        boolean[] rows = new boolean[candidates];
        for (int i = 0; i < candidates; i++) {
            rows[i] = random.nextDouble() < share || i == target;
        }
        return rows;
    }

    /** What a kept negative's score gains in the training loss: {@code ln(1 / share)}. */
    public static float correction(double share) {
        return (float) Math.log(1.0 / share);
    }

    /** The number of rows {@code rows} keeps ({@code candidates} when it is null). */
    public static int kept(boolean[] rows, int candidates) {
        if (rows == null) {
            return candidates;
        }
        int n = 0;
        for (boolean row : rows) {
            n += row ? 1 : 0;
        }
        return n;
    }

    /** The indices of the rows {@code rows} keeps, in order: all {@code candidates} when null. */
    static int[] keptRowIndices(boolean[] rows, int candidates) {
        int[] kept = new int[kept(rows, candidates)];
        for (int i = 0, k = 0; i < candidates; i++) {
            if (rows == null || rows[i]) {
                kept[k++] = i;
            }
        }
        return kept;
    }

    /** The items of the rows {@code rows} keeps, in order. */
    public static <T> List<T> keptItems(List<T> items, boolean[] rows) {
        int[] kept = keptRowIndices(rows, rows.length);
        List<T> out = new ArrayList<>(kept.length);
        for (int i : kept) {
            out.add(items.get(i));
        }
        return out;
    }

    /** The entries of the rows {@code rows} keeps, in order. */
    static int[] keptSlots(int[] slots, boolean[] rows) {
        int[] kept = keptRowIndices(rows, rows.length);
        int[] out = new int[kept.length];
        for (int k = 0; k < kept.length; k++) {
            out[k] = slots[kept[k]];
        }
        return out;
    }

    /** Row {@code row}'s index among the rows {@code rows} keeps. */
    static int keptIndex(boolean[] rows, int row) {
        int index = 0;
        for (int i = 0; i < row; i++) {
            index += rows[i] ? 1 : 0;
        }
        return index;
    }
}
