package io.streamrec.candidates;

import io.streamrec.schema.ReadBounds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Per user: the time of the latest event and the events so far (the ranker's context), running
 * means of the log popularity and log age the user's items had when the user took them (what this
 * user usually takes), and the user's counts per item attribute, at most {@code attributeCap} of
 * them (a new attribute replaces the smallest count, ties the higher token); over all users, the
 * events per attribute, the prior the user's counts are compared with.
 *
 * <p>The running means weigh the latest event {@code 1 / min(events, meanWindow)}: a plain mean at
 * first, an exponential moving average over about {@code meanWindow} events later, so they follow a
 * drifting taste. State per user is a few numbers and the capped attribute list.
 */
public final class UserActivity {
    /** The time of a user without events. */
    public static final long NEVER = Long.MIN_VALUE;

    private static final int FORMAT = 1;

    /** What a user without events (or kept elsewhere: null in the list) is written as. */
    private static final User NONE = new User();

    private static final class User {
        long last = NEVER;
        long events;
        double meanLogPopularity;
        double meanLogAge;
        int attributes;
        int[] tokens = new int[0];
        double[] counts = new double[0];
        double attributeEvents;

        User copy() {
            User c = new User();
            c.last = last;
            c.events = events;
            c.meanLogPopularity = meanLogPopularity;
            c.meanLogAge = meanLogAge;
            c.attributes = attributes;
            c.tokens = tokens.clone();
            c.counts = counts.clone();
            c.attributeEvents = attributeEvents;
            return c;
        }

        /** Renumbers the attribute tokens, dropping those numbered -1. */
        void translateTokens(int[] toMine) {
            int kept = 0;
            for (int a = 0; a < attributes; a++) {
                int theirs = tokens[a]; // a checkpoint of earlier code may hold any number here
                int token = theirs >= 0 && theirs < toMine.length ? toMine[theirs] : -1;
                if (token >= 0) {
                    tokens[kept] = token;
                    counts[kept++] = counts[a];
                }
            }
            attributes = kept;
        }

        boolean isEmpty() {
            return last == NEVER && events == 0 && attributes == 0 && attributeEvents == 0.0;
        }
    }

    private final int attributeCap;
    private final int meanWindow;
    private final List<User> users = new ArrayList<>();
    private double[] attributeEvents = new double[16];
    private double allAttributeEvents;

    /** The largest attribute cap a checkpoint may hold (the job writes 32). */
    static final int MAX_ATTRIBUTE_CAP = 4096;

    /**
     * @param attributeCap attributes counted per user
     * @param meanWindow events after which the running means become moving averages
     */
    public UserActivity(int attributeCap, int meanWindow) {
        if (attributeCap <= 0 || meanWindow <= 0) {
            throw new IllegalArgumentException(
                    "caps must be positive: " + attributeCap + ", " + meanWindow);
        }
        this.attributeCap = attributeCap;
        this.meanWindow = meanWindow;
    }

    /**
     * Applies an event of {@code user} at {@code t} on an item with {@code attributes} (tokens of
     * {@link ItemContent}), popularity {@code logPopularity} and age {@code logAge} before it.
     */
    public void add(int user, long t, int[] attributes, double logPopularity, double logAge) {
        add(user, t, attributes, logPopularity, logAge, true);
    }

    /**
     * As {@link #add(int, long, int[], double, double)}, the user's own numbers only if {@code
     * keepsUser} (a serving subtask keeps its own users'); the totals over all users always.
     */
    public void add(
            int user,
            long t,
            int[] attributes,
            double logPopularity,
            double logAge,
            boolean keepsUser) {
        while (users.size() <= user) {
            users.add(null); // a slot for every user, so every subtask's list is as long
        }
        if (!keepsUser) {
            countGlobally(attributes);
            return;
        }
        User u = users.get(user);
        if (u == null) {
            u = new User();
            users.set(user, u);
        }
        u.last = u.last == NEVER ? t : Math.max(u.last, t);
        u.events++;
        double rate = 1.0 / Math.min(u.events, meanWindow);
        u.meanLogPopularity += rate * (logPopularity - u.meanLogPopularity);
        u.meanLogAge += rate * (logAge - u.meanLogAge);
        for (int token : attributes) {
            countAttribute(u, token);
        }
        countGlobally(attributes);
    }

