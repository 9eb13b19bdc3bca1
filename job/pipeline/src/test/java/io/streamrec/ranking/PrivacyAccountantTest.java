package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Rényi-DP accounting of DP-SGD against hand-computed values and a search over α. */
class PrivacyAccountantTest {

    /** ε = n/(2σ²) + sqrt(2 n ln(1/δ))/σ, with ln(1e5) = 11.512925. */
    @Test
    void matchesHandComputedValues() {
        assertThat(PrivacyAccountant.epsilon(1, 1.0, 1e-5))
                .isCloseTo(0.5 + Math.sqrt(23.02585), offset(1e-4)); // 5.2985
        assertThat(PrivacyAccountant.epsilon(1, 1.0, 1e-5)).isCloseTo(5.2985, offset(1e-4));
        assertThat(PrivacyAccountant.epsilon(100, 1.0, 1e-5)).isCloseTo(97.985, offset(1e-3));
        assertThat(PrivacyAccountant.epsilon(1, 2.0, 1e-5)).isCloseTo(2.5242, offset(1e-4));
        assertThat(PrivacyAccountant.epsilon(0, 1.0, 1e-5)).isZero();
    }

    /** The closed form is the minimum over α of RDP(α) + ln(1/δ)/(α − 1): a fine grid agrees. */
    @Test
    void theClosedFormIsTheMinimumOverRenyiOrders() {
        for (long n : new long[] {1, 7, 150, 5000}) {
            for (double sigma : new double[] {0.5, 1.0, 3.0}) {
                double best = Double.POSITIVE_INFINITY;
                for (double alpha = 1.0001; alpha < 2000; alpha *= 1.0005) {
                    double eps =
                            PrivacyAccountant.rdp(n, sigma, alpha)
                                    + Math.log(1 / 1e-5) / (alpha - 1);
                    best = Math.min(best, eps);
                }
                double closed = PrivacyAccountant.epsilon(n, sigma, 1e-5);
                assertThat(closed).isLessThanOrEqualTo(best + 1e-9);
                assertThat(closed).isCloseTo(best, offset(best * 1e-4));
            }
        }
    }

    @Test
    void countsListsPerUserAndReportsTheMostActive() {
        PrivacyAccountant accountant = new PrivacyAccountant(1.0, 1e-5);
        accountant.record("a");
        accountant.record("b");
        accountant.record("a");

        assertThat(accountant.lists()).isEqualTo(3);
        assertThat(accountant.maxListsPerUser()).isEqualTo(2);
        assertThat(accountant.eventEpsilon()).isCloseTo(5.2985, offset(1e-4));
        // a's two lists are in the step not yet ended: counted as if it ended now, 2² = 4
        assertThat(accountant.report())
                .contains("event-level ε 5.30")
                .contains("most from one user 2;")
                .contains(
                        "in a step) 4: ε "
                                + String.format(
                                        java.util.Locale.ROOT, "%.3g", accountant.userEpsilon(4)))
                .doesNotContain("flood");
        assertThat(accountant.report(390, 64))
                .contains("flood limit's daily bound (390 events, steps of up to 64 filled)");
    }

    /**
     * A user's k lists in one step are one Gaussian mechanism of sensitivity kC: RDP k²α/(2σ²), so
     * the step charges k². Here u has 8 lists in one step and 3 in three others: 64 + 3 = 67, not
     * the 11 lists; v, one list a step, is charged its count. Noise-only steps charge nobody.
     */
    @Test
    void aStepChargesEachUserTheSquareOfItsListsInIt() {
        PrivacyAccountant accountant = new PrivacyAccountant(1.0, 1e-5);
        for (int i = 0; i < 8; i++) {
            accountant.record("u");
        }
        accountant.record("v");
        accountant.endStep();
        for (int step = 0; step < 3; step++) {
            accountant.record("u");
            accountant.record("v");
            accountant.endStep();
            accountant.endStep(); // a step on the noise alone
        }

        assertThat(accountant.listsOf("u")).isEqualTo(11);
        assertThat(accountant.chargeOf("u")).isEqualTo(67);
        assertThat(accountant.chargeOf("v")).isEqualTo(4);
        assertThat(accountant.maxCharge()).isEqualTo(67);
        // one step of 8 lists alone is the Gaussian mechanism at σ/8
        assertThat(accountant.userEpsilon(64))
                .isCloseTo(PrivacyAccountant.epsilon(1, 1.0 / 8, 1e-5), offset(1e-9))
                .isCloseTo(70.388, offset(1e-3));
        assertThat(accountant.report()).contains("most from one user 11;").contains(") 67: ε ");
        // the flood bound's events fill whole steps: 390 = 6 × 64 + 6
        assertThat(PrivacyAccountant.worstCaseCharge(390, 64)).isEqualTo(6 * 64 * 64 + 36);
        assertThat(PrivacyAccountant.worstCaseCharge(390, 1)).isEqualTo(390);
    }

