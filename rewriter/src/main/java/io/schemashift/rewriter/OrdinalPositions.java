package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * {@code ORDER BY 6} and {@code GROUP BY 2} count the select list's columns. A {@code *} leaves a
 * dropped column out on the new side, so from that column's place on a position names another
 * column there, or none: such a query would sort or group by something else without an error.
 */
final class OrdinalPositions {

    private OrdinalPositions() {}

    /**
     * Refuses {@code ps} when one of its positions falls at or after a column its {@code *} leaves
     * out.
     *
     * @param unionOrder the {@code ORDER BY} of the set operation ({@code UNION}…) whose first branch
     *     {@code ps} is: its positions count this select list too; else empty
     */
    static void refuseShifted(PlainSelect ps, Scope scope, Names names, List<OrderByElement> unionOrder) {
        List<Expression> positionals = positionals(ps);
        unionOrder.forEach(o -> positionals.add(o.getExpression()));
        long highest = 0;
        for (Expression e : positionals) {
            if (e instanceof LongValue position) {
                highest = Math.max(highest, position.getValue());
            }
        }
        if (highest > 0 && highest >= firstShifted(ps, scope, names)) {
            throw Refusal.unsupported(
                    "an ORDER BY or GROUP BY position at or after a column that * leaves out (dropped in the new schema)");
        }
    }

    private static List<Expression> positionals(PlainSelect ps) {
        List<Expression> out = new ArrayList<>();
        if (ps.getOrderByElements() != null) {
            for (OrderByElement o : ps.getOrderByElements()) {
                out.add(o.getExpression());
            }
        }
        if (ps.getGroupBy() != null && ps.getGroupBy().getGroupByExpressionList() != null) {
            for (Object e : ps.getGroupBy().getGroupByExpressionList()) {
                out.add((Expression) e);
            }
        }
        return out;
    }

    /**
     * The first position (1-based) that names another column on the new side: that of the first
     * dropped column a {@code *} leaves out, or earlier where a {@code *} of a table whose columns are
     * not known comes before it; {@link Long#MAX_VALUE} when nothing is left out.
     */
    private static long firstShifted(PlainSelect ps, Scope scope, Names names) {
        long position = 1;
        long unknownFrom = Long.MAX_VALUE;
        for (SelectItem<?> item : ps.getSelectItems()) {
            List<Scope.Source> read;
            if (item.getExpression() instanceof AllTableColumns all) {
                Scope.Source s =
                        scope.byQualifier(names.canonical(all.getTable().getName()));
                read = s == null ? List.of() : List.of(s);
            } else if (item.getExpression() instanceof AllColumns) {
                read = scope.starSources();
            } else {
                position++;
                continue;
            }
            for (Scope.Source s : read) {
                MappedTable m = s.mapped();
                if (m == null || !m.columnsKnown) {
                    unknownFrom = Math.min(unknownFrom, position);
                    continue; // its width is not known here; a later dropped column still shifts
                }
                for (MappedTable.OldColumn c : m.oldColumns) {
                    if (c.dropped()) {
                        return Math.min(unknownFrom, position);
                    }
                    position++;
                }
            }
        }
        return Long.MAX_VALUE;
    }
}
