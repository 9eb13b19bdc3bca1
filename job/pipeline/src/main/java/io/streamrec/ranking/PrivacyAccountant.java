package io.streamrec.ranking;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The DP-SGD guarantee of the scorer's weights, by Rényi differential privacy. Every training list
 * (one event) enters exactly one step of a run (a replay after a restore is another;
 * docs/privacy.md) and no step subsamples, so for one event a step is one Gaussian mechanism on the
 * sum of clipped gradients: sensitivity {@code C}, noise {@code σC}, {@code RDP(α) = α / (2σ²)},
 * under zero-out adjacency (the event's list contributes nothing; the steps' boundaries, which
 * count events, stay where they were). A user with {@code k} lists in one step moves that step's
 * sum by up to {@code kC}, so the step costs the user {@code RDP(α) = k²·α / (2σ²)}; over a run's
 * steps the user composes {@code RDP(α) = S·α / (2σ²)} with {@code S = Σ k²} (the user's
 * <em>charge</em>, at least the user's list count {@code n}, equal to it when no step held two of
 * the user's lists). The conversion to {@code (ε, δ)} is the standard one, {@code ε = min over α >
 * 1 of RDP(α) + ln(1/δ) / (α − 1)}, whose minimum has the closed form {@code ε = S/(2σ²) + sqrt(2 S
 * ln(1/δ)) / σ} at {@code α = 1 + σ·sqrt(2 ln(1/δ) / S)}. {@link #record} counts a list into the
 * current step, {@link #endStep} charges each user the square of its lists in that step.
 *
 * <p>What the guarantee covers: the scorer's parameters as a function of the training lists, with
 * the lists' features taken as given. The features come from the candidate statistics, exact
 * aggregates of everyone's events, which are not private (docs/privacy.md). Also counts the lists
 * per user, for the user-level figure; not thread-safe.
 *
 * <p>The per-user counts are bounded: at most {@code trackedUsers} users are kept, as in the
 * Space-Saving algorithm. When a new user arrives with the table full, a user of the smallest count
 * is evicted and {@link #floor} rises to that count; a user not in the table starts at {@code floor
 * + 1}. Every kept count is then at least the user's true count and every untracked user's true
 * count is at most {@code floor}, so {@link #maxListsPerUser} is an upper bound on the most active
 * user's count, exact while no user was evicted. Each kept user also has a charge, and the charges
 * have their own floor, {@link #chargeFloor}: the largest charge evicted (the current step's lists
 * included, as if it had ended), where an evicted user starts again; so {@link #maxCharge} bounds
 * every user's charge the same way. A forgotten user's id is dropped but the maxima stay: the
 * weights still carry that user's lists.
 */
public final class PrivacyAccountant {
    /** The δ the figures are reported at. */
    public static final double DEFAULT_DELTA = 1e-5;

    private final double noiseMultiplier;
    private final double delta;

    /** Users whose counts are kept by default: a few MB of ids and counts. */
    public static final int DEFAULT_TRACKED_USERS = 50_000;

    private final int trackedUsers;
    private final Map<String, Integer> listsPerUser = new HashMap<>();

    /** The kept users by count, for evicting one of the smallest. */
    private final TreeMap<Integer, Set<String>> usersByCount = new TreeMap<>();

    /** The largest count evicted: no untracked user has more lists. */
    private int floor;

    private int maxListsPerUser;
    private long lists;

    /** The kept users' charges, Σ k² over the ended steps (see the class comment). */
    private final Map<String, Long> chargePerUser = new HashMap<>();

    /** The largest charge evicted or forgotten, this step's lists included: no untracked more. */
    private long chargeFloor;

    private long maxCharge;

    /** Each user's lists in the current step, charged by {@link #endStep}. */
    private final Map<String, Integer> stepLists = new HashMap<>();

    public PrivacyAccountant(double noiseMultiplier, double delta) {
        this(noiseMultiplier, delta, DEFAULT_TRACKED_USERS);
    }

    /**
     * @param trackedUsers the most users whose counts are kept (see the class comment)
     */
    public PrivacyAccountant(double noiseMultiplier, double delta, int trackedUsers) {
        if (trackedUsers < 1) {
            throw new IllegalArgumentException("tracked users must be >= 1: " + trackedUsers);
        }
        this.trackedUsers = trackedUsers;
        if (!(noiseMultiplier > 0) || !(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException(
                    "noise multiplier must be > 0 and δ in (0, 1): "
                            + noiseMultiplier
                            + ", "
                            + delta);
        }
        this.noiseMultiplier = noiseMultiplier;
        this.delta = delta;
    }

    /**
     * ε of {@code n} composed Gaussian mechanisms of noise multiplier {@code sigma} at {@code
     * delta}; 0 for no mechanism. Also the ε of a charge {@code n = Σ k²}: a step with {@code k} of
     * a user's lists is {@code k²} mechanisms' RDP.
     */
    public static double epsilon(long n, double sigma, double delta) {
        if (n <= 0) {
            return 0;
        }
        double log = Math.log(1 / delta);
        return n / (2 * sigma * sigma) + Math.sqrt(2 * n * log) / sigma;
    }

    /** The Rényi divergence bound of {@code n} composed mechanisms at order {@code alpha}. */
    static double rdp(long n, double sigma, double alpha) {
        return n * alpha / (2 * sigma * sigma);
    }

    /**
     * The largest charge {@code events} lists of one user can reach when each step holds at most
     * {@code perStep} of them: as few, full steps as possible (Σ k² under Σ k fixed grows as the k
     * concentrate).
     */
    public static long worstCaseCharge(long events, int perStep) {
        if (perStep < 1) {
            throw new IllegalArgumentException("lists per step must be >= 1: " + perStep);
        }
        long full = events / perStep;
        long rest = events % perStep;
        return full * perStep * perStep + rest * rest;
    }

    /** One training list of {@code userId}'s, in the current step. */
    public void record(String userId) {
        stepLists.merge(userId, 1, Integer::sum);
        lists++;
        Integer count = listsPerUser.get(userId);
        if (count == null) {
            if (listsPerUser.size() == trackedUsers) {
                evictOneOfTheSmallest();
            }
            count = floor;
        } else {
            unindex(userId, count);
        }
        count++;
        listsPerUser.put(userId, count);
        usersByCount.computeIfAbsent(count, c -> new LinkedHashSet<>()).add(userId);
        maxListsPerUser = Math.max(maxListsPerUser, count);
    }

    /**
     * Ends the current step: each user with {@code k} lists in it is charged {@code k²}. A step
     * without lists (the noise alone) charges nobody.
     */
    public void endStep() {
        for (Map.Entry<String, Integer> e : stepLists.entrySet()) {
            String userId = e.getKey();
            if (!listsPerUser.containsKey(userId)) {
                continue; // evicted or forgotten since: chargeFloor or maxCharge took the step
            }
            long k = e.getValue();
            long charge = chargePerUser.getOrDefault(userId, chargeFloor) + k * k;
            chargePerUser.put(userId, charge);
            maxCharge = Math.max(maxCharge, charge);
        }
        stepLists.clear();
    }

    /** A kept user's charge as if the current step ended now. */
    private long chargeWithThisStep(String userId) {
        long k = stepLists.getOrDefault(userId, 0);
        return chargePerUser.getOrDefault(userId, chargeFloor) + k * k;
    }

    private void evictOneOfTheSmallest() {
        Map.Entry<Integer, Set<String>> smallest = usersByCount.firstEntry();
        Iterator<String> users = smallest.getValue().iterator();
        String evicted = users.next();
        // a user back in this step starts above this and is charged the whole step again
        chargeFloor = Math.max(chargeFloor, chargeWithThisStep(evicted));
        chargePerUser.remove(evicted);
        listsPerUser.remove(evicted);
        users.remove();
        if (smallest.getValue().isEmpty()) {
            usersByCount.remove(smallest.getKey());
        }
        floor = Math.max(floor, smallest.getKey());
    }

    private void unindex(String userId, int count) {
        Set<String> users = usersByCount.get(count);
        users.remove(userId);
        if (users.isEmpty()) {
            usersByCount.remove(count);
        }
    }

    /**
     * Drops a forgotten user's count; {@link #maxListsPerUser} keeps any count the user reached,
     * since the weights were trained on those lists.
     */
    public void forget(String userId) {
        Integer count = listsPerUser.get(userId);
        if (count != null) {
            maxCharge = Math.max(maxCharge, chargeWithThisStep(userId));
            listsPerUser.remove(userId);
            chargePerUser.remove(userId);
            unindex(userId, count);
        }
    }

    /** Users whose counts are kept (at most the bound given to the constructor). */
    public int trackedUsers() {
        return listsPerUser.size();
    }

    /** A kept user's count, 0 for one not kept. */
    public int listsOf(String userId) {
        return listsPerUser.getOrDefault(userId, 0);
    }

    /**
     * A kept user's charge, Σ k² over its steps (the current one included, as if it ended now), 0
     * for one not kept.
     */
    public long chargeOf(String userId) {
        return listsPerUser.containsKey(userId) ? chargeWithThisStep(userId) : 0;
    }

    /**
     * The largest charge of one user so far, the current step included as if it ended now: an upper
     * bound on every user's, exact while no user was evicted (see the class comment).
     */
    public long maxCharge() {
        long max = maxCharge;
        for (String userId : stepLists.keySet()) {
            if (listsPerUser.containsKey(userId)) {
                max = Math.max(max, chargeWithThisStep(userId));
            }
        }
        return max;
    }

    /** ε of one event (one list): example-level DP. */
    public double eventEpsilon() {
        return epsilon(1, noiseMultiplier, delta);
    }

    /**
     * ε of a user of charge {@code charge} = Σ k² over the steps, k the user's lists in a step
     * (user-level DP for users whose charge is at most that; a user's n lists in n different steps
     * are a charge of n, in one step n²).
     */
    public double userEpsilon(long charge) {
        return epsilon(charge, noiseMultiplier, delta);
    }

    /**
     * The most lists one user contributed so far: an upper bound, exact while at most the tracked
     * users' bound of users were seen (see the class comment).
     */
    public int maxListsPerUser() {
        return maxListsPerUser;
    }

    public long lists() {
        return lists;
    }

    public double delta() {
        return delta;
    }

    /**
     * A line for logs: event-level ε, the most charged user's, and for {@code floodBound} > 0 (the
     * most events the flood limit lets a user contribute in a day) that bound's, with the bound's
     * events in as few steps of {@code perStep} lists as they fill (a burst can make whole steps).
     */
    public String report(long floodBound, int perStep) {
        long charge = maxCharge();
        String line =
                String.format(
                        Locale.ROOT,
                        "DP-SGD σ %.3g, δ %.0e: event-level ε %.3g; %,d lists, most from one user"
                                + " %,d; largest user charge (Σ k² over steps, k the user's lists"
                                + " in a step) %,d: ε %.3g",
                        noiseMultiplier,
                        delta,
                        eventEpsilon(),
                        lists,
                        maxListsPerUser,
                        charge,
                        userEpsilon(charge));
        if (floodBound > 0) {
            line +=
                    String.format(
                            Locale.ROOT,
                            "; a user at the flood limit's daily bound (%,d events, steps of up to"
                                    + " %,d filled): ε %.3g per day",
                            floodBound,
                            perStep,
                            userEpsilon(worstCaseCharge(floodBound, perStep)));
        }
        return line;
    }

    /** {@link #report(long, int)} with no flood bound. */
    public String report() {
        return report(0, 1);
    }
}
