package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserTreeConstants;
import net.sf.jsqlparser.parser.SimpleNode;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.merge.MergeInsert;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * A {@code MERGE} into a mapped table that matches its rows by key: {@code USING} rows the
 * statement gives ({@code VALUES} or a {@code SELECT} without {@code FROM}), {@code ON} the
 * target's whole key equal to source columns or to values (a parameter or a literal: jOOQ's {@code
 * USING (SELECT 1) ON (t.id = ?)}) and nothing else. Its rows are then known before it runs, as an
 * upsert's are: the driver looks up their keys on both sides first ({@link UpsertProbe}), and a row
 * one side holds and the other lacks (one side updates it, the other inserts it) is recorded by
 * key. A key matched to a value is looked up twice, by that value and by the one the INSERT gives
 * it (which the statement alone does not tie to it): whichever row one side lacks, both are
 * recorded. The clauses are rewritten as an UPDATE's {@code SET} list and an
 * INSERT's row are. Any other MERGE into a mapped table is refused: the rows it changes are not
 * known until it has run.
 */
final class MergeRewriter {

    private final Rewrite rw;
    private final ColumnWalker walker;
    private final Merge merge;
    private final MappedTable table;
    private final Set<String> stamped;

    MergeRewriter(Rewrite rw, ColumnWalker walker, Merge merge, MappedTable table, Set<String> stamped) {
        this.rw = rw;
        this.walker = walker;
        this.merge = merge;
        this.table = table;
        this.stamped = stamped;
    }

    /** How {@code ON} matches one key column: to a source column (canonical), or to a value. */
    private record Match(String sourceColumn, Expression value) {}

    /** The {@code USING} rows: how many, and the named columns' values in each (canonical names). */
    private record SourceRows(int count, Map<String, List<Expression>> columns) {}

    /** @param top the statement's scope, holding the target alone */
    StatementRewriter.WriteExtras rewrite(Scope top) {
        Scope.Source target = top.sources.get(0);
        if (merge.getWithItemsList() != null && !merge.getWithItemsList().isEmpty()) {
            throw Refusal.unsupported("a MERGE into mapped table " + tableName() + " with WITH");
        }
        FromItem source = merge.getFromItem();
        String sourceName = source == null || source.getAlias() == null
                ? null
                : rw.names.canonical(source.getAlias().getName());
        SourceRows rows = sourceRows(source);
        if (rows == null) {
            throw Refusal.unsupported("a MERGE into mapped table " + tableName()
                    + " whose USING is not rows it gives (VALUES, or a SELECT without FROM)");
        }
        Map<String, Match> matched = matchedKey(target, sourceName);
        boolean byValue = matched.values().stream().anyMatch(m -> m.value() != null);
        if (byValue && rows.count() != 1) {
            throw notByKey();
        }
        List<List<ParamSource>> keys = new ArrayList<>(keys(rows, matched));
        MergeInsert insert = null;
        List<List<UpdateSet>> updates = new ArrayList<>();
        for (MergeOperation op : merge.getOperations()) {
            if (op instanceof MergeUpdate u) {
                if (u.getWhereCondition() != null || u.getDeleteWhereCondition() != null) {
                    throw Refusal.unsupported("a MERGE's UPDATE … WHERE");
                }
                for (Column c : SetList.targets(u.getUpdateSets())) {
                    if (table.key.contains(rw.names.canonical(c.getColumnName()))) {
                        throw Refusal.unsupported(
                                "a MERGE that sets key column " + c.getColumnName() + " of " + tableName());
                    }
                    walker.skip(c);
                }
                walker.setValues(u.getUpdateSets(), table);
                updates.add(u.getUpdateSets());
            } else if (op instanceof MergeInsert i) {
                if (insert != null || i.getWhereCondition() != null) {
                    throw Refusal.unsupported("this MERGE … INSERT form");
                }
                List<ParamSource> inserted = insertedKey(i, matched, sourceName, rows);
                if (byValue) {
                    keys.add(inserted);
                }
                i.getColumns().forEach(walker::skip);
                insert = i;
            } else if (!(op instanceof MergeDelete)) {
                throw Refusal.unsupported("this MERGE clause");
            }
        }
        refuseUnqualified();
        walker.addSource(top, source);
        walker.walk(rw.root, top);
        for (List<UpdateSet> sets : updates) {
            new SetList(rw).rewrite(sets, table, target.newQualifier() + ".", stamped);
            walker.valuesRead(sets);
            walker.valuesRespelled(sets, table);
        }
        if (!table.roundedApart.isEmpty()) {
            rw.nondeterminism.add(NonDeterminism.ROUNDS_APART); // values not judged per row: mirrored and recorded
        }
        Edits newSide = rw.newEdits;
        if (insert != null) {
            Insert asInsert = new Insert();
            asInsert.setTable(merge.getTable());
            asInsert.setColumns(insert.getColumns());
            asInsert.setSelect(new Values(insert.getValues()));
            newSide = new InsertRewriter(rw, walker, asInsert, table, stamped)
                    .rewrite(target)
                    .newSide();
        }
        return new StatementRewriter.WriteExtras(
                table, newSide, List.of(), null, null, keys, new UpsertProbe(table.mapping.key(), keys), null, null);
    }

