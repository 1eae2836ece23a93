package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.parser.SimpleNode;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * INSERT (VALUES or SELECT, with PostgreSQL and MariaDB upserts) into a mapped table: the column
 * list and each row are rebuilt from their already-edited parts, with derived columns computed
 * from the written values and, for the mirror, generated keys as parameters.
 */
final class InsertRewriter {

    /** One inserted column: as written in the statement and its canonical old name. */
    private record Target(String written, String canonical, MappedTable.OldColumn column) {}

    private final Rewrite rw;
    private final ColumnWalker walker;
    private final Insert insert;
    private final MappedTable table;
    private final Tokens tk;
    /** The columns both tables stamp at every UPDATE ({@link Reaches#stamped}), for an upsert's update. */
    private final java.util.Set<String> stamped;
    /**
     * What follows the column list of every INSERT a side gets from the rewrite ({@link
     * Dialect#overridingIdentity}); empty where the application's statement says it itself.
     */
    private String overriding;

    InsertRewriter(Rewrite rw, ColumnWalker walker, Insert insert, MappedTable table, java.util.Set<String> stamped) {
        this.rw = rw;
        this.walker = walker;
        this.insert = insert;
        this.table = table;
        this.tk = rw.tokens;
        this.stamped = stamped;
    }

    StatementRewriter.WriteExtras rewrite(Scope.Source target) {
        SimpleNode tableNode = walker.tableNode(insert.getTable());
        int listOpen = -1;
        int listClose = -1;
        if (insert.getColumns() != null && !insert.getColumns().isEmpty()) {
            listOpen = tk.significantBefore(
                    tk.indexAt(Trees.start(rw.node(insert.getColumns().get(0)))));
            listClose = tk.closing(listOpen);
            if (!tk.isPunct(listOpen, '(') || listClose < 0) {
                throw new IllegalStateException("column list not found");
            }
        }
        int afterTarget = listClose >= 0 ? listClose + 1 : tk.indexAt(Trees.end(tableNode));
        int clause = tk.significant(afterTarget);
        if (tk.isWord(clause, "overriding")) { // SYSTEM VALUE: the parser reads no other
            afterTarget = tk.significant(tk.significant(clause + 1) + 1) + 1;
            overriding = "";
        } else {
            overriding = rw.mergesByKey ? "" : rw.names.dialect().overridingIdentity(); // H2's MERGE takes none
        }
        // the upsert clauses first: the row and list rebuilds below copy the edits made so far
        conflictTarget(afterTarget);
        SetList sets = new SetList(rw);
        if (insert.getConflictAction() != null && insert.getConflictAction().getUpdateSets() != null) {
            sets.rewrite(insert.getConflictAction().getUpdateSets(), table, target.newQualifier() + ".", stamped);
            walker.valuesRead(insert.getConflictAction().getUpdateSets());
            walker.valuesRespelled(insert.getConflictAction().getUpdateSets(), table);
        }
        if (insert.getDuplicateUpdateSets() != null
                && !insert.getDuplicateUpdateSets().isEmpty()) {
            sets.rewrite(insert.getDuplicateUpdateSets(), table, "", stamped);
            walker.valuesRead(insert.getDuplicateUpdateSets());
        }
        if (insert.getSelect() instanceof Values) {
            return values(afterTarget, listOpen, listClose, tableNode);
        }
        if (insert.getSetUpdateSets() != null && !insert.getSetUpdateSets().isEmpty()) {
            throw Refusal.unsupported("INSERT … SET (send INSERT … (columns) VALUES (…))");
        }
        if (insert.getSelect() == null) {
            return defaultValues(afterTarget);
        }
        walker.resultsRead();
        return select(listOpen, listClose, tableNode);
    }

    private List<Target> targets(int count) {
        List<Target> targets = new ArrayList<>();
        if (insert.getColumns() != null && !insert.getColumns().isEmpty()) {
            for (Column c : insert.getColumns()) {
                String written = c.getColumnName();
                String canonical = rw.names.canonical(written);
                MappedTable.OldColumn oc = table.written(canonical, written);
                if (oc == null) {
                    throw new Refusal(
                            RefusalReason.UNKNOWN_COLUMN,
                            "column " + written + " is not a column of " + table.mapping.oldName());
                }
                targets.add(new Target(written, canonical, oc));
            }
            return targets;
        }
        if (!table.columnsKnown) {
            throw new Refusal(
                    RefusalReason.COLUMNS_UNKNOWN,
                    "an INSERT without a column list into " + table.mapping.oldName() + " needs its old column list");
        }
        if (count > table.oldColumns.size()) {
            throw new Refusal(
                    RefusalReason.UNKNOWN_COLUMN, "more values than " + table.mapping.oldName() + " has columns");
        }
        for (MappedTable.OldColumn oc : table.oldColumns.subList(0, count)) {
            String canonical = rw.names.fold(oc.name());
            targets.add(new Target(rw.names.sql(oc.name()), canonical, table.written(canonical, oc.name())));
        }
        return targets;
    }

