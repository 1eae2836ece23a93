package io.schemashift.rewriter;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Identifier rules of a dialect: how a name written in SQL compares with a mapped name, and how a
 * mapped name is written back into SQL.
 */
final class Names {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Words that cannot be written as unquoted identifiers on at least one of the dialects. */
    private static final Set<String> RESERVED = Set.of(
            "all",
            "and",
            "any",
            "as",
            "asc",
            "between",
            "both",
            "by",
            "case",
            "check",
            "column",
            "constraint",
            "create",
            "cross",
            "current_date",
            "current_time",
            "current_timestamp",
            "current_user",
            "default",
            "delete",
            "desc",
            "distinct",
            "else",
            "end",
            "except",
            "exists",
            "false",
            "fetch",
            "for",
            "foreign",
            "from",
            "full",
            "group",
            "having",
            "in",
            "inner",
            "insert",
            "intersect",
            "interval",
            "into",
            "is",
            "join",
            "key",
            "left",
            "like",
            "limit",
            "natural",
            "not",
            "null",
            "offset",
            "on",
            "or",
            "order",
            "outer",
            "primary",
            "references",
            "right",
            "select",
            "set",
            "table",
            "then",
            "to",
            "true",
            "union",
            "unique",
            "update",
            "user",
            "using",
            "value",
            "values",
            "when",
            "where",
            "window",
            "with");

    private final Dialect dialect;

    Names(Dialect dialect) {
        this.dialect = dialect;
    }

    Dialect dialect() {
        return dialect;
    }

    /**
     * The comparable form of an identifier as written in SQL: quoted identifiers exactly (MariaDB
     * compares columns case-insensitively even when quoted), unquoted ones folded as the dialect
     * folds them.
     */
    String canonical(String written) {
        if (written.length() >= 2
                && isQuote(written.charAt(0))
                && written.charAt(written.length() - 1) == written.charAt(0)) {
            char q = written.charAt(0);
            String inner = written.substring(1, written.length() - 1).replace("" + q + q, "" + q);
            return dialect == Dialect.MARIADB ? inner.toLowerCase(Locale.ROOT) : inner;
        }
        return fold(written);
    }

    /** The comparable form of a configured name, which is read as an unquoted identifier. */
    String fold(String unquoted) {
        return dialect == Dialect.H2 ? unquoted.toUpperCase(Locale.ROOT) : unquoted.toLowerCase(Locale.ROOT);
    }

    /** A configured name written into SQL: as is when it is a plain identifier, quoted otherwise. */
    String sql(String configured) {
        if (PLAIN.matcher(configured).matches() && !RESERVED.contains(configured.toLowerCase(Locale.ROOT))) {
            return configured;
        }
        char q = dialect == Dialect.MARIADB ? '`' : '"';
        return q + configured.replace("" + q, "" + q + q) + q;
    }

    /** {@code schema.name} or {@code name}, each part written by {@link #sql}. */
    String qualified(String schema, String name) {
        return schema == null ? sql(name) : sql(schema) + "." + sql(name);
    }

    /** Splits a dotted name as JSqlParser keeps it ({@code a."b c".d}) into its written parts. */
    static List<String> parts(String dotted) {
        java.util.ArrayList<String> parts = new java.util.ArrayList<>();
        int start = 0;
        char quote = 0;
        for (int i = 0; i < dotted.length(); i++) {
            char c = dotted.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (isQuote(c)) {
                quote = c;
            } else if (c == '.') {
                parts.add(dotted.substring(start, i).trim());
                start = i + 1;
            }
        }
        parts.add(dotted.substring(start).trim());
        return parts;
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '`';
    }
}
