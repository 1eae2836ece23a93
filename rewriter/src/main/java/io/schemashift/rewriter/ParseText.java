package io.schemashift.rewriter;

import java.util.Arrays;

/**
 * The text JSqlParser reads for a statement, and how its offsets map back to the statement's own,
 * so that the rewrite edits the text the application wrote at the parse tree's positions. It
 * differs from the statement only where the parser would otherwise fail or read it otherwise than
 * the databases do:
 *
 * <ul>
 *   <li>the literal {@code VALUES} rows of a {@link ValuesRows.Cut} are left out;
 *   <li>a {@code ?} directly followed by {@code |} or {@code &} gets a space after it: JSqlParser
 *       reads {@code ?|} and {@code ?&} as PostgreSQL's JSON key operators, where the drivers read a
 *       parameter ({@code name LIKE '%'||?||'%'}, as MyBatis mappers and hand-written SQL send it);
 *   <li>pgjdbc's {@code ??}, {@code ??|} and {@code ??&} (jsonb operators, no parameters: {@code
 *       data ?? 'key'}) read {@code ||}: JSqlParser would take them for parameters;
 *   <li>a collation named otherwise than by one bare word ({@code COLLATE "C"}, {@code COLLATE
 *       pg_catalog."default"}, MariaDB's {@code COLLATE 'utf8mb4_bin'}) reads as a bare word: JSqlParser
 *       takes only that;
 *   <li>in a PostgreSQL escape string, {@code E'it\'s'}, a quote escaped by a backslash reads as a
 *       doubled quote, {@code E'it''s'} (the same string): JSqlParser ends the string there;
 *   <li>a PostgreSQL dollar-quoted string, {@code $q$O'Hare$q$}, reads as the same string quoted
 *       the standard way, {@code 'O''Hare'}: JSqlParser reads {@code $$…$$}
 *       as a name, and ends a tagged one at a quote inside;
 *   <li>PostgreSQL's {@code UPDATE ONLY t}, {@code DELETE FROM ONLY t} (the table without its
 *       inheritance children) and {@code TRUNCATE … RESTART IDENTITY} / {@code CONTINUE IDENTITY}:
 *       those words read as blanks, which JSqlParser needs and the rewrite does not (they stay in
 *       the text each side runs);
 *   <li>MariaDB's select modifiers ({@code HIGH_PRIORITY}, {@code STRAIGHT_JOIN}, {@code
 *       SQL_CALC_FOUND_ROWS}, {@code SQL_NO_CACHE}…) read as blanks: JSqlParser takes some for a
 *       column aliased by the next item, and others only alone and first;
 *   <li>MariaDB's {@code LOCK IN SHARE MODE}, the shared row lock Hibernate and jOOQ ask for there,
 *       which JSqlParser 5.3 does not parse, reads {@code FOR SHARE};
 *   <li>MariaDB's {@code MOD} operator ({@code id MOD 2}) reads {@code %};
 *   <li>MariaDB's {@code BINARY} operator in a condition or an order ({@code WHERE BINARY name = ?},
 *       a case-sensitive match) reads as blanks: JSqlParser 5.3 does not parse it, and the rewrite
 *       does not need it (it stays in the text each side runs);
 *   <li>{@code OVERRIDING SYSTEM VALUE} (and {@code USER}) in a {@code MERGE}'s INSERT reads as
 *       blanks: PostgreSQL and H2 take it there, JSqlParser 5.3 only in an INSERT.
 * </ul>
 *
 * Each such change is padded with spaces to the length it replaces, so that every offset stays;
 * only the space after a {@code ?} and the cut shift them.
 */
final class ParseText {

    private static final String FOR_SHARE = "FOR SHARE";
    private static final int[] NONE = {};

    /** The words a MariaDB select modifier may follow: from {@link #MODIFIERS_FROM} on, the modifiers. */
    private static final String[] AFTER_SELECT = {
        "select",
        "all",
        "distinct",
        "distinctrow",
        "high_priority",
        "straight_join",
        "sql_small_result",
        "sql_big_result",
        "sql_buffer_result",
        "sql_cache",
        "sql_no_cache",
        "sql_calc_found_rows"
    };