    private StatementRewriter.WriteExtras values(int from, int listOpen, int listClose, SimpleNode tableNode) {
        int v = from;
        while (v < tk.size() && !tk.isWord(v, "values") && !tk.isWord(v, "value")) {
            v++;
        }
        List<int[]> rows = new ArrayList<>();
        List<List<int[]>> items = new ArrayList<>();
        for (int i = tk.significant(v + 1); tk.isPunct(i, '('); ) {
            int close = tk.closing(i);
            rows.add(new int[] {i, close});
            walker.valuesRead(tk.start(i), tk.end(close));
            items.add(split(i, close));
            int next = tk.significant(close + 1);
            if (!tk.isPunct(next, ',')) {
                break;
            }
            i = tk.significant(next + 1);
        }
        if (rows.isEmpty()) {
            throw Refusal.unsupported("this VALUES form");
        }
        List<Target> listed = targets(items.get(0).size());
        for (List<int[]> row : items) {
            if (row.size() != listed.size()) {
                throw Refusal.unsupported("a VALUES row whose size differs from the column list");
            }
        }
        // a key written as DEFAULT is generated like one left out: the new side's rows leave it out
        List<Integer> defaultKeys = keysWrittenAsDefault(listed, items);
        List<Target> targets = new ArrayList<>(listed);
        List<List<int[]>> given = new ArrayList<>();
        for (List<int[]> row : items) {
            given.add(new ArrayList<>(row));
        }
        for (int c = defaultKeys.size() - 1; c >= 0; c--) {
            int at = defaultKeys.get(c);
            targets.remove(at);
            given.forEach(row -> row.remove(at));
        }
        List<String> generated = generatedKeys(targets);
        List<String> oldLacks = generatedKeys(listed);
        List<MappedTable.Derived> derived = derivedWritten(targets);
        defaultsLeft(targets);
        List<String> clocks = clocksLeft(targets, listOpen >= 0);
        stampClocks(rows, given, targets, clocks, listClose);
        List<List<ParamSource>> keys = new ArrayList<>();
        List<Map<String, ParamSource>> sources = new ArrayList<>();
        int[] starts = new int[rows.size()];
        int[] ends = new int[rows.size()];
        List<Fragment> plainRows = new ArrayList<>();
        List<Fragment> keyedRows = new ArrayList<>();
        Edits plain = rw.newEdits.copy();
        Edits keyed = rw.newEdits.copy();
        Edits oldKeyed = rw.oldEdits.copy();
        for (int r = 0; r < rows.size(); r++) {
            List<int[]> row = given.get(r);
            Map<String, Fragment> byColumn = new HashMap<>();
            Map<String, ParamSource> simple = new HashMap<>();
            sources.add(simple);
            for (int c = 0; c < row.size(); c++) {
                if (table.key.contains(targets.get(c).canonical())) {
                    if (rw.text(row.get(c)[0], row.get(c)[1]).trim().equalsIgnoreCase("null")) {
                        // MariaDB's AUTO_INCREMENT generates it (a NULL key fails elsewhere): each side its own
                        rw.nondeterminism.add(NonDeterminism.SEQUENCE);
                    }
                }
                if (table.differingDefaults.contains(targets.get(c).canonical())
                        && Fragment.isDefault(rw.text(row.get(c)[0], row.get(c)[1]))) {
                    rw.nondeterminism.add(NonDeterminism.DEFAULT_COLUMN);
                }
                byColumn.put(targets.get(c).canonical(), rw.newEdits.render(row.get(c)[0], row.get(c)[1]));
                simple.put(targets.get(c).canonical(), simpleSource(row.get(c)));
            }
            List<Object> cells = newCells(targets, derived, byColumn, simple);
            for (String c : clocks) {
                Fragment clock = table.clock(c);
                cells.add(clock);
                if (!clock.params().isEmpty()) { // a transaction's time both sides read has no value to judge
                    simple.put(c, new ParamSource.Now());
                }
            }
            starts[r] = tk.start(rows.get(r)[0]);
            ends[r] = tk.end(rows.get(r)[1]);
            plainRows.add(row(cells, List.of()));
            List<Object> keyParams = new ArrayList<>();
            for (int k = 0; k < generated.size(); k++) {
                Fragment key = new Fragment("?", List.of(new ParamSource.GeneratedKey(r, k)));
                keyParams.add(key);
                if (oldLacks.contains(generated.get(k))) {
                    oldKeyed.insert(tk.start(rows.get(r)[1]), Fragment.join(List.of(", ", key)));
                } else {
                    int[] cell = items.get(r).get(indexOf(listed, generated.get(k)));
                    oldKeyed.replace(cell[0], cell[1], key);
                }
            }
            keyedRows.add(row(cells, keyParams));
            keys.add(rowKey(r, simple, generated));
        }
        plain.replaceEach(starts, ends, plainRows);
        keyed.replaceEach(starts, ends, keyedRows);
        List<String> columns = withClocks(newColumns(targets, derived), clocks);
        replaceList(plain, listOpen, listClose, tableNode, columns);
        List<String> withKeys = new ArrayList<>(columns);
        withKeys.addAll(newKeyNames(generated));
        replaceList(keyed, listOpen, listClose, tableNode, withKeys);
        oldKeyedList(oldKeyed, listOpen, listClose, tableNode, listed, oldLacks);
        rw.regenerated = true;
        boolean known = keys.stream().allMatch(k -> k != null);
        return new StatementRewriter.WriteExtras(
                table,
                plain,
                generated,
                generated.isEmpty() ? null : keyed,
                generated.isEmpty() ? null : oldKeyed,
                known && keysNameEveryRow() ? List.copyOf(keys) : List.of(),
                probe(known && generated.isEmpty() ? keys : null, sources, generated),
                sources,
                null);
    }

    /**
     * The selected values of columns whose new type takes no value of the old one, cast to it in
     * {@code edits} ({@link MappedTable#castForNew}); an alias the item is written with stays outside
     * the cast, one the walk added (a renamed column's old name) is dropped: no one reads the labels
     * of the rows an INSERT inserts.
     */
    private void castSelected(Edits edits, List<SelectItem<?>> items, List<Target> targets) {
        for (int c = 0; c < items.size(); c++) {
            String type = table.newTypeCast(targets.get(c).canonical());
            if (type == null || targets.get(c).column().dropped()) {
                continue;
            }
            if (items.get(c).getAlias() == null) {
                SimpleNode n = walker.itemNode(items.get(c));
                int start = Trees.start(n);
                int end = Trees.end(n);
                edits.replace(
                        start,
                        end,
                        Fragment.join(List.of("CAST(", edits.render(start, end, false), " AS " + type + ")")));
                continue;
            }
            int[] span = expressionSpan(items.get(c));
            edits.insert(span[0], "CAST(");
            edits.insert(span[1], " AS " + type + ")");
        }
    }

