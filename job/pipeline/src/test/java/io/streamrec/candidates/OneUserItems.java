package io.streamrec.candidates;

/** One user's items as the statistics hold them: user 0 of a {@link UserHistories}. */
final class OneUserItems {
    private final UserHistories histories = new UserHistories();
    private final int cap;

    OneUserItems(int cap) {
        this.cap = cap;
        histories.ensureUsers(1);
    }

    static OneUserItems of(int... items) {
        OneUserItems own = new OneUserItems(16);
        for (int item : items) {
            own.add(item);
        }
        return own;
    }

    void add(int item) {
        histories.add(0, item, cap);
    }

    boolean contains(int item) {
        for (int i = 0; i < histories.size(0); i++) {
            if (histories.get(0, i) == item) {
                return true;
            }
        }
        return false;
    }

    /** Makes {@code excluded} exclude exactly these items. */
    void excludeIn(ExcludedItems excluded) {
        excluded.set(histories, 0);
    }

    /** Makes {@code excluded} exclude nothing (an unknown user). */
    static void excludeNoneIn(ExcludedItems excluded) {
        excluded.set(new UserHistories(), -1);
    }
}
