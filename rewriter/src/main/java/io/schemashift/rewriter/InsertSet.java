package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;

/**
 * MariaDB's {@code INSERT … SET a = 1, b = ?} (and {@code REPLACE … SET}) spelled as the {@code
 * INSERT … (a, b) VALUES (1, ?)} it means (MariaDB documents the two forms as one): the rewriter rewrites the second, and the
 * parameters keep their order.
 */
final class InsertSet {

    private InsertSet() {}

    /**
     * {@code sql} in the {@code VALUES} form, or {@code null} when it is not an {@code INSERT … SET}
     * this spelling covers (a {@code PARTITION} clause, an assignment other than {@code column =
     * value}): the rewriter then refuses it as before.
     */
    static String asValues(Tokens tk, String sql) {
        int i = tk.significant(0);
        if (!tk.isWord(i, "insert") && !tk.isWord(i, "replace")) {
            return null;
        }
        int set = tk.significant(i + 1);
        while (set < tk.size() && !tk.isWord(set, "set")) {
            if (tk.kind(set) == Tokens.PUNCT && !tk.isPunct(set, '.')) {
                return null; // a column list, PARTITION (…), VALUES or SELECT's parentheses: not this form
            }
            if (tk.isWord(set, "values") || tk.isWord(set, "value") || tk.isWord(set, "select")) {
                return null;
            }
            set = tk.significant(set + 1);
        }
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        int first = tk.significant(set + 1);
        int equals = -1;
        int j = first;
        for (; j < tk.size() && !tk.isWord(j, "on"); j = tk.significant(j + 1)) {
            if (tk.isPunct(j, '(')) {
                j = tk.closing(j);
                if (j < 0 || equals < 0) {
                    return null;
                }
            } else if (equals < 0 && tk.isPunct(j, '=')) {
                if (j == first || tk.text(j).length() != 1 || tk.kind(j - 1) == Tokens.PUNCT) {
                    return null;
                }
                equals = j;
            } else if (tk.isPunct(j, ',')) {
                if (!assignment(tk, sql, first, equals, j, columns, values)) {
                    return null;
                }
                first = tk.significant(j + 1);
                equals = -1;
            }
        }
        if (set >= tk.size() || !assignment(tk, sql, first, equals, j, columns, values)) {
            return null;
        }
        String rest = j < tk.size() ? " " + sql.substring(tk.start(j)) : "";
        return sql.substring(0, tk.start(set)) + "(" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", values) + ")" + rest;
    }

    /** Adds the assignment of tokens {@code first} to {@code end} (exclusive), {@code =} at {@code equals}. */
    private static boolean assignment(
            Tokens tk, String sql, int first, int equals, int end, List<String> columns, List<String> values) {
        int last = end - 1;
        while (last > equals && tk.kind(last) == Tokens.COMMENT) {
            last--;
        }
        if (equals < 0 || last <= equals) {
            return false;
        }
        columns.add(sql.substring(tk.start(first), tk.end(equals - 1)));
        values.add(sql.substring(tk.start(tk.significant(equals + 1)), tk.end(last)));
        return true;
    }
}
