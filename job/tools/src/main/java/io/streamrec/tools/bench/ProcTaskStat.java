package io.streamrec.tools.bench;

import java.nio.charset.StandardCharsets;

/**
 * Fields of a Linux {@code /proc/<pid>/task/<tid>/stat} line read as bytes, without making strings
 * of the fields: {@code tid (comm) state ppid ... utime stime ...}, where {@code comm} may itself
 * hold spaces and parentheses, so the fields after it are counted from its last ')'.
 */
final class ProcTaskStat {
    /** utime is stat(5)'s field 14 and stime 15; field 3 (state) is the first after ')'. */
    private static final int UTIME_AFTER_NAME = 11;

    private ProcTaskStat() {}

    /** The thread's name, or null if the line has none. */
    static String comm(byte[] stat, int length) {
        int open = indexOf(stat, length, (byte) '(');
        int close = lastIndexOf(stat, length, (byte) ')');
        if (open < 0 || close < open) {
            return null;
        }
        return new String(stat, open + 1, close - open - 1, StandardCharsets.UTF_8);
    }

    /** utime + stime in clock ticks, or -1 if the line is cut short. */
    static long cpuTicks(byte[] stat, int length) {
        int close = lastIndexOf(stat, length, (byte) ')');
        if (close < 0) {
            return -1;
        }
        int field = 0;
        int i = close + 2;
        long utime = -1;
        while (i < length) {
            int end = i;
            long value = 0;
            while (end < length && stat[end] != ' ' && stat[end] != '\n') {
                value = value * 10 + (stat[end] - '0');
                end++;
            }
            if (field == UTIME_AFTER_NAME) {
                utime = value;
            } else if (field == UTIME_AFTER_NAME + 1) {
                return utime + value;
            }
            field++;
            i = end + 1;
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, int length, byte b) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] bytes, int length, byte b) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
