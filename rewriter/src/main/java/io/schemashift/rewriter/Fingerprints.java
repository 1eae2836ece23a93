package io.schemashift.rewriter;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Builds {@link Fingerprint}s from tokens: comments dropped, literals and parameters as {@code
 * ?}, unquoted words lower-cased, IN lists and multi-row VALUES collapsed to one item or row.
 */
final class Fingerprints {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static final Pattern LOCKING = Pattern.compile(
            "\\bfor\\s+(?:no\\s+key\\s+)?update\\b|\\bfor\\s+(?:key\\s+)?share\\b|\\block\\s+in\\s+share\\s+mode\\b");

    private Fingerprints() {}

    static Fingerprint of(Tokens t) {
        StringBuilder out = new StringBuilder(t.sql.length());
        int i = t.significant(0);
        while (i < t.size()) {
            int next;
            if (isPlaceholder(t, i)) {
                append(out, "?");
                next = t.significant(i + 1);
            } else if (t.isPunct(i, '(')
                    && isValueList(t, i)
                    && (precededBy(t, i, "in") || precededBy(t, i, "values"))) {
                append(out, "(?)");
                next = t.significant(t.closing(i) + 1);
                if (precededBy(t, i, "values")) {
                    next = skipMoreRows(t, next);
                }
            } else if (t.isPunct(i, '(') && precededBy(t, i, "values")) {
                next = appendGroup(out, t, i);
                next = skipMoreRows(t, next);
            } else {
                append(out, t.kind(i) == Tokens.WORD ? t.text(i).toLowerCase(Locale.ROOT) : t.text(i));
                next = t.significant(i + 1);
            }
            i = next;
        }
        String text = out.toString();
        return new Fingerprint(text, hash(text));
    }

    /** Whether {@code fp}'s statement takes row locks ({@link RewriteResult#locksRows}); its words are lower case. */
    static boolean locksRows(Fingerprint fp) {
        return LOCKING.matcher(fp.text()).find();
    }

    private static boolean isPlaceholder(Tokens t, int i) {
        byte k = t.kind(i);
        return k == Tokens.STRING || k == Tokens.NUMBER || k == Tokens.PARAM;
    }

    /** Whether the group opened at {@code open} holds only literals and parameters. */
    private static boolean isValueList(Tokens t, int open) {
        int close = t.closing(open);
        if (close < 0) {
            return false;
        }
        for (int i = t.significant(open + 1); i < close; i = t.significant(i + 1)) {
            boolean comma = t.isPunct(i, ',');
            boolean sign = t.isPunct(i, '-') || t.isPunct(i, '+');
            if (!comma && !sign && !isPlaceholder(t, i) && !t.isWord(i, "null")) {
                return false;
            }
        }
        return true;
    }

    private static boolean precededBy(Tokens t, int i, String word) {
        for (int j = i - 1; j >= 0; j--) {
            if (t.kind(j) != Tokens.COMMENT) {
                return t.isWord(j, word);
            }
        }
        return false;
    }

    /** Appends a VALUES row token by token (so expressions in it still show) and returns what follows. */
    private static int appendGroup(StringBuilder out, Tokens t, int open) {
        int close = t.closing(open);
        int end = close < 0 ? t.size() - 1 : close;
        for (int i = open; i <= end; i = t.significant(i + 1)) {
            append(
                    out,
                    isPlaceholder(t, i)
                            ? "?"
                            : t.kind(i) == Tokens.WORD ? t.text(i).toLowerCase(Locale.ROOT) : t.text(i));
        }
        return t.significant(end + 1);
    }

    /** Skips {@code , (…)} rows after the first one of a VALUES list. */
    private static int skipMoreRows(Tokens t, int i) {
        while (t.isPunct(i, ',') && t.isPunct(t.significant(i + 1), '(')) {
            int close = t.closing(t.significant(i + 1));
            if (close < 0) {
                return t.size();
            }
            i = t.significant(close + 1);
        }
        return i;
    }

    private static void append(StringBuilder out, String token) {
        if (out.length() > 0) {
            char last = out.charAt(out.length() - 1);
            char first = token.charAt(0);
            boolean tight = last == '(' || last == '.' || first == ')' || first == ',' || first == '.';
            if (!tight) {
                out.append(' ');
            }
        }
        out.append(token);
    }

    /** 48 bits of 64-bit FNV-1a over the UTF-16 code units, as 12 hex digits. */
    static String hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        char[] hex = new char[12];
        for (int i = 11; i >= 0; i--) {
            hex[i] = HEX[(int) (h & 0xf)];
            h >>>= 4;
        }
        return new String(hex);
    }
}