    private String tableName() {
        return table.mapping.oldName();
    }

    /**
     * The source's columns, canonical, each with its value in every row; {@code null} when the
     * source is not rows the statement gives.
     */
    private SourceRows sourceRows(FromItem source) {
        if (source instanceof ParenthesedFromItem p && p.getFromItem() instanceof Values v) {
            return valuesRows(v, source.getAlias());
        }
        if (!(source instanceof ParenthesedSelect ps)) {
            return null;
        }
        if (ps.getSelect() instanceof Values v) {
            return valuesRows(v, source.getAlias());
        }
        // jOOQ sends several rows as SELECT … UNION ALL SELECT …: any set operation keeps some of them
        List<?> selects = ps.getSelect() instanceof SetOperationList ops ? ops.getSelects() : List.of(ps.getSelect());
        List<String> names = null;
        Map<String, List<Expression>> columns = new LinkedHashMap<>();
        for (Object each : selects) {
            if (!(each instanceof PlainSelect select) || !withoutFrom(select)) {
                return null;
            }
            List<SelectItem<?>> items = select.getSelectItems();
            if (names == null) {
                names = columnNames(items, source.getAlias());
            }
            if (items.size() != names.size()) {
                return null;
            }
            for (int c = 0; c < items.size(); c++) {
                if (names.get(c) != null) { // SELECT 1: a column no clause can name
                    columns.computeIfAbsent(names.get(c), n -> new ArrayList<>())
                            .add(items.get(c).getExpression());
                }
            }
        }
        return new SourceRows(selects.size(), columns);
    }

    /** A SELECT of values alone: no {@code FROM} but {@code DUAL}, no {@code WHERE}, grouping or join. */
    private static boolean withoutFrom(PlainSelect select) {
        return (select.getFromItem() == null
                        || (select.getFromItem() instanceof net.sf.jsqlparser.schema.Table t
                                && "dual".equalsIgnoreCase(t.getName())))
                && select.getJoins() == null
                && select.getWhere() == null
                && select.getGroupBy() == null
                && select.getHaving() == null;
    }

    /**
     * The canonical name of each selected column, {@code null} for one without a name: the
     * source's alias columns ({@code AS s(a, b)}) where it has them, else each item's alias or
     * column name.
     */
    private List<String> columnNames(List<SelectItem<?>> items, Alias alias) {
        List<String> aliased = aliasColumns(alias);
        if (aliased != null) {
            return aliased;
        }
        List<String> names = new ArrayList<>();
        for (SelectItem<?> item : items) {
            String name = item.getAlias() != null
                    ? item.getAlias().getName()
                    : item.getExpression() instanceof Column c ? c.getColumnName() : null;
            names.add(name == null ? null : rw.names.canonical(name));
        }
        return names;
    }

    /** The canonical names an alias gives the source's columns ({@code AS s(a, b)}), or {@code null}. */
    private List<String> aliasColumns(Alias alias) {
        return alias == null || alias.getAliasColumns() == null
                ? null
                : alias.getAliasColumns().stream()
                        .map(c -> rw.names.canonical(c.name))
                        .toList();
    }