    /**
     * {@code INSERT … DEFAULT VALUES} (from token {@code from} on): an INSERT that names no column.
     * The side that gets the keys the primary generated writes them as values: {@code (id) VALUES
     * (?)}; every other column is left to its default, as an INSERT leaves the columns it does not
     * name.
     */
    private StatementRewriter.WriteExtras defaultValues(int from) {
        int word = from;
        while (word < tk.size() && !(tk.isWord(word, "default") && tk.isWord(tk.significant(word + 1), "values"))) {
            word++;
        }
        if (word >= tk.size() || insert.getConflictAction() != null) {
            throw Refusal.unsupported("this INSERT … DEFAULT VALUES form");
        }
        int start = tk.start(word);
        int end = tk.end(tk.significant(word + 1));
        List<String> generated = generatedKeys(List.of());
        if (!table.derived.isEmpty()) {
            rw.nondeterminism.add(NonDeterminism.DEFAULT_COLUMN); // its new side writes the keys alone
        }
        defaultsLeft(List.of());
        clocksLeft(List.of(), false);
        Edits keyed = rw.newEdits.copy();
        Edits oldKeyed = rw.oldEdits.copy();
        List<Object> keyValues = new ArrayList<>();
        for (int k = 0; k < generated.size(); k++) {
            comma(keyValues);
            keyValues.add(new Fragment("?", List.of(new ParamSource.GeneratedKey(0, k))));
        }
        Fragment values = Fragment.join(List.of(")" + overriding + " VALUES (", Fragment.join(keyValues), ")"));
        keyed.replace(start, end, Fragment.join(List.of("(", String.join(", ", newKeyNames(generated)), values)));
        oldKeyed.replace(
                start,
                end,
                Fragment.join(List.of(
                        "(",
                        String.join(", ", generated.stream().map(rw.names::sql).toList()),
                        values)));
        rw.regenerated = true;
        List<ParamSource> key = rowKey(0, Map.of(), generated);
        return new StatementRewriter.WriteExtras(
                table,
                rw.newEdits,
                generated,
                generated.isEmpty() ? null : keyed,
                generated.isEmpty() ? null : oldKeyed,
                key == null ? List.of() : List.of(key),
                null,
                null,
                null);
    }

    /** The new names of key columns {@code keys} (old names), as SQL. */
    private List<String> newKeyNames(List<String> keys) {
        return keys.stream()
                .map(k -> rw.names.sql(table.column(rw.names.fold(k), k).newName()))
                .toList();
    }

    private StatementRewriter.WriteExtras select(int listOpen, int listClose, SimpleNode tableNode) {
        List<Target> targets;
        List<MappedTable.Derived> derived;
        PlainSelect ps = insert.getSelect() instanceof PlainSelect p ? p : null;
        boolean star =
                ps == null || ps.getSelectItems().stream().anyMatch(i -> i.getExpression() instanceof AllColumns);
        targets = targets(star ? table.oldColumns.size() : ps.getSelectItems().size());
        List<String> generated = generatedKeys(targets);
        boolean oneRow = !generated.isEmpty() && !star && listOpen >= 0 && selectsOneRow(ps);
        if (!generated.isEmpty() && !oneRow && (listOpen < 0 || !readsBack(generated))) {
            throw Refusal.unsupported("an INSERT … SELECT without a column list, an upsert's, a REPLACE's or an"
                    + " INSERT IGNORE's, or with a key it writes in part, that leaves key columns to be generated");
        }
        derived = derivedWritten(targets);
        defaultsLeft(targets);
        List<String> clocks = clocksLeft(targets, !star && listOpen >= 0);
        // each selected row gets the instant after its last item (on the new side: as is, or in the rebuilt items)
        int afterItems = clocks.isEmpty()
                ? -1
                : Trees.end(walker.itemNode(
                        ps.getSelectItems().get(ps.getSelectItems().size() - 1)));
        for (String column : clocks) {
            listClock(column, listClose);
            rw.oldEdits.insert(afterItems, Fragment.join(List.of(", ", table.clock(column))));
        }
        boolean dropsAny = targets.stream().anyMatch(t -> t.column().dropped());
        Edits plain = rw.newEdits.copy();
        if (!star) {
            castSelected(plain, ps.getSelectItems(), targets);
        }
        if (derived.isEmpty() && !dropsAny) {
            clocks.forEach(c -> plain.insert(afterItems, Fragment.join(List.of(", ", table.clock(c)))));
        } else {
            if (star) {
                wrapRows(plain, targets, derived);
            } else {
                pickRows(plain, ps.getSelectItems(), targets, derived, clocks);
            }
        }
        List<String> columns = withClocks(newColumns(targets, derived), clocks);
        replaceList(plain, listOpen, listClose, tableNode, columns);
        rw.regenerated = true;
        if (oneRow) {
            return oneSelectedRow(plain, ps.getSelectItems(), targets, derived, clocks, generated, listOpen);
        }
        if (!generated.isEmpty()) {
            return copiedRows(plain, targets, derived, clocks, generated, listOpen);
        }
        return new StatementRewriter.WriteExtras(
                table,
                plain,
                List.of(),
                null,
                null,
                keysNameEveryRow() ? selectedKey(ps, star, targets) : List.of(),
                rw.replaces ? UpsertProbe.NOTHING : null,
                null,
                null);
    }

    /**
     * Whether {@code ps} selects one row without reading a table ({@code SELECT ?, 'x' WHERE NOT
     * EXISTS (…)}): an INSERT of it inserts that row or none. Not an upsert, whose row may update
     * another, nor a {@code REPLACE}.
     */
    private boolean selectsOneRow(PlainSelect ps) {
        return ps != null
                && ps.getFromItem() == null
                && (ps.getJoins() == null || ps.getJoins().isEmpty())
                && ps.getGroupBy() == null
                && ps.getHaving() == null
                && (insert.getSelect().getWithItemsList() == null
                        || insert.getSelect().getWithItemsList().isEmpty())
                && insertsEverySelectedRow();
    }

    /**
     * Whether the rows an INSERT … SELECT inserted can be read back by the keys the database gave
     * them ({@link ReadBack}): it leaves every key column to the database (the returned keys name its
     * rows), and inserts each row it selects (an upsert's row may update another, a {@code REPLACE}
     * delete others, and an {@code INSERT IGNORE} skip some after MariaDB has numbered them, so that
     * keys counted on from the first would name other rows).
     */
    private boolean readsBack(List<String> generated) {
        return generated.size() == table.mapping.key().size()
                && insertsEverySelectedRow()
                && !insert.isModifierIgnore();
    }

    /** Not an upsert nor a {@code REPLACE}. */
    private boolean insertsEverySelectedRow() {
        return insert.getConflictAction() == null
                && (insert.getDuplicateUpdateSets() == null
                        || insert.getDuplicateUpdateSets().isEmpty())
                && !rw.replaces;
    }

