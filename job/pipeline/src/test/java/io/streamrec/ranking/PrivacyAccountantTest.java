package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

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
        assertThat(accountant.report(0))
                .contains("event-level ε 5.30")
                .contains(
                        "most from one user 2: ε "
                                + String.format(
                                        java.util.Locale.ROOT, "%.3g", accountant.userEpsilon(2)))
                .doesNotContain("flood");
        assertThat(accountant.report(390)).contains("flood limit's daily bound (390 events)");
    }

    @Test
    void rejectsNoNoiseOrABadDelta() {
        assertThatThrownBy(() -> new PrivacyAccountant(0, 1e-5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrivacyAccountant(1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
