package io.schemashift.jdbc;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Transaction control sent as SQL text ({@code BEGIN}, {@code COMMIT}, {@code SET autocommit = 0},
 * {@code SAVEPOINT s}…). The driver must see it: the new side's transaction follows the
 * application's, and a same-database mirror wraps auto-commit writes in a transaction of its own.
 * So such SQL is carried out through the connection's JDBC methods instead of being sent as is.
 *
 * @param verb what the statement does
 * @param name the savepoint's name, for the savepoint verbs
 * @param on the value of {@code autocommit}, for {@link Verb#AUTOCOMMIT}
 */
record TransactionControl(Verb verb, String name, boolean on) {

    enum Verb {
        BEGIN,
        COMMIT,
        /** {@code COMMIT AND CHAIN}: the next transaction begins at once, with the same characteristics. */
        COMMIT_AND_CHAIN,
        ROLLBACK,
        ROLLBACK_AND_CHAIN,
        SAVEPOINT,
        ROLLBACK_TO_SAVEPOINT,
        RELEASE_SAVEPOINT,
        AUTOCOMMIT
    }

    private static final String ID = "([A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\"|`[^`]+`)";
    private static final Pattern BEGIN =
            Pattern.compile("(?:BEGIN(?:\\s+(?:WORK|TRANSACTION))?|START\\s+TRANSACTION)", Pattern.CASE_INSENSITIVE);
    /** {@code AND CHAIN} (group 2) or {@code AND NO CHAIN} (groups 1 and 2) after a COMMIT or ROLLBACK. */
    private static final String CHAIN = "(?:\\s+AND\\s+(NO\\s+)?(CHAIN))?";

    private static final Pattern COMMIT =
            Pattern.compile("(?:COMMIT|END)(?:\\s+(?:WORK|TRANSACTION))?" + CHAIN, Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLLBACK =
            Pattern.compile("(?:ROLLBACK|ABORT)(?:\\s+(?:WORK|TRANSACTION))?" + CHAIN, Pattern.CASE_INSENSITIVE);
    private static final Pattern SAVEPOINT = Pattern.compile("SAVEPOINT\\s+" + ID, Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLLBACK_TO = Pattern.compile(
            "ROLLBACK(?:\\s+(?:WORK|TRANSACTION))?\\s+TO\\s+(?:SAVEPOINT\\s+)?" + ID, Pattern.CASE_INSENSITIVE);
    private static final Pattern RELEASE =
            Pattern.compile("RELEASE\\s+(?:SAVEPOINT\\s+)?" + ID, Pattern.CASE_INSENSITIVE);
    private static final Pattern AUTOCOMMIT = Pattern.compile(
            "SET\\s+(?:SESSION\\s+|LOCAL\\s+|@@SESSION\\.|@@LOCAL\\.|@@)?AUTOCOMMIT\\s*(?:=|\\s+TO\\s+|\\s)\\s*(0|1|ON|OFF|TRUE|FALSE)",
            Pattern.CASE_INSENSITIVE);

    /**
     * The transaction control {@code sql} is, or {@code null}. Cheap for everything else: only
     * text whose first letter can start one of the verbs is matched.
     */
    static TransactionControl of(String sql) {
        int start = 0;
        int end = sql.length();
        while (start < end && Character.isWhitespace(sql.charAt(start))) {
            start++;
        }
        while (end > start && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
            end--;
        }
        if (start == end) {
            return null;
        }
        char first = Character.toUpperCase(sql.charAt(start));
        if ("BSCERA".indexOf(first) < 0) {
            return null;
        }
        String text = sql.substring(start, end);
        if (BEGIN.matcher(text).matches()) {
            return new TransactionControl(Verb.BEGIN, null, false);
        }
        Matcher m;
        if ((m = COMMIT.matcher(text)).matches()) {
            return new TransactionControl(chained(m) ? Verb.COMMIT_AND_CHAIN : Verb.COMMIT, null, false);
        }
        if ((m = ROLLBACK.matcher(text)).matches()) {
            return new TransactionControl(chained(m) ? Verb.ROLLBACK_AND_CHAIN : Verb.ROLLBACK, null, false);
        }
        if ((m = SAVEPOINT.matcher(text)).matches()) {
            return new TransactionControl(Verb.SAVEPOINT, name(m.group(1)), false);
        }
        if ((m = ROLLBACK_TO.matcher(text)).matches()) {
            return new TransactionControl(Verb.ROLLBACK_TO_SAVEPOINT, name(m.group(1)), false);
        }
        if ((m = RELEASE.matcher(text)).matches()) {
            return new TransactionControl(Verb.RELEASE_SAVEPOINT, name(m.group(1)), false);
        }
        if ((m = AUTOCOMMIT.matcher(text)).matches()) {
            String v = m.group(1).toUpperCase(Locale.ROOT);
            return new TransactionControl(Verb.AUTOCOMMIT, null, v.equals("1") || v.equals("ON") || v.equals("TRUE"));
        }
        return null;
    }

    private static boolean chained(Matcher m) {
        return m.group(2) != null && m.group(1) == null;
    }

    /** A savepoint name as the database folds it: quoted names as written, others in lower case. */
    private static String name(String id) {
        char q = id.charAt(0);
        return q == '"' || q == '`' ? id.substring(1, id.length() - 1) : id.toLowerCase(Locale.ROOT);
    }
}
