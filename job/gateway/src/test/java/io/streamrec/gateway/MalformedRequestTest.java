package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A URI is routed only when both its path and its query decode. */
class MalformedRequestTest {
    @Test
    void aUriWhosePathOrQueryCannotBeDecodedIsMalformed() {
        assertThat(MalformedRequest.uriReason("/recommendations/u%201?n=5&x=%2F")).isNull();

        assertThat(MalformedRequest.uriReason("/%zz")).startsWith("malformed request URI: ");
        assertThat(MalformedRequest.uriReason("/health?n=%zz"))
                .startsWith("malformed request URI: ");
    }
}
