package io.streamrec.ranking;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The DP-SGD guarantee of the scorer's weights, by Rényi differential privacy. Every training list
 * (one event) enters exactly one step and no step subsamples, so for one event a step is one
 * Gaussian mechanism on the sum of clipped gradients: sensitivity {@code C}, noise {@code σC},
 * {@code RDP(α) = α / (2σ²)}. A user whose events made {@code n} lists composes {@code n} of them,
 * {@code RDP(α) = n·α / (2σ²)}. The conversion to {@code (ε, δ)} is the standard one, {@code ε =
 * min over α > 1 of RDP(α) + ln(1/δ) / (α − 1)}, whose minimum has the closed form {@code ε =
 * n/(2σ²) + sqrt(2 n ln(1/δ)) / σ} at {@code α = 1 + σ·sqrt(2 ln(1/δ) / n)}.
 *
 * <p>What the guarantee covers: the scorer's parameters as a function of the training lists, with
 * the lists' features taken as given. The features come from the candidate statistics, exact
 * aggregates of everyone's events, which are not private (README, Privacy). Also counts the lists
 * per user, for the user-level figure; not thread-safe.
 */
public final class PrivacyAccountant {
    /** The δ the figures are reported at. */
    public static final double DEFAULT_DELTA = 1e-5;

    private final double noiseMultiplier;
    private final double delta;
    private final Map<String, Integer> listsPerUser = new HashMap<>();
    private int maxListsPerUser;
    private long lists;

    public PrivacyAccountant(double noiseMultiplier, double delta) {
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
     * delta}; 0 for no mechanism.
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

    /** One training list of {@code userId}'s. */
    public void record(String userId) {
        lists++;
        maxListsPerUser = Math.max(maxListsPerUser, listsPerUser.merge(userId, 1, Integer::sum));
    }

    /** ε of one event (one list): example-level DP. */
    public double eventEpsilon() {
        return epsilon(1, noiseMultiplier, delta);
    }

    /** ε of a user with {@code n} trained lists (user-level DP for users with at most n). */
    public double userEpsilon(long n) {
        return epsilon(n, noiseMultiplier, delta);
    }

    /** The most lists one user contributed so far. */
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
     * A line for logs: event-level ε, the most active user's, and for {@code floodBound} > 0 (the
     * most events the flood limit lets a user contribute in a day) that bound's.
     */
    public String report(long floodBound) {
        String line =
                String.format(
                        Locale.ROOT,
                        "DP-SGD σ %.3g, δ %.0e: event-level ε %.3g; %,d lists, most from one user"
                                + " %,d: ε %.3g",
                        noiseMultiplier,
                        delta,
                        eventEpsilon(),
                        lists,
                        maxListsPerUser,
                        userEpsilon(maxListsPerUser));
        if (floodBound > 0) {
            line +=
                    String.format(
                            Locale.ROOT,
                            "; a user at the flood limit's daily bound (%,d events): ε %.3g per day",
                            floodBound,
                            userEpsilon(floodBound));
        }
        return line;
    }
}
