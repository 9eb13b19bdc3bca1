package io.streamrec.tools.report;

/** What the tools' HTML reports share. */
public final class Html {
    private Html() {}

    /** {@code s} as HTML text. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
