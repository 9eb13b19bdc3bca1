package io.streamrec.ps;

import java.io.Serializable;

/**
 * Initial weights of a row that the parameter server has never seen. Must be a pure function of the
 * key: workers compute forward passes on rows the server has not created yet and must agree with
 * the values the server will create.
 */
@FunctionalInterface
public interface RowInitializer extends Serializable {
    float[] initialWeights(String key);
}
