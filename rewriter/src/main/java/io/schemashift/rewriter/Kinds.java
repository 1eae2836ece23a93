package io.schemashift.rewriter;

import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/** The {@link StatementKind} of a parsed statement, or of raw text by its first keyword. */
final class Kinds {

    private static final String STATEMENTS = "net.sf.jsqlparser.statement.";
    private static final java.util.Set<String> DDL_PACKAGES =
            java.util.Set.of("create", "alter", "drop", "comment", "grant");

    private Kinds() {}

    static StatementKind of(Statement st) {
        if (st instanceof Select select) {
            return into(select) ? StatementKind.DDL : StatementKind.SELECT; // SELECT … INTO creates a table
        }
        if (st instanceof Insert i) {
            boolean upsert = i.getConflictAction() != null
                    || (i.getDuplicateUpdateSets() != null
                            && !i.getDuplicateUpdateSets().isEmpty());
            return upsert ? StatementKind.UPSERT : StatementKind.INSERT;
        }
        if (st instanceof Update) {
            return StatementKind.UPDATE;
        }
        if (st instanceof Delete) {
            return StatementKind.DELETE;
        }
        if (st instanceof Merge || st instanceof Upsert) {
            return StatementKind.UPSERT;
        }
        if (st instanceof Truncate) {
            return StatementKind.TRUNCATE;
        }
        String pkg = st.getClass().getPackageName();
        String area =
                pkg.startsWith(STATEMENTS) ? pkg.substring(STATEMENTS.length()).split("\\.")[0] : "";
        return DDL_PACKAGES.contains(area) ? StatementKind.DDL : StatementKind.OTHER;
    }

    /**
     * Whether {@code st} creates a table from the rows of a query: {@code CREATE TABLE … AS SELECT}
     * (MariaDB's without {@code AS} too), a materialized view, PostgreSQL's {@code SELECT … INTO}.
     */
    static boolean copiesRows(Statement st) {
        if (st instanceof Select select) {
            return into(select);
        }
        if (st instanceof CreateTable create) {
            return create.getSelect() != null;
        }
        return st instanceof CreateView view && view.isMaterialized();
    }

