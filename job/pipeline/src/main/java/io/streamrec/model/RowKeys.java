package io.streamrec.model;

/**
 * Names of the parameter rows of the default model. Sparse rows: {@code u:<user>} (user embedding),
 * {@code i:<item>} (item embedding followed by the item bias), {@code a:<attribute>} (attribute
 * embedding, e.g. a genre). Dense rows: {@link #DENSE_W} (d x d projection of pooled attribute
 * embeddings), {@link #DENSE_C} (its bias), {@link #DENSE_PHI} (weights of the item features).
 */
public final class RowKeys {
    public static final String USER = "u:";
    public static final String ITEM = "i:";
    public static final String ATTRIBUTE = "a:";
    public static final String DENSE_W = "dense:W";
    public static final String DENSE_C = "dense:c";
    public static final String DENSE_PHI = "dense:phi";

    /** Projection of an item's pretrained content vector into the content tower (p x d). */
    public static final String DENSE_U = "dense:U";

    private RowKeys() {}

    public static String user(String userId) {
        return USER + userId;
    }

    public static String item(String itemId) {
        return ITEM + itemId;
    }

    public static String attribute(String attribute) {
        return ATTRIBUTE + attribute;
    }

    public static boolean isUser(String key) {
        return key.startsWith(USER);
    }

    public static boolean isItem(String key) {
        return key.startsWith(ITEM);
    }

    public static boolean isAttribute(String key) {
        return key.startsWith(ATTRIBUTE);
    }

    /** The id after the row-kind prefix. */
    public static String id(String key) {
        return key.substring(2);
    }
}