    /**
     * An INSERT … SELECT … FROM that leaves its key to the database ({@code INSERT INTO order_items
     * (order_id, sku) SELECT ?, sku FROM cart_items WHERE …}), whose new side is {@code plain}: which
     * rows it selects, and so which key goes with which values, only the primary can tell. Its rows
     * are read back there by their keys ({@link ReadBack}); the side that gets them inserts each as a
     * {@code VALUES} row of the read values and its key.
     */
    private StatementRewriter.WriteExtras copiedRows(
            Edits plain,
            List<Target> targets,
            List<MappedTable.Derived> derived,
            List<String> clocks,
            List<String> generated,
            int listOpen) {
        Map<String, Fragment> byColumn = new HashMap<>();
        List<Object> oldCells = new ArrayList<>();
        for (int c = 0; c < targets.size(); c++) {
            Fragment read = new Fragment("?", List.of(new ParamSource.GeneratedKey(0, generated.size() + c)));
            byColumn.put(targets.get(c).canonical(), read);
            oldCells.add(read);
        }
        List<Object> newCells = newCells(targets, derived, byColumn, Map.of());
        Keyed keyed = keyedRow(newCells, oldCells, targets, derived, clocks, generated, listOpen);
        ReadBack readBack = new ReadBack(
                insert.getTable().getFullyQualifiedName(),
                generated.stream().map(rw.names::sql).toList(),
                targets.stream().map(Target::written).toList(),
                targets.stream().anyMatch(t -> t.column().dropped()));
        return new StatementRewriter.WriteExtras(
                table,
                plain,
                generated,
                keyed.newSide(),
                keyed.oldSide(),
                List.of(rowKey(0, Map.of(), generated)),
                null,
                null,
                readBack);
    }

    /**
     * An INSERT … SELECT of one row selected without FROM that leaves its key to the database
     * (seed data: {@code INSERT INTO customers (name) SELECT ? WHERE NOT EXISTS (…)}), whose new
     * side is {@code plain}. The side that gets the keys the primary generated inserts the selected
     * values as one {@code VALUES} row with them, without the condition: the row exactly when the
     * primary inserted it (when it inserted none, nothing is mirrored).
     */
    private StatementRewriter.WriteExtras oneSelectedRow(
            Edits plain,
            List<SelectItem<?>> items,
            List<Target> targets,
            List<MappedTable.Derived> derived,
            List<String> clocks,
            List<String> generated,
            int listOpen) {
        Map<String, Fragment> byColumn = new HashMap<>();
        Map<String, ParamSource> simple = new HashMap<>();
        List<Object> oldCells = new ArrayList<>();
        for (int c = 0; c < items.size(); c++) {
            int[] span = expressionSpan(items.get(c));
            byColumn.put(targets.get(c).canonical(), rw.newEdits.render(span[0], span[1], false));
            simple.put(targets.get(c).canonical(), simpleSource(span));
            oldCells.add(rw.oldEdits.render(span[0], span[1], false));
        }
        List<Object> newCells = newCells(targets, derived, byColumn, simple);
        Keyed keyed = keyedRow(newCells, oldCells, targets, derived, clocks, generated, listOpen);
        List<ParamSource> key = rowKey(0, simple, generated);
        return new StatementRewriter.WriteExtras(
                table, plain, generated, keyed.newSide(), keyed.oldSide(), List.of(key), null, List.of(simple), null);
    }

    /** The statement each side that gets the primary's keys runs instead: one keyed VALUES row. */
    private record Keyed(Edits newSide, Edits oldSide) {}

    /**
     * The statement with its column list and query replaced by one VALUES row per side: the row's
     * cells ({@code newCells} by the new column list, {@code oldCells} by the written one), each
     * clock the statement leaves out, then the keys the primary generated.
     */
    private Keyed keyedRow(
            List<Object> newCells,
            List<Object> oldCells,
            List<Target> targets,
            List<MappedTable.Derived> derived,
            List<String> clocks,
            List<String> generated,
            int listOpen) {
        List<String> oldColumns =
                new ArrayList<>(targets.stream().map(Target::written).toList());
        for (String c : clocks) {
            newCells.add(table.clock(c));
            oldCells.add(table.clock(c));
            oldColumns.add(rw.names.sql(table.column(c, c).name()));
        }
        List<Object> keyParams = new ArrayList<>();
        for (int k = 0; k < generated.size(); k++) {
            keyParams.add(new Fragment("?", List.of(new ParamSource.GeneratedKey(0, k))));
        }
        List<String> newColumns = withClocks(newColumns(targets, derived), clocks);
        newColumns.addAll(newKeyNames(generated));
        oldColumns.addAll(generated.stream().map(rw.names::sql).toList());
        int start = tk.start(listOpen);
        int end = Trees.end(childOf(rw.root, insert.getSelect()));
        Edits keyed = rw.newEdits.copy();
        keyed.replace(start, end, valuesRow(newColumns, newCells, keyParams));
        Edits oldKeyed = rw.oldEdits.copy();
        oldKeyed.replace(start, end, valuesRow(oldColumns, oldCells, keyParams));
        return new Keyed(keyed, oldKeyed);
    }

    /**
     * A row's new-side values by the new column list: each written column's value ({@code byColumn},
     * cast where the new type takes no value of the old), then each derived column computed from them.
     */
    private List<Object> newCells(
            List<Target> targets,
            List<MappedTable.Derived> derived,
            Map<String, Fragment> byColumn,
            Map<String, ParamSource> simple) {
        List<Object> cells = new ArrayList<>();
        for (Target t : targets) {
            if (!t.column().dropped()) {
                cells.add(table.castForNew(t.canonical(), byColumn.get(t.canonical())));
            }
        }
        for (MappedTable.Derived d : derived) {
            cells.add(fill(d, byColumn, simple));
        }
        return cells;
    }

    /**
     * {@code (columns) OVERRIDING SYSTEM VALUE VALUES (cells, extra)}, as the dialect spells it: it
     * stands for the statement's list and query, and for an OVERRIDING clause of its own between them.
     */
    private Fragment valuesRow(List<String> columns, List<Object> cells, List<Object> extra) {
        return Fragment.join(List.of(
                "(" + String.join(", ", columns) + ")" + rw.names.dialect().overridingIdentity() + " VALUES ",
                row(cells, extra)));
    }

