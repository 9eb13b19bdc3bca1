package io.streamrec.candidates;

import io.streamrec.schema.UserEvent;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * The statistics a ranker's features read beyond those of the candidate sources: item content
 * ({@link ItemContent}), item times and ratings ({@link ItemActivity}), and user activity and
 * attribute counts ({@link UserActivity}). Updated by {@link CandidateGenerator} with the other
 * statistics, exactly once per event; snapshot as one unit.
 */
public final class ActivityStatistics {
    /** Attributes counted per user: more than the genres of the datasets we know. */
    static final int ATTRIBUTES_PER_USER = 32;

    /** Events after which a user's running means become moving averages. */
    static final int MEAN_WINDOW = 100;

    private static final int FORMAT = 1;

    private final ItemContent content;
    private final ItemActivity items;
    private final UserActivity users;

    public ActivityStatistics() {
        this(
                new ItemContent(),
                new ItemActivity(),
                new UserActivity(ATTRIBUTES_PER_USER, MEAN_WINDOW));
    }

    private ActivityStatistics(ItemContent content, ItemActivity items, UserActivity users) {
        this.content = content;
        this.items = items;
        this.users = users;
    }

    /** Indexes a new or changed catalog item. */
    void putItem(int item, String title, List<String> attributes) {
        content.put(item, title, attributes);
        int[] renumbered = content.compactIfMostlyDead();
        if (renumbered != null) {
            users.translateTokens(renumbered);
        }
    }

    /**
     * Applies an event of {@code user} on {@code item}, which had {@code itemEvents} events before
     * it: the user's means take the item's popularity and age as they were when the user took it
     * (kept only if {@code keepsUser}; the totals over all users always).
     */
    void add(int user, int item, UserEvent event, long itemEvents, boolean keepsUser) {
        long t = event.timestamp();
        users.add(
                user,
                t,
                content.attributes(item),
                Math.log(1.0 + itemEvents),
                items.logAgeDays(item, t),
                keepsUser);
        items.add(item, t, event.value());
    }

    public ItemContent content() {
        return content;
    }

    public ItemActivity items() {
        return items;
    }

    public UserActivity users() {
        return users;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        content.writeTo(out);
        items.writeTo(out);
        users.writeTo(out);
    }

    /**
     * What {@link #writeTo} wrote, of {@code itemCount} items and {@code userCount} users indexed
     * (the generator's indices, read before).
     */
    public static ActivityStatistics readFrom(DataInput in, int itemCount, int userCount)
            throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("ActivityStatistics format " + format + ", expected " + FORMAT);
        }
        return new ActivityStatistics(
                ItemContent.readFrom(in, itemCount),
                ItemActivity.readFrom(in, itemCount),
                UserActivity.readFrom(in, userCount));
    }
}
