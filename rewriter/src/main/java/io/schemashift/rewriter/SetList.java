package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Rebuilds a {@code SET a = x, b = y} list (UPDATE, ON CONFLICT DO UPDATE, ON DUPLICATE KEY
 * UPDATE) for the new table: renamed targets, dropped ones left out, derived columns recomputed
 * when one of their sources is set.
 */
final class SetList {

    private static final Set<String> TERMINATORS =
            Set.of("where", "from", "returning", "order", "limit", "output", "when");

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
            Item item = item(us);
            int valueStart = tk.start(tk.significant(item.equals() + 1));
            int valueEnd = i + 1 < sets.size()
                    ? endBeforeComma(item(sets.get(i + 1)).start())
                    : listEnd(tk.indexAt(valueStart));
            if (listStart < 0) {
                listStart = item.start();
            }
            listEnd = valueEnd;
            List<int[]> valueSpans = us.getColumns().size() == 1
                    ? List.of(new int[] {valueStart, valueEnd})
                    : rowValues(valueStart, valueEnd, us.getColumns().size());
            for (int j = 0; j < valueSpans.size(); j++) {
                assign(us.getColumns().get(j), valueSpans.get(j), t, values, spans, out, newSet);
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
                Fragment instant = NonDeterministicCalls.instant(
                        "current_timestamp", rw.names.dialect(), 6); // the column keeps the digits it has
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

    /** Adds the new side's assignment of one set column, {@code span} its value's text range. */
    private void assign(
            Column column,
            int[] span,
            MappedTable t,
            Map<String, Fragment> values,
            Map<String, int[]> spans,
            List<Object> out,
            String newSet) {
        Tokens tk = rw.tokens;
        int valueStart = span[0];
        int valueEnd = span[1];
        int nameToken = rw.lastToken(Trees.end(rw.node(column)));
        String written = tk.text(nameToken);
        String canonical = rw.names.canonical(written);
        MappedTable.OldColumn oc = t.written(canonical, written);
        if (oc == null) {
            throw new Refusal(
                    RefusalReason.UNKNOWN_COLUMN, "column " + written + " is not a column of " + t.mapping.oldName());
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

    /**
     * Where a set item ({@code a = x}, or a row of columns {@code (a, b) = (x, y)}) starts, and its
     * {@code =} token.
     */
    private record Item(int start, int equals) {}

    private Item item(UpdateSet us) {
        Tokens tk = rw.tokens;
        List<Column> columns = us.getColumns();
        int first = tk.indexAt(Trees.start(rw.node(columns.get(0))));
        int open = tk.significantBefore(first);
        boolean row = open >= 0 && tk.isPunct(open, '(');
        int after = tk.significant(tk.indexAt(Trees.end(rw.node(columns.get(columns.size() - 1)))));
        int eq = row ? tk.significant(tk.closing(open) + 1) : after;
        if (!tk.isPunct(eq, '=')) {
            throw new IllegalStateException("no = after a SET column");
        }
        return new Item(row ? tk.start(open) : tk.start(first), eq);
    }

    /**
     * The text ranges of the values of a row {@code (x, y)} set to as many columns. PostgreSQL and H2
     * read every value of a row as the statement found the row, as they read the values of separate
     * assignments, so the new side sets each column on its own. A row from a subquery is refused: its
     * values have no text of their own.
     */
    private List<int[]> rowValues(int start, int end, int columns) {
        Tokens tk = rw.tokens;
        int open = tk.indexAt(start);
        int close = tk.isPunct(open, '(') ? tk.closing(open) : -1;
        int first = tk.significant(open + 1);
        if (close < 0
                || tk.end(close) != end
                || tk.isWord(first, "select")
                || tk.isWord(first, "with")
                || tk.isWord(first, "values")) {
            throw Refusal.unsupported("a SET (a, b) = … from anything but a row of values (a subquery)");
        }
        List<int[]> spans = new ArrayList<>();
        int depth = 0;
        int from = first;
        for (int i = first; i < close; i++) {
            if (tk.isPunct(i, '(')) {
                depth++;
            } else if (tk.isPunct(i, ')')) {
                depth--;
            } else if (depth == 0 && tk.isPunct(i, ',')) {
                spans.add(span(from, i));
                from = tk.significant(i + 1);
            }
        }
        spans.add(span(from, close));
        if (spans.size() != columns) {
            throw Refusal.unsupported(
                    "a SET (a, b) = (…) with " + spans.size() + " values for " + columns + " columns");
        }
        return spans;
    }

    /** The text from token {@code from} to the last token before {@code to} that is not a comment. */
    private int[] span(int from, int to) {
        Tokens tk = rw.tokens;
        int last = to - 1;
        while (last > from && tk.kind(last) == Tokens.COMMENT) {
            last--;
        }
        return new int[] {tk.start(from), tk.end(last)};
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
                    Fragment value = t.sourceValue(d, s.canonical(), v);
                    boolean term = value != v || single.get(s.canonical()); // a cast or a value left out: one term
                    parts.add(term ? value : Fragment.join(List.of("(", value, ")")));
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
        int cases = 0; // CASE … END open: its WHEN ends no list (a MERGE's next WHEN does)
        int last = from;
        for (int i = from; i < tk.size(); i++) {
            if (tk.isPunct(i, '(')) {
                depth++;
            } else if (tk.isPunct(i, ')')) {
                if (--depth < 0) {
                    break;
                }
            } else if (tk.isWord(i, "case")) {
                cases++;
            } else if (cases > 0 && tk.isWord(i, "end")) {
                cases--;
            } else if (depth == 0
                    && cases == 0
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
