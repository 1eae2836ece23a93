package io.schemashift.rewriter;

import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTPARENTHESEDDELETE;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTPARENTHESEDINSERT;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTPARENTHESEDUPDATE;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTTABLENAME;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.SimpleNode;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;

/** Rewrites one parsed statement that may touch a mapped table. Stateless; one call per statement. */
final class StatementRewriter {

    private static final String ROWS_COPIED = "DDL that creates a table from a mapped table's rows";

    /**
     * What a write adds to the plain new-side text. {@code target} is the mapped table it changes;
     * {@code newSide} are the edits that make it.
     */
    record WriteExtras(
            MappedTable target,
            Edits newSide,
            List<String> generatedKeyColumns,
            Edits newWithKeys,
            Edits oldWithKeys,
            List<List<ParamSource>> keys,
            UpsertProbe probe,
            List<Map<String, ParamSource>> rowValues,
            ReadBack readBack) {

        /** An UPDATE's or DELETE's: its rows named by {@code keys}, no key generated, nothing to look up. */
        static WriteExtras of(MappedTable target, Edits newSide, List<List<ParamSource>> keys) {
            return new WriteExtras(target, newSide, List.of(), null, null, keys, null, null, null);
        }
    }

    private final Compiled mapping;
    private final Reaches reaches;
    private final long timeoutNanos;

