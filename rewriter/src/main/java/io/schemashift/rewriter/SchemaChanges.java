package io.schemashift.rewriter;

import java.util.Set;

/**
 * DDL that changes the rows or columns a table holds, read from its tokens: {@code DROP TABLE},
 * MariaDB's {@code RENAME TABLE} and {@code CREATE OR REPLACE TABLE} (not of a {@code TEMPORARY}
 * table, which only hides the mapped one: the driver judges that), and an {@code ALTER TABLE}
 * with any action but those that leave every stored value as it was (adding a column, an index
 * or a constraint, a default, a comment, an owner…). Such DDL on a mapped old table forks the
 * sides as surely as a write, so the driver records or refuses it like one. An action not known
 * here counts as a change: the error is a record too many, never one missing.
 */
final class SchemaChanges {

    /** {@code ALTER TABLE} actions that keep every stored value (and the table's name). */
    private static final Set<String> KEEPING = Set.of(
            "add",
            "owner",
            "validate",
            "enable",
            "disable",
            "cluster",
            "reset",
            "replica",
            "inherit",
            "no",
            "of",
            "not",
            "force",
            "engine",
            "comment",
            "auto_increment",
            "row_format",
            "lock",
            "algorithm",
            "order",
            "key_block_size",
            "stats_persistent",
            "stats_auto_recalc",
            "stats_sample_pages",
            "checksum",
            "pack_keys",
            "avg_row_length",
            "min_rows",
            "max_rows",
            "default",
            "character",
            "charset",
            "collate",
            "page_checksum",
            "transactional",
            "delay_key_write",
            "storage",
            "encrypted",
            "encryption_key_id");
    /** What {@code ALTER TABLE … DROP x} drops that holds no values. */
    private static final Set<String> DROPPED_WITHOUT_VALUES =
            Set.of("constraint", "index", "key", "primary", "foreign", "check", "period", "system", "default");
    /** What a {@code DROP x … CASCADE} drops the columns that use, of any table. */
    private static final Set<String> COLUMN_CASCADES = Set.of("type", "domain", "extension", "function", "collation");
    /** What {@code ALTER TABLE … RENAME x} renames that holds no values. */
    private static final Set<String> RENAMED_WITHOUT_VALUES = Set.of("index", "key", "constraint");

    private SchemaChanges() {}

    /** Whether the DDL that starts at token {@code i} changes a table's rows or columns. */
    static boolean at(Tokens t, int i, int to) {
        int next = t.significant(i + 1);
        if (t.isWord(i, "drop")) {
            return t.isWord(next, "table"); // not MariaDB's DROP TEMPORARY TABLE: the mapped table stays
        }
        if (t.isWord(i, "rename")) {
            return t.isWord(next, "table") || t.isWord(next, "tables");
        }
        if (t.isWord(i, "create")) {
            return t.isWord(next, "or")
                    && t.isWord(t.significant(next + 1), "replace")
                    && t.isWord(t.significant(next + 2), "table");
        }
        if (t.isWord(i, "alter")) {
            int table = skip(t, skip(t, next, "online"), "ignore");
            return t.isWord(table, "table") && alterChanges(t, t.significant(table + 1), to);
        }
        return false;
    }

    /** The {@code ALTER TABLE} whose name starts at {@code i}: whether any of its actions changes values. */
    private static boolean alterChanges(Tokens t, int i, int to) {
        if (t.isWord(i, "if")) {
            i = t.significant(t.significant(i + 1) + 1); // IF EXISTS
        }
        i = skip(t, i, "only");
        i = t.significant(i + 1); // the name's first part
        while (t.isPunct(i, '.')) {
            i = t.significant(t.significant(i + 1) + 1);
        }
        if (t.isPunct(i, '*')) {
            i = t.significant(i + 1);
        }
        while (i < to && !t.isPunct(i, ';')) {
            if (actionChanges(t, i)) {
                return true;
            }
            i = nextAction(t, i, to);
        }
        return false;
    }

    private static boolean actionChanges(Tokens t, int i) {
        if (t.kind(i) != Tokens.WORD) {
            return true;
        }
        String word = t.text(i).toLowerCase(java.util.Locale.ROOT);
        int next = t.significant(i + 1);
        return switch (word) {
            case "drop" -> !DROPPED_WITHOUT_VALUES.contains(lower(t, skipIfExists(t, next)));
            case "rename" -> !RENAMED_WITHOUT_VALUES.contains(lower(t, next));
            case "alter" ->
                !t.isWord(next, "index") && !t.isWord(next, "key") && columnChanges(t, skip(t, next, "column"));
            case "set" -> t.isWord(next, "schema"); // moves the table: its name changes
            default -> !KEEPING.contains(word);
        };
    }

