package io.streamrec.worker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Negative sampling, seeded by the event id. A share of the negatives is drawn uniformly from the
 * known catalog; the rest from a ring of the most recent positives, i.e. in proportion to what is
 * trending: uniform negatives alone are too easy once the model knows what is popular, and teach it
 * nothing about the order among popular items, which is where the hits are.
 *
 * <p>Draws happen when an event arrives, and the ring is part of the worker's checkpointed state: a
 * replayed event after a restore draws the same negatives, so the rows it touches (and their update
 * counters) are the same as in a run without failures.
 */
public final class NegativeSampler {
    private final List<String> candidates = new ArrayList<>();
    private final Set<String> known = new HashSet<>();
    private final long seed;
    private final double recentFraction;
    private final String[] recent;
    private int recentCount;
    private int recentNext;

    public NegativeSampler(long seed) {
        this(seed, 0.0, 1);
    }

    public NegativeSampler(long seed, double recentFraction, int recentCapacity) {
        this.seed = seed;
        this.recentFraction = recentFraction;
        this.recent = new String[Math.max(1, recentCapacity)];
    }

    /** Remembers a positive in the ring of recent positives. */
    public void recordPositive(String itemId) {
        recent[recentNext] = itemId;
        recentNext = (recentNext + 1) % recent.length;
        recentCount = Math.min(recentCount + 1, recent.length);
    }

    /** The ring's content, oldest first, for checkpointing. */
    public List<String> recentPositives() {
        List<String> out = new ArrayList<>(recentCount);
        int start = recentCount < recent.length ? 0 : recentNext;
        for (int i = 0; i < recentCount; i++) {
            out.add(recent[(start + i) % recent.length]);
        }
        return out;
    }

    /** Adds an item to the candidates if it is new. */
    public void add(String itemId) {
        if (known.add(itemId)) {
            candidates.add(itemId);
        }
    }

    /**
     * {@code k} distinct items other than {@code positive} (repeats only if the catalog is tiny).
     */
    public String[] sample(String eventId, String positive, int k) {
        SplittableRandom random = new SplittableRandom(seed ^ fnv(eventId));
        String[] out = new String[k];
        Set<String> chosen = new HashSet<>();
        int n = candidates.size();
        int fromRecent = recentCount == 0 ? 0 : (int) Math.round(k * recentFraction);
        for (int j = 0; j < k; j++) {
            String pick = positive;
            boolean useRecent = j < fromRecent;
            for (int attempt = 0; attempt < 32 && n > 0; attempt++) {
                String c =
                        useRecent && attempt < 16
                                ? recent[random.nextInt(recentCount) % recent.length]
                                : candidates.get(random.nextInt(n));
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