    /** The text span of a select item's expression, without the alias it is written with. */
    private int[] expressionSpan(SelectItem<?> item) {
        SimpleNode n = walker.itemNode(item);
        int end = Trees.end(n);
        if (item.getAlias() != null) {
            int before = tk.significantBefore(rw.lastToken(end));
            end = tk.end(tk.isWord(before, "as") ? tk.significantBefore(before) : before);
        }
        return new int[] {Trees.start(n), end};
    }

    /**
     * The new side's select items of an INSERT … SELECT into a table with derived or dropped
     * columns: each item of a dropped column left out, each derived column computed from the items
     * it reads, each clock left out captured.
     */
    private void pickRows(
            Edits plain,
            List<SelectItem<?>> items,
            List<Target> targets,
            List<MappedTable.Derived> derived,
            List<String> clocks) {
        Map<String, Fragment> byColumn = new HashMap<>();
        List<Object> cells = new ArrayList<>();
        for (int c = 0; c < items.size(); c++) {
            SimpleNode n = walker.itemNode(items.get(c));
            byColumn.put(targets.get(c).canonical(), rw.newEdits.render(Trees.start(n), Trees.end(n), false));
            if (!targets.get(c).column().dropped()) {
                comma(cells);
                cells.add(plain.render(Trees.start(n), Trees.end(n)));
            }
        }
        for (MappedTable.Derived d : derived) {
            comma(cells);
            cells.add(fill(d, byColumn, Map.of()));
        }
        for (String column : clocks) {
            comma(cells);
            cells.add(table.clock(column));
        }
        int start = Trees.start(walker.itemNode(items.get(0)));
        int end = Trees.end(walker.itemNode(items.get(items.size() - 1)));
        plain.replace(start, end, Fragment.join(cells));
    }

    /**
     * The new side of an INSERT … SELECT into a table with derived or dropped columns whose rows come
     * from a set operation, a {@code *} or a parenthesized query, where no item stands for one
     * column: the query's rows are named by position in a CTE, and the new columns are picked or
     * computed from them ({@code INSERT INTO clients (id, full_name, name_search) WITH
     * schemashift_rows (c1, c2) AS (SELECT ?, ? UNION SELECT ?, ?) SELECT c1, c2, lower((c2)) FROM
     * schemashift_rows}, on every dialect). The query runs whole, so a {@code UNION} still compares
     * the rows with their dropped columns.
     */
    private void wrapRows(Edits plain, List<Target> targets, List<MappedTable.Derived> derived) {
        Select query = insert.getSelect();
        if (query.getWithItemsList() != null && !query.getWithItemsList().isEmpty()) {
            throw Refusal.unsupported(
                    "INSERT … WITH … SELECT with a set operation or * into a table with derived or dropped columns");
        }
        if (rw.narrowsResult) {
            // the new side's * leaves a dropped column out: its rows have fewer columns than the old side's
            throw Refusal.unsupported(
                    "INSERT … SELECT * of a table with dropped columns into a table with derived or dropped columns");
        }
        if (rw.names.dialect() == Dialect.H2 && selectsParameter(query)) {
            // the CTE's column would have no type: H2 types a selected ? only by the column it is inserted into
            throw Refusal.unsupported(
                    "on H2, INSERT … SELECT ? with a set operation or in parentheses into a table with derived or"
                            + " dropped columns");
        }
        SimpleNode n = childOf(rw.root, query);
        Map<String, Fragment> byColumn = new HashMap<>();
        List<String> positions = new ArrayList<>();
        List<Object> cells = new ArrayList<>();
        for (int c = 0; c < targets.size(); c++) {
            String position = "c" + (c + 1);
            positions.add(position);
            byColumn.put(targets.get(c).canonical(), new Fragment(position, List.of()));
            if (!targets.get(c).column().dropped()) {
                String type = table.newTypeCast(targets.get(c).canonical());
                comma(cells);
                cells.add(type == null ? position : "CAST(" + position + " AS " + type + ")");
            }
        }
        for (MappedTable.Derived d : derived) {
            comma(cells);
            cells.add(fill(d, byColumn, Map.of()));
        }
        int start = Trees.start(n);
        int end = Trees.end(n);
        plain.replace(
                start,
                end,
                Fragment.join(List.of(
                        "WITH schemashift_rows (" + String.join(", ", positions) + ") AS (",
                        plain.render(start, end),
                        ") SELECT ",
                        Fragment.join(cells),
                        " FROM schemashift_rows")));
    }

    /** Whether a select item of {@code query}, or of one of its branches, is a bare {@code ?}. */
    private static boolean selectsParameter(Select query) {
        if (query instanceof PlainSelect ps) {
            return ps.getSelectItems().stream().anyMatch(i -> i.getExpression() instanceof JdbcParameter);
        }
        if (query instanceof SetOperationList ops) {
            return ops.getSelects().stream().anyMatch(InsertRewriter::selectsParameter);
        }
        return !(query instanceof ParenthesedSelect p) || selectsParameter(p.getSelect());
    }

    /** The child of {@code parent} whose parse value is {@code value}. */
    private static SimpleNode childOf(SimpleNode parent, Object value) {
        for (int i = 0; i < parent.jjtGetNumChildren(); i++) {
            SimpleNode child = (SimpleNode) parent.jjtGetChild(i);
            if (child.jjtGetValue() == value) {
                return child;
            }
        }
        throw new Refusal(RefusalReason.INTERNAL_ERROR, "the INSERT's query is not in the parse tree");
    }

    /**
     * Whether the keys the rows give name every row the statement changes: not for a {@code
     * REPLACE} into a table with a unique index besides the key (or whose indexes were not read),
     * which deletes the rows that hold one of the new rows' values there, under other keys.
     */
    private boolean keysNameEveryRow() {
        if (!rw.replaces) {
            return true;
        }
        Map<String, List<String>> unique = table.mapping.uniqueKeys();
        return unique != null
                && unique.values().stream()
                        .allMatch(columns -> columns.size() == table.key.size()
                                && columns.stream().allMatch(c -> table.key.contains(rw.names.fold(c))));
    }

