package io.schemashift.rewriter;

import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTCASEWHENEXPRESSION;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTCOLUMN;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTEXPRESSION;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTEXPRESSIONLIST;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTFUNCTION;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTINEXPRESSION;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTPLAINSELECT;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTPRIMARYEXPRESSION;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTREGULARCONDITION;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTSELECTITEM;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTTABLENAME;
import static net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.JJTWITHITEM;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.UserVariable;
import net.sf.jsqlparser.expression.VariableAssignment;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.ASTNodeAccess;
import net.sf.jsqlparser.parser.SimpleNode;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Walks JSqlParser's node tree once, in text order, and records the edits every statement kind
 * needs: mapped table names, column names (resolved through {@link Scope}s), {@code *}
 * expansion, select labels kept, and non-deterministic calls.
 */
final class ColumnWalker {

    private final Rewrite rw;
    private final Names names;
    /** Columns handled by the statement-specific code (INSERT and SET targets). */
    private final Set<Column> skipped = Collections.newSetFromMap(new IdentityHashMap<>());
    /** FROM-item tables, with the source they stand for. */
    private final Map<Table, Scope.Source> sources = new IdentityHashMap<>();

    private final Map<Table, SimpleNode> tableNodes = new IdentityHashMap<>();
    /**
     * The table a locking clause names ({@code FOR UPDATE OF customers}), with the scope of its
     * select; {@code null} until one does (most statements have none).
     */
    private Map<Table, Scope> lockedTables;

    private final Map<SelectItem<?>, SimpleNode> itemNodes = new IdentityHashMap<>();
    /** The {@code ORDER BY} of a set operation, by its first branch: its positions count that select list. */
    private final Map<PlainSelect, List<OrderByElement>> unionOrders = new IdentityHashMap<>();
    /** The expressions of {@code DISTINCT ON (…)}: they pick rows and label nothing, so they get no alias. */
    private final Set<SelectItem<?>> distinctOn = Collections.newSetFromMap(new IdentityHashMap<>());

    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    /** A value compared with a retyped column, and the new type it is cast to. */
    private record ComparedCast(ComparedValues.Value value, String type) {}

