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
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * A {@code MERGE} into a mapped table that matches its rows by key: {@code USING} rows the
 * statement gives ({@code VALUES} or a {@code SELECT} without {@code FROM}), {@code ON} the
 * target's whole key equal to source columns and nothing else. Its rows are then known before it
 * runs, as an upsert's are: the driver looks up their keys on both sides first ({@link
 * UpsertProbe}), and a row one side holds and the other lacks (one side updates it, the other
 * inserts it) is recorded by key. The clauses are rewritten as an UPDATE's {@code SET} list and an
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
        Map<String, List<Expression>> rows = sourceRows(source);
        if (rows == null || sourceName == null) {
            throw Refusal.unsupported("a MERGE into mapped table " + tableName()
                    + " whose USING is not rows it gives (VALUES, or a SELECT without FROM, with an alias)");
        }
        Map<String, String> matched = matchedKey(target, sourceName);
        List<List<ParamSource>> keys = keys(rows, matched);
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
                insertsMatchedKey(i, matched, sourceName);
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
    private Map<String, List<Expression>> sourceRows(FromItem source) {
        if (source instanceof ParenthesedFromItem p && p.getFromItem() instanceof Values v) {
            return valuesRows(v, source.getAlias());
        }
        if (!(source instanceof ParenthesedSelect ps)) {
            return null;
        }
        if (ps.getSelect() instanceof Values v) {
            return valuesRows(v, source.getAlias());
        }
        if (!(ps.getSelect() instanceof PlainSelect select)
                || select.getFromItem() != null
                || select.getWhere() != null
                || select.getGroupBy() != null
                || select.getHaving() != null) {
            return null;
        }
        Map<String, List<Expression>> columns = new LinkedHashMap<>();
        for (SelectItem<?> item : select.getSelectItems()) {
            String name = item.getAlias() != null
                    ? item.getAlias().getName()
                    : item.getExpression() instanceof Column c ? c.getColumnName() : null;
            if (name == null) {
                return null;
            }
            columns.put(rw.names.canonical(name), List.of(item.getExpression()));
        }
        return columns;
    }

    private Map<String, List<Expression>> valuesRows(Values values, Alias alias) {
        if (alias == null || alias.getAliasColumns() == null) {
            return null;
        }
        List<String> names = alias.getAliasColumns().stream()
                .map(c -> rw.names.canonical(c.name))
                .toList();
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
        return columns;
    }

    /**
     * The source column each key column is matched with: {@code ON} is {@code target.k = source.c}
     * for every key column, joined by {@code AND}, and nothing else.
     */
    private Map<String, String> matchedKey(Scope.Source target, String sourceName) {
        List<Expression> terms = new ArrayList<>();
        conjuncts(merge.getOnCondition(), terms);
        Map<String, String> matched = new HashMap<>();
        for (Expression term : terms) {
            if (!(term instanceof EqualsTo eq
                    && eq.getLeftExpression() instanceof Column left
                    && eq.getRightExpression() instanceof Column right)) {
                throw notByKey();
            }
            Column key = of(left, target.alias() != null ? target.alias() : target.name()) ? left : right;
            Column other = key == left ? right : left;
            if (!of(key, target.alias() != null ? target.alias() : target.name()) || !of(other, sourceName)) {
                throw notByKey();
            }
            String k = rw.names.canonical(key.getColumnName());
            if (!table.key.contains(k) || matched.put(k, rw.names.canonical(other.getColumnName())) != null) {
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
                + " whose ON is not its key equal to the source's columns (ON t.key = s.column [AND …])");
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

    /** Per source row, its key: the values the source gives the matched columns, each a parameter or a literal. */
    private List<List<ParamSource>> keys(Map<String, List<Expression>> rows, Map<String, String> matched) {
        KeyFinder finder = new KeyFinder(rw);
        List<List<ParamSource>> keys = new ArrayList<>();
        for (String k : table.mapping.key()) {
            List<Expression> values = rows.get(matched.get(rw.names.canonical(k)));
            if (values == null) {
                throw new Refusal(
                        RefusalReason.UNKNOWN_COLUMN,
                        "the MERGE's source has no column " + matched.get(rw.names.canonical(k)));
            }
            for (int r = 0; r < values.size(); r++) {
                Expression v = values.get(r);
                while (v instanceof CastExpression cast) {
                    v = cast.getLeftExpression();
                }
                ParamSource s = finder.source(v);
                if (s == null) {
                    throw Refusal.unsupported("a MERGE into mapped table " + tableName()
                            + " whose source gives key column " + k + " other than a parameter or a literal");
                }
                if (keys.size() <= r) {
                    keys.add(new ArrayList<>());
                }
                keys.get(r).add(s);
            }
        }
        return keys.stream().map(List::copyOf).toList();
    }

    /**
     * The INSERT gives every key column the source column the row was matched on: the row it
     * inserts is the one the look-up found missing.
     */
    private void insertsMatchedKey(MergeInsert insert, Map<String, String> matched, String sourceName) {
        if (insert.getColumns() == null || insert.getColumns().isEmpty()) {
            throw Refusal.unsupported("a MERGE's INSERT without a column list");
        }
        Set<String> given = new HashSet<>();
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
            if (!(value instanceof Column v
                    && of(v, sourceName)
                    && rw.names.canonical(v.getColumnName()).equals(matched.get(column)))) {
                throw Refusal.unsupported("a MERGE whose INSERT gives key column " + column
                        + " another value than the source column it is matched on");
            }
            given.add(column);
        }
        if (!given.equals(new HashSet<>(table.key))) {
            throw Refusal.unsupported("a MERGE whose INSERT leaves key columns of " + tableName() + " out");
        }
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