    /**
     * The one row's key of an {@code INSERT … SELECT} that selects each key column as a {@code ?}
     * or a literal ({@code SELECT ?, ? WHERE NOT EXISTS (…)}): every row it selects has that key,
     * so it inserts one row at most. Else none: the rows it inserts are not named in its text.
     */
    private List<List<ParamSource>> selectedKey(PlainSelect ps, boolean star, List<Target> targets) {
        if (star) {
            return List.of();
        }
        Map<String, ParamSource> simple = new HashMap<>();
        List<SelectItem<?>> items = ps.getSelectItems();
        for (int c = 0; c < items.size(); c++) {
            SimpleNode n = walker.itemNode(items.get(c));
            ParamSource s = simpleSource(new int[] {Trees.start(n), Trees.end(n)});
            if (s != null) {
                simple.put(targets.get(c).canonical(), s);
            }
        }
        List<ParamSource> key = rowKey(0, simple, List.of());
        return key == null ? List.of() : List.of(key);
    }

    /**
     * For an upsert, what decides its conflict and the values each row gives it: PostgreSQL's
     * {@code ON CONFLICT (…)} columns, or those of the index of {@code ON CONFLICT ON CONSTRAINT};
     * for one that conflicts on any unique index (MariaDB's {@code ON DUPLICATE KEY UPDATE}, {@code
     * ON CONFLICT DO NOTHING} without a target) every unique index of the table when they are
     * known, else the key when every row names it ({@code keys}); {@code null} when a row gives one
     * of them no parameter or literal, when the columns are not known, for an upsert whose update
     * sets the key (it moves the row it updates to a key no row names: the driver records the
     * whole table), or for a plain INSERT; {@link UpsertProbe#NOTHING} for a {@code REPLACE}.
     *
     * @param generated the key columns the database generates for this statement
     */
    private UpsertProbe probe(
            List<List<ParamSource>> keys, List<Map<String, ParamSource>> sources, List<String> generated) {
        List<UpdateSet> update = insert.getDuplicateUpdateSets() != null
                        && !insert.getDuplicateUpdateSets().isEmpty()
                ? insert.getDuplicateUpdateSets()
                : insert.getConflictAction() == null
                        ? null
                        : insert.getConflictAction().getUpdateSets();
        if (rw.replaces) {
            return UpsertProbe.NOTHING;
        }
        if (rw.mergesByKey) {
            return keys == null ? null : new UpsertProbe(table.mapping.key(), keys);
        }
        if (update == null && insert.getConflictAction() == null) {
            return null;
        }
        for (Column set : update == null ? List.<Column>of() : SetList.targets(update)) {
            if (table.key.contains(rw.names.canonical(set.getColumnName()))) {
                return null;
            }
        }
        InsertConflictTarget target = insert.getConflictTarget();
        if (target != null) {
            List<String> columns = targetColumns(target);
            List<List<ParamSource>> rows = columns == null ? null : rows(columns, sources);
            return rows == null ? null : new UpsertProbe(columns, rows);
        }
        if (table.mapping.uniqueKeys() != null) {
            return anyUniqueKey(sources, generated);
        }
        return keys == null ? null : new UpsertProbe(table.mapping.key(), keys);
    }

    /**
     * The old columns a conflict target names, or those of the constraint it names (its index, as
     * the catalog gave it); {@code null} for an index expression or a constraint not known.
     */
    private List<String> targetColumns(InsertConflictTarget target) {
        if (target.getIndexColumnNames() != null
                && !target.getIndexColumnNames().isEmpty()) {
            List<String> columns = new ArrayList<>();
            for (String written : target.getIndexColumnNames()) {
                columns.add(table.column(rw.names.canonical(written), written).name());
            }
            return columns;
        }
        String constraint = target.getConstraintName();
        return constraint == null || table.mapping.uniqueKeys() == null
                ? null
                : table.mapping.uniqueKeys().get(rw.names.canonical(constraint));
    }

    /**
     * MariaDB's {@code ON DUPLICATE KEY UPDATE} updates the row that equals the new one on any
     * unique index, not only the key. An index over a key the database generates for this
     * statement cannot conflict; {@code null} when a row gives a column of another index no
     * parameter or literal (left to its default, or computed).
     */
    private UpsertProbe anyUniqueKey(List<Map<String, ParamSource>> sources, List<String> generated) {
        List<String> columns = new ArrayList<>();
        List<List<Integer>> groups = new ArrayList<>();
        for (List<String> unique : table.mapping.uniqueKeys().values()) {
            if (unique.stream().anyMatch(c -> generated.stream().anyMatch(c::equalsIgnoreCase))) {
                continue;
            }
            List<Integer> group = new ArrayList<>();
            for (String c : unique) {
                int at = columns.indexOf(c);
                if (at < 0) {
                    columns.add(c);
                    at = columns.size() - 1;
                }
                group.add(at);
            }
            groups.add(group);
        }
        List<List<ParamSource>> rows = rows(columns, sources);
        return rows == null ? null : new UpsertProbe(columns, groups, groups.isEmpty() ? List.of() : rows);
    }

    /** Each row's source of each of {@code columns}; {@code null} when one is not a parameter or a literal. */
    private List<List<ParamSource>> rows(List<String> columns, List<Map<String, ParamSource>> sources) {
        List<List<ParamSource>> rows = new ArrayList<>();
        for (Map<String, ParamSource> simple : sources) {
            List<ParamSource> row = new ArrayList<>();
            for (String c : columns) {
                ParamSource s = simple.get(rw.names.fold(c));
                if (s == null) {
                    return null;
                }
                row.add(s);
            }
            rows.add(row);
        }
        return rows;
    }