    private void countGlobally(int[] attributes) {
        for (int token : attributes) {
            if (token >= attributeEvents.length) {
                attributeEvents =
                        Arrays.copyOf(
                                attributeEvents, Math.max(token + 1, attributeEvents.length * 2));
            }
            attributeEvents[token]++;
            allAttributeEvents++;
        }
    }

    private void countAttribute(User u, int token) {
        u.attributeEvents++;
        for (int s = 0; s < u.attributes; s++) {
            if (u.tokens[s] == token) {
                u.counts[s]++;
                return;
            }
        }
        if (u.attributes == attributeCap) {
            int weakest = 0;
            for (int s = 1; s < u.attributes; s++) {
                if (u.counts[s] < u.counts[weakest]
                        || (u.counts[s] == u.counts[weakest] && u.tokens[s] > u.tokens[weakest])) {
                    weakest = s;
                }
            }
            u.tokens[weakest] = token;
            u.counts[weakest] = 1.0;
            return;
        }
        if (u.attributes == u.tokens.length) {
            int grown = Math.min(attributeCap, Math.max(4, u.attributes * 2));
            u.tokens = Arrays.copyOf(u.tokens, grown);
            u.counts = Arrays.copyOf(u.counts, grown);
        }
        u.tokens[u.attributes] = token;
        u.counts[u.attributes++] = 1.0;
    }

    /**
     * Erases a user's activity (times, counts, means, attribute counts). The totals per attribute
     * over all users keep the user's share: they are aggregates.
     */
    public void forget(int user) {
        if (user >= 0 && user < users.size()) {
            users.set(user, null);
        }
    }

    /** Drops the numbers of every user {@code keeps} rejects. */
    void dropUnless(IntPredicate keeps) {
        for (int u = 0; u < users.size(); u++) {
            if (users.get(u) != null && !keeps.test(u)) {
                users.set(u, null);
            }
        }
    }

    /**
     * Takes {@code other}'s numbers of every user {@code keeps} accepts that {@code other} has,
     * user indices translated by {@code toMine} (-1: unknown here, skipped) and attribute tokens by
     * {@code tokensToMine} (-1: a word no item here has, whose count is dropped).
     */
    void adopt(UserActivity other, int[] toMine, int[] tokensToMine, IntPredicate keeps) {
        for (int u = 0; u < other.users.size(); u++) {
            User theirs = other.users.get(u);
            int mine = toMine[u];
            if (theirs == null || mine < 0 || !keeps.test(mine)) {
                continue;
            }
            while (users.size() <= mine) {
                users.add(null);
            }
            User adopted = theirs.copy();
            adopted.translateTokens(tokensToMine);
            users.set(mine, adopted);
        }
    }

    /**
     * Numbers every attribute token again by {@code toNew} (-1: a token no item has any longer,
     * whose counts are dropped), after {@link ItemContent#compactIfMostlyDead}. The totals (each
     * user's and all users' attribute events) stay as they were, so the shares of the tokens kept
     * do not change.
     */
    void translateTokens(int[] toNew) {
        for (User u : users) {
            if (u != null) {
                u.translateTokens(toNew);
            }
        }
        double[] global = new double[attributeEvents.length];
        for (int t = 0; t < Math.min(toNew.length, attributeEvents.length); t++) {
            if (toNew[t] >= 0) {
                global[toNew[t]] += attributeEvents[t];
            }
        }
        attributeEvents = global;
    }

    private User user(int user) {
        return user >= 0 && user < users.size() ? users.get(user) : null;
    }

    /** The user's events so far. */
    public long events(int user) {
        User u = user(user);
        return u == null ? 0L : u.events;
    }

    /** The time of the user's latest event, {@link #NEVER} without one. */
    public long lastEvent(int user) {
        User u = user(user);
        return u == null ? NEVER : u.last;
    }

    /** The running mean of {@code ln(1 + events)} of the user's items when taken; 0 for none. */
    public double meanLogPopularity(int user) {
        User u = user(user);
        return u == null ? 0.0 : u.meanLogPopularity;
    }

    /** The running mean of {@code ln(1 + age in days)} of the user's items when taken. */
    public double meanLogAge(int user) {
        User u = user(user);
        return u == null ? 0.0 : u.meanLogAge;
    }

    /** Attributes counted for the user, at most the cap; slots {@code 0 .. attributes - 1}. */
    public int attributes(int user) {
        User u = user(user);
        return u == null ? 0 : u.attributes;
    }