    /**
     * Evicted users' charges (this step's lists included) set the floor a newcomer starts from, so
     * the largest charge still bounds every user's, as the list counts do.
     */
    @Test
    void evictionKeepsTheChargesUpperBounds() {
        PrivacyAccountant accountant = new PrivacyAccountant(1.0, 1e-5, 1);
        accountant.record("a");
        accountant.record("a");
        accountant.record("b"); // evicts a, whose step so far is 2² = 4
        accountant.record("a"); // back in the same step: starts at 4, charged its whole step again
        accountant.endStep();

        assertThat(accountant.chargeOf("a")).isGreaterThanOrEqualTo(9);
        assertThat(accountant.maxCharge()).isGreaterThanOrEqualTo(9);
    }

    /**
     * An evicted user that never comes back: its step so far (2² = 4) is in no kept charge, so only
     * the floor it leaves carries it into the maximum. (In the test above the evicted user's own
     * re-charge would bound the maximum even without that.)
     */
    @Test
    void anEvictedUserThatNeverReturnsStaysUnderTheMaximum() {
        PrivacyAccountant accountant = new PrivacyAccountant(1.0, 1e-5, 1);
        accountant.record("a");
        accountant.record("a");
        accountant.record("b"); // evicts a, whose step so far is 2² = 4
        accountant.endStep();

        assertThat(accountant.chargeOf("a")).isZero();
        assertThat(accountant.maxCharge()).isGreaterThanOrEqualTo(4);
    }

    /** Forgetting a user mid-step keeps what the step charges it in the maximum. */
    @Test
    void forgettingMidStepKeepsTheStepInTheMaximum() {
        PrivacyAccountant accountant = new PrivacyAccountant(1.0, 1e-5);
        for (int i = 0; i < 5; i++) {
            accountant.record("a");
        }
        accountant.forget("a");
        accountant.endStep();

        assertThat(accountant.chargeOf("a")).isZero();
        assertThat(accountant.maxCharge()).isEqualTo(25);
    }

    /** Forgetting drops the user's id and count; the maximum stays, the weights saw the lists. */
    @Test
    void forgetDropsTheUserButKeepsTheMaximum() {
        PrivacyAccountant accountant = new PrivacyAccountant(1.0, 1e-5);
        for (String user : List.of("a", "a", "a", "b")) {
            accountant.record(user);
        }

        accountant.forget("a");
        accountant.forget("never seen");

        assertThat(accountant.trackedUsers()).isEqualTo(1);
        assertThat(accountant.listsOf("a")).isZero();
        assertThat(accountant.listsOf("b")).isEqualTo(1);
        assertThat(accountant.maxListsPerUser()).isEqualTo(3);
        accountant.record("a");
        assertThat(accountant.listsOf("a")).isEqualTo(1);
        assertThat(accountant.trackedUsers()).isEqualTo(2);
    }

    /** Two tracked users: c evicts b (1 list), then b evicts c (2 lists) and starts above it. */
    @Test
    void aFullTableEvictsOneOfTheSmallestAndNewcomersStartAboveIt() {
        PrivacyAccountant accountant = new PrivacyAccountant(1.0, 1e-5, 2);
        for (String user : List.of("a", "a", "a", "b", "c")) {
            accountant.record(user);
        }
        assertThat(accountant.listsOf("b")).isZero();
        assertThat(accountant.listsOf("c")).isEqualTo(2);

        accountant.record("b");

        assertThat(accountant.trackedUsers()).isEqualTo(2);
        assertThat(accountant.listsOf("c")).isZero();
        assertThat(accountant.listsOf("b")).isEqualTo(3); // its true count is 2
        assertThat(accountant.listsOf("a")).isEqualTo(3);
        assertThat(accountant.maxListsPerUser()).isEqualTo(3);
    }

    /**
     * With many more users than it keeps, the table stays bounded, every kept count is at least the
     * user's true count, and the maximum bounds the most active user's; with room for all it is
     * exact.
     */
    @Test
    void boundedCountsNeverUnderstateTheMostActiveUser() {
        Random random = new Random(5);
        PrivacyAccountant bounded = new PrivacyAccountant(1.0, 1e-5, 20);
        PrivacyAccountant exact = new PrivacyAccountant(1.0, 1e-5, 1_000);
        Map<String, Integer> truth = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            // skewed: a few heavy users among 500
            String user = "u" + (int) (500 * Math.pow(random.nextDouble(), 3));
            bounded.record(user);
            exact.record(user);
            truth.merge(user, 1, Integer::sum);
            assertThat(bounded.trackedUsers()).isLessThanOrEqualTo(20);
        }
        int max = truth.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(exact.maxListsPerUser()).isEqualTo(max);
        assertThat(bounded.maxListsPerUser()).isGreaterThanOrEqualTo(max);
        truth.forEach(
                (user, n) -> {
                    int kept = bounded.listsOf(user);
                    assertThat(kept == 0 || kept >= n).as(user).isTrue();
                });
    }

    @Test
    void rejectsNoNoiseOrABadDelta() {
        assertThatThrownBy(() -> new PrivacyAccountant(0, 1e-5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrivacyAccountant(1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
