package io.streamrec.worker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Uniform negative sampling from the known catalog, seeded by the event id: a replayed event after
 * a restore draws the same negatives, so the rows it touches (and their update counters) are the
 * same as in a run without failures.
 */
public final class NegativeSampler {
    private final List<String> candidates = new ArrayList<>();
    private final Set<String> known = new HashSet<>();
    private final long seed;

    public NegativeSampler(long seed) {
        this.seed = seed;
    }

    /** Adds an item to the candidates if it is new. */
    public void add(String itemId) {
        if (known.add(itemId)) {
            candidates.add(itemId);
        }
    }

    public int size() {
        return candidates.size();
    }

    /**
     * {@code k} distinct items other than {@code positive} (repeats only if the catalog is tiny).
     */
    public String[] sample(String eventId, String positive, int k) {
        SplittableRandom random = new SplittableRandom(seed ^ fnv(eventId));
        String[] out = new String[k];
        Set<String> chosen = new HashSet<>();
        int n = candidates.size();
        for (int j = 0; j < k; j++) {
            String pick = positive;
            for (int attempt = 0; attempt < 32 && n > 0; attempt++) {
                String c = candidates.get(random.nextInt(n));
                if (!c.equals(positive) && (chosen.add(c) || n <= k)) {
                    pick = c;
                    break;
                }
            }
            out[j] = pick;
        }
        return out;
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
