package io.streamrec.worker;

/** A user's interacted items, oldest first, as the worker keeps them: bounded, repeats kept. */
public final class UserHistory {
    private UserHistory() {}

    /** {@code items} with {@code item} appended, dropping the oldest beyond {@code max}. */
    public static String[] append(String[] items, String item, int max) {
        int keep = Math.min(items.length, max - 1);
        String[] out = new String[keep + 1];
        System.arraycopy(items, items.length - keep, out, 0, keep);
        out[keep] = item;
        return out;
    }
}