    /** The attribute token at slot {@code s} of the user's counts. */
    public int attributeAt(int user, int s) {
        return users.get(user).tokens[s];
    }

    /** The user's count of the attribute at slot {@code s}. */
    public double attributeCountAt(int user, int s) {
        return users.get(user).counts[s];
    }

    /** The user's attribute events (one per attribute of each item), evicted ones included. */
    public double attributeEvents(int user) {
        User u = user(user);
        return u == null ? 0.0 : u.attributeEvents;
    }

    /** Events on items with the attribute, over all users. */
    public double globalAttributeEvents(int token) {
        return token >= 0 && token < attributeEvents.length ? attributeEvents[token] : 0.0;
    }

    /** Attribute events over all users. */
    public double globalAttributeEvents() {
        return allAttributeEvents;
    }

    /** The longest per-user attribute list (at most the cap). */
    int longestAttributeList() {
        return users.stream().mapToInt(u -> u == null ? 0 : u.attributes).max().orElse(0);
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(attributeCap);
        out.writeInt(meanWindow);
        out.writeInt(users.size());
        for (User kept : users) {
            User u = kept == null ? NONE : kept;
            out.writeLong(u.last);
            out.writeLong(u.events);
            out.writeDouble(u.meanLogPopularity);
            out.writeDouble(u.meanLogAge);
            out.writeDouble(u.attributeEvents);
            out.writeInt(u.attributes);
            for (int s = 0; s < u.attributes; s++) {
                out.writeInt(u.tokens[s]);
                out.writeDouble(u.counts[s]);
            }
        }
        out.writeInt(attributeEvents.length);
        for (double e : attributeEvents) {
            out.writeDouble(e);
        }
        out.writeDouble(allAttributeEvents);
    }

    /**
     * What {@link #writeTo} wrote, for {@code userCount} users indexed: the list has a slot per
     * user up to the last with an event, so more is corrupt (a new user would take their numbers).
     */
    public static UserActivity readFrom(DataInput in, int userCount) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("UserActivity format " + format + ", expected " + FORMAT);
        }
        // the cap bounds every user's arrays below: a corrupt one must not make them huge
        int attributeCap =
                ReadBounds.checkLength(
                        in.readInt(), MAX_ATTRIBUTE_CAP, "UserActivity.attributeCap");
        int meanWindow =
                ReadBounds.checkLength(
                        in.readInt(), ReadBounds.MAX_LIST_LENGTH, "UserActivity.meanWindow");
        if (attributeCap == 0 || meanWindow == 0) {
            throw new IOException(
                    "corrupt UserActivity caps " + attributeCap + ", " + meanWindow + " (0)");
        }
        UserActivity a = new UserActivity(attributeCap, meanWindow);
        a.readUsers(in, userCount);
        a.readAttributeEvents(in);
        return a;
    }

    private void readUsers(DataInput in, int userCount) throws IOException {
        int n = RestoredKeys.readCount(in, "UserActivity.users", userCount);
        for (int i = 0; i < n; i++) {
            User u = readUser(in, attributeCap);
            users.add(u.isEmpty() ? null : u);
        }
    }

    private static User readUser(DataInput in, int attributeCap) throws IOException {
        User u = new User();
        u.last = in.readLong();
        u.events = in.readLong();
        u.meanLogPopularity = in.readDouble();
        u.meanLogAge = in.readDouble();
        u.attributeEvents = in.readDouble();
        u.attributes =
                ReadBounds.checkLength(in.readInt(), attributeCap, "UserActivity.attributes");
        u.tokens = new int[u.attributes];
        u.counts = new double[u.attributes];
        for (int s = 0; s < u.attributes; s++) {
            u.tokens[s] = in.readInt();
            u.counts[s] = in.readDouble();
        }
        return u;
    }

    /** The events per attribute and over all attributes, over all users. */
    private void readAttributeEvents(DataInput in) throws IOException {
        attributeEvents =
                new double
                        [ReadBounds.checkLength(
                                in.readInt(), ReadBounds.MAX_IDS, "UserActivity.attributeEvents")];
        for (int t = 0; t < attributeEvents.length; t++) {
            attributeEvents[t] = in.readDouble();
        }
        allAttributeEvents = in.readDouble();
    }
}
