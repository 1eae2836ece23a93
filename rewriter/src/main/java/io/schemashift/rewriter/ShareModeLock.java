package io.schemashift.rewriter;

/**
 * MariaDB's {@code LOCK IN SHARE MODE}, the shared row lock Hibernate and jOOQ ask for there, which
 * JSqlParser 5.3 does not parse. The parser reads {@code FOR SHARE} in its place, padded with spaces
 * to the same length so that every token keeps its position; the rewrite edits the text as the
 * application wrote it, so each side runs the lock it asked for.
 */
final class ShareModeLock {

    private static final String FOR_SHARE = "FOR SHARE";

    private ShareModeLock() {}

    /** The text the parser reads for {@code t}: its own, or with each share-mode lock spelled {@code FOR SHARE}. */
    static String parseable(Tokens t, Dialect dialect) {
        if (dialect != Dialect.MARIADB) {
            return t.sql;
        }
        StringBuilder text = null;
        for (int i = 0; i < t.size(); i++) {
            int mode = lockEnd(t, i);
            if (mode < 0) {
                continue;
            }
            if (text == null) {
                text = new StringBuilder(t.sql);
            }
            int from = t.start(i);
            int to = t.end(mode);
            text.replace(from, to, FOR_SHARE + " ".repeat(to - from - FOR_SHARE.length()));
            i = mode;
        }
        return text == null ? t.sql : text.toString();
    }

    /** The index of {@code MODE} when the words from {@code i} are {@code LOCK IN SHARE MODE}, else -1. */
    private static int lockEnd(Tokens t, int i) {
        if (!t.isWord(i, "lock")) {
            return -1;
        }
        int in = t.significant(i + 1);
        int share = t.significant(in + 1);
        int mode = t.significant(share + 1);
        return t.isWord(in, "in") && t.isWord(share, "share") && t.isWord(mode, "mode") ? mode : -1;
    }
}
