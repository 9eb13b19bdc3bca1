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
}
