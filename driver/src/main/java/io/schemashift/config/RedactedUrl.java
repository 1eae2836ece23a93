package io.schemashift.config;

/** JDBC URLs as messages and {@code toString()} may show them. */
public final class RedactedUrl {

    private RedactedUrl() {}

    /**
     * {@code url} without what may hold a password: its parameters ({@code ?…}, {@code ;…}) and a
     * {@code user:password@} authority.
     */
    public static String of(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        String base = url.substring(0, cut);
        // user:password@host (MySQL Connector/J, MariaDB) would otherwise show the password
        int authority = base.indexOf("//");
        int at = authority < 0 ? -1 : base.indexOf('@', authority + 2);
        if (at >= 0) {
            base = base.substring(0, authority + 2) + "…@" + base.substring(at + 1);
        }
        return cut < url.length() ? base + "?…" : base;
    }
}