    private SourceRows valuesRows(Values values, Alias alias) {
        List<String> names = aliasColumns(alias);
        if (names == null) {
            return null;
        }
        Map<String, List<Expression>> columns = new LinkedHashMap<>();
        names.forEach(n -> columns.put(n, new ArrayList<>()));
        List<? extends Expression> given = values.getExpressions();
        // the parser gives one row of several values as its values, not as a row of them
        List<? extends Expression> rows =
                names.size() > 1 && given.stream().noneMatch(e -> e instanceof ExpressionList<?>)
                        ? List.of(new ExpressionList<>(given))
                        : given;
        for (Expression row : rows) {
            List<? extends Expression> cells = row instanceof ExpressionList<?> list ? list : List.of(row);
            if (cells.size() != names.size()) {
                return null;
            }
            for (int c = 0; c < names.size(); c++) {
                columns.get(names.get(c)).add(cells.get(c));
            }
        }
        return new SourceRows(rows.size(), columns);
    }

    /**
     * What each key column is matched with: {@code ON} is {@code target.k = source.c} or {@code
     * target.k = <parameter or literal>} for every key column, joined by {@code AND}, and nothing
     * else.
     */
    private Map<String, Match> matchedKey(Scope.Source target, String sourceName) {
        String targetName = target.alias() != null ? target.alias() : target.name();
        List<Expression> terms = new ArrayList<>();
        conjuncts(merge.getOnCondition(), terms);
        Map<String, Match> matched = new HashMap<>();
        for (Expression term : terms) {
            if (!(term instanceof EqualsTo eq)) {
                throw notByKey();
            }
            boolean keyLeft = eq.getLeftExpression() instanceof Column c && of(c, targetName);
            if (!((keyLeft ? eq.getLeftExpression() : eq.getRightExpression()) instanceof Column key
                    && of(key, targetName))) {
                throw notByKey();
            }
            Expression other = keyLeft ? eq.getRightExpression() : eq.getLeftExpression();
            Match m = other instanceof Column c && sourceName != null && of(c, sourceName)
                    ? new Match(rw.names.canonical(c.getColumnName()), null)
                    : value(other) != null ? new Match(null, other) : null;
            String k = rw.names.canonical(key.getColumnName());
            if (m == null || !table.key.contains(k) || matched.put(k, m) != null) {
                throw notByKey();
            }
        }
        if (!matched.keySet().equals(new HashSet<>(table.key))) {
            throw notByKey();
        }
        return matched;
    }

    private Refusal notByKey() {
        return Refusal.unsupported("a MERGE into mapped table " + tableName()
                + " whose ON is not its key equal to the source's columns or to values (ON t.key = s.column [AND …],"
                + " or t.key = ? with one source row)");
    }

    private static void conjuncts(Expression e, List<Expression> into) {
        if (e instanceof AndExpression and) {
            conjuncts(and.getLeftExpression(), into);
            conjuncts(and.getRightExpression(), into);
        } else if (e instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
            conjuncts(list.get(0), into);
        } else {
            into.add(e);
        }
    }

    /** Whether {@code c} is qualified by {@code canonicalName}. */
    private boolean of(Column c, String canonicalName) {
        return c.getTable() != null
                && c.getTable().getName() != null
                && rw.names.canonical(c.getTable().getName()).equals(canonicalName);
    }

    /**
     * Per source row, its key: the values the source gives the matched columns, or those the key is
     * matched to, each a parameter or a literal.
     */
    private List<List<ParamSource>> keys(SourceRows rows, Map<String, Match> matched) {
        List<List<ParamSource>> keys = new ArrayList<>();
        for (int r = 0; r < rows.count(); r++) {
            List<ParamSource> key = new ArrayList<>();
            for (String k : table.mapping.key()) {
                Match m = matched.get(rw.names.canonical(k));
                Expression v = m.value();
                if (m.sourceColumn() != null) {
                    List<Expression> values = rows.columns().get(m.sourceColumn());
                    if (values == null) {
                        throw new Refusal(
                                RefusalReason.UNKNOWN_COLUMN, "the MERGE's source has no column " + m.sourceColumn());
                    }
                    v = values.get(r);
                }
                ParamSource s = value(v);
                if (s == null) {
                    throw Refusal.unsupported("a MERGE into mapped table " + tableName()
                            + " whose source gives key column " + k + " other than a parameter or a literal");
                }
                key.add(s);
            }
            keys.add(List.copyOf(key));
        }
        return keys;
    }