    /**
     * {@code ALTER [COLUMN] c …}: anything but a default, a NOT NULL, an identity or a storage
     * setting — a new type ({@code TYPE}, {@code SET DATA TYPE}, H2's type alone), a new generation
     * expression, H2's {@code RENAME TO}, or an unknown form.
     */
    private static boolean columnChanges(Tokens t, int column) {
        int verb = t.significant(column + 1);
        return switch (lower(t, verb)) {
            case "set" -> {
                int what = t.significant(verb + 1);
                yield t.isWord(what, "data") || t.isWord(what, "expression");
            }
            case "drop", "add", "reset", "restart" -> false;
            default -> true;
        };
    }

    /**
     * The schemas a statement drops or renames with every table in them, as written: {@code DROP
     * SCHEMA|DATABASE [IF EXISTS] a [, b…]}, {@code ALTER SCHEMA|DATABASE a RENAME …}; {@link
     * Dropped#EVERY} for one that may drop tables or columns, or change stored values, without
     * naming a table or its schema: PostgreSQL's {@code DROP OWNED BY}, H2's {@code DROP ALL
     * OBJECTS}, a {@code DROP TYPE|DOMAIN|EXTENSION|FUNCTION|COLLATION … CASCADE} (the columns of
     * that type, or computed with that function, go with it; without {@code CASCADE} the database
     * refuses to drop what a column uses), and an enum's {@code ALTER TYPE … RENAME VALUE}; {@code
     * null} for any other statement.
     */
    static Dropped droppedSchemas(Tokens t) {
        int i = t.significant(0);
        int next = t.significant(i + 1);
        if (t.isWord(i, "drop")
                && (t.isWord(next, "owned")
                        || (t.isWord(next, "all") && t.isWord(t.significant(next + 1), "objects"))
                        || (COLUMN_CASCADES.contains(lower(t, next)) && has(t, next, "cascade")))) {
            return Dropped.EVERY;
        }
        if (t.isWord(i, "alter") && t.isWord(next, "type") && has(t, next, "rename") && has(t, next, "value")) {
            return Dropped.EVERY;
        }
        boolean drop = t.isWord(i, "drop");
        if (!(drop || t.isWord(i, "alter")) || !(t.isWord(next, "schema") || t.isWord(next, "database"))) {
            return null;
        }
        int name = skipIfExists(t, t.significant(next + 1));
        java.util.List<String> names = new java.util.ArrayList<>();
        while (name < t.size() && (t.kind(name) == Tokens.WORD || t.kind(name) == Tokens.QUOTED)) {
            names.add(t.text(name));
            int after = t.significant(name + 1);
            if (!drop || !t.isPunct(after, ',')) {
                if (!drop && !has(t, after, "rename")) {
                    return null; // ALTER SCHEMA … OWNER TO, ALTER DATABASE … CHARACTER SET: every table stays
                }
                break;
            }
            name = t.significant(after + 1);
        }
        return names.isEmpty() ? null : new Dropped(false, java.util.List.copyOf(names));
    }

    /** Whether the statement has the word {@code word} at or after token {@code i}. */
    private static boolean has(Tokens t, int i, String word) {
        for (; i < t.size(); i = t.significant(i + 1)) {
            if (t.isWord(i, word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Schemas dropped or renamed with every table in them.
     *
     * @param every whether the statement may drop the tables of any schema
     * @param names the schemas it names, as written (empty when {@code every})
     */
    record Dropped(boolean every, java.util.List<String> names) {
        static final Dropped EVERY = new Dropped(true, java.util.List.of());
    }

    /** The token after the next comma outside parentheses, or {@code to}. */
    private static int nextAction(Tokens t, int i, int to) {
        int depth = 0;
        for (; i < to; i++) {
            if (t.isPunct(i, '(')) {
                depth++;
            } else if (t.isPunct(i, ')')) {
                depth--;
            } else if (depth == 0 && t.isPunct(i, ';')) {
                return i;
            } else if (depth == 0 && t.isPunct(i, ',')) {
                return t.significant(i + 1);
            }
        }
        return to;
    }

    private static int skipIfExists(Tokens t, int i) {
        return t.isWord(i, "if") ? t.significant(t.significant(i + 1) + 1) : i;
    }

    private static int skip(Tokens t, int i, String word) {
        return t.isWord(i, word) ? t.significant(i + 1) : i;
    }

    private static String lower(Tokens t, int i) {
        return i < t.size() && t.kind(i) == Tokens.WORD ? t.text(i).toLowerCase(java.util.Locale.ROOT) : "";
    }
}
