package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bytes of bodies held at once: a reservation is whole or nothing. */
class BodyBudgetTest {
    @Test
    void aReservationTakesItsBytesOnlyWhileTheBudgetHoldsThemAll() {
        BodyBudget budget = new BodyBudget(1_000);

        assertThat(budget.reserve(600)).isTrue();
        assertThat(budget.available()).isEqualTo(400);
        assertThat(budget.reserve(500)).as("more than is left").isFalse();
        assertThat(budget.available()).as("a refused reservation takes nothing").isEqualTo(400);
        assertThat(budget.reserve(400)).as("exactly what is left").isTrue();
        assertThat(budget.available()).isZero();
        assertThat(budget.reserve(1)).isFalse();
        assertThat(budget.reserve(0)).as("a body without bytes").isTrue();
    }

    @Test
    void releasedBytesCanBeReservedAgain() {
        BodyBudget budget = new BodyBudget(1_000);
        budget.reserve(1_000);

        budget.release(300);

        assertThat(budget.available()).isEqualTo(300);
        assertThat(budget.reserve(300)).isTrue();
        assertThat(budget.available()).isZero();
    }
}
