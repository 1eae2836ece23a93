package io.schemashift.rewriter;

import java.util.Arrays;

/**
 * The tokens of one SQL text, as offsets into it. Built by {@link #lex}: a small dialect-aware
 * scanner that knows strings, quoted identifiers, comments and PostgreSQL dollar quotes, so that
 * a {@code ?} inside any of them is never taken for a parameter; nor is pgjdbc's escaped
 * {@code ??} operator.
 */
final class Tokens {

    static final byte WORD = 0;
    static final byte QUOTED = 1;
    static final byte STRING = 2;
    static final byte NUMBER = 3;
    static final byte PARAM = 4;
    static final byte PUNCT = 5;
    static final byte COMMENT = 6;

    final String sql;
    private byte[] kinds = new byte[16];
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int size;
    private int[] params = new int[4];
    private int paramCount;

    private Tokens(String sql) {
        this.sql = sql;
    }

    int size() {
        return size;
    }

    byte kind(int i) {
        return kinds[i];
    }

    int start(int i) {
        return starts[i];
    }

    int end(int i) {
        return ends[i];
    }

    String text(int i) {
        return sql.substring(starts[i], ends[i]);
    }

    boolean isWord(int i, String word) {
        return i < size
                && kinds[i] == WORD
                && ends[i] - starts[i] == word.length() // most words fail here, before a compare
                && sql.regionMatches(true, starts[i], word, 0, word.length());
    }

    boolean isPunct(int i, char c) {
        return i < size && kinds[i] == PUNCT && sql.charAt(starts[i]) == c;
    }

    /** Index of the first token starting at or after {@code offset}. */
    int indexAt(int offset) {
        int i = Arrays.binarySearch(starts, 0, size, offset);
        return i >= 0 ? i : -i - 1;
    }

    /** Next token at or after {@code i} that is not a comment; {@link #size()} if none. */
    int significant(int i) {
        while (i < size && kinds[i] == COMMENT) {
            i++;
        }
        return i;
    }

    /** Last token before {@code i} that is not a comment; -1 if none. */
    int significantBefore(int i) {
        int j = i - 1;
        while (j >= 0 && kinds[j] == COMMENT) {
            j--;
        }
        return j;
    }

    /** Index of the parenthesis that closes the one at {@code open}, or -1. */
    int closing(int open) {
        return matching(open, '(', ')', 1);
    }

    /** Index of the bracket that closes the one at {@code open}, or -1. */
    int closingBracket(int open) {
        return matching(open, '[', ']', 1);
    }

    /** Index of the parenthesis that opens the one that closes at {@code close}, or -1. */
    int opening(int close) {
        return matching(close, ')', '(', -1);
    }

