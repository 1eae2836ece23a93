package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * The keys of the rows an UPDATE or DELETE affects, when its WHERE pins them: {@code key = ?},
 * {@code key = 5} or {@code key IN (…)}, AND-ed with anything else.
 */
final class KeyFinder {

    private final Rewrite rw;

    KeyFinder(Rewrite rw) {
        this.rw = rw;
    }

    /**
     * The keys of the rows an UPDATE affects, under their keys before and after it: one that sets a
     * key column moves its row, which then differs under both keys when only one side moved it.
     * Named when the statement gives both (one row, each key column it sets to a {@code ?} or a
     * literal); else none.
     */
    List<List<ParamSource>> keys(Update update, Scope.Source target) {
        List<List<ParamSource>> before = keys(update.getWhere(), target);
        List<String> key = target.mapped().key;
        Map<String, ParamSource> set = new HashMap<>();
        for (UpdateSet us : update.getUpdateSets()) {
            for (int i = 0; i < us.getColumns().size(); i++) {
                String column = rw.names.canonical(us.getColumns().get(i).getColumnName());
                if (key.contains(column)) {
                    ParamSource value = us.getValues().size() == us.getColumns().size()
                            ? source(us.getValues().get(i))
                            : null;
                    if (value == null) {
                        return List.of();
                    }
                    set.put(column, value);
                }
            }
        }
        if (set.isEmpty()) {
            return before;
        }
        if (before.size() != 1) {
            return List.of();
        }
        List<ParamSource> after = new ArrayList<>();
        for (int k = 0; k < key.size(); k++) {
            after.add(set.getOrDefault(key.get(k), before.get(0).get(k)));
        }
        return List.of(before.get(0), List.copyOf(after));
    }

    List<List<ParamSource>> keys(Expression where, Scope.Source target) {
        MappedTable t = target.mapped();
        Map<String, List<ParamSource>> found = new HashMap<>();
        List<Expression> conjuncts = new ArrayList<>();
        if (!flatten(where, conjuncts)) {
            return List.of();
        }
        for (Expression e : conjuncts) {
            if (e instanceof EqualsTo eq) {
                pin(eq.getLeftExpression(), List.of(eq.getRightExpression()), target, found);
                pin(eq.getRightExpression(), List.of(eq.getLeftExpression()), target, found);
            } else if (e instanceof InExpression in
                    && !in.isNot()
                    && in.getRightExpression() instanceof ExpressionList<?> list) {
                pin(in.getLeftExpression(), List.copyOf(list), target, found);
            }
        }
        if (!found.keySet().containsAll(t.key) || found.containsValue(null)) {
            return List.of();
        }
        if (t.key.size() == 1) {
            return found.get(t.key.get(0)).stream().map(List::of).toList();
        }
        List<ParamSource> row = new ArrayList<>();
        for (String k : t.key) {
            if (found.get(k).size() != 1) {
                return List.of();
            }
            row.add(found.get(k).get(0));
        }
        return List.of(row);
    }

    /**
     * Adds the conjuncts of {@code e} to {@code into}. JSqlParser 5.3 parses {@code x IN (…) AND y}
     * as {@code x IN ((…) AND y)} and {@code x IN (…) OR y} as {@code x IN ((…) OR y)}, also
     * within an AND (JSqlParser issue 2244, fixed in 5.4): the ANDs after an IN list are put back
     * beside it; after an OR the tree's conjunctions cannot be trusted.
     *
     * @return {@code false} when they cannot: the statement names no keys
     */
    private static boolean flatten(Expression e, List<Expression> into) {
        if (e instanceof AndExpression and) {
            return flatten(and.getLeftExpression(), into) && flatten(and.getRightExpression(), into);
        }
        if (e instanceof InExpression in
                && (in.getRightExpression() instanceof OrExpression
                        || in.getRightExpression() instanceof XorExpression)) {
            return false;
        }
        if (e instanceof InExpression in && in.getRightExpression() instanceof AndExpression swallowed) {
            List<Expression> after = new ArrayList<>();
            if (!flatten(swallowed, after)) {
                return false;
            }
            InExpression list = new InExpression(in.getLeftExpression(), after.get(0)).withNot(in.isNot());
            into.add(list);
            into.addAll(after.subList(1, after.size()));
            return true;
        }
        if (e != null) {
            into.add(e);
        }
        return true;
    }

    /** Records {@code values} for a key column of the target; a key pinned twice becomes unknown. */
    private void pin(
            Expression column,
            List<? extends Expression> values,
            Scope.Source target,
            Map<String, List<ParamSource>> found) {
        if (!(column instanceof Column c) || !ofTarget(c, target)) {
            return;
        }
        String canonical = rw.names.canonical(c.getColumnName());
        if (!target.mapped().key.contains(canonical)) {
            return;
        }
        List<ParamSource> sources = new ArrayList<>();
        for (Expression v : values) {
            ParamSource s = source(v);
            if (s == null) {
                found.put(canonical, null);
                return;
            }
            sources.add(s);
        }
        found.merge(canonical, sources, (a, b) -> null);
    }

    private boolean ofTarget(Column c, Scope.Source target) {
        return c.getTable() == null
                || c.getTable().getName() == null
                || target.matches(rw.names.canonical(c.getTable().getName()));
    }

    /** Where a value written as {@code v} comes from: a {@code ?} or a number or string literal; else {@code null}. */
    ParamSource source(Expression v) {
        if (v instanceof JdbcParameter p && p.getASTNode() != null) {
            int n = rw.tokens.paramAt(Trees.start(p.getASTNode()));
            return n > 0 ? new ParamSource.Bound(n) : null;
        }
        if (v instanceof LongValue || v instanceof StringValue || v instanceof DoubleValue) {
            return new ParamSource.Literal(v.toString());
        }
        if (v instanceof SignedExpression s
                && s.getSign() == '-'
                && (s.getExpression() instanceof LongValue || s.getExpression() instanceof DoubleValue)) {
            return new ParamSource.Literal(s.toString()); // -5, as an INSERT's key cell gives it
        }
        return null;
    }
}