    /** The casts {@link #castCompared} found, placed when the walk ends. */
    private final List<ComparedCast> comparedCasts = new ArrayList<>();
    /**
     * How many function calls enclose the current node within its query: a retyped column there is
     * read as its old type, and so is one a pattern matches ({@link ComparedValues#matched}).
     */
    private int operandDepth;
    /** Column references that are a whole {@code SET} value of a mapped table ({@link #setValues}). */
    private final Set<Column> setValues = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Text ranges of the {@code SET} values of the written table ({@link #setValues}). */
    private final List<int[]> setValueRanges = new ArrayList<>();
    /**
     * Whether a column whose type or collation orders its values otherwise on each side is compared
     * by order ({@link MappedTable#orderedApart}): a write picks, or computes, by it.
     */
    private boolean orderedApart;
    /**
     * Text offsets of the retyped column references read as their old type ({@link #castBack}), or
     * made a string as they are ({@code ref::text}): text each side spells by its own type.
     */
    private final List<Integer> readAsOld = new ArrayList<>();
    /**
     * Text offsets of a write's reads of a retyped column by its spelling: as its old type where
     * that is a string type ({@code lower(qty)}, {@code qty LIKE ?}), or made a string ({@code
     * qty::text}, {@code qty || 'x'}). The old side reads the spelling stored, the new side its own
     * type's ({@code '07'} against {@code '7'}).
     */
    private final List<Integer> spelledReads = new ArrayList<>();
    /** References to a column whose type changes, with the old type a select item of one reads it back as. */
    private final Map<Column, String> readBack = new IdentityHashMap<>();
    /** Mapped tables in FROM items so far, the written one first. */
    private int mappedSources;
    /** The mapped tables after the written one: rows a write may read besides those it writes. */
    private final List<Table> otherMapped = new ArrayList<>();
    /** Text offsets of a write's columns and {@code *} of {@link #otherMapped} tables. */
    private final List<Integer> otherReads = new ArrayList<>();
    /** Likewise of derived tables and CTEs: other rows when the statement reads any. */
    private final List<Integer> derivedReads = new ArrayList<>();
    /** A write's select items whose values reach its result: what {@code INSERT … SELECT} inserts. */
    private final List<int[]> resultItems = new ArrayList<>();

    final Set<String> cteNames = new HashSet<>();
    /** Column references the walk has changed (renamed, or requalified by the new table name). */
    private int changed;
    /**
     * How many expression nodes enclose the current one. A select list inside an expression (a
     * scalar subquery, EXISTS, IN) has labels no one reads; one outside reaches the result
     * (the statement's own, a set operation's branches, derived tables, CTEs).
     */
    private int expressionDepth;

    private static final boolean[] EXPRESSION_NODES = expressionNodes();
    /** H2's calls whose first argument is a date-time unit ({@link #skipUnit}). */
    private static final Set<String> UNIT_FIRST_H2 =
            Set.of("timestampadd", "timestampdiff", "dateadd", "datediff", "date_trunc");

    private static boolean[] expressionNodes() {
        boolean[] nodes = new boolean[net.sf.jsqlparser.parser.CCJSqlParserTreeConstants.jjtNodeName.length];
        for (int id : new int[] {
            JJTEXPRESSION,
            JJTREGULARCONDITION,
            JJTINEXPRESSION,
            JJTPRIMARYEXPRESSION,
            JJTFUNCTION,
            JJTEXPRESSIONLIST,
            JJTCASEWHENEXPRESSION,
            JJTSELECTITEM
        }) {
            nodes[id] = true;
        }
        return nodes;
    }

    ColumnWalker(Rewrite rw) {
        this.rw = rw;
        this.names = rw.names;
        List<SimpleNode> withItems = new ArrayList<>();
        Trees.collect(rw.root, JJTWITHITEM, withItems);
        for (SimpleNode w : withItems) {
            cteNames.add(names.canonical(w.jjtGetFirstToken().image));
        }
    }

    /** The node of a table reference the walk has passed. */
    SimpleNode tableNode(Table t) {
        return require(tableNodes.get(t));
    }

    /** The node of a select item the walk has passed. */
    SimpleNode itemNode(SelectItem<?> item) {
        return require(itemNodes.get(item));
    }

    private static SimpleNode require(SimpleNode n) {
        if (n == null) {
            throw new IllegalStateException("no position for a node");
        }
        return n;
    }

    /**
     * A write whose values ({@code SET} expressions) read rows of a mapped table besides those it
     * writes, in a subquery or through a column of a {@code FROM} item: {@link
     * NonDeterminism#READS_OTHER_ROWS}. Rows it only picks by (in {@code WHERE}) show in the update
     * counts, which the driver compares.
     */
    void valuesRead(List<UpdateSet> sets) {
        for (UpdateSet s : sets == null ? List.<UpdateSet>of() : sets) {
            for (Expression e : s.getValues()) {
                SimpleNode n = ((ASTNodeAccess) e).getASTNode();
                if (n == null ? !otherMapped.isEmpty() : readsOtherRows(Trees.start(n), Trees.end(n))) {
                    rw.nondeterminism.add(NonDeterminism.READS_OTHER_ROWS);
                    return;
                }
            }
        }
    }

    /** Like {@link #valuesRead(List)} for the values between two text offsets (a {@code VALUES} row). */
    void valuesRead(int start, int end) {
        if (readsOtherRows(start, end)) {
            rw.nondeterminism.add(NonDeterminism.READS_OTHER_ROWS);
        }
    }

    /**
     * Like {@link #valuesRead(List)} for {@code INSERT … SELECT}: the values it inserts are its
     * select items (with those of the derived tables and CTEs feeding them), not its {@code WHERE}.
     */
    void resultsRead() {
        for (int[] item : resultItems) {
            valuesRead(item[0], item[1]);
        }
    }

    /**
     * A write that reads a mapped table besides the rows it writes (other than in its values, which
     * {@link #valuesRead} reports) and does not name the one row it writes ({@code keys}, as the
     * statement gives them): {@link NonDeterminism#PICKS_BY_OTHER_ROWS}. One named row is changed on
     * both sides or the update counts differ, which the driver compares; a set of rows can differ
     * at equal counts. So does one that picks its rows by the spelling of a retyped column ({@link
     * #spelledReads}: {@code WHERE length(qty) = 2} reads {@code '07'} on the old side, {@code '7'}
     * on the new), and one that compares a column retyped from a string type by an order each
     * side's type gives it otherwise ({@code WHERE qty < ?}: {@code '100' < '20'} as text, not as an
     * integer), named row or not: there the value it computes may differ too.
     */
    void rowsPicked(List<List<ParamSource>> keys) {
        if (rw.nondeterminism.contains(NonDeterminism.READS_OTHER_ROWS)) {
            return;
        }
        if (orderedApart || (keys.size() != 1 && (!otherMapped.isEmpty() || picksBySpelling()))) {
            rw.nondeterminism.add(NonDeterminism.PICKS_BY_OTHER_ROWS);
        }
    }

    /** Whether a {@link #spelledReads spelled read} is neither a SET value nor a result item. */
    private boolean picksBySpelling() {
        for (int at : spelledReads) {
            if (!inside(setValueRanges, at) && !inside(resultItems, at)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inside(List<int[]> ranges, int at) {
        for (int[] range : ranges) {
            if (at >= range[0] && at < range[1]) {
                return true;
            }
        }
        return false;
    }

    /** Whether a mapped table besides the written one is read between two text offsets. */
    private boolean readsOtherRows(int start, int end) {
        for (Table t : otherMapped) {
            int at = Trees.start(tableNode(t));
            if (at >= start && at < end) {
                return true;
            }
        }
        return within(otherReads, start, end) || (!otherMapped.isEmpty() && within(derivedReads, start, end));
    }

    private static boolean within(List<Integer> offsets, int start, int end) {
        for (int at : offsets) {
            if (at >= start && at < end) {
                return true;
            }
        }
        return false;
    }

    /**
     * Notes a write's read of a column (or {@code *}) of {@code s} at node {@code n} when it may
     * come from other rows: {@code s} is a mapped table besides the written one, or a derived table
     * or CTE ({@code null}: a column of no known source) in a statement that reads one.
     */
    private void noteRead(Scope.Source s, SimpleNode n) {
        if (!rw.write) {
            return;
        }
        if (s == null || s.derived(cteNames)) {
            derivedReads.add(Trees.start(n)); // FROM items after a SET are walked after it
        } else if (s.table() != null && isOtherMapped(s.table())) { // not EXCLUDED: the row itself
            otherReads.add(Trees.start(n));
        }
    }

    private boolean isOtherMapped(Table t) {
        for (Table other : otherMapped) {
            if (other == t) {
                return true;
            }
        }
        return false;
    }

    private boolean isCte(Table t) {
        return t.getSchemaName() == null && cteNames.contains(names.canonical(t.getName()));
    }

    void skip(Column c) {
        skipped.add(c);
    }

    /** Whether the walk leaves {@code c} alone ({@link #skip}). */
    boolean skipped(Column c) {
        return skipped.contains(c);
    }

    /**
     * The {@code SET} values of mapped table {@code target} that are a column reference ({@code SET
     * name = ref}), before the walk: a retyped one is read as its old type, the value the
     * application wrote the statement for and the one a derived column computed from the target
     * reads ({@code lower(name)}). Not for a retyped target, which casts the value to its new type
     * ({@code SET ref = EXCLUDED.ref} stays as it is).
     */
    void setValues(List<UpdateSet> sets, MappedTable target) {
        for (UpdateSet s : sets == null ? List.<UpdateSet>of() : sets) {
            for (int i = 0; i < s.getValues().size(); i++) {
                Expression e = s.getValues().get(i);
                setValueRanges.add(range(e));
                if (!retypedTarget(s, i, target) && e instanceof Column c) {
                    setValues.add(c);
                }
            }
        }
    }

    /**
     * After the walk: a {@code SET} value of {@code target} that reads a retyped column as its old
     * type ({@code SET label = ref}, {@code SET label = lower(EXCLUDED.ref)}) into a column whose
     * type did not change is spelled by each side's own type ({@code '007'} on the old side, {@code
     * '7'} from an {@code integer}): {@link NonDeterminism#ROUNDS_APART}, mirrored and its rows
     * recorded.
     */
    void valuesRespelled(List<UpdateSet> sets, MappedTable target) {
        for (UpdateSet s : sets == null ? List.<UpdateSet>of() : sets) {
            for (int i = 0; i < s.getValues().size(); i++) {
                if (retypedTarget(s, i, target)) {
                    continue;
                }
                int[] range = range(s.getValues().get(i));
                if (readAsOld.stream().anyMatch(at -> at >= range[0] && at < range[1])) {
                    rw.nondeterminism.add(NonDeterminism.ROUNDS_APART);
                    return;
                }
            }
        }
    }

    /** The text range of expression {@code e}: the whole statement where it has no node. */
    private static int[] range(Expression e) {
        SimpleNode n = ((ASTNodeAccess) e).getASTNode();
        return n == null ? new int[] {0, Integer.MAX_VALUE} : new int[] {Trees.start(n), Trees.end(n)};
    }

    /**
     * Whether value {@code i} of {@code s} is set to a retyped column: the column of its position in a
     * row ({@code SET (a, b) = (x, y)}); a row from a subquery sets no column of its own.
     */
    private boolean retypedTarget(UpdateSet s, int i, MappedTable target) {
        return s.getColumns().size() == s.getValues().size()
                && target.newTypeCast(names.canonical(s.getColumns().get(i).getColumnName())) != null;
    }

    /** Adds a FROM item (and, for a parenthesized join, the items inside it) to {@code scope}. */
    void addSource(Scope scope, FromItem item) {
        if (item instanceof Table t) {
            MappedTable m = rw.mapped(t, cteNames);
            String alias =
                    t.getAlias() == null ? null : names.canonical(t.getAlias().getName());
            String written = t.getAlias() == null
                    ? t.getFullyQualifiedName()
                    : t.getAlias().getName();
            Scope.Source s = new Scope.Source(t, names.canonical(t.getName()), alias, m, written);
            scope.sources.add(s);
            sources.put(t, s);
            if (m == null && !isCte(t) && !"dual".equalsIgnoreCase(t.getName())) {
                rw.nondeterminism.add(NonDeterminism.UNMAPPED_READ); // a read's too: a separate new database lacks it
            } else if (m != null && rw.write && mappedSources++ > 0) {
                otherMapped.add(t); // the first is the written table
            }
        } else if (item instanceof ParenthesedFromItem p && p.getAlias() == null) {
            // a parenthesized join; with an alias, (VALUES …) AS v(x), it is one derived table
            addSource(scope, p.getFromItem());
            addJoins(scope, p.getJoins());
        } else if (item != null) {
            String alias = item.getAlias() == null ? null : item.getAlias().getName();
            scope.sources.add(new Scope.Source(null, null, alias == null ? "" : names.canonical(alias), null, alias));
        }
    }

    /** Takes {@code t}, a table's name written outside FROM (MariaDB's {@code DELETE t FROM t …}), for a reference to {@code s}. */
    void reference(Table t, Scope.Source s) {
        sources.put(t, s);
    }

    void addJoins(Scope scope, List<Join> joins) {
        if (joins != null) {
            for (Join j : joins) {
                addSource(scope, j.getFromItem());
            }
        }
    }

    /**
     * Walks the statement from {@code root}; then casts the values compared with retyped columns
     * ({@link #castCompared}), once every column reference is renamed: a rename replaces its name's
     * text, and would drop a cast already placed around it.
     */
    void walk(SimpleNode root, Scope scope) {
        visit(root, scope);
        // one value may hold another ((SELECT … WHERE town = 'x')): at one offset, the outer opens first and closes
        // last
        comparedCasts.sort(Comparator.comparingInt(
                        (ComparedCast c) -> c.value().end() - c.value().start())
                .reversed());
        for (ComparedCast c : comparedCasts) {
            ComparedValues.Value value = c.value();
            rw.newEdits.insert(
                    value.start(),
                    value.form() == ComparedValues.Form.ROWS ? "SELECT CAST(v AS " + c.type() + ") FROM (" : "CAST(");
        }
        for (int i = comparedCasts.size() - 1; i >= 0; i--) {
            ComparedCast c = comparedCasts.get(i);
            ComparedValues.Value value = c.value();
            rw.newEdits.insert(
                    value.end(),
                    switch (value.form()) {
                        case VALUE -> " AS " + c.type() + ")";
                        case ARRAY -> " AS " + c.type() + "[])";
                        // the query's rows keep their own names and types; only its one column is cast
                        case ROWS -> ") AS schemashift_in(v)";
                    });
        }
        comparedCasts.clear();
    }

    private void visit(SimpleNode n, Scope scope) {
        Object v = n.jjtGetValue();
        if (v instanceof SetOperationList union && union.getOrderByElements() != null) {
            Select first = union.getSelects().get(0);
            if (first instanceof ParenthesedSelect p) {
                first = p.getSelect();
            }
            if (first instanceof PlainSelect ps) {
                unionOrders.put(ps, union.getOrderByElements());
            }
        }
        switch (n.getId()) {
            case JJTPLAINSELECT -> {
                if (v instanceof PlainSelect ps) {
                    if (ps.getDistinct() != null && ps.getDistinct().getOnSelectItems() != null) {
                        distinctOn.addAll(ps.getDistinct().getOnSelectItems());
                    }
                    scope = selectScope(ps, scope);
                    if (ps.getForUpdateTable() != null) {
                        if (lockedTables == null) {
                            lockedTables = new IdentityHashMap<>(2);
                        }
                        lockedTables.put(ps.getForUpdateTable(), scope);
                    }
                    OrdinalPositions.refuseShifted(ps, scope, names, unionOrders.getOrDefault(ps, List.of()));
                    rowChoice(
                            ps.getLimit() != null
                                    || ps.getOffset() != null
                                    || ps.getFetch() != null
                                    || ps.getTop() != null,
                            ps.getOrderByElements(),
                            scope,
                            ps.isSkipLocked());
                }
            }
            case JJTCOLUMN -> {
                if (v instanceof Column c && !skipped.contains(c)) {
                    column(c, n, scope);
                }
                return;
            }
            case JJTTABLENAME -> {
                table((Table) v, n);
                return;
            }
            case JJTSELECTITEM -> {
                if (v instanceof SelectItem<?> item && !distinctOn.contains(item)) {
                    selectItem(item, n, scope);
                    return;
                }
            }
            default -> {
                nondeterministic(v, n);
                if (v instanceof Function f) {
                    skipUnit(f);
                }
            }
        }
        boolean expression = EXPRESSION_NODES[n.getId()];
        expressionDepth += expression ? 1 : 0;
        int outerOperands = operandDepth;
        // a subquery's columns are its own; a function's arguments are operands
        operandDepth = v instanceof PlainSelect ? 0 : operandDepth + (v instanceof Function ? 1 : 0);
        walkChildren(n, scope);
        operandDepth = outerOperands;
        expressionDepth -= expression ? 1 : 0;
    }

    private void walkChildren(SimpleNode n, Scope scope) {
        for (int i = 0; i < n.jjtGetNumChildren(); i++) {
            visit(Trees.child(n, i), scope);
        }
    }

    /**
     * A write whose rows a {@code LIMIT} ({@code OFFSET}, {@code FETCH}, {@code TOP}) picks without
     * an {@code ORDER BY} on a mapped table's whole key, or that skips locked rows, may pick other
     * rows on the other side: {@link NonDeterminism#ROW_CHOICE}.
     */
    void rowChoice(boolean limited, List<OrderByElement> orderBy, Scope scope, boolean skipLocked) {
        if (rw.write && (skipLocked || (limited && !orderedByKey(orderBy, scope)))) {
            rw.nondeterminism.add(NonDeterminism.ROW_CHOICE);
        }
    }

    /**
     * The {@code LIMIT} of an {@code UPDATE} or {@code DELETE} itself (MariaDB: a job queue's claim,
     * a purge in slices): unordered by the key as {@link #rowChoice}; ordered by a mapped table's
     * key, it takes the first rows each side holds, which are other rows where one side lacks a row
     * (not backfilled yet, a divergence waiting for repair): {@link NonDeterminism#PICKS_BY_OTHER_ROWS}.
     */
    void writeLimit(boolean limited, List<OrderByElement> orderBy, Scope scope) {
        rowChoice(limited, orderBy, scope, false);
        if (limited && orderedByKey(orderBy, scope) && scope.sources.stream().anyMatch(s -> s.mapped() != null)) {
            rw.nondeterminism.add(NonDeterminism.PICKS_BY_OTHER_ROWS);
        }
    }

    private boolean orderedByKey(List<OrderByElement> orderBy, Scope scope) {
        if (orderBy == null || orderBy.isEmpty()) {
            return false;
        }
        Set<String> ordered = new HashSet<>();
        for (OrderByElement e : orderBy) {
            if (e.getExpression() instanceof Column c) {
                ordered.add(names.canonical(c.getColumnName()));
            }
        }
        boolean mapped = false;
        for (Scope.Source s : scope.sources) {
            if (s.mapped() != null) {
                mapped = true;
                if (ordered.containsAll(s.mapped().key)) {
                    return true;
                }
            }
        }
        return !mapped; // over unmapped tables alone, both sides read the same rows
    }

    private Scope selectScope(PlainSelect ps, Scope outer) {
        Map<String, Object> aliases = new HashMap<>();
        for (SelectItem<?> item : ps.getSelectItems()) {
            if (item.getAlias() != null) {
                aliases.put(names.canonical(item.getAlias().getName()), item.getExpression());
            }
        }
        Scope scope = new Scope(outer != null && outer.opaque ? null : outer, aliases);
        addSource(scope, ps.getFromItem());
        addJoins(scope, ps.getJoins());
        if (ps.getJoins() != null) {
            scope.usingJoin = ps.getJoins().stream()
                    .anyMatch(j -> j.isNatural()
                            || (j.getUsingColumns() != null
                                    && !j.getUsingColumns().isEmpty()));
        }
        return scope;
    }

    private void table(Table t, SimpleNode n) {
        tableNodes.put(t, n);
        Scope.Source s = sources.get(t);
        if (s != null) {
            if (s.mapped() != null) {
                rw.newEdits.replace(Trees.start(n), Trees.end(n), s.mapped().newSqlName);
            }
        } else if (rw.mapped(t, cteNames) != null) {
            Scope.Source locked = lockedTables != null && lockedTables.containsKey(t) && t.getSchemaName() == null
                    ? lockedTables.get(t).byQualifier(names.canonical(t.getName()))
                    : null;
            if (locked == null || locked.mapped() == null) {
                throw Refusal.unsupported(
                        "a reference to mapped table " + t.getName() + " outside FROM, JOIN or the target");
            }
            // FOR UPDATE OF customers: the table by its name, which a locking clause takes unqualified
            rw.newEdits.replace(
                    Trees.start(n),
                    Trees.end(n),
                    names.qualified(null, locked.mapped().mapping.newName()));
        }
    }

    /**
     * PostgreSQL's whole-row reference, a table or alias named where a column goes ({@code SELECT c
     * FROM customers c}, {@code row_to_json(c)}): on the new side it would be a row of the new
     * table's columns, under their new names.
     */
    private void refuseWholeRow(Scope scope, String canonical, String written) {
        if (names.dialect() != Dialect.POSTGRESQL) {
            return;
        }
        Scope.Source s = scope.byQualifier(canonical);
        if (s != null && s.mapped() != null) {
            throw Refusal.unsupported("a whole-row reference (" + written + ") to mapped table "
                    + s.mapped().mapping.oldName());
        }
    }

    /** Resolves and renames one column reference; returns what it resolved to, or {@code null}. */
    Scope.Resolved column(Column c, SimpleNode n, Scope scope) {
        if (scope == null) {
            return null;
        }
        String written = c.getColumnName();
        if (names.dialect() == Dialect.MARIADB && written.startsWith("\"")) {
            return null; // a string literal on MariaDB, which JSqlParser reads as a quoted column
        }
        Table q = c.getTable();
        if ((q == null || q.getName() == null) && NonDeterministicCalls.clockKeyword(written)) {
            nondeterministicCall(
                    written, null, n); // LOCALTIMESTAMP, LOCALTIME: SQL's clock, read as a column by JSqlParser
            return null;
        }
        String canonical = names.canonical(written);
        Scope.Resolved r;
        if (q != null && q.getName() != null) {
            Scope.Source s = scope.byQualifier(names.canonical(q.getName()));
            noteRead(s, n);
            if (s == null || s.mapped() == null) {
                return null;
            }
            MappedTable.OldColumn oc = s.mapped().column(canonical, written);
            if (oc == null) {
                throw unknown(written, s.mapped());
            }
            r = new Scope.Resolved(s, oc);
        } else {
            if (scope.itemAliases.containsKey(canonical) && !sameColumn(scope.itemAliases.get(canonical), canonical)) {
                if (scope.hasMapped()
                        && scope.sources.stream()
                                .anyMatch(s -> s.mapped() != null && s.mapped().affects(canonical))) {
                    throw new Refusal(
                            RefusalReason.AMBIGUOUS_COLUMN, written + " is both a select alias and a changed column");
                }
                return null;
            }
            try {
                r = scope.resolve(canonical, written);
            } catch (Refusal e) {
                if (e.reason == RefusalReason.UNKNOWN_COLUMN && Fragment.isDefault(written)) {
                    return null; // VALUES (…, DEFAULT), SET c = DEFAULT: no column, each side's own default
                }
                if (e.reason == RefusalReason.UNKNOWN_COLUMN) {
                    refuseWholeRow(scope, canonical, written);
                }
                if (e.reason != RefusalReason.UNKNOWN_COLUMN
                        || !NonDeterministicCalls.connectionKeyword(written, names.dialect())) {
                    throw e;
                }
                rw.nondeterminism.add(NonDeterminism.CONNECTION); // current_user: no column, SQL's own value
                return null;
            }
            if (r == null) {
                refuseWholeRow(scope, canonical, written);
                if (scope.hasDerived(cteNames)) {
                    noteRead(null, n);
                }
                return null;
            }
            noteRead(r.source(), n);
        }
        apply(r, n, q != null && q.getName() != null);
        String back = r.source().mapped().oldTypeCast(canonical);
        if (back != null) {
            ComparedValues around = new ComparedValues(rw.tokens);
            int last = rw.lastToken(Trees.end(n));
            if (operandDepth > 0 || setValues.contains(c) || around.matched(last)) {
                // lower(ref), ref LIKE ?, SET name = ref: the old type's function, operator or value, as the
                // application wrote it
                castBack(n, back);
                if (rw.write && r.source().mapped().fromStringType(canonical)) {
                    spelledReads.add(Trees.start(n));
                }
                return r;
            }
            if (around.respelled(rw.tokens.indexAt(Trees.start(n)), last)) {
                // ref::text, ref || 'x': the new type's own text, as written (an index on ref::text still serves it)
                readAsOld.add(Trees.start(n));
                if (rw.write) {
                    spelledReads.add(Trees.start(n));
                }
            }
        }
        castCompared(r, canonical, n);
        if (back != null) {
            readBack.put(c, back);
        }
        return r;
    }

    /**
     * The values column reference {@code n} is compared with, cast on the new side to the column's
     * new type where that takes no value of the old one ({@link MappedTable#castForNew}): {@code ref
     * = ?} becomes {@code ref = CAST(? AS uuid)}, which an index on the new column still serves;
     * and whether it compares a column each side orders its own way by order ({@link #orderedApart}).
     */
    private void castCompared(Scope.Resolved r, String canonical, SimpleNode n) {
        MappedTable m = r.source().mapped();
        String type = m.newTypeCast(canonical);
        boolean ordersApart = m.orderedApart(canonical);
        if (type == null && !ordersApart) {
            return;
        }
        int first = rw.tokens.indexAt(Trees.start(n));
        int last = rw.lastToken(Trees.end(n));
        ComparedValues compared = new ComparedValues(rw.tokens);
        if (type != null) {
            for (ComparedValues.Value value : compared.of(first, last)) {
                comparedCasts.add(new ComparedCast(value, type));
            }
        }
        orderedApart |= ordersApart && compared.ordered(first, last);
    }

    /** Column reference {@code n} (renamed already) read as {@code oldType} on the new side. */
    private void castBack(SimpleNode n, String oldType) {
        int start = Trees.start(n);
        int end = Trees.end(n);
        readAsOld.add(start);
        rw.newEdits.replace(
                start, end, Fragment.join(List.of("CAST(", rw.newEdits.render(start, end), " AS " + oldType + ")")));
    }

    private boolean sameColumn(Object expression, String canonical) {
        return expression instanceof Column c
                && names.canonical(c.getColumnName()).equals(canonical);
    }

    private void apply(Scope.Resolved r, SimpleNode n, boolean qualified) {
        MappedTable.OldColumn oc = r.column();
        if (oc.dropped()) {
            throw new Refusal(
                    RefusalReason.DROPPED_COLUMN_READ,
                    "column " + oc.name() + " of " + r.source().mapped().mapping.oldName()
                            + " is dropped in the new schema");
        }
        int start = Trees.start(n);
        int end = Trees.end(n);
        int nameToken = rw.lastToken(end);
        if (oc.renamed()) {
            rw.newEdits.replace(rw.tokens.start(nameToken), rw.tokens.end(nameToken), names.sql(oc.newName()));
            changed++;
        }
        if (qualified && r.source().alias() == null) {
            changed++;
            // qualified by the old table name: qualify by the new one (the token before the name is the dot)
            rw.newEdits.replace(
                    start, rw.tokens.start(nameToken - 1), r.source().mapped().newSqlName);
        }
    }

    private static Refusal unknown(String written, MappedTable t) {
        return new Refusal(
                RefusalReason.UNKNOWN_COLUMN, "column " + written + " is not a column of " + t.mapping.oldName());
    }

    private void selectItem(SelectItem<?> item, SimpleNode n, Scope scope) {
        itemNodes.put(item, n);
        Object e = item.getExpression();
        boolean labelled = expressionDepth == 0;
        if (labelled && rw.write) {
            resultItems.add(new int[] {Trees.start(n), Trees.end(n)});
        }
        if (e instanceof AllTableColumns all) {
            expandTable(all, n, scope, labelled);
            return;
        }
        if (e instanceof AllColumns) {
            expandAll(n, scope, labelled);
            return;
        }
        int before = changed;
        // every database labels a column in parentheses, (name), with the column's name
        Column column = parenthesized(e);
        Column bare = column != null
                ? column
                : e instanceof CastExpression ce && ce.getLeftExpression() instanceof Column c ? c : null;
        expressionDepth++;
        walkChildren(n, scope);
        expressionDepth--;
        // only where the labels reach a result: a subquery's value is compared on the new type
        String back = labelled && column != null ? readBack.get(bare) : null;
        if (back != null) {
            // a column whose type changes is read as the old type, the one the application was written for;
            // PostgreSQL labels the cast with the column's name
            castBack(rw.node(bare), back);
        }
        if (item.getAlias() != null || changed == before) {
            return;
        }
        int end = Trees.end(n);
        if (bare != null && (column != null || names.dialect() == Dialect.POSTGRESQL)) {
            rw.newEdits.insert(end, " AS " + bare.getColumnName());
        } else if (names.dialect() == Dialect.MARIADB) {
            rw.newEdits.insert(end, " AS `" + rw.text(Trees.start(n), end).replace("`", "``") + "`");
        } else if (names.dialect() == Dialect.H2 && labelled) {
            // H2 labels a computed item with its own printing of the expression: keep the old one
            String label = e instanceof net.sf.jsqlparser.expression.Expression x ? H2Labels.of(x) : null;
            if (label == null) {
                throw Refusal.unsupported("an unaliased computed select item of this form over a renamed column on H2"
                        + " (H2 labels it with its text; alias it)");
            }
            rw.newEdits.insert(end, " AS \"" + label.replace("\"", "\"\"") + "\"");
        }
    }

    /** The column {@code e} is, in any number of parentheses; {@code null} when it is another expression. */
    private static Column parenthesized(Object e) {
        Object inner = e;
        while (inner instanceof ParenthesedExpressionList<?> p && p.size() == 1) {
            inner = p.get(0);
        }
        return inner instanceof Column c ? c : null;
    }

    /**
     * {@code *}: every non-dropped old column of each mapped source, renamed ones aliased back, one
     * whose type changes read back as the old type.
     */
    private void expandAll(SimpleNode n, Scope scope, boolean labelled) {
        if (scope == null) {
            return;
        }
        scope.sources.forEach(s -> noteRead(s, n));
        if (!scope.hasMapped()) {
            return;
        }
        List<Scope.Source> read = scope.starSources();
        boolean single = read.size() == 1;
        List<String> items = new ArrayList<>();
        for (Scope.Source s : read) {
            if (s.mapped() == null) {
                items.add(s.written() + ".*");
            } else {
                expand(s, single ? "" : s.newQualifier() + ".", items, labelled);
            }
        }
        if (scope.usingJoin) {
            throw Refusal.unsupported("* over a JOIN … USING or NATURAL JOIN of a mapped table");
        }
        replaceItem(n, items);
    }

    private void expandTable(AllTableColumns all, SimpleNode n, Scope scope, boolean labelled) {
        Scope.Source s = scope == null
                ? null
                : scope.byQualifier(names.canonical(all.getTable().getName()));
        if (scope != null) {
            noteRead(s, n);
        }
        if (s == null || s.mapped() == null) {
            return;
        }
        List<String> items = new ArrayList<>();
        expand(s, s.newQualifier() + ".", items, labelled);
        replaceItem(n, items);
    }

    /** {@code labelled}: the select list reaches the result, so a dropped column narrows it. */
    private void expand(Scope.Source s, String qualifier, List<String> items, boolean labelled) {
        MappedTable m = s.mapped();
        if (!m.columnsKnown) {
            throw new Refusal(
                    RefusalReason.COLUMNS_UNKNOWN, "* on " + m.mapping.oldName() + " needs its old column list");
        }
        for (MappedTable.OldColumn c : m.oldColumns) {
            if (!c.dropped()) {
                String item = qualifier + names.sql(c.newName());
                String back = labelled ? m.oldTypeCast(names.fold(c.name())) : null;
                if (back != null) {
                    items.add("CAST(" + item + " AS " + back + ") AS " + names.sql(c.name()));
                } else {
                    items.add(c.renamed() ? item + " AS " + names.sql(c.name()) : item);
                }
            } else if (labelled) {
                rw.narrowsResult = true;
            }
        }
    }

    /**
     * The date-time unit that MariaDB's and H2's {@code TIMESTAMPADD} and {@code TIMESTAMPDIFF} (H2's
     * {@code DATEADD}, {@code DATEDIFF} and {@code DATE_TRUNC} too) take first, written as a bare word
     * ({@code timestampadd(second, ?, t)}, as Hibernate 6 writes date arithmetic), is a keyword the parser
     * reads as a column: it is never one there, so it is neither looked up nor renamed. On PostgreSQL
     * ({@code date_trunc('day', t)}) such a word would be a column, and is.
     */
    private void skipUnit(Function f) {
        ExpressionList<?> args = f.getParameters();
        if (f.getName() == null
                || args == null
                || args.size() < 2
                || !(args.get(0) instanceof Column unit)
                || (unit.getTable() != null && unit.getTable().getName() != null)) {
            return;
        }
        String name = f.getName().toLowerCase(Locale.ROOT);
        boolean unitFirst =
                switch (names.dialect()) {
                    case MARIADB -> name.equals("timestampadd") || name.equals("timestampdiff");
                    case H2 -> UNIT_FIRST_H2.contains(name);
                    case POSTGRESQL -> false;
                };
        if (unitFirst) {
            skipped.add(unit);
        }
    }

    private void replaceItem(SimpleNode n, List<String> items) {
        rw.newEdits.replace(Trees.start(n), Trees.end(n), String.join(", ", items));
        rw.regenerated = true;
    }

    private void nondeterministic(Object v, SimpleNode n) {
        if (v == null || !seen.add(v)) {
            return;
        }
        String name;
        if (v instanceof Function f) {
            name = f.getName();
        } else if (v instanceof TimeKeyExpression t) {
            name = t.getStringValue();
        } else if (v instanceof NextValExpression) {
            rw.nondeterminism.add(NonDeterminism.SEQUENCE);
            return;
        } else if (v instanceof UserVariable) {
            rw.nondeterminism.add(NonDeterminism.CONNECTION); // @v, @@v: this session's value
            return;
        } else if (v instanceof VariableAssignment) {
            rw.nondeterminism.add(NonDeterminism.SESSION); // @n := @n + 1: the primary's run moves it
            return;
        } else {
            return;
        }
        if (name != null) { // null: a nameless call node, JSqlParser's table function in FROM (customers_fn(1))
            nondeterministicCall(name, v, n);
        }
    }

    /**
     * A call by {@code name} at {@code n} ({@code call}: its expression, {@code null} for a bare keyword): a clock
     * read a write captures once for both sides, to the fractional digits the call asks for, or noted. A
     * write's call of its transaction's time is left alone where both sides read one ({@link
     * Compiled#transactionClock}): the application's statement keeps the database's time.
     */
    private void nondeterministicCall(String name, Object call, SimpleNode n) {
        String kind = NonDeterministicCalls.normalize(name);
        NonDeterminism nd = NonDeterministicCalls.kind(kind);
        if (nd == null && rw.mapping.volatileFunctions.contains(kind)) {
            nd = NonDeterminism.VOLATILE;
        }
        if (nd == null
                || (nd == NonDeterminism.NOW
                        && rw.write
                        && !NonDeterministicCalls.readsClock(kind, rw.mapping.transactionClock))) {
            return;
        }
        int digits = call == null ? -1 : NonDeterministicCalls.digits(call.toString());
        Fragment now = NonDeterministicCalls.instant(kind, names.dialect(), digits);
        if (rw.write && now != null) {
            rw.newEdits.replace(Trees.start(n), Trees.end(n), now);
            rw.oldEdits.replace(Trees.start(n), Trees.end(n), now);
        } else {
            rw.nondeterminism.add(nd);
        }
    }
}