    /**
     * {@link #copiesRows(Statement)} of text that is not parsed: {@code CREATE … TABLE} with a
     * {@code SELECT} in it or PostgreSQL's {@code AS TABLE}, or {@code CREATE MATERIALIZED VIEW}.
     */
    static boolean copiesRows(Tokens t) {
        int i = t.significant(0);
        if (!t.isWord(i, "create")) {
            return false;
        }
        for (i = t.significant(i + 1); i < t.size() && t.kind(i) == Tokens.WORD; i = t.significant(i + 1)) {
            if (t.isWord(i, "materialized")) {
                return true;
            }
            if (t.isWord(i, "table")) {
                for (int j = t.significant(i + 1); j < t.size(); j = t.significant(j + 1)) {
                    if (t.isWord(j, "select") || (t.isWord(j, "as") && t.isWord(t.significant(j + 1), "table"))) {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }

    private static boolean into(Select select) {
        if (select instanceof PlainSelect plain) {
            return (plain.getIntoTables() != null && !plain.getIntoTables().isEmpty())
                    || plain.getIntoTempTable() != null;
        }
        return select instanceof SetOperationList set
                && !set.getSelects().isEmpty()
                && into(set.getSelects().get(0));
    }

    /**
     * Kind of text that is not parsed, by its keywords. Errs towards a write: text of several
     * statements is the first write among them (else an UPDATE if one is DDL that changes a
     * table's rows or columns, else the first one's kind), and a {@code WITH} whose body inserts,
     * updates or deletes is that write. A read that calls {@code set_config} is OTHER ({@link
     * #callsSetConfig}).
     */
    static StatementKind of(Tokens t) {
        StatementKind first = null;
        boolean several = false;
        boolean changesTable = false;
        int from = 0;
        int depth = 0;
        for (int i = 0; i <= t.size(); i++) {
            if (i < t.size() && t.isPunct(i, '(')) {
                depth++;
            } else if (i < t.size() && t.isPunct(i, ')')) {
                depth--;
            } else if (i == t.size() || (depth <= 0 && t.isPunct(i, ';'))) {
                StatementKind k = ofOne(t, from, i);
                if (k != null && k.isWrite()) {
                    return k;
                }
                changesTable |= k == StatementKind.DDL && SchemaChanges.at(t, t.significant(from), i);
                if (first == null && k != null) {
                    first = k;
                } else if (k != null) {
                    several = true;
                }
                from = i + 1;
            }
        }
        if (several && changesTable) {
            return StatementKind.UPDATE; // recorded or refused as a write, as one DDL alone is
        }
        return first == null || (first == StatementKind.SELECT && callsSetConfig(t)) ? StatementKind.OTHER : first;
    }

    /**
     * A read that calls PostgreSQL's {@code set_config} changes the session as a {@code SET} does
     * (the search path among others): it is OTHER, so that the driver looks at it as one.
     */
    private static boolean callsSetConfig(Tokens t) {
        for (int i = 0; i < t.size(); i++) {
            if (t.isWord(i, "set_config") && t.isPunct(t.significant(i + 1), '(')) {
                return true;
            }
        }
        return false;
    }

    /** Kind of the statement in tokens {@code [from, to)}; {@code null} when there is none. */
    private static StatementKind ofOne(Tokens t, int from, int to) {
        int i = t.significant(from);
        while (i < to && t.isPunct(i, '(')) {
            i = t.significant(i + 1);
        }
        if (i >= to) {
            return null;
        }
        if (t.kind(i) != Tokens.WORD) {
            return StatementKind.OTHER;
        }
        String w = t.text(i).toLowerCase(java.util.Locale.ROOT);
        return switch (w) {
            case "with" -> {
                StatementKind write = modifying(t, i + 1, to);
                yield write != null ? write : StatementKind.SELECT;
            }
            case "select", "values", "table" -> StatementKind.SELECT;
            case "insert" -> insert(t, i, to);
            case "replace", "merge", "upsert" -> StatementKind.UPSERT;
            case "update" -> StatementKind.UPDATE;
            case "delete" -> StatementKind.DELETE;
            case "truncate" -> StatementKind.TRUNCATE;
            // bulk loads: PostgreSQL COPY … FROM (COPY … TO exports), MariaDB LOAD DATA / LOAD XML … INTO TABLE
            case "copy" -> copy(t, i + 1, to);
            case "load" -> StatementKind.INSERT;
            // statements that carry another one and run it: EXPLAIN ANALYZE (PostgreSQL), ANALYZE
            // <statement> (MariaDB), PREPARE name AS <statement> (PostgreSQL: EXECUTE runs it later)
            case "explain" -> explain(t, i + 1, to);
            case "analyze" ->
                t.isWord(t.significant(i + 1), "table") ? StatementKind.OTHER : carried(t, t.significant(i + 1), to);
            case "prepare" -> prepare(t, i + 1, to);
            case "create", "alter", "drop", "rename", "comment" -> StatementKind.DDL;
            // MariaDB runs compound statements outside routines (BEGIN NOT ATOMIC … END, IF … END IF,
            // loops); the text of one splits at its semicolons into pieces that start with these
            case "begin", "if", "case", "when", "else", "elseif", "elsif", "while", "loop", "repeat", "for" ->
                compound(t, i + 1, to);
            default -> t.isPunct(t.significant(i + 1), ':') ? compound(t, i + 1, to) : StatementKind.OTHER; // a label
        };
    }

    /** A piece of a compound statement: the first write in it, else OTHER. */
    private static StatementKind compound(Tokens t, int from, int to) {
        StatementKind write = modifying(t, from, to);
        return write != null ? write : StatementKind.OTHER;
    }

    /**
     * {@code EXPLAIN [ANALYZE] [(options)] statement}: with ANALYZE the statement runs, so it is
     * what it carries; without, a write is only planned (a read).
     */
    private static StatementKind explain(Tokens t, int from, int to) {
        boolean runs = false;
        int depth = 0;
        for (int i = from; i < to; i++) {
            if (t.isPunct(i, '(')) {
                depth++;
            } else if (t.isPunct(i, ')')) {
                depth--;
            } else if (t.isWord(i, "analyze") || t.isWord(i, "analyse")) {
                runs = true;
            } else if (depth == 0 && t.kind(i) == Tokens.WORD) {
                StatementKind carried = carried(t, i, to);
                if (carried != StatementKind.OTHER) {
                    return runs || !carried.isWrite() ? carried : StatementKind.SELECT;
                }
            }
        }
        return StatementKind.OTHER;
    }

    /** The kind of the statement that starts at {@code i}, if it is a read or a write, else OTHER. */
    private static StatementKind carried(Tokens t, int i, int to) {
        if (i >= to || t.kind(i) != Tokens.WORD) {
            return StatementKind.OTHER;
        }
        StatementKind k = ofOne(t, i, to);
        return k == StatementKind.SELECT || (k != null && k.isWrite()) ? k : StatementKind.OTHER;
    }

    /** {@code PREPARE name [(types)] AS statement}: the statement it prepares. */
    private static StatementKind prepare(Tokens t, int from, int to) {
        int as = topLevelWord(t, from, to, "as");
        return as < 0 ? StatementKind.OTHER : carried(t, t.significant(as + 1), to);
    }

    /** Index of the first of {@code words} outside parentheses in {@code [from, to)}, or -1. */
    private static int topLevelWord(Tokens t, int from, int to, String... words) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            if (t.isPunct(i, '(')) {
                depth++;
            } else if (t.isPunct(i, ')')) {
                depth--;
            } else if (depth == 0) {
                for (String w : words) {
                    if (t.isWord(i, w)) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** {@code COPY … FROM} loads rows (an INSERT); {@code COPY … TO} exports them (a read). */
    private static StatementKind copy(Tokens t, int from, int to) {
        int i = topLevelWord(t, from, to, "from", "to");
        return i < 0 ? StatementKind.OTHER : t.isWord(i, "from") ? StatementKind.INSERT : StatementKind.SELECT;
    }

    /**
     * The first data-modifying keyword in a {@code WITH} statement, a routine's body or a compound
     * statement: {@code INSERT} and {@code REPLACE} (not the MariaDB functions {@code INSERT(…)}
     * and {@code REPLACE(…)}, nor {@code CREATE OR REPLACE}), {@code UPDATE} (not {@code FOR [NO
     * KEY] UPDATE}), {@code DELETE}, {@code MERGE INTO}, {@code TRUNCATE} (not the MariaDB function
     * {@code TRUNCATE(x, d)}); DDL that changes a table's rows or columns ({@link SchemaChanges})
     * counts as an UPDATE.
     */
    static StatementKind modifying(Tokens t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.kind(i) != Tokens.WORD) {
                continue;
            }
            if (SchemaChanges.at(t, i, to)) {
                return StatementKind.UPDATE;
            }
            int next = t.significant(i + 1);
            if (t.isWord(i, "insert") && !t.isPunct(next, '(')) {
                return insert(t, i, to);
            }
            if (t.isWord(i, "replace") && !t.isPunct(next, '(') && !after(t, i, "or")) {
                return StatementKind.UPSERT;
            }
            if (t.isWord(i, "merge") && t.isWord(next, "into")) {
                return StatementKind.UPSERT;
            }
            if (t.isWord(i, "delete") && !after(t, i, "on")) {
                return StatementKind.DELETE;
            }
            if (t.isWord(i, "update") && !after(t, i, "for") && !after(t, i, "key") && !after(t, i, "on")) {
                return after(t, i, "do") ? StatementKind.UPSERT : StatementKind.UPDATE;
            }
            if (t.isWord(i, "truncate") && !t.isPunct(next, '(')) {
                return StatementKind.TRUNCATE;
            }
        }
        return null;
    }

    /**
     * The kind of the write inside a data change delta table ({@code FINAL TABLE (INSERT …)},
     * {@code NEW TABLE (UPDATE …)}, {@code OLD TABLE (DELETE …)}: H2, DB2), or {@code null}.
     */
    static StatementKind dataChangeDelta(Tokens t) {
        for (int i = 0; i < t.size(); i++) {
            if (!(t.isWord(i, "final") || t.isWord(i, "new") || t.isWord(i, "old"))) {
                continue;
            }
            int table = t.significant(i + 1);
            int open = t.significant(table + 1);
            if (t.isWord(table, "table") && t.isPunct(open, '(')) {
                int verb = t.significant(open + 1);
                if (t.isWord(verb, "insert")) {
                    return insert(t, verb, t.size());
                }
                if (t.isWord(verb, "update")) {
                    return StatementKind.UPDATE;
                }
                if (t.isWord(verb, "delete")) {
                    return StatementKind.DELETE;
                }
                if (t.isWord(verb, "merge")) {
                    return StatementKind.UPSERT;
                }
            }
        }
        return null;
    }

    private static StatementKind insert(Tokens t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.isWord(i, "conflict") || t.isWord(i, "duplicate")) {
                return StatementKind.UPSERT;
            }
        }
        return StatementKind.INSERT;
    }

    /** Whether the significant token before {@code i} is {@code word}. */
    static boolean after(Tokens t, int i, String word) {
        int j = t.significantBefore(i);
        return j >= 0 && t.isWord(j, word);
    }
}