    /** Renames the columns of {@code ON CONFLICT (…)}, which JSqlParser keeps as plain names. */
    private void conflictTarget(int from) {
        if (insert.getConflictTarget() == null) {
            return;
        }
        int i = from;
        while (i < tk.size() && !tk.isWord(i, "conflict")) {
            i++;
        }
        int open = tk.significant(i + 1);
        if (tk.isWord(open, "on")) {
            constraintTarget(open);
            return;
        }
        if (!tk.isPunct(open, '(')) {
            return;
        }
        for (int j = open + 1, close = tk.closing(open); j < close; j++) {
            if (tk.kind(j) == Tokens.WORD || tk.kind(j) == Tokens.QUOTED) {
                String written = tk.text(j);
                MappedTable.OldColumn oc = table.column(rw.names.canonical(written), written);
                if (oc == null || oc.dropped()) {
                    throw Refusal.unsupported("ON CONFLICT on a dropped or unknown column " + written);
                }
                if (oc.renamed()) {
                    rw.newEdits.replace(tk.start(j), tk.end(j), rw.names.sql(oc.newName()));
                }
            }
        }
    }

    /**
     * The indexes in {@code targets} of the key columns every row writes as {@code DEFAULT}; a key
     * column some rows write as DEFAULT and others not is refused (the rows' keys would not line up
     * with the keys the database returns).
     */
    private List<Integer> keysWrittenAsDefault(List<Target> targets, List<List<int[]>> items) {
        List<Integer> found = new ArrayList<>();
        for (int c = 0; c < targets.size(); c++) {
            if (!table.key.contains(targets.get(c).canonical())) {
                continue;
            }
            int defaults = 0;
            for (List<int[]> row : items) {
                if (Fragment.isDefault(rw.text(row.get(c)[0], row.get(c)[1]))) {
                    defaults++;
                }
            }
            if (defaults == items.size()) {
                found.add(c);
            } else if (defaults > 0) {
                throw Refusal.unsupported("DEFAULT as the key value of some rows only");
            }
        }
        return found;
    }

    private int indexOf(List<Target> targets, String key) {
        String canonical = rw.names.fold(key);
        for (int c = 0; c < targets.size(); c++) {
            if (targets.get(c).canonical().equals(canonical)) {
                return c;
            }
        }
        throw new IllegalStateException("key column " + key + " is not listed");
    }

    /**
     * {@code ON CONFLICT ON CONSTRAINT name} (from token {@code on}): constraint names are not
     * mapped (the new table's is another, in one schema it must be), so the new side names the
     * columns of the old constraint's index instead, by their new names; kept as written when the
     * catalog gave no such index (an exclusion constraint: its mirror fails, and is recorded).
     */
    private void constraintTarget(int on) {
        int name = tk.significant(tk.significant(on + 1) + 1);
        List<String> columns = table.mapping.uniqueKeys() == null
                ? null
                : table.mapping.uniqueKeys().get(rw.names.canonical(tk.text(name)));
        if (columns == null) {
            return;
        }
        List<String> renamed = new ArrayList<>();
        for (String column : columns) {
            MappedTable.OldColumn oc = table.column(rw.names.fold(column), column);
            if (oc == null || oc.dropped()) {
                throw Refusal.unsupported("ON CONFLICT on a constraint over a dropped or unknown column " + column);
            }
            renamed.add(rw.names.sql(oc.newName()));
        }
        rw.newEdits.replace(tk.start(on), tk.end(name), "(" + String.join(", ", renamed) + ")");
    }

    private List<String> generatedKeys(List<Target> targets) {
        List<String> missing = new ArrayList<>();
        for (String k : table.mapping.key()) {
            if (targets.stream().noneMatch(t -> t.canonical().equals(rw.names.fold(k)))) {
                missing.add(k);
            }
        }
        return missing;
    }

    /**
     * An old column the statement leaves to its default, where the new column's default differs:
     * each side would store its own value.
     */
    private void defaultsLeft(List<Target> targets) {
        for (String column : table.differingDefaults) {
            if (!table.key.contains(column)
                    && targets.stream().noneMatch(t -> t.canonical().equals(column))) {
                rw.nondeterminism.add(NonDeterminism.DEFAULT_COLUMN);
                return;
            }
        }
    }

    /**
     * The old columns (canonical) the statement leaves to a current-timestamp default both tables
     * share, which each side would read from its own clock. Where the statement cannot be given
     * them ({@code fillable} false: no column list, an {@code INSERT … SELECT *} or of a set
     * operation), or would then set them in a row it updates (H2's {@code MERGE}, whose row updates
     * the row of its key where there is one), it is {@link NonDeterminism#DEFAULT_COLUMN} instead,
     * and none are returned.
     */
    private List<String> clocksLeft(List<Target> targets, boolean fillable) {
        List<String> left = new ArrayList<>();
        for (String column : table.clockDefaults.keySet()) {
            if (!table.key.contains(column)
                    && targets.stream().noneMatch(t -> t.canonical().equals(column))) {
                left.add(column);
            }
        }
        if (!left.isEmpty() && (!fillable || rw.mergesByKey)) {
            rw.nondeterminism.add(NonDeterminism.DEFAULT_COLUMN);
            return List.of();
        }
        return left;
    }

    /**
     * Gives both sides one captured instant for each current-timestamp default: a {@code DEFAULT}
     * written for one becomes the instant, and each of {@code clocks} (left out) is added to the old
     * side's column list and rows (the new side's are rebuilt with them). Before the side statements'
     * copies are taken, so that every variant has them.
     */
    private void stampClocks(
            List<int[]> rows, List<List<int[]>> items, List<Target> targets, List<String> clocks, int listClose) {
        for (List<int[]> row : items) {
            for (int c = 0; c < row.size(); c++) {
                String column = targets.get(c).canonical();
                int[] span = row.get(c);
                if (table.clockDefaults.containsKey(column) && Fragment.isDefault(rw.text(span[0], span[1]))) {
                    rw.oldEdits.replace(span[0], span[1], table.clock(column));
                    rw.newEdits.replace(span[0], span[1], table.clock(column));
                }
            }
        }
        for (String column : clocks) {
            listClock(column, listClose);
            for (int[] row : rows) {
                rw.oldEdits.insert(tk.start(row[1]), Fragment.join(List.of(", ", table.clock(column))));
            }
        }
    }

    /** Adds current-timestamp column {@code column} to the end of the old side's column list. */
    private void listClock(String column, int listClose) {
        rw.oldEdits.insert(
                tk.start(listClose),
                ", " + rw.names.sql(table.column(column, column).name()));
    }

    /** {@code columns} (the new side's list) with the new names of current-timestamp columns {@code clocks}. */
    private List<String> withClocks(List<String> columns, List<String> clocks) {
        clocks.forEach(c -> columns.add(rw.names.sql(table.column(c, c).newName())));
        return columns;
    }

