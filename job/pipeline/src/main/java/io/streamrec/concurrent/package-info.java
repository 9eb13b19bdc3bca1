/** Threads the job's operators start beside their task thread. */
package io.streamrec.concurrent;