    StatementRewriter(Compiled mapping, Reaches reaches, long timeoutNanos) {
        this.mapping = mapping;
        this.reaches = reaches;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * @param cut the literal VALUES rows after the first, left out of the parse (see {@link
     *     ValuesRows}), or {@code null}
     */
    RewriteResult rewrite(String sql, ValuesRows.Cut cut, Tokens tokens, Fingerprint fp) {
        StatementKind delta = Kinds.dataChangeDelta(tokens);
        if (delta != null) {
            // H2's SELECT … FROM FINAL TABLE (INSERT …): a write inside a query, refused as that write
            Set<String> touched = reaches.touched(tokens);
            return touched.isEmpty()
                    ? new Untouched(sql, delta, fp)
                    : refused(
                            delta,
                            touched,
                            fp,
                            RefusalReason.UNSUPPORTED_CONSTRUCT,
                            "a data change delta table (FINAL, NEW or OLD TABLE) is not supported");
        }
        RewriteResult h2Merge = mapping.dialect() == Dialect.H2 ? h2MergeByKey(tokens, fp) : null;
        if (h2Merge != null) {
            return h2Merge;
        }
        Parser.Parsed parsed;
        try {
            parsed = Parser.statement(ParseText.of(tokens, mapping.dialect(), cut), timeoutNanos);
        } catch (Parser.TimeBoundExceeded e) {
            return refused(
                    Kinds.of(tokens),
                    reaches.touched(tokens),
                    fp,
                    RefusalReason.TIME_BOUND,
                    "the parse took longer than the time bound");
        } catch (Parser.MoreThanOneStatement e) {
            return refused(
                    Kinds.of(tokens),
                    reaches.touched(tokens),
                    fp,
                    RefusalReason.UNSUPPORTED_CONSTRUCT,
                    "more than one statement in one string is not supported");
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            return unparseable(tokens, fp);
        }
        Statement st = parsed.statement();
        if (st instanceof UnsupportedStatement && Kinds.of(tokens) != StatementKind.OTHER) {
            // JSqlParser gives up without an error on some forms (REPLACE LOW_PRIORITY): judged by the tokens
            return unparseable(tokens, fp);
        }
        StatementKind kind = Kinds.of(st);
        StatementKind nested = nestedWrite(parsed.root());
        StatementKind write = kind.isWrite() ? kind : nested;
        if (write != null) {
            List<Table> written = nested == null ? written(st) : null;
            Reaches.Indirect fired =
                    written != null ? reaches.fired(written, write, set(st)) : reaches.fired(tokens, write);
            if (fired != null) {
                return reachedThrough(write, fired, tokens, fp);
            }
        }
        if (nested != null) {
            return modifyingWith(sql, kind.isWrite() ? kind : nested, parsed.root(), fp);
        }
        if (kind == StatementKind.DDL || kind == StatementKind.OTHER) {
            // CREATE OR REPLACE TABLE of a mapped table replaces it: a schema change, not a copy
            boolean copiesRows = Kinds.copiesRows(st)
                    && !(st instanceof CreateTable create && mapping.table(create.getTable()) != null);
            return nonDml(sql, kind, tokens, parsed.root(), fp, copiesRows);
        }
        if (st instanceof Truncate truncate) {
            return truncate(new Rewrite(sql, tokens, mapping, parsed.root(), true), truncate, fp);
        }
        if (replacesMapped(st)) {
            try {
                return replace(sql, cut, tokens, fp);
            } catch (ParseException | RuntimeException | StackOverflowError e) {
                return unparseable(tokens, fp);
            }
        }
        Rewrite rw = new Rewrite(sql, tokens, mapping, parsed.root(), kind.isWrite());
        rw.valuesCut = cut != null;
        return dmlOrRefused(rw, st, kind, tokens, fp);
    }

    private RewriteResult dmlOrRefused(Rewrite rw, Statement st, StatementKind kind, Tokens tokens, Fingerprint fp) {
        try {
            return dml(rw, st, kind, fp);
        } catch (Refusal r) {
            // the walk may stop before it reaches every table: the lexical scan adds the rest
            Set<String> tables = new java.util.TreeSet<>(rw.tables);
            tables.addAll(reaches.touched(tokens));
            return refused(kind, tables, fp, r.reason, r.getMessage());
        }
    }

    /** MariaDB's {@code REPLACE} into a mapped table. */
    private boolean replacesMapped(Statement st) {
        return mapping.dialect() == Dialect.MARIADB
                && st instanceof Upsert u
                && u.getUpsertType() != null
                && u.getUpsertType().name().startsWith("REPLACE")
                && mapping.table(u.getTable()) != null;
    }

    /**
     * MariaDB's {@code REPLACE}: the INSERT it starts as (its first word swapped, the text's
     * positions kept) is rewritten, and each side runs it as a REPLACE. The row a REPLACE leaves is
     * its values alone, whatever row it deletes, so a side that lacks that row (not backfilled) ends
     * alike; the counts, compared as for any write, tell it.
     */
    private RewriteResult replace(String sql, ValuesRows.Cut cut, Tokens tokens, Fingerprint fp) throws ParseException {
        int word = tokens.significant(0);
        int start = tokens.start(word);
        String asInsert = sql.substring(0, start) + "INSERT " + sql.substring(tokens.end(word));
        Tokens insertTokens = Tokens.lex(asInsert, mapping.dialect());
        Parser.Parsed parsed = Parser.statement(ParseText.of(insertTokens, mapping.dialect(), cut), timeoutNanos);
        Rewrite rw = new Rewrite(asInsert, insertTokens, mapping, parsed.root(), true);
        rw.valuesCut = cut != null;
        rw.replaces = true;
        rw.oldEdits.replace(start, start + "INSERT ".length(), "REPLACE");
        rw.newEdits.replace(start, start + "INSERT ".length(), "REPLACE");
        return dmlOrRefused(rw, parsed.statement(), StatementKind.UPSERT, tokens, fp);
    }

    /**
     * H2's own upsert, {@code MERGE INTO t [(columns)] [KEY (columns)] VALUES …}, which JSqlParser
     * does not parse: into a mapped table it is rewritten as the INSERT it reads as (its verb
     * swapped, {@code KEY} left out of the parse) and each side runs it as that MERGE, the new side
     * with the key's new names. It updates the row its key names or inserts one: its rows are looked
     * up by key on both sides first, as an upsert's ({@link UpsertProbe}). {@code null} when the
     * statement is not that form, cannot be read as an INSERT, or writes no mapped table (then judged
     * as any other).
     */
    private RewriteResult h2MergeByKey(Tokens tokens, Fingerprint fp) {
        H2MergeKey form = H2MergeKey.of(tokens);
        if (form == null) {
            return null;
        }
        int keyWord = form.keyWord();
        int keyClose = form.keyClose();
        String asInsert = form.asInsert();
        Tokens insertTokens = Tokens.lex(asInsert, mapping.dialect());
        ValuesRows.Cut cut = ValuesRows.afterFirst(insertTokens, true);
        Parser.Parsed parsed;
        try {
            parsed = Parser.statement(ParseText.of(insertTokens, mapping.dialect(), cut), timeoutNanos);
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            return null;
        }
        if (!(parsed.statement() instanceof Insert insert)) {
            return null;
        }
        MappedTable table = mapping.table(insert.getTable());
        if (table == null) {
            return null;
        }
        // the columns it sets in a row it finds are its list's: not known here, as for any MERGE
        Reaches.Indirect fired = reaches.fired(List.of(insert.getTable()), StatementKind.UPSERT, null);
        if (fired != null) {
            return reachedThrough(StatementKind.UPSERT, fired, tokens, fp);
        }
        Rewrite rw = new Rewrite(asInsert, insertTokens, mapping, parsed.root(), true);
        rw.valuesCut = cut != null;
        rw.mergesByKey = true;
        int start = tokens.start(form.verb());
        rw.oldEdits.replace(start, start + "INSERT".length(), "MERGE");
        rw.newEdits.replace(start, start + "INSERT".length(), "MERGE");
        if (keyWord >= 0) {
            List<String> newNames = new ArrayList<>();
            Set<String> keyColumns = new java.util.HashSet<>();
            for (int k = tokens.significant(keyWord + 1) + 1; k < keyClose; k++) {
                if (tokens.kind(k) == Tokens.WORD || tokens.kind(k) == Tokens.QUOTED) {
                    String written = tokens.text(k);
                    MappedTable.OldColumn oc = table.written(rw.names.canonical(written), written);
                    if (oc == null) {
                        return refused(
                                StatementKind.UPSERT,
                                Set.of(table.lowerName),
                                fp,
                                RefusalReason.UNKNOWN_COLUMN,
                                "column " + written + " is not a column of " + table.mapping.oldName());
                    }
                    keyColumns.add(rw.names.canonical(written));
                    newNames.add(oc.renamed() ? rw.names.sql(oc.newName()) : written);
                }
            }
            if (!keyColumns.equals(new java.util.HashSet<>(table.key))) {
                return refused(
                        StatementKind.UPSERT,
                        Set.of(table.lowerName),
                        fp,
                        RefusalReason.UNSUPPORTED_CONSTRUCT,
                        "H2's MERGE … KEY on other columns than the key of " + table.mapping.oldName()
                                + " is not supported (it may change the key of the row it updates)");
            }
            int blank = tokens.start(keyWord) + H2MergeKey.SHIFT;
            int blankEnd = tokens.end(keyClose) + H2MergeKey.SHIFT;
            rw.oldEdits.replace(blank, blankEnd, tokens.sql.substring(tokens.start(keyWord), tokens.end(keyClose)));
            rw.newEdits.replace(blank, blankEnd, "KEY (" + String.join(", ", newNames) + ")");
        }
        return dmlOrRefused(rw, insert, StatementKind.UPSERT, tokens, fp);
    }

    /**
     * A statement the parser gives up on, judged by its tokens and by the SQL its string literals
     * carry: a PostgreSQL {@code DO} block and a MariaDB {@code PREPARE … FROM '…'} hold their
     * statements as strings. A mapped table named there is touched, and a write among those
     * statements makes the whole statement that write (refused: recorded or failed, never run
     * unrecorded).
     */
    private RewriteResult unparseable(Tokens tokens, Fingerprint fp) {
        StatementKind kind = Kinds.of(tokens);
        Set<String> tables = reaches.touched(tokens);
        Reaches.Reach carried = reaches.carried(tokens, 2);
        tables.addAll(carried.tables());
        if (carried.write() != null && !kind.isWrite()) {
            kind = carried.write();
        }
        if (changesTable(kind, tokens)) {
            return refused(
                    kind, tables, fp, RefusalReason.SCHEMA_CHANGE, "DDL that changes the table's rows or columns");
        }
        if (kind == StatementKind.DDL && Kinds.copiesRows(tokens)) {
            return refused(kind, tables, fp, RefusalReason.ROWS_COPIED, ROWS_COPIED);
        }
        return refused(kind, tables, fp, RefusalReason.UNPARSEABLE, "the statement cannot be parsed");
    }

    /**
     * The tables a parsed write writes, or {@code null} when more than its target may be written
     * (a MariaDB multi-table UPDATE or DELETE).
     */
    private static List<Table> written(Statement st) {
        if (st instanceof Insert insert) {
            return List.of(insert.getTable());
        } else if (st instanceof Update update) {
            return update.getStartJoins() == null || update.getStartJoins().isEmpty()
                    ? List.of(update.getTable())
                    : null;
        } else if (st instanceof Delete delete) {
            return delete.getTables() == null || delete.getTables().isEmpty() ? List.of(delete.getTable()) : null;
        } else if (st instanceof Merge merge) {
            return List.of(merge.getTable());
        } else if (st instanceof Upsert upsert) {
            return List.of(upsert.getTable());
        } else if (st instanceof Truncate truncate) {
            return truncate.getTables() != null && !truncate.getTables().isEmpty()
                    ? truncate.getTables()
                    : List.of(truncate.getTable());
        }
        return null;
    }

    /**
     * The columns {@code st} sets in rows that exist, lower case: an UPDATE's, an upsert's update
     * ({@code ON CONFLICT DO UPDATE}, {@code ON DUPLICATE KEY UPDATE}; none for {@code DO NOTHING});
     * {@code null} when not known (MariaDB's {@code REPLACE}, {@code MERGE}).
     */
    private Set<String> set(Statement st) {
        if (!(st instanceof Update || st instanceof Insert)) {
            return null;
        }
        List<UpdateSet> sets = updateSets(st);
        Set<String> columns = new java.util.HashSet<>();
        for (UpdateSet u : sets == null ? List.<UpdateSet>of() : sets) {
            for (Column c : u.getColumns()) {
                columns.add(lower(c.getColumnName()));
            }
        }
        return columns;
    }

    /**
     * A statement that reaches a mapped table through something in the database: it calls a routine
     * whose definition names one (or is hidden from this user), reads or writes a view over one, or
     * fires a trigger that names one. What happens there is out of the rewriter's sight and nothing
     * mirrors it, so the statement is refused: as the statement's own write, else as the write the
     * routine's definition does, else as a read. The refusal is recorded for the whole table while
     * the old side holds the truth and fails with {@code 0A000} where the new side does. DDL on the
     * routine or view itself does not reach it. Checked before anything else (the length bound,
     * the shape cache, the parse): only the tokens are needed.
     *
     * @return the refusal, or {@code null} when the statement names no such routine or view
     */
    RewriteResult indirect(Tokens tokens) {
        if (!reaches.hasIndirect()) {
            return null; // the common case: no routine or view reaches a mapped table
        }
        StatementKind kind = Kinds.of(tokens);
        Reaches.Indirect through = kind == StatementKind.DDL ? null : reaches.indirect(tokens, kind);
        return through == null ? null : reachedThrough(kind, through, tokens, Fingerprints.of(tokens));
    }

    /**
     * A statement that runs SQL held in a string, which is never rewritten. Built at run time
     * ({@link Reaches#buildsSql}), it may write any mapped table, out of sight: refused as a write
     * to every one. MariaDB's and H2's {@code EXECUTE IMMEDIATE '…'} is refused as the statement
     * its literal holds, when that names a mapped table (parsed, it would look like a statement on
     * no table). {@code null} for any other statement.
     */
    RewriteResult runsString(Tokens tokens) {
        if (reaches.buildsSql(tokens)) {
            return refused(
                    StatementKind.UPDATE,
                    Set.copyOf(mapping.lowerNames),
                    Fingerprints.of(tokens),
                    RefusalReason.INDIRECT,
                    "builds SQL at run time or reads it from a file (EXECUTE of an expression, PREPARE … FROM a"
                            + " variable, RUNSCRIPT), which may write any mapped table, and what it changes is not"
                            + " mirrored");
        }
        int execute = tokens.significant(0);
        if (!tokens.isWord(execute, "execute") || !tokens.isWord(tokens.significant(execute + 1), "immediate")) {
            return null;
        }
        Reaches.Reach carried = reaches.carried(tokens, 2);
        return carried.tables().isEmpty()
                ? null
                : refused(
                        carried.write() != null ? carried.write() : StatementKind.OTHER,
                        carried.tables(),
                        Fingerprints.of(tokens),
                        RefusalReason.UNSUPPORTED_CONSTRUCT,
                        "EXECUTE IMMEDIATE runs the statement its string holds, which is not rewritten");
    }

    /**
     * DDL that drops or renames a schema holding mapped tables, or may take their columns or change
     * their values otherwise ({@link SchemaChanges#droppedSchemas}), which names none of them:
     * refused as the {@code DROP TABLE} of each. {@code null} for any other statement, or one whose
     * schemas hold no mapped table.
     */
    RewriteResult dropsSchemas(Tokens tokens) {
        SchemaChanges.Dropped dropped = SchemaChanges.droppedSchemas(tokens);
        if (dropped == null) {
            return null;
        }
        Set<String> tables = new java.util.TreeSet<>();
        if (dropped.every()) {
            tables.addAll(mapping.lowerNames);
        }
        dropped.names().forEach(schema -> tables.addAll(mapping.tablesIn(schema)));
        return tables.isEmpty()
                ? null
                : refused(
                        StatementKind.DDL,
                        tables,
                        Fingerprints.of(tokens),
                        RefusalReason.SCHEMA_CHANGE,
                        "drops or renames a schema holding mapped tables, or drops (CASCADE) or changes what"
                                + " their columns may use");
    }

    private RewriteResult reachedThrough(StatementKind kind, Reaches.Indirect through, Tokens tokens, Fingerprint fp) {
        Set<String> tables = new java.util.TreeSet<>(mapping.mentioned(tokens));
        tables.addAll(through.reach().tables());
        StatementKind as = kind.isWrite()
                ? kind
                : through.reach().write() != null
                        ? through.reach().write()
                        : kind == StatementKind.OTHER ? StatementKind.SELECT : kind;
        String what =
                switch (through.via()) {
                    case ROUTINE ->
                        "calls routine " + through.name() + ", whose definition " + shows(through.sight())
                                + ", and what a routine changes is not mirrored";
                    case TRIGGER ->
                        "fires trigger " + through.name() + ", whose definition " + shows(through.sight())
                                + ", and what a trigger changes is not mirrored";
                    case FOREIGN_KEY ->
                        "fires the action of foreign key " + through.name() + " of mapped table "
                                + String.join(", ", through.reach().tables())
                                + ", which the new table does not share, and what a key's action changes is not"
                                + " mirrored";
                    case VIEW ->
                        "goes through view " + through.name()
                                + (through.sight() == Reaches.Sight.HIDDEN
                                        ? ", whose definition this user cannot read,"
                                        : ", over a mapped table,")
                                + " and a statement through a view is neither rewritten nor mirrored";
                    case RELATIVE ->
                        "goes through table " + through.name()
                                + ", which shares rows with a mapped table (a partition or inheritance), and a statement"
                                + " on it is neither rewritten nor mirrored";
                };
        // a key fired by a write to an unmapped parent changes mapped rows only through its action
        RefusalReason reason = through.via() == Reaches.Via.FOREIGN_KEY
                        && mapping.mentioned(tokens).isEmpty()
                ? RefusalReason.FOREIGN_KEY_ACTION
                : RefusalReason.INDIRECT;
        return refused(as, tables, fp, reason, what);
    }

    private static String shows(Reaches.Sight sight) {
        return switch (sight) {
            case NAMED -> "names a mapped table";
            case HIDDEN -> "cannot be read (hidden from this user, or not SQL)";
            case DYNAMIC -> "runs SQL it builds at run time (EXECUTE), which may reach any mapped table";
        };
    }

    /** Why a REPLACE or UPSERT into mapped table {@code table} is refused, and what to send instead. */
    private static String notTaken(Statement st, String table) {
        if (st instanceof Upsert u
                && u.getUpsertType() != null
                && u.getUpsertType().name().contains("REPLACE")) {
            return "REPLACE into mapped table " + table + " is not supported: it deletes and re-inserts the rows"
                    + " that match on any unique index; use INSERT … ON DUPLICATE KEY UPDATE";
        }
        return "UPSERT into mapped table " + table
                + " is not supported; use INSERT … ON CONFLICT (PostgreSQL) or ON DUPLICATE KEY UPDATE (MariaDB)";
    }

    private RewriteResult dml(Rewrite rw, Statement st, StatementKind kind, Fingerprint fp) {
        ColumnWalker walker = new ColumnWalker(rw);
        WriteExtras extras = null;
        if (st instanceof Select) {
            walker.walk(rw.root, null);
        } else if (st instanceof Insert insert) {
            extras = insert(rw, walker, insert);
        } else if (st instanceof Update update) {
            extras = update(rw, walker, update);
        } else if (st instanceof Delete delete) {
            extras = delete(rw, walker, delete);
        } else if (st instanceof Merge merge && rw.mapped(merge.getTable(), walker.cteNames) != null) {
            extras = merge(rw, walker, merge);
        } else {
            List<Table> targets = written(st);
            for (Table t : targets == null ? List.<Table>of() : targets) {
                if (rw.mapped(t, walker.cteNames) != null) {
                    throw new Refusal(RefusalReason.UNSUPPORTED_CONSTRUCT, notTaken(st, t.getName()));
                }
            }
            walker.walk(rw.root, null);
            if (!rw.tables.isEmpty()) {
                throw Refusal.unsupported(
                        st.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT) + " on a mapped table");
            }
        }
        if (rw.tables.isEmpty()) {
            return new Untouched(rw.sql, kind, fp);
        }
        RoundedValues rounded = null;
        if (extras != null) {
            walker.rowsPicked(extras.keys());
            if (extras.readBack() != null) {
                // its mirror inserts the rows the primary stored, read back: it computes no value of
                // the select's nor picks a row, so only what the mirror's own insert does remains
                rw.nondeterminism.retainAll(EnumSet.of(
                        NonDeterminism.DEFAULT_COLUMN, NonDeterminism.ONE_SIDED_TRIGGER, NonDeterminism.ROUNDS_APART));
            }
            if (firesOneSidedTrigger(rw, st, kind, walker)) {
                rw.nondeterminism.add(NonDeterminism.ONE_SIDED_TRIGGER);
            }
            rounded = rounded(rw, st, extras);
        }
        Edits newEdits = extras == null ? rw.newEdits : extras.newSide();
        SelfCheck check = new SelfCheck(rw, timeoutNanos);
        SideStatement newSide = check.verified(newEdits, rw.regenerated);
        SideStatement oldSide = rw.oldEdits.render().toStatement();
        List<String> generated = extras == null ? List.of() : extras.generatedKeyColumns();
        SideStatement newWithKeys = generated.isEmpty() ? null : check.verified(extras.newWithKeys(), true);
        SideStatement oldWithKeys = generated.isEmpty() ? null : check.verified(extras.oldWithKeys(), true);
        KeyedMirror keyed = extras == null
                ? null
                : KeyedMirror.of(
                        rw,
                        st,
                        extras.target(),
                        extras.target() != null && reaches.ruled(extras.target().lowerName),
                        newEdits,
                        check,
                        this::nondeterminismOf);
        Set<NonDeterminism> nd =
                rw.nondeterminism.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(rw.nondeterminism));
        return new Rewritten(
                kind,
                Set.copyOf(rw.tables),
                fp,
                newSide,
                oldSide,
                List.copyOf(generated),
                newWithKeys,
                oldWithKeys,
                nd,
                extras == null ? List.of() : extras.keys(),
                st instanceof Select s && ordered(s),
                rw.narrowsResult,
                kind.isWrite() && extras == null,
                kind == StatementKind.INSERT
                        && st instanceof Insert i
                        && i.getSelect() instanceof Values
                        && !i.isModifierIgnore(),
                extras == null ? null : extras.probe(),
                rounded,
                extras == null ? null : extras.readBack(),
                keyed);
    }

    /** The non-determinism of old-side statement {@code sql} as rewritten ({@code null}: not rewritten). */
    private Set<NonDeterminism> nondeterminismOf(String sql) {
        Tokens tokens = Tokens.lex(sql, mapping.dialect());
        return rewrite(sql, null, tokens, Fingerprints.of(tokens)) instanceof Rewritten w ? w.nondeterminism() : null;
    }

    /**
     * Whether the write fires a trigger that its mapped table has on one side only, or sets a column
     * whose two types round a written value apart: its target, or any mapped table it names when the
     * target is not one table (a multi-table UPDATE or DELETE of unmapped tables).
     */
    private boolean firesOneSidedTrigger(Rewrite rw, Statement st, StatementKind kind, ColumnWalker walker) {
        List<Table> targets = written(st);
        if (targets == null) {
            return rw.tables.stream().anyMatch(t -> reaches.firesOneSided(t, kind));
        }
        for (Table t : targets) {
            MappedTable m = rw.mapped(t, walker.cteNames);
            if (m != null && reaches.firesOneSided(m.lowerName, kind)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The values an INSERT, UPDATE or upsert of one mapped table gives the columns whose two types
     * round a value apart, for the driver to judge at each execution ({@code null}: it sets none).
     * A value not known before the statement runs (an expression, a {@code SELECT}'s) makes the
     * write {@link NonDeterminism#ROUNDS_APART} instead: mirrored, and its rows recorded.
     */
    private RoundedValues rounded(Rewrite rw, Statement st, WriteExtras extras) {
        MappedTable m = extras.target();
        if (!(st instanceof Insert || st instanceof Update) || m.roundedApart.isEmpty()) {
            return null;
        }
        List<KeptAlike> kept = new ArrayList<>();
        List<ParamSource> setValues = new ArrayList<>(); // what SET gives every row
        List<UpdateSet> sets = updateSets(st);
        if (sets != null) {
            KeyFinder values = new KeyFinder(rw);
            Set<String> set = new java.util.HashSet<>();
            for (UpdateSet us : sets) {
                for (int i = 0; i < us.getColumns().size(); i++) {
                    String column = lower(us.getColumns().get(i).getColumnName());
                    set.add(column);
                    KeptAlike k = m.roundedApart.get(column);
                    Expression v = us.getValues().size() == us.getColumns().size()
                            ? us.getValues().get(i)
                            : null;
                    if (k == null || (st instanceof Insert && insertedValue(v, column))) {
                        continue; // an upsert's inserted value is judged with its row's
                    }
                    ParamSource source = v == null ? null : values.source(v);
                    if (source == null) {
                        return roundsApart(rw);
                    }
                    kept.add(k);
                    setValues.add(source);
                }
            }
            for (String column : reaches.stamped(m.lowerName)) {
                KeptAlike k = m.roundedApart.get(lower(column));
                if (k != null && !set.contains(lower(column))) {
                    kept.add(k); // stamped with the captured instant
                    setValues.add(new ParamSource.Now());
                }
            }
        }
        if (st instanceof Update) {
            return kept.isEmpty() ? null : new RoundedValues(kept, List.of(setValues));
        }
        return insertedRounded(rw, (Insert) st, m, extras.rowValues(), kept, setValues);
    }

    /**
     * {@link #rounded} of an INSERT: each row's values of the rounded columns, then what its upsert
     * update sets ({@code kept} and {@code setValues} so far).
     *
     * @param rows per VALUES row, each column's source ({@code null} value: an expression); {@code
     *     null} for an {@code INSERT … SELECT}
     */
    private RoundedValues insertedRounded(
            Rewrite rw,
            Insert insert,
            MappedTable m,
            List<Map<String, ParamSource>> rows,
            List<KeptAlike> kept,
            List<ParamSource> setValues) {
        if (rows == null) {
            boolean writesOne = insert.getColumns() == null
                    || insert.getColumns().stream().anyMatch(c -> m.roundedApart.containsKey(lower(c.getColumnName())))
                    || m.clockDefaults.keySet().stream().anyMatch(c -> m.roundedApart.containsKey(lower(c)));
            return writesOne ? roundsApart(rw) : kept.isEmpty() ? null : new RoundedValues(kept, List.of(setValues));
        }
        List<String> columns = rows.get(0).keySet().stream()
                .filter(c -> m.roundedApart.containsKey(lower(c)))
                .sorted()
                .toList();
        if (columns.isEmpty() && kept.isEmpty()) {
            return null;
        }
        List<KeptAlike> all = new ArrayList<>();
        columns.forEach(c -> all.add(m.roundedApart.get(lower(c))));
        all.addAll(kept);
        List<List<ParamSource>> out = new ArrayList<>(rows.size());
        for (Map<String, ParamSource> row : rows) {
            List<ParamSource> values = new ArrayList<>(all.size());
            for (String c : columns) {
                ParamSource source = row.get(c);
                if (source == null) {
                    return roundsApart(rw);
                }
                values.add(source);
            }
            values.addAll(setValues);
            out.add(values);
        }
        return new RoundedValues(all, out);
    }

    /** Marks the write {@link NonDeterminism#ROUNDS_APART}: no value of it is judged. */
    private static RoundedValues roundsApart(Rewrite rw) {
        rw.nondeterminism.add(NonDeterminism.ROUNDS_APART);
        return null;
    }

    /** The SET list of an UPDATE, or of an upsert's update ({@code null}: none). */
    private static List<UpdateSet> updateSets(Statement st) {
        if (st instanceof Update update) {
            return update.getUpdateSets();
        }
        Insert insert = (Insert) st;
        return insert.getConflictAction() != null
                ? insert.getConflictAction().getUpdateSets()
                : insert.getDuplicateUpdateSets();
    }

    /** Whether an upsert's update sets {@code column} to the value its row inserts: {@code EXCLUDED.c}, {@code VALUES(c)}. */
    private boolean insertedValue(Expression v, String column) {
        if (v instanceof Column c) {
            return c.getTable() != null
                    && "excluded".equalsIgnoreCase(c.getTable().getName())
                    && lower(c.getColumnName()).equals(column);
        }
        return v instanceof net.sf.jsqlparser.expression.Function f
                && "values".equalsIgnoreCase(f.getName())
                && f.getParameters() != null
                && f.getParameters().size() == 1
                && f.getParameters().get(0) instanceof Column c
                && lower(c.getColumnName()).equals(column);
    }

    private String lower(String written) {
        return mapping.names.canonical(written).toLowerCase(java.util.Locale.ROOT);
    }

    private WriteExtras insert(Rewrite rw, ColumnWalker walker, Insert insert) {
        Scope top = new Scope(null, Map.of());
        top.opaque = true;
        walker.addSource(top, insert.getTable());
        Scope.Source target = top.sources.get(0);
        MappedTable t = target.mapped();
        if (t == null) {
            walker.walk(rw.root, top);
            return null;
        }
        top.sources.add(new Scope.Source(null, null, rw.names.fold("excluded"), t, "EXCLUDED"));
        if (insert.getColumns() != null) {
            insert.getColumns().forEach(walker::skip);
        }
        if (insert.getDuplicateUpdateSets() != null) {
            SetList.targets(insert.getDuplicateUpdateSets()).forEach(walker::skip);
        }
        if (insert.getConflictAction() != null && insert.getConflictAction().getUpdateSets() != null) {
            SetList.targets(insert.getConflictAction().getUpdateSets()).forEach(walker::skip);
            walker.setValues(insert.getConflictAction().getUpdateSets(), t);
        }
        walker.walk(rw.root, top);
        return new InsertRewriter(rw, walker, insert, t, reaches.stamped(t.lowerName)).rewrite(target);
    }

    /** A MERGE into a mapped table. */
    private WriteExtras merge(Rewrite rw, ColumnWalker walker, Merge merge) {
        Scope top = new Scope(null, Map.of());
        walker.addSource(top, merge.getTable());
        MappedTable t = top.sources.get(0).mapped();
        return new MergeRewriter(rw, walker, merge, t, reaches.stamped(t.lowerName)).rewrite(top);
    }

    private WriteExtras update(Rewrite rw, ColumnWalker walker, Update update) {
        Scope top = new Scope(null, Map.of());
        walker.addSource(top, update.getTable());
        walker.addJoins(top, update.getStartJoins());
        walker.addSource(top, update.getFromItem());
        walker.addJoins(top, update.getJoins());
        boolean multiTable =
                update.getStartJoins() != null && !update.getStartJoins().isEmpty();
        Scope.Source target = multiTable ? setTable(rw, top, update.getUpdateSets()) : top.sources.get(0);
        if (target.mapped() != null) {
            SetList.targets(update.getUpdateSets()).forEach(walker::skip);
            walker.setValues(update.getUpdateSets(), target.mapped());
        }
        walker.walk(rw.root, top);
        walker.writeLimit(
                update.getLimit() != null && !oneRow(rw, update.getWhere(), target), update.getOrderByElements(), top);
        walker.valuesRead(update.getUpdateSets());
        if (target.mapped() == null) {
            return null;
        }
        walker.valuesRespelled(update.getUpdateSets(), target.mapped());
        SetList sets = new SetList(rw);
        Set<String> stamped = reaches.stamped(target.mapped().lowerName);
        if (multiTable) {
            sets.rewriteJoined(update.getUpdateSets(), target, stamped);
        } else {
            sets.rewrite(update.getUpdateSets(), target.mapped(), "", stamped);
        }
        return WriteExtras.of(target.mapped(), rw.newEdits, new KeyFinder(rw).keys(update, target));
    }

    /**
     * The table a MariaDB multi-table UPDATE changes: the one whose columns its SET list names, by
     * the table's alias or name, or unqualified (the mapped table's when it has that column, else an
     * unmapped table's). Refused when it sets columns of more than one table (a mirror would change
     * the other table twice, or a mapped one without its mapping), or when the mapped table it sets
     * comes after another mapped one (the walk takes the first for the written one).
     */
    private static Scope.Source setTable(Rewrite rw, Scope top, List<UpdateSet> sets) {
        Scope.Source unmapped = new Scope.Source(null, null, null, null, null);
        Scope.Source found = null;
        for (Column c : SetList.targets(sets)) {
            Scope.Source s = setSource(rw, top, c, unmapped);
            if (found != null && found != s) {
                throw Refusal.unsupported("a multi-table UPDATE that sets columns of more than one table");
            }
            found = s;
        }
        if (found.mapped() != null && mappedBefore(top, found)) {
            throw Refusal.unsupported("a multi-table UPDATE that sets a mapped table joined after another");
        }
        return found;
    }

    /** Whether a mapped table comes before {@code target} among the sources (the walk takes the first for the written one). */
    private static boolean mappedBefore(Scope top, Scope.Source target) {
        for (Scope.Source s : top.sources) {
            if (s == target) {
                return false;
            }
            if (s.mapped() != null) {
                return true;
            }
        }
        return false;
    }

    /** The source of one SET column of a multi-table UPDATE, {@code unmapped} for any unmapped table. */
    private static Scope.Source setSource(Rewrite rw, Scope top, Column c, Scope.Source unmapped) {
        String canonical = rw.names.canonical(c.getColumnName());
        if (c.getTable() != null && c.getTable().getName() != null) {
            String qualifier = rw.names.canonical(c.getTable().getName());
            for (Scope.Source s : top.sources) {
                if (s.name() != null && s.matches(qualifier)) {
                    return s.mapped() == null ? unmapped : s;
                }
            }
            throw Refusal.unsupported(
                    "a multi-table UPDATE that sets a column of " + c.getTable().getName());
        }
        Scope.Source owner = unmapped;
        for (Scope.Source s : top.sources) {
            if (s.mapped() == null) {
                continue;
            }
            if (!s.mapped().columnsKnown) {
                throw new Refusal(
                        RefusalReason.COLUMNS_UNKNOWN,
                        "a multi-table UPDATE that sets unqualified column " + c.getColumnName()
                                + " needs the columns of " + s.mapped().mapping.oldName());
            }
            if (s.mapped().column(canonical, c.getColumnName()) != null) {
                if (owner != unmapped) {
                    throw Refusal.unsupported("a multi-table UPDATE that sets unqualified column " + c.getColumnName()
                            + " of two mapped tables");
                }
                owner = s;
            }
        }
        return owner;
    }

    /** {@code where} pins the mapped target's whole key to one value: a LIMIT has no rows to choose among. */
    private static boolean oneRow(Rewrite rw, Expression where, Scope.Source target) {
        return target.mapped() != null && new KeyFinder(rw).keys(where, target).size() == 1;
    }

    private WriteExtras delete(Rewrite rw, ColumnWalker walker, Delete delete) {
        Scope top = new Scope(null, Map.of());
        walker.addSource(top, delete.getTable());
        if (delete.getUsingList() != null) {
            delete.getUsingList().forEach(u -> walker.addSource(top, u));
        }
        walker.addJoins(top, delete.getJoins());
        boolean multiTable = delete.getTables() != null && !delete.getTables().isEmpty();
        Scope.Source target = multiTable ? deletedTable(rw, walker, top, delete.getTables()) : top.sources.get(0);
        walker.walk(rw.root, top);
        walker.writeLimit(
                delete.getLimit() != null && !oneRow(rw, delete.getWhere(), target), delete.getOrderByElements(), top);
        if (target.mapped() == null) {
            return null;
        }
        return WriteExtras.of(target.mapped(), rw.newEdits, new KeyFinder(rw).keys(delete.getWhere(), target));
    }

    /**
     * The table a MariaDB multi-table DELETE ({@code DELETE t FROM t JOIN …}) deletes from, named by
     * its alias or name in the list before {@code FROM}; refused when that list names a mapped table
     * and another, or a mapped table joined after another mapped one (the walk takes the first for
     * the written one). A mapped table named by its name is renamed there.
     */
    private static Scope.Source deletedTable(Rewrite rw, ColumnWalker walker, Scope top, List<Table> deleted) {
        List<Scope.Source> sources = new ArrayList<>();
        for (Table t : deleted) {
            Scope.Source source = null;
            for (Scope.Source s : top.sources) {
                if (s.name() != null && s.matches(rw.names.canonical(t.getName()))) {
                    source = s;
                    break;
                }
            }
            if (source == null) {
                throw Refusal.unsupported("a multi-table DELETE from " + t.getName() + ", which it does not join");
            }
            if (source.alias() == null) {
                walker.reference(t, source);
            }
            sources.add(source);
        }
        Scope.Source target = sources.get(0);
        if (sources.stream().anyMatch(s -> s.mapped() != null)) {
            if (sources.size() > 1) {
                throw Refusal.unsupported("a multi-table DELETE from a mapped table and another");
            }
            if (mappedBefore(top, target)) {
                throw Refusal.unsupported("a multi-table DELETE from a mapped table joined after another");
            }
        }
        return target;
    }

    /**
     * The kind of the first INSERT, UPDATE or DELETE nested in the statement (a data-modifying
     * {@code WITH} item), or {@code null} when there is none.
     */
    private static StatementKind nestedWrite(SimpleNode root) {
        for (int id : new int[] {JJTPARENTHESEDINSERT, JJTPARENTHESEDUPDATE, JJTPARENTHESEDDELETE}) {
            List<SimpleNode> found = new ArrayList<>();
            Trees.collect(root, id, found);
            if (!found.isEmpty()) {
                return switch (id) {
                    case JJTPARENTHESEDINSERT ->
                        found.get(0).jjtGetValue() instanceof ParenthesedInsert pi && pi.getInsert() != null
                                ? Kinds.of(pi.getInsert())
                                : StatementKind.INSERT;
                    case JJTPARENTHESEDUPDATE -> StatementKind.UPDATE;
                    default -> StatementKind.DELETE;
                };
            }
        }
        return null;
    }

    /**
     * A statement with a data-modifying {@code WITH} item is a write that the rewriter does not
     * split; on a mapped table it is refused as that write, so that it is recorded.
     */
    private RewriteResult modifyingWith(String sql, StatementKind kind, SimpleNode root, Fingerprint fp) {
        Set<String> touched = mappedTables(root);
        if (touched.isEmpty()) {
            return new Untouched(sql, kind, fp);
        }
        return refused(
                kind,
                touched,
                fp,
                RefusalReason.UNSUPPORTED_CONSTRUCT,
                "an INSERT, UPDATE or DELETE inside WITH is not supported");
    }

    /** Every mapped table a table-name node of the statement names. */
    private Set<String> mappedTables(SimpleNode root) {
        List<SimpleNode> tableNodes = new ArrayList<>();
        Trees.collect(root, JJTTABLENAME, tableNodes);
        Set<String> touched = new java.util.TreeSet<>();
        for (SimpleNode n : tableNodes) {
            if (n.jjtGetValue() instanceof Table t) {
                MappedTable m = mapping.table(t);
                if (m != null) {
                    touched.add(m.lowerName);
                }
            }
        }
        return touched;
    }

    /**
     * {@code TRUNCATE [TABLE] [ONLY] t} of one mapped table: the same statement on the new table.
     * It has no keys; the driver records the whole table when it cannot mirror it. Several tables
     * in one TRUNCATE are refused, and so is {@code CASCADE} when it reaches a mapped table: of a
     * mapped table, or of a table that mapped tables reference through foreign keys (the
     * database empties them too, on the old side only).
     */
    private RewriteResult truncate(Rewrite rw, Truncate truncate, Fingerprint fp) {
        List<Table> targets =
                truncate.getTables() != null && !truncate.getTables().isEmpty()
                        ? truncate.getTables()
                        : List.of(truncate.getTable());
        List<SimpleNode> nodes = new ArrayList<>();
        Trees.collect(rw.root, JJTTABLENAME, nodes);
        for (SimpleNode n : nodes) {
            if (n.jjtGetValue() instanceof Table t && rw.mapped(t, Set.of()) != null) {
                rw.newEdits.replace(Trees.start(n), Trees.end(n), mapping.table(t).newSqlName);
            }
        }
        Set<String> cascaded = new java.util.TreeSet<>();
        if (truncate.getCascade()) {
            for (Table t : targets) {
                cascaded.addAll(reaches.truncateCascades(t));
            }
        }
        if (rw.tables.isEmpty() && cascaded.isEmpty()) {
            return new Untouched(rw.sql, StatementKind.TRUNCATE, fp);
        }
        String refusal = targets.size() > 1
                ? "a TRUNCATE of several tables"
                : truncate.getCascade() ? "TRUNCATE … CASCADE" : null;
        if (refusal != null) {
            Set<String> tables = new java.util.TreeSet<>(rw.tables);
            tables.addAll(cascaded);
            return refused(
                    StatementKind.TRUNCATE,
                    tables,
                    fp,
                    RefusalReason.UNSUPPORTED_CONSTRUCT,
                    refusal + (cascaded.isEmpty() ? "" : " that empties mapped tables through foreign keys")
                            + " is not supported");
        }
        SideStatement newSide = new SelfCheck(rw, timeoutNanos).verified(rw.newEdits, false);
        return new Rewritten(
                StatementKind.TRUNCATE,
                Set.copyOf(rw.tables),
                fp,
                newSide,
                rw.oldEdits.render().toStatement(),
                List.of(),
                null,
                null,
                Set.of(),
                List.of(),
                false,
                false,
                false,
                false,
                null,
                null,
                null,
                null);
    }

    /**
     * DDL naming a mapped table is refused (it runs where it was sent): as a {@link
     * RefusalReason#SCHEMA_CHANGE} when it changes the rows or columns the table holds, which the
     * driver then records or refuses like a write; as {@link RefusalReason#ROWS_COPIED} when it
     * creates a table from a mapped table's rows. Anything else is untouched.
     */
    private RewriteResult nonDml(
            String sql, StatementKind kind, Tokens tokens, SimpleNode root, Fingerprint fp, boolean copiesRows) {
        Set<String> touched = mappedTables(root);
        if (kind != StatementKind.DDL || touched.isEmpty()) {
            return new Untouched(sql, kind, fp);
        }
        if (copiesRows) {
            return refused(kind, touched, fp, RefusalReason.ROWS_COPIED, ROWS_COPIED);
        }
        return changesTable(kind, tokens)
                ? refused(
                        kind, touched, fp, RefusalReason.SCHEMA_CHANGE, "DDL that changes the table's rows or columns")
                : refused(
                        kind,
                        touched,
                        fp,
                        RefusalReason.UNSUPPORTED_CONSTRUCT,
                        "DDL is not rewritten; it runs on the side it was sent to");
    }

    private static boolean changesTable(StatementKind kind, Tokens tokens) {
        return kind == StatementKind.DDL && SchemaChanges.at(tokens, tokens.significant(0), tokens.size());
    }

    static Refused refused(
            StatementKind kind, Set<String> tables, Fingerprint fp, RefusalReason reason, String message) {
        return new Refused(kind, Set.copyOf(tables), fp, reason, message);
    }

    private static boolean ordered(Select s) {
        if (s.getOrderByElements() != null && !s.getOrderByElements().isEmpty()) {
            return true;
        }
        if (s instanceof PlainSelect ps) {
            return ps.getOrderByElements() != null && !ps.getOrderByElements().isEmpty();
        }
        if (s instanceof SetOperationList so) {
            return so.getOrderByElements() != null && !so.getOrderByElements().isEmpty();
        }
        return s instanceof ParenthesedSelect p && p.getSelect() != null && ordered(p.getSelect());
    }
}