    /**
     * Derived columns whose every source the statement writes, or leaves out where the value it
     * then stores is known ({@link MappedTable#valueLeftOut}: computed from that value); the others
     * keep their default. Not in H2's {@code MERGE}, whose row updates the row of its key where
     * there is one: a column it leaves out keeps that row's value.
     */
    private List<MappedTable.Derived> derivedWritten(List<Target> targets) {
        List<MappedTable.Derived> written = new ArrayList<>();
        for (MappedTable.Derived d : table.derived) {
            if (d.sources().stream()
                    .allMatch(s -> targets.stream().anyMatch(t -> t.canonical().equals(s))
                            || (!rw.mergesByKey && table.valueLeftOut(s) != null))) {
                written.add(d);
            } else {
                rw.nondeterminism.add(NonDeterminism.DEFAULT_COLUMN);
            }
        }
        return written;
    }

    private List<String> newColumns(List<Target> targets, List<MappedTable.Derived> derived) {
        List<String> cols = new ArrayList<>();
        for (Target t : targets) {
            if (!t.column().dropped()) {
                cols.add(t.column().renamed() ? rw.names.sql(t.column().newName()) : t.written());
            }
        }
        derived.forEach(d -> cols.add(rw.names.sql(d.newName())));
        return cols;
    }

    private void replaceList(Edits edits, int listOpen, int listClose, SimpleNode tableNode, List<String> columns) {
        String list = "(" + String.join(", ", columns) + ")" + overriding;
        if (listOpen >= 0) {
            edits.replace(tk.start(listOpen), tk.end(listClose), list);
        } else {
            edits.insert(Trees.end(tableNode), " " + list);
        }
    }

    /**
     * The old side's column list for the keys the new side generated: the keys the statement leaves
     * out ({@code generated}) added, then {@link #overriding}.
     */
    private void oldKeyedList(
            Edits edits,
            int listOpen,
            int listClose,
            SimpleNode tableNode,
            List<Target> targets,
            List<String> generated) {
        List<String> keys = generated.stream().map(rw.names::sql).toList();
        if (listOpen >= 0) {
            if (!keys.isEmpty()) {
                edits.insert(tk.start(listClose), ", " + String.join(", ", keys));
            }
            edits.insert(tk.end(listClose), overriding);
        } else { // the parser reads OVERRIDING only after a column list
            List<String> cols =
                    new ArrayList<>(targets.stream().map(Target::written).toList());
            cols.addAll(keys);
            edits.insert(Trees.end(tableNode), " (" + String.join(", ", cols) + ")" + overriding);
        }
    }

    private Fragment fill(MappedTable.Derived d, Map<String, Fragment> byColumn, Map<String, ParamSource> simple) {
        List<Object> parts = new ArrayList<>();
        for (Object p : d.parts()) {
            if (p instanceof MappedTable.Source s) {
                Fragment v = byColumn.get(s.canonical());
                if (v == null) { // a source left out, its value known (derivedWritten)
                    parts.add(table.valueLeftOut(s.canonical()));
                    continue;
                }
                Fragment value = table.sourceValue(d, s.canonical(), v);
                boolean single =
                        value != v || simple.get(s.canonical()) != null; // a cast or a value left out: one term
                parts.add(single ? value : Fragment.join(List.of("(", value, ")")));
            } else {
                parts.add(p);
            }
        }
        return Fragment.join(parts);
    }

    private static Fragment row(List<Object> cells, List<Object> extra) {
        List<Object> parts = new ArrayList<>();
        parts.add("(");
        for (Object c : cells) {
            comma(parts);
            parts.add(c);
        }
        for (Object c : extra) {
            comma(parts);
            parts.add(c);
        }
        parts.add(")");
        return Fragment.join(parts);
    }

    private static void comma(List<Object> parts) {
        if (!parts.isEmpty() && !"(".equals(parts.get(parts.size() - 1))) {
            parts.add(", ");
        }
    }

    /** The key of row {@code r}: one source per key column, or {@code null} when one is an expression. */
    private List<ParamSource> rowKey(int r, Map<String, ParamSource> simple, List<String> generated) {
        List<ParamSource> key = new ArrayList<>();
        for (String k : table.mapping.key()) {
            int g = generated.indexOf(k);
            ParamSource s = g >= 0 ? new ParamSource.GeneratedKey(r, g) : simple.get(rw.names.fold(k));
            if (s == null) {
                return null;
            }
            key.add(s);
        }
        return List.copyOf(key);
    }

    /** A single {@code ?}, string or number (optionally signed): where the value comes from; else null. */
    private ParamSource simpleSource(int[] span) {
        int first = tk.indexAt(span[0]);
        int last = tk.indexAt(span[1]) - 1;
        if (first == last && tk.kind(first) == Tokens.PARAM) {
            return new ParamSource.Bound(tk.paramAt(tk.start(first)));
        }
        boolean signed = last == first + 1
                && (tk.isPunct(first, '-') || tk.isPunct(first, '+'))
                && tk.kind(last) == Tokens.NUMBER;
        if ((first == last && (tk.kind(first) == Tokens.STRING || tk.kind(first) == Tokens.NUMBER)) || signed) {
            return new ParamSource.Literal(rw.text(span[0], span[1]));
        }
        return null;
    }

    /** Item spans (character offsets) of the parenthesized list {@code open … close}, split at top-level commas. */
    private List<int[]> split(int open, int close) {
        List<int[]> items = new ArrayList<>();
        int depth = 0;
        int first = -1;
        int last = -1;
        for (int i = open + 1; i < close; i++) {
            if (tk.kind(i) == Tokens.COMMENT) {
                continue;
            }
            if (depth == 0 && tk.isPunct(i, ',')) {
                items.add(new int[] {tk.start(first), tk.end(last)});
                first = -1;
                continue;
            }
            if (tk.isPunct(i, '(')) {
                depth++;
            } else if (tk.isPunct(i, ')')) {
                depth--;
            }
            if (first < 0) {
                first = i;
            }
            last = i;
        }
        if (first >= 0) {
            items.add(new int[] {tk.start(first), tk.end(last)});
        }
        return items;
    }
}
