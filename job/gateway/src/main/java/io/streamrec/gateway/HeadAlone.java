package io.streamrec.gateway;

import io.netty.handler.codec.http.FullHttpRequest;

/**
 * A request routed on its head alone, with an empty body: {@link BodyLimit} did not read the body
 * it announced (its route takes none, or its client may not write events), so it holds none of
 * {@code gateway.bodies-in-flight}. Its answer ends the connection, as a {@link Refusal} does, and
 * nothing after it is routed.
 */
record HeadAlone(FullHttpRequest request) {}
