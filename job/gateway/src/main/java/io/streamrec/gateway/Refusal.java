package io.streamrec.gateway;

/**
 * An answer that ends the connection, decided by a handler before {@link HttpConnection} (the body
 * limit, the read deadline) and passed down the pipeline, so it is sent in its request's turn.
 */
record Refusal(int status, String json) {}