    /** A parameter or a literal, in a {@code CAST} or not; {@code null} for anything else. */
    private ParamSource value(Expression v) {
        while (v instanceof CastExpression cast) {
            v = cast.getLeftExpression();
        }
        return new KeyFinder(rw).source(v);
    }

    /**
     * The key the INSERT gives its row, in key order. A key column matched to a source column gets
     * that column (the row it inserts is the one the look-up found missing); one matched to a value
     * gets a parameter, a literal or a source column that is one.
     */
    private List<ParamSource> insertedKey(
            MergeInsert insert, Map<String, Match> matched, String sourceName, SourceRows rows) {
        if (insert.getColumns() == null || insert.getColumns().isEmpty()) {
            throw Refusal.unsupported("a MERGE's INSERT without a column list");
        }
        Map<String, ParamSource> given = new HashMap<>();
        for (int c = 0; c < insert.getColumns().size(); c++) {
            String column = rw.names.canonical(insert.getColumns().get(c).getColumnName());
            if (!table.key.contains(column)) {
                continue;
            }
            Expression value =
                    c < insert.getValues().size() ? insert.getValues().get(c) : null;
            if (value instanceof Column v && unqualified(v)) {
                throw notQualified(v);
            }
            Match m = matched.get(column);
            String fromSource = value instanceof Column v && sourceName != null && of(v, sourceName)
                    ? rw.names.canonical(v.getColumnName())
                    : null;
            // with one source row (a key matched to a value), a source column holds one value
            ParamSource s = fromSource == null
                    ? value(value)
                    : rows.columns().containsKey(fromSource)
                            ? value(rows.columns().get(fromSource).get(0))
                            : null;
            if (m.sourceColumn() != null ? !m.sourceColumn().equals(fromSource) : s == null) {
                throw Refusal.unsupported("a MERGE whose INSERT gives key column " + column
                        + (m.sourceColumn() != null
                                ? " another value than the source column it is matched on"
                                : " other than a parameter or a literal"));
            }
            given.put(column, s);
        }
        if (!given.keySet().equals(new HashSet<>(table.key))) {
            throw Refusal.unsupported("a MERGE whose INSERT leaves key columns of " + tableName() + " out");
        }
        return table.mapping.key().stream()
                .map(k -> given.get(rw.names.canonical(k)))
                .toList();
    }

    /**
     * A column written without a qualifier, outside the lists of columns set and inserted, that the
     * target has: in a MERGE it may name the source's column instead, which the walk cannot tell.
     */
    private void refuseUnqualified() {
        List<SimpleNode> nodes = new ArrayList<>();
        Trees.collect(rw.root, CCJSqlParserTreeConstants.JJTCOLUMN, nodes);
        for (SimpleNode n : nodes) {
            if (n.jjtGetValue() instanceof Column c
                    && !walker.skipped(c)
                    && unqualified(c)
                    && changed(rw.names.canonical(c.getColumnName()))) {
                throw notQualified(c);
            }
        }
    }

    private static boolean unqualified(Column c) {
        return c.getTable() == null || c.getTable().getName() == null;
    }

    private Refusal notQualified(Column c) {
        return new Refusal(
                RefusalReason.AMBIGUOUS_COLUMN,
                "column " + c.getColumnName() + " in a MERGE into mapped table " + tableName()
                        + " is not qualified (write t." + c.getColumnName() + " or s." + c.getColumnName() + ")");
    }

    /** Whether the new table names, drops or types column {@code canonical} otherwise. */
    private boolean changed(String canonical) {
        return table.affects(canonical) || table.newTypeCast(canonical) != null;
    }
}
