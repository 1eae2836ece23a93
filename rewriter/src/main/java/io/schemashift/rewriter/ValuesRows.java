package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a multi-row {@code INSERT … VALUES}, found lexically, so that a long one is not
 * parsed row by row: JSqlParser spends far more on each row than on the rest of the statement (a
 * 1,500-row INSERT took seconds). When every row after the first holds only literals and
 * parameters, those rows are cut out of the text that is parsed ({@link ParseText} maps the
 * positions after the cut back); the rewrite then rebuilds every row from
 * the tokens, as it always does, and the parse tree covers the first row, the column list and
 * everything after the rows.
 */
final class ValuesRows {

    /** Fewer rows than this are parsed as they are. */
    static final int CUT_FROM_ROWS = 8;

    private ValuesRows() {}

    /**
     * The characters {@code [from, to)} left out of the parse: every row after the first, with the
     * commas between them.
     */
    record Cut(int from, int to) {
        /** The length of what is left to parse of {@code sql}, which the length bound applies to. */
        int parsedLength(String sql) {
            return sql.length() - (to - from);
        }
    }

    /**
     * The rows ({@code [open, close]} token indexes) of the statement's top-level {@code VALUES}
     * list when it is an {@code INSERT} (or MariaDB's {@code REPLACE}), or an empty list.
     */
    static List<int[]> of(Tokens t) {
        int first = t.significant(0);
        if (!t.isWord(first, "insert") && !t.isWord(first, "replace")) {
            return List.of();
        }
        int depth = 0;
        int i = first + 1;
        for (; i < t.size(); i++) {
            if (t.isPunct(i, '(')) {
                depth++;
            } else if (t.isPunct(i, ')')) {
                depth--;
            } else if (depth == 0 && t.isWord(i, "overriding")) {
                i = t.significant(t.significant(i + 1) + 1); // OVERRIDING SYSTEM VALUE: no row follows its VALUE
            } else if (depth == 0 && (t.isWord(i, "values") || t.isWord(i, "value") || t.isWord(i, "select"))) {
                break;
            }
        }
        List<int[]> rows = new ArrayList<>();
        if (i >= t.size() || t.isWord(i, "select")) {
            return rows;
        }
        for (int open = t.significant(i + 1); t.isPunct(open, '('); ) {
            int close = t.closing(open);
            if (close < 0) {
                return List.of();
            }
            rows.add(new int[] {open, close});
            int next = t.significant(close + 1);
            if (!t.isPunct(next, ',')) {
                break;
            }
            open = t.significant(next + 1);
        }
        return rows;
    }

    /**
     * The rows after the first, when there are at least {@link #CUT_FROM_ROWS} rows and {@code
     * literalsOnly} is false or those rows hold only literals and parameters; otherwise {@code
     * null}.
     */
    static Cut afterFirst(Tokens t, boolean literalsOnly) {
        List<int[]> rows = of(t);
        if (rows.size() < CUT_FROM_ROWS) {
            return null;
        }
        if (literalsOnly) {
            for (int r = 1; r < rows.size(); r++) {
                if (!literals(t, rows.get(r)[0], rows.get(r)[1])) {
                    return null;
                }
            }
        }
        return new Cut(t.end(rows.get(0)[1]), t.end(rows.get(rows.size() - 1)[1]));
    }

    /**
     * Whether the row holds only {@code ?}, strings, (signed) numbers, NULL, TRUE, FALSE and
     * DEFAULT: cells whose rewrite never depends on the parse tree.
     */
    private static boolean literals(Tokens t, int open, int close) {
        for (int i = open + 1; i < close; i++) {
            byte k = t.kind(i);
            boolean ok = k == Tokens.PARAM
                    || k == Tokens.STRING
                    || k == Tokens.NUMBER
                    || t.isPunct(i, ',')
                    || ((t.isPunct(i, '-') || t.isPunct(i, '+')) && i + 1 < close && t.kind(i + 1) == Tokens.NUMBER)
                    || t.isWord(i, "null")
                    || t.isWord(i, "true")
                    || t.isWord(i, "false")
                    || t.isWord(i, "default");
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
