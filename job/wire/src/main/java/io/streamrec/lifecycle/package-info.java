/** What the job's operators share about opening and closing what they hold. */
package io.streamrec.lifecycle;
