package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.parser.SimpleNode;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Rebuilds a {@code SET a = x, b = y} list (UPDATE, ON CONFLICT DO UPDATE, ON DUPLICATE KEY
 * UPDATE) for the new table: renamed targets, dropped ones left out, derived columns recomputed
 * when one of their sources is set.
 */
final class SetList {

    private static final Set<String> TERMINATORS = Set.of("where", "from", "returning", "order", "limit", "output");

    private final Rewrite rw;
    /** Per set column of the list being rebuilt: whether its value is one token (needs no parentheses). */
    private final Map<String, Boolean> single = new LinkedHashMap<>();
    /** The table a multi-table UPDATE changes; {@code null} for any other list. */
    private Scope.Source joined;

    SetList(Rewrite rw) {
        this.rw = rw;
    }

    /** Target columns of the list, for the walker to leave alone. */
    static List<Column> targets(List<UpdateSet> sets) {
        List<Column> cols = new ArrayList<>();
        for (UpdateSet us : sets) {
            cols.addAll(us.getColumns());
        }
        return cols;
    }

    /**
     * @param qualifier prefix for new-side columns a derived expression reads but the list does not set
     * @param stamped the columns both tables stamp with the current timestamp at every UPDATE ({@link
     *     Reaches#stamped}): each one the list leaves alone is set to one captured instant on both
     *     sides
     */
    void rewrite(List<UpdateSet> sets, MappedTable t, String qualifier, Set<String> stamped) {
        rewrite(sets, t, qualifier, "", "", stamped);
    }

    /**
     * For a multi-table UPDATE (MariaDB) of {@code target}: every column it sets, the old side's
     * stamped ones too, is qualified by the table's alias or name (a joined table may have a column
     * of that name).
     */
    void rewriteJoined(List<UpdateSet> sets, Scope.Source target, Set<String> stamped) {
        String qualifier = target.newQualifier() + ".";
        joined = target;
        rewrite(sets, target.mapped(), qualifier, target.written() + ".", qualifier, stamped);
    }

    /**
     * @param oldSet prefix of the columns added to the old side's list
     * @param newSet prefix of the columns of the new side's list
     */
    private void rewrite(
            List<UpdateSet> sets, MappedTable t, String qualifier, String oldSet, String newSet, Set<String> stamped) {
        Tokens tk = rw.tokens;
        Map<String, Fragment> values = new LinkedHashMap<>();
        Map<String, int[]> spans = new LinkedHashMap<>();
        single.clear();
        List<Object> out = new ArrayList<>();
        int listStart = -1;
        int listEnd = -1;
        for (int i = 0; i < sets.size(); i++) {
            UpdateSet us = sets.get(i);
            if (us.getColumns().size() != 1 || us.getValues().size() != 1) {
                throw Refusal.unsupported("a multi-column SET (a, b) = (…)");
            }
            SimpleNode col = rw.node(us.getColumns().get(0));
            int eq = tk.significant(tk.indexAt(Trees.end(col)));
            if (!tk.isPunct(eq, '=')) {
                throw new IllegalStateException("no = after a SET column");
            }
            int valueStart = tk.start(tk.significant(eq + 1));
            int valueEnd = i + 1 < sets.size()
                    ? endBeforeComma(
                            Trees.start(rw.node(sets.get(i + 1).getColumns().get(0))))
                    : listEnd(tk.indexAt(valueStart));
            if (listStart < 0) {
                listStart = Trees.start(col);
            }
            listEnd = valueEnd;
            int nameToken = rw.lastToken(Trees.end(col));
            String written = tk.text(nameToken);
            String canonical = rw.names.canonical(written);
            MappedTable.OldColumn oc = t.written(canonical, written);
            if (oc == null) {
                throw new Refusal(
                        RefusalReason.UNKNOWN_COLUMN,
                        "column " + written + " is not a column of " + t.mapping.oldName());
            }
            boolean toDefault = Fragment.isDefault(tk.sql.substring(valueStart, valueEnd));
            if (toDefault && t.differingDefaults.contains(canonical)) {
                rw.nondeterminism.add(NonDeterminism.DEFAULT_COLUMN);
            }
            if (toDefault && t.clockDefaults.containsKey(canonical)) {
                // each side's clock would differ: both get the captured instant
                rw.oldEdits.replace(valueStart, valueEnd, t.clock(canonical));
                rw.newEdits.replace(valueStart, valueEnd, t.clock(canonical));
            }
            Fragment value = rw.newEdits.render(valueStart, valueEnd);
            values.put(canonical, value);
            spans.put(canonical, new int[] {valueStart, valueEnd});
            single.put(canonical, tk.indexAt(valueEnd) - tk.indexAt(valueStart) == 1);
            if (!oc.dropped()) {
                comma(out);
                out.add(newSet + (oc.renamed() ? rw.names.sql(oc.newName()) : written));
                out.add(" = ");
                out.add(t.castForNew(canonical, value));
            }
        }
        for (MappedTable.Derived d : t.derived) {
            if (d.sources().stream().anyMatch(values::containsKey)) {
                comma(out);
                out.add(newSet + rw.names.sql(d.newName()) + " = ");
                out.add(derivedValue(d, t, values, spans, qualifier));
            }
        }
        if (out.isEmpty()) {
            throw Refusal.unsupported("a SET that writes only dropped columns (nothing to mirror)");
        }
        for (String column : stamped) {
            if (!values.containsKey(column)) {
                MappedTable.OldColumn oc = t.column(column, column);
                Fragment instant = NonDeterministicCalls.instant("current_timestamp", rw.names.dialect());
                rw.oldEdits.insert(
                        listEnd, Fragment.join(List.of(", " + oldSet + rw.names.sql(oc.name()) + " = ", instant)));
                comma(out);
                out.add(newSet + rw.names.sql(oc.newName()) + " = ");
                out.add(instant);
            }
        }
        rw.newEdits.replace(listStart, listEnd, Fragment.join(out));
        rw.regenerated = true;
    }

