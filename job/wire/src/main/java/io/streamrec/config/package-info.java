/** What every reader of streamrec's options shares: how an out-of-range value is refused. */
package io.streamrec.config;