    private static final int MODIFIERS_FROM = 4;

    final String text;
    /** From parsed offset {@code from[k]} on, the statement's offset is the parsed one plus {@code shift[k]}. */
    private final int[] from;

    private final int[] shift;

    private ParseText(String text, int[] from, int[] shift) {
        this.text = text;
        this.from = from;
        this.shift = shift;
    }

    /** The parser's text for the statement {@code t}, without the characters of {@code cut} (when not {@code null}). */
    static ParseText of(Tokens t, Dialect dialect, ValuesRows.Cut cut) {
        Builder b = new Builder(t.sql);
        boolean pg = dialect == Dialect.POSTGRESQL;
        int first = t.significant(0);
        for (int i = 0; i < t.size(); i++) {
            if (cut != null && t.start(i) >= cut.from() && t.start(i) < cut.to()) {
                if (b.copied <= cut.from()) {
                    b.skip(cut.from(), cut.to());
                }
                continue;
            }
            int mode = dialect == Dialect.MARIADB ? shareModeEnd(t, i) : -1;
            int collation = t.isWord(i, "collate") ? collationEnd(t, t.significant(i + 1)) : -1;
            int blank = pg
                    ? blanked(t, i, first)
                    : dialect == Dialect.MARIADB && (selectModifier(t, i) || binaryOperator(t, i)) ? i : -1;
            if (blank < 0 && t.isWord(first, "merge")) {
                blank = overriding(t, i);
            }
            String quoted = pg && dollarQuoted(t, i) ? standardQuoted(t.text(i)) : null;
            if (collation >= 0) {
                b.pad(t.start(t.significant(i + 1)), t.end(collation), "c");
                i = collation;
            } else if (mode >= 0) {
                b.pad(t.start(i), t.end(mode), FOR_SHARE);
                i = mode;
            } else if (blank >= 0) {
                b.pad(t.start(i), t.end(blank), "");
                i = blank;
            } else if (quoted != null) {
                b.pad(t.start(i), t.end(i), quoted);
            } else if (dialect == Dialect.MARIADB && modOperator(t, i)) {
                b.pad(t.start(i), t.end(i), "%");
            } else if (pg && t.kind(i) == Tokens.STRING && escapesQuote(t, i)) {
                b.pad(t.start(i), t.end(i), doubledQuotes(t.text(i)));
            } else if (t.isPunct(i, '?')) {
                b.pad(t.start(i), t.end(i), "||");
            } else if (t.kind(i) == Tokens.PARAM
                    && (t.isPunct(i + 1, '|') || t.isPunct(i + 1, '&'))
                    && t.start(i + 1) == t.end(i)) {
                b.insert(t.end(i), " ");
            }
        }
        return b.build();
    }

    /** Whether the parser's text is the statement's own, offset for offset. */
    boolean sameOffsets() {
        return from.length == 0;
    }

    /** The statement's offset of the parser's offset {@code parsed}. */
    int original(int parsed) {
        int k = Arrays.binarySearch(from, parsed);
        k = k >= 0 ? k : -k - 2;
        return k < 0 ? parsed : parsed + shift[k];
    }

    /**
     * The last token of a collation name that starts at {@code i} when it is not one bare word (a
     * quoted name, a string, or a qualified name), else -1.
     */
    private static int collationEnd(Tokens t, int i) {
        int last = -1;
        boolean plain = true;
        int k = i;
        while (k < t.size()) {
            byte kind = t.kind(k);
            if (kind != Tokens.WORD && kind != Tokens.QUOTED && kind != Tokens.STRING) {
                break;
            }
            plain &= kind == Tokens.WORD;
            last = k;
            int dot = t.significant(k + 1);
            if (!t.isPunct(dot, '.')) {
                break;
            }
            plain = false;
            k = t.significant(dot + 1);
        }
        return plain ? -1 : last;
    }

    private static boolean dollarQuoted(Tokens t, int i) {
        return t.kind(i) == Tokens.STRING && t.sql.charAt(t.start(i)) == '$';
    }

