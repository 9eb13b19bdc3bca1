package io.streamrec.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseAllTest {
    @Test
    void anErrorStopsNothingAndGoesOnAsItIsWithTheLaterFailuresSuppressed() {
        List<String> closed = new ArrayList<>();
        OutOfMemoryError fatal = new OutOfMemoryError("direct buffer memory");
        IOException later = new IOException("consumer");

        assertThatThrownBy(
                        () ->
                                CloseAll.close(
                                        () -> {
                                            closed.add("first");
                                            throw fatal;
                                        },
                                        null,
                                        () -> {
                                            closed.add("second");
                                            throw later;
                                        },
                                        () -> closed.add("state backend")))
                .isSameAs(fatal)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(later));
        assertThat(closed).containsExactly("first", "second", "state backend");
    }

    @Test
    void anExceptionGoesOnAsItIs() {
        IOException failure = new IOException("feed");

        assertThatThrownBy(
                        () ->
                                CloseAll.close(
                                        () -> {},
                                        () -> {
                                            throw failure;
                                        }))
                .isSameAs(failure);
    }

    @Test
    void afterAFailureEachIsClosedAndWhatClosingThrowsIsSuppressedInIt() {
        List<String> closed = new ArrayList<>();
        IllegalStateException failure = new IllegalStateException("ranker");
        IOException closing = new IOException("encoder");

        CloseAll.closeAfter(
                failure,
                () -> {
                    closed.add("statistics");
                    throw closing;
                },
                null,
                () -> closed.add("encoder"));

        assertThat(closed).containsExactly("statistics", "encoder");
        assertThat(failure.getSuppressed()).containsExactly(closing);
    }

    @Test
    void anErrorWhileClosingAfterAFailureGoesOnWithTheFailureSuppressed() {
        IllegalStateException failure = new IllegalStateException("tokenizer");
        OutOfMemoryError fatal = new OutOfMemoryError();

        assertThatThrownBy(
                        () ->
                                CloseAll.closeAfter(
                                        failure,
                                        () -> {
                                            throw fatal;
                                        }))
                .isSameAs(fatal)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(failure));
    }

    /** An Error the failure was (a native library missing) goes on, not the one closing threw. */
    @Test
    void anErrorWhileClosingAfterAnErrorGoesOnSuppressedInTheFirst() {
        UnsatisfiedLinkError failure = new UnsatisfiedLinkError("tokenizer");
        OutOfMemoryError closing = new OutOfMemoryError("direct buffer memory");

        assertThatThrownBy(
                        () ->
                                CloseAll.closeAfter(
                                        failure,
                                        () -> {
                                            throw closing;
                                        }))
                .isSameAs(failure)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(closing));
    }

    @Test
    void anErrorAfterAnExceptionGoesOnWithTheExceptionSuppressed() {
        List<String> closed = new ArrayList<>();
        IOException earlier = new IOException("feed");
        OutOfMemoryError fatal = new OutOfMemoryError("direct buffer memory");

        assertThatThrownBy(
                        () ->
                                CloseAll.close(
                                        () -> {
                                            throw earlier;
                                        },
                                        () -> {
                                            throw fatal;
                                        },
                                        () -> closed.add("state backend")))
                .isSameAs(fatal)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(earlier));
        assertThat(closed).containsExactly("state backend");
    }

    @Test
    void aFailureTwoOfThemThrowGoesOnOnce() {
        IllegalStateException shared = new IllegalStateException("pool");

        assertThatThrownBy(
                        () ->
                                CloseAll.close(
                                        () -> {
                                            throw shared;
                                        },
                                        () -> {
                                            throw shared;
                                        }))
                .isSameAs(shared)
                .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
    }

    @Test
    void closingThatRethrowsTheFailureLeavesItAsItIs() {
        IllegalStateException failure = new IllegalStateException("start failed");

        CloseAll.closeAfter(
                failure,
                () -> {
                    throw failure;
                });

        assertThat(failure.getSuppressed()).isEmpty();
    }

    @Test
    void closingThatRethrowsAnErrorThatWasTheFailureThrowsItAsItIs() {
        OutOfMemoryError fatal = new OutOfMemoryError("metaspace");

        assertThatThrownBy(
                        () ->
                                CloseAll.closeAfter(
                                        fatal,
                                        () -> {
                                            throw fatal;
                                        }))
                .isSameAs(fatal)
                .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
    }
}