    /**
     * From token {@code from} (a {@code nest}) in direction {@code step}, the {@code end} that
     * brings the nesting back to none, or -1.
     */
    private int matching(int from, char nest, char end, int step) {
        int depth = 0;
        for (int i = from; i >= 0 && i < size; i += step) {
            if (isPunct(i, nest)) {
                depth++;
            } else if (isPunct(i, end) && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** 1-based number of the parameter that starts at {@code offset}, or 0 if none does. */
    int paramAt(int offset) {
        int i = Arrays.binarySearch(params, 0, paramCount, offset);
        return i >= 0 ? i + 1 : 0;
    }

    /** 0-based index of the first parameter at or after {@code offset}. */
    int firstParamFrom(int offset) {
        int i = Arrays.binarySearch(params, 0, paramCount, offset);
        return i >= 0 ? i : -i - 1;
    }

    /** Offset of the {@code k}-th (0-based) parameter. */
    int paramOffset(int k) {
        return params[k];
    }

    int paramCount() {
        return paramCount;
    }

    boolean hasComments() {
        for (int i = 0; i < size; i++) {
            if (kinds[i] == COMMENT) {
                return true;
            }
        }
        return false;
    }

    private void add(byte kind, int start, int end) {
        if (size == kinds.length) {
            kinds = Arrays.copyOf(kinds, size * 2);
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        if (kind == PARAM) {
            if (paramCount == params.length) {
                params = Arrays.copyOf(params, paramCount * 2);
            }
            params[paramCount++] = start;
        }
        kinds[size] = kind;
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    /**
     * The text inside a string literal token ({@code '…'}, {@code E'…'}, {@code "…"} on MariaDB,
     * {@code $tag$…$tag$}), doubled quotes undone; escapes are left as written.
     */
    static String stringBody(String literal) {
        String s = literal.length() > 1 && (literal.charAt(0) == 'E' || literal.charAt(0) == 'e')
                ? literal.substring(1)
                : literal;
        if (s.startsWith("$")) {
            int tag = s.indexOf('$', 1) + 1;
            int end = s.length() - tag;
            return tag > 0 && end >= tag ? s.substring(tag, end) : "";
        }
        if (s.length() < 2) {
            return "";
        }
        char q = s.charAt(0);
        String inner = s.substring(1, s.charAt(s.length() - 1) == q ? s.length() - 1 : s.length());
        return inner.replace(String.valueOf(q) + q, String.valueOf(q));
    }

    /** Splits {@code sql} into tokens; never fails (an unterminated string or comment runs to the end). */
    static Tokens lex(String sql, Dialect dialect) {
        Tokens t = new Tokens(sql);
        int n = sql.length();
        int i = 0;
        boolean mariadb = dialect == Dialect.MARIADB;
        while (i < n) {
            char c = sql.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '-'
                    && i + 1 < n
                    && sql.charAt(i + 1) == '-'
                    && (!mariadb || i + 2 >= n || Character.isWhitespace(sql.charAt(i + 2)))) {
                i = lineEnd(sql, i);
                t.add(COMMENT, start, i);
            } else if (c == '#' && mariadb) {
                i = lineEnd(sql, i);
                t.add(COMMENT, start, i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockCommentEnd(sql, i, dialect == Dialect.POSTGRESQL);
                t.add(COMMENT, start, i);
            } else if (c == '\'') {
                i = quotedEnd(sql, i, '\'', mariadb);
                t.add(STRING, start, i);
            } else if (c == '"') {
                i = quotedEnd(sql, i, '"', mariadb);
                t.add(mariadb ? STRING : QUOTED, start, i);
            } else if (c == '`' && mariadb) {
                i = quotedEnd(sql, i, '`', false);
                t.add(QUOTED, start, i);
            } else if (c == '$' && dialect == Dialect.POSTGRESQL && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                int close = sql.indexOf(sql.substring(i, tagEnd), tagEnd);
                i = close < 0 ? n : close + (tagEnd - i);
                t.add(STRING, start, i);
            } else if (c == '?' && dialect == Dialect.POSTGRESQL && i + 1 < n && sql.charAt(i + 1) == '?') {
                // pgjdbc's escape for a jsonb operator (??, ??|, ??&): one operator, no parameter
                i += i + 2 < n && (sql.charAt(i + 2) == '|' || sql.charAt(i + 2) == '&') ? 3 : 2;
                t.add(PUNCT, start, i);
            } else if (c == '?') {
                i++;
                t.add(PARAM, start, i);
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                i = numberEnd(sql, i);
                t.add(NUMBER, start, i);
            } else if (Character.isLetter(c) || c == '_') {
                while (i < n && isWordPart(sql.charAt(i))) {
                    i++;
                }
                if (dialect == Dialect.POSTGRESQL && t.isEPrefixed(start, i)) {
                    i = quotedEnd(sql, i, '\'', true); // E'…' escape string: backslashes escape
                    t.add(STRING, start, i);
                } else {
                    t.add(WORD, start, i);
                }
            } else {
                i++;
                t.add(PUNCT, start, i);
            }
        }
        return t;
    }

    /** PostgreSQL escape strings: {@code E'…'} — the word part is left to the string token. */
    private boolean isEPrefixed(int start, int end) {
        return end - start == 1 && end < sql.length() && sql.charAt(end) == '\'' && (sql.charAt(start) | 32) == 'e';
    }

    static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static int lineEnd(String sql, int i) {
        int nl = sql.indexOf('\n', i);
        return nl < 0 ? sql.length() : nl;
    }

    private static int blockCommentEnd(String sql, int i, boolean nested) {
        int depth = 0;
        int n = sql.length();
        while (i < n) {
            if (sql.startsWith("/*", i)) {
                if (depth > 0 && !nested) {
                    i += 2;
                    continue;
                }
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                i += 2;
                if (--depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    private static int quotedEnd(String sql, int i, char quote, boolean backslash) {
        int n = sql.length();
        i++;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** End of a {@code $tag$} opener at {@code i}, or -1 (e.g. {@code $1} is not one). */
    private static int dollarTagEnd(String sql, int i) {
        int j = i + 1;
        while (j < sql.length()
                && (Character.isLetter(sql.charAt(j))
                        || sql.charAt(j) == '_'
                        || (j > i + 1 && Character.isDigit(sql.charAt(j))))) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? j + 1 : -1;
    }

    private static int numberEnd(String sql, int i) {
        int n = sql.length();
        if (sql.startsWith("0x", i) || sql.startsWith("0X", i)) {
            i += 2;
            while (i < n && Character.digit(sql.charAt(i), 16) >= 0) {
                i++;
            }
            return i;
        }
        while (i < n && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
            i++;
        }
        if (i < n && (sql.charAt(i) | 32) == 'e') {
            int j = i + 1;
            if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) {
                j++;
            }
            if (j < n && Character.isDigit(sql.charAt(j))) {
                i = j;
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
            }
        }
        return i;
    }
}