    /**
     * Whether token {@code i} is a MariaDB select modifier right after {@code SELECT}, {@code
     * DISTINCT} or another modifier: JSqlParser takes some for a column aliased by the next item
     * ({@code HIGH_PRIORITY}), and others only alone and first ({@code SELECT DISTINCT
     * SQL_CALC_FOUND_ROWS}, {@code SQL_NO_CACHE SQL_CALC_FOUND_ROWS}). They hint the server, and say
     * nothing the rewrite reads.
     */
    private static boolean selectModifier(Tokens t, int i) {
        if (t.kind(i) != Tokens.WORD) {
            return false;
        }
        boolean modifier = false;
        for (int k = MODIFIERS_FROM; k < AFTER_SELECT.length && !modifier; k++) {
            modifier = t.isWord(i, AFTER_SELECT[k]);
        }
        int before = t.significantBefore(i);
        for (int k = 0; modifier && k < AFTER_SELECT.length; k++) {
            if (t.isWord(before, AFTER_SELECT[k])) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether token {@code i} is MariaDB's {@code MOD} operator ({@code id MOD 2}, {@code id MOD ?},
     * the same as {@code %}), which JSqlParser 5.3 does not parse: after an operand, before a number or
     * a parameter. Not a column named {@code mod} ({@code SELECT mod FROM t}, {@code ORDER BY mod
     * DESC}) nor the function {@code MOD(a, b)}.
     */
    private static boolean modOperator(Tokens t, int i) {
        if (!t.isWord(i, "mod")) {
            return false;
        }
        int before = t.significantBefore(i);
        int after = t.significant(i + 1);
        boolean operandBefore = before >= 0
                && (t.isPunct(before, ')')
                        || t.kind(before) == Tokens.WORD
                        || t.kind(before) == Tokens.QUOTED
                        || t.kind(before) == Tokens.NUMBER
                        || t.kind(before) == Tokens.PARAM);
        // a column named mod is never followed by a number or a parameter: that is the operator
        return operandBefore && after < t.size() && (t.kind(after) == Tokens.NUMBER || t.kind(after) == Tokens.PARAM);
    }

    /**
     * Whether token {@code i} is MariaDB's {@code BINARY} operator in a condition or an order ({@code
     * WHERE BINARY name = ?}, {@code name = BINARY ?}, {@code ORDER BY BINARY name}: compare or order
     * by bytes), which JSqlParser 5.3 does not parse: after a condition's word or a comparison, before
     * an operand. Not the type ({@code CAST(x AS BINARY)}, {@code BINARY(16)}), nor in a select item,
     * where it names the result column.
     */
    private static boolean binaryOperator(Tokens t, int i) {
        if (!t.isWord(i, "binary")) {
            return false;
        }
        int before = t.significantBefore(i);
        boolean afterCondition = t.isWord(before, "where")
                || t.isWord(before, "and")
                || t.isWord(before, "or")
                || t.isWord(before, "not")
                || t.isWord(before, "on")
                || t.isWord(before, "having")
                || t.isWord(before, "by")
                || t.isWord(before, "when")
                || (before >= 0
                        && t.kind(before) == Tokens.PUNCT
                        && "(=<>!".indexOf(t.sql.charAt(t.start(before))) >= 0);
        int operand = t.significant(i + 1);
        return afterCondition && operand < t.size() && (t.kind(operand) != Tokens.PUNCT || t.isPunct(operand, '('));
    }

    /**
     * The last token of PostgreSQL words at {@code i} that JSqlParser does not take and the rewrite
     * does not need: {@code ONLY} right after {@code UPDATE} or {@code DELETE FROM} at the start
     * ({@code first}, the statement's first token), {@code RESTART IDENTITY} or {@code CONTINUE
     * IDENTITY} in a {@code TRUNCATE}; else -1.
     */
    private static int blanked(Tokens t, int i, int first) {
        if (t.isWord(i, "only")) {
            int before = t.significantBefore(i);
            boolean update = before == first && t.isWord(first, "update");
            boolean delete =
                    t.isWord(before, "from") && t.significantBefore(before) == first && t.isWord(first, "delete");
            return update || delete ? i : -1;
        }
        if ((t.isWord(i, "restart") || t.isWord(i, "continue")) && t.isWord(first, "truncate")) {
            int identity = t.significant(i + 1);
            return t.isWord(identity, "identity") ? identity : -1;
        }
        return -1;
    }

    /** The last token of {@code OVERRIDING SYSTEM VALUE} or {@code OVERRIDING USER VALUE} starting at {@code i}, else -1. */
    private static int overriding(Tokens t, int i) {
        if (!t.isWord(i, "overriding")) {
            return -1;
        }
        int which = t.significant(i + 1);
        int value = t.significant(which + 1);
        return (t.isWord(which, "system") || t.isWord(which, "user")) && t.isWord(value, "value") ? value : -1;
    }

    /**
     * A dollar-quoted string literal as the same string quoted the standard way; {@code null} when
     * it is unterminated, or its body holds a backslash (which JSqlParser may read as an escape) or
     * too many quotes to double in its length.
     */
    private static String standardQuoted(String literal) {
        int tag = literal.indexOf('$', 1) + 1; // the length of $tag$
        if (tag <= 0 || literal.length() < 2 * tag || !literal.endsWith(literal.substring(0, tag))) {
            return null; // unterminated
        }
        String body = literal.substring(tag, literal.length() - tag);
        String quoted = "'" + body.replace("'", "''") + "'";
        return body.indexOf('\\') >= 0 || quoted.length() > literal.length() ? null : quoted;
    }

    /** Whether string token {@code i} is an escape string ({@code E'…'}) with a backslash in it. */
    private static boolean escapesQuote(Tokens t, int i) {
        if ((t.sql.charAt(t.start(i)) | 32) != 'e') {
            return false;
        }
        int backslash = t.sql.indexOf('\\', t.start(i));
        return backslash >= 0 && backslash < t.end(i);
    }

    /** An escape string with each {@code \'} spelled {@code ''}; every other escape kept. */
    private static String doubledQuotes(String literal) {
        StringBuilder s = new StringBuilder(literal);
        for (int k = 2; k < s.length() - 1; k++) {
            if (s.charAt(k) == '\\') {
                if (s.charAt(k + 1) == '\'') {
                    s.setCharAt(k, '\'');
                }
                k++; // the escaped character
            }
        }
        return s.toString();
    }

    /** The index of {@code MODE} when the words from {@code i} are {@code LOCK IN SHARE MODE}, else -1. */
    private static int shareModeEnd(Tokens t, int i) {
        if (!t.isWord(i, "lock")) {
            return -1;
        }
        int in = t.significant(i + 1);
        int share = t.significant(in + 1);
        int mode = t.significant(share + 1);
        return t.isWord(in, "in") && t.isWord(share, "share") && t.isWord(mode, "mode") ? mode : -1;
    }

    /** Copies the statement into the parser's text, with the changes in order of their offsets. */
    private static final class Builder {
        private final String sql;
        private StringBuilder text;
        private int copied; // the statement's characters before this offset are in text
        private int[] from = NONE;
        private int[] shift = NONE;

        Builder(String sql) {
            this.sql = sql;
        }

        void skip(int start, int end) {
            copyTo(start);
            copied = end;
            mark();
        }

        void insert(int at, String s) {
            copyTo(at);
            text.append(s);
            mark();
        }

        /** Replaces {@code [start, end)} with {@code s} padded with spaces to the same length: every offset stays. */
        void pad(int start, int end, String s) {
            copyTo(start);
            text.append(s).append(" ".repeat(end - start - s.length()));
            copied = end;
        }

        private void copyTo(int offset) {
            if (text == null) {
                text = new StringBuilder(sql.length() + 8);
            }
            text.append(sql, copied, offset);
            copied = offset;
        }

        private void mark() {
            if (from.length > 0 && from[from.length - 1] == text.length()) {
                shift[shift.length - 1] = copied - text.length();
                return;
            }
            from = Arrays.copyOf(from, from.length + 1);
            shift = Arrays.copyOf(shift, shift.length + 1);
            from[from.length - 1] = text.length();
            shift[shift.length - 1] = copied - text.length();
        }

        ParseText build() {
            if (text == null) {
                return new ParseText(sql, from, shift);
            }
            copyTo(sql.length());
            return new ParseText(text.toString(), from, shift);
        }
    }
}