    private Fragment derivedValue(
            MappedTable.Derived d,
            MappedTable t,
            Map<String, Fragment> values,
            Map<String, int[]> spans,
            String qualifier) {
        List<Object> parts = new ArrayList<>();
        for (Object p : d.parts()) {
            if (p instanceof MappedTable.Source s) {
                Fragment v = values.get(s.canonical());
                MappedTable.OldColumn oc = t.column(s.canonical(), s.canonical());
                int[] span = spans.get(s.canonical());
                boolean reads = v != null && rw.hasColumnIn(span[0], span[1]);
                if (reads && joined != null) {
                    refuseReadingTheTarget(d, span);
                }
                // MariaDB assigns left to right: a value that reads columns is read back from its new column
                // (not in a multi-table UPDATE, which keeps no order: there it reads other tables only)
                boolean readBack = v == null
                        || (rw.names.dialect() == Dialect.MARIADB
                                && reads
                                && joined == null
                                && oc != null
                                && !oc.dropped());
                if (readBack) {
                    if (oc == null || oc.dropped()) {
                        throw Refusal.unsupported("derived column " + d.newName() + " over a dropped column");
                    }
                    parts.add(qualifier + rw.names.sql(oc.newName()));
                } else {
                    d.refuseDefaultSource(v); // MariaDB alone reads it back from the new column (above)
                    parts.add(single.get(s.canonical()) ? v : Fragment.join(List.of("(", v, ")")));
                }
            } else {
                parts.add(p);
            }
        }
        return Fragment.join(parts);
    }

    /**
     * A multi-table UPDATE assigns in no documented order: a derived column's source set from the
     * changed table's own columns could be read before or after its assignment.
     */
    private void refuseReadingTheTarget(MappedTable.Derived d, int[] span) {
        for (Column c : rw.columnsIn(span[0], span[1])) {
            boolean own = c.getTable() == null || c.getTable().getName() == null
                    ? joined.mapped().column(rw.names.canonical(c.getColumnName()), c.getColumnName()) != null
                    : joined.matches(rw.names.canonical(c.getTable().getName()));
            if (own) {
                throw Refusal.unsupported("a multi-table UPDATE that sets a source of derived column " + d.newName()
                        + " from its own table's columns");
            }
        }
    }

    private static void comma(List<Object> out) {
        if (!out.isEmpty()) {
            out.add(", ");
        }
    }

    /** End of the last non-comment token before the comma that precedes {@code nextStart}. */
    private int endBeforeComma(int nextStart) {
        Tokens tk = rw.tokens;
        int i = tk.indexAt(nextStart) - 1;
        while (i >= 0 && (tk.kind(i) == Tokens.COMMENT || tk.isPunct(i, ','))) {
            i--;
        }
        return tk.end(i);
    }

    /** End of the last value: the last token before a clause keyword, {@code ;} or the end, at depth 0. */
    private int listEnd(int from) {
        Tokens tk = rw.tokens;
        int depth = 0;
        int last = from;
        for (int i = from; i < tk.size(); i++) {
            if (tk.isPunct(i, '(')) {
                depth++;
            } else if (tk.isPunct(i, ')')) {
                if (--depth < 0) {
                    break;
                }
            } else if (depth == 0
                    && (tk.isPunct(i, ';')
                            || (tk.kind(i) == Tokens.WORD
                                    && TERMINATORS.contains(tk.text(i).toLowerCase(java.util.Locale.ROOT))))) {
                break;
            }
            if (tk.kind(i) != Tokens.COMMENT) {
                last = i;
            }
        }
        return tk.end(last);
    }
}
