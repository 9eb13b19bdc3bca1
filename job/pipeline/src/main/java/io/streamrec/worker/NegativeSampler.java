package io.streamrec.worker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Negative sampling, seeded by the user and event id, among the items the user has not interacted
 * with (see {@link #sample}). A share of the negatives is drawn uniformly from the known items; the
 * rest from a ring of the most recent positives, i.e. in proportion to what is trending: uniform
 * negatives alone are too easy once the model knows what is popular, and teach it nothing about the
 * order among popular items, which is where the hits are.
 *
 * <p>A uniform draw depends on the event id and the set of known items, not on the order in which
 * the items became known (catalog, feedback rows and events interleave by timing, and a restarted
 * worker learns them in another order): it picks one of {@value #BUCKETS} buckets of items (by a
 * hash of the item id) with probability proportional to its size, then the bucket's item with the
 * smallest hash of (draw, item id). Below {@value #SCAN_ALL_BELOW} known items it instead takes the
 * item with the smallest hash of (draw, item id) among all of them. An item that is known in one
 * run and not in another changes a draw only where it would have been picked (or, from {@value
 * #SCAN_ALL_BELOW} items, where it flips a bucket's acceptance), so a replay whose item set differs
 * a little still draws nearly the same negatives, as long as both runs know fewer than {@value
 * #SCAN_ALL_BELOW} items or both at least that many: the two ways use the random stream
 * differently, so a run that knows 255 items and a replay that knows 256 draw different negatives
 * for nearly every event. A draw costs one bucket's items, about 1/{@value #BUCKETS} of them.
 *
 * <p>The ring is part of the worker's checkpointed state, but its content (and so the recent share
 * of the negatives) depends on how the events of different users interleaved at this subtask.
 */
public final class NegativeSampler {
    private static final int BUCKETS = 1024;

    /** Below this many items a draw scans them all, rather than rejecting mostly empty buckets. */
    private static final int SCAN_ALL_BELOW = 256;

    /** Draws per negative before falling back (see {@link #sample}). */
    private static final int ATTEMPTS = 32;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;

    private final Set<String> known = new HashSet<>();
    private final ItemBucket[] buckets = new ItemBucket[BUCKETS];
    private final long seed;
    private final double recentFraction;
    private final String[] recent;
    private int largestBucket;
    private int recentCount;
    private int recentNext;

    public NegativeSampler(long seed) {
        this(seed, 0.0, 1);
    }

    public NegativeSampler(long seed, double recentFraction, int recentCapacity) {
        this.seed = seed;
        this.recentFraction = recentFraction;
        this.recent = new String[Math.max(1, recentCapacity)];
        for (int b = 0; b < BUCKETS; b++) {
            buckets[b] = new ItemBucket();
        }
    }

    /**
     * The {@code i}-th oldest recent positive: by its place in time, not in the ring, so a ring
     * restored oldest first ({@link #recentPositives}) draws as the one checkpointed did.
     */
    private String recentAt(int i) {
        int start = recentCount < recent.length ? 0 : recentNext;
        return recent[(start + i) % recent.length];
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

    /**
     * How many of an event's {@code k} negatives come from the ring of recent positives under
     * {@code recentFraction} (once the ring holds any): rounded to whole negatives.
     */
    public static int recentDraws(int k, double recentFraction) {
        return (int) Math.round(k * recentFraction);
    }

    /** Adds an item to the candidates if it is new. */
    public void add(String itemId) {
        if (known.add(itemId)) {
            long hash = mix(fnv(itemId));
            ItemBucket bucket = buckets[(int) (hash >>> 54)];
            bucket.add(itemId, hash);
            largestBucket = Math.max(largestBucket, bucket.size);
        }
    }

    /**
     * {@code k} distinct items the user has not interacted with: neither {@code positive} (the
     * event's item) nor one of {@code userItems} (the user's items before the event, as the worker
     * keeps them). Standard BPR: an item the user took is no negative for them. Seeded by the user
     * id and the event id, so two users' events with the same id draw independently, and a replay
     * (same user items, decided by the input) that knows the same items draws the same negatives
     * (see the class comment for one that knows other items).
     *
     * <p>Each negative gets {@value #ATTEMPTS} draws. When none of them is a new item outside the
     * user's items (a user whose items cover most of the catalog, or a tiny catalog), it falls back
     * to the first one drawn that is not the positive, preferring one not chosen yet: a history
     * item or a repeat, never the positive while another item is known. Only when the positive is
     * the only known item (a fresh job's first item, a one-item catalog) is every negative the
     * positive; {@link GradientStep} gives such an example weight 0 (its gradient is zero anyway),
     * so it adds no ln 2 to the loss and still counts as a contribution to the rows it touches.
     */
    public String[] sample(
            String userId, String eventId, String positive, String[] userItems, int k) {
        SplittableRandom random =
                new SplittableRandom(seed ^ fnv(fnv(fnv(FNV_OFFSET, userId), "\u0000"), eventId));
        UserItems taken = new UserItems(userItems);
        String[] out = new String[k];
        Set<String> chosen = new HashSet<>();
        int n = known.size();
        boolean othersKnown = n > (known.contains(positive) ? 1 : 0);
        int fromRecent = recentCount == 0 ? 0 : recentDraws(k, recentFraction);
        for (int j = 0; j < k; j++) {
            String pick =
                    othersKnown
                            ? drawNegative(random, positive, taken, chosen, n, k, j < fromRecent)
                            : null;
            while (pick == null && othersKnown) {
                // every draw was the positive (odds of (1/n)^32): draw on until one is not
                String c = drawUniform(random, n);
                pick = c.equals(positive) ? null : c;
            }
            if (pick == null) {
                pick = positive;
            }
            chosen.add(pick);
            out[j] = pick;
        }
        return out;
    }

    /**
     * One negative's {@value #ATTEMPTS} draws (the first half from the ring of recent positives
     * when {@code useRecent}): the first that is neither chosen yet (where more than {@code k}
     * items are known) nor one of the user's items, else the first drawn that is not the positive,
     * preferring one not chosen yet; null when every draw was the positive.
     */
    private String drawNegative(
            SplittableRandom random,
            String positive,
            UserItems taken,
            Set<String> chosen,
            int n,
            int k,
            boolean useRecent) {
        String fallback = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String c =
                    useRecent && attempt < ATTEMPTS / 2
                            ? recentAt(random.nextInt(recentCount))
                            : drawUniform(random, n);
            if (c.equals(positive)) {
                continue;
            }
            boolean fresh = n <= k || !chosen.contains(c);
            if (fresh && !taken.contains(c)) {
                return c;
            }
            if (fallback == null || (fresh && chosen.contains(fallback))) {
                fallback = c;
            }
        }
        return fallback;
    }

    /**
     * The user's items a draw must avoid: scanned, since a draw rarely hits one and a scan of a few
     * costs less than hashing them all for every event; hashed once a draw hits one of a long
     * history, where further hits are likely (a history covering much of the catalog).
     */
    private static final class UserItems {
        private final String[] items;
        private Set<String> hashed;

        UserItems(String[] items) {
            this.items = items;
        }

        boolean contains(String item) {
            if (hashed != null) {
                return hashed.contains(item);
            }
            for (String u : items) {
                if (u.equals(item)) {
                    if (items.length > 8) {
                        hashed = new HashSet<>(Arrays.asList(items));
                    }
                    return true;
                }
            }
            return false;
        }
    }

    /** One of the {@code n} known items, each equally likely, whatever order they came in. */
    private String drawUniform(SplittableRandom random, int n) {
        if (n < SCAN_ALL_BELOW) {
            long salt = random.nextLong();
            ItemBucket.Pick best = new ItemBucket.Pick();
            for (ItemBucket bucket : buckets) {
                bucket.pickSmallest(salt, best);
            }
            return best.item;
        }
        // a bucket in proportion to its size (rejection against the largest), then uniform in
        // it; a double rather than nextInt(largestBucket) keeps the other draws of a run whose
        // largest bucket differs
        while (true) {
            ItemBucket bucket = buckets[random.nextInt(BUCKETS)];
            if (random.nextDouble() * largestBucket < bucket.size) {
                ItemBucket.Pick best = new ItemBucket.Pick();
                bucket.pickSmallest(random.nextLong(), best);
                return best.item;
            }
        }
    }

    /** A bucket's items and their hashes, in the order they came (which no draw depends on). */
    private static final class ItemBucket {
        private String[] items = new String[4];
        private long[] hashes = new long[4];
        private int size;

        void add(String item, long hash) {
            if (size == items.length) {
                items = Arrays.copyOf(items, 2 * size);
                hashes = Arrays.copyOf(hashes, 2 * size);
            }
            items[size] = item;
            hashes[size] = hash;
            size++;
        }

        /** Offers each item to {@code best} under the draw's hash (ties: the smaller id). */
        void pickSmallest(long salt, Pick best) {
            for (int i = 0; i < size; i++) {
                long key = mix(hashes[i] ^ salt);
                if (best.item == null
                        || Long.compareUnsigned(key, best.key) < 0
                        || (key == best.key && items[i].compareTo(best.item) < 0)) {
                    best.item = items[i];
                    best.key = key;
                }
            }
        }

        /** The item with the smallest key so far. */
        static final class Pick {
            String item;
            long key;
        }
    }

    /** The finaliser of MurmurHash3: spreads the bits of an id's hash, or of hash ^ salt. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static long fnv(String s) {
        return fnv(FNV_OFFSET, s);
    }

    /** FNV-1a of {@code s}, continuing from {@code h}. */
    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
