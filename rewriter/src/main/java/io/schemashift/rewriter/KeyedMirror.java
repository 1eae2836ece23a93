package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.update.Update;

/**
 * The mirror of an UPDATE or DELETE that picks its own rows ({@link NonDeterminism#ROW_CHOICE}:
 * {@code SKIP LOCKED}, an unordered {@code LIMIT}; {@link NonDeterminism#PICKS_BY_OTHER_ROWS}) and
 * returns them ({@code RETURNING}), or, where the dialect lets it, is made to return their keys:
 * what each side runs for one row the primary returned, found by its key ({@link
 * ParamSource.GeneratedKey} of row 0, column {@code k} the {@code k}-th key column), with the clauses
 * that picked the rows ({@code WHERE}, {@code ORDER BY}, {@code LIMIT}) and {@code RETURNING} cut
 * off. The other side then changes the rows the primary changed, not those it would pick itself: a
 * job queue's claim is mirrored rather than recorded.
 *
 * @param newSide what the new side runs for one row
 * @param oldSide what the old side runs for one row, where the new side is the primary
 * @param newPrimary for a write that returns no rows, the new-side statement with {@code RETURNING}
 *     of the key appended (labelled by the old names), which the new side runs as the primary so that
 *     the rows it picked are known: the application is given their count; {@code null} where the
 *     write returns its keys itself
 * @param oldPrimary likewise for the old side
 * @param nondeterminism what could still make the sides differ when mirrored so: that of the
 *     statement for one row itself (its SET list's values: a subquery's unordered {@code LIMIT}, a
 *     retyped column compared by order), judged as the old-side statement it is; not the picking
 *     of the rows, which the key replaced
 */
public record KeyedMirror(
        SideStatement newSide,
        SideStatement oldSide,
        SideStatement newPrimary,
        SideStatement oldPrimary,
        Set<NonDeterminism> nondeterminism) {

    /** The clauses that pick a single-table write's rows or return them, the first of which ends what is kept. */
    private static final Set<String> PICKING = Set.of("where", "order", "limit", "returning");

    public KeyedMirror {
        nondeterminism = Set.copyOf(nondeterminism);
    }

    /**
     * {@code null} when {@code st} is not such a write: another kind, a write over joins, {@code
     * USING} or {@code WITH} (which may pick rows or give values the key alone does not), one that
     * sets a key column (it returns the key after it), one that returns rows but not its key under
     * the key's name ({@link #returnsKeys}), one that returns none but is not made to ({@link
     * #returnsAppended}, or its table has a rule: "cannot perform DELETE RETURNING" where the
     * application's statement runs); or when its text cannot be cut so.
     *
     * @param ruled whether the target's old or new table has a rule ({@link Trigger#rule}), which
     *     may refuse an appended {@code RETURNING} where the application's statement runs
     * @param newEdits the edits that make its new-side statement
     * @param judge the non-determinism of an old-side statement's text ({@code null}: not rewritten)
     */
    static KeyedMirror of(
            Rewrite rw,
            Statement st,
            MappedTable target,
            boolean ruled,
            Edits newEdits,
            SelfCheck check,
            Function<String, Set<NonDeterminism>> judge) {
        if (target == null
                || !(rw.nondeterminism.contains(NonDeterminism.ROW_CHOICE)
                        || rw.nondeterminism.contains(NonDeterminism.PICKS_BY_OTHER_ROWS))
                || !alone(st)
                || setsKey(rw, st, target)) {
            return null;
        }
        ReturningClause returning =
                st instanceof Update u ? u.getReturningClause() : ((Delete) st).getReturningClause();
        if (returning == null ? ruled || !returnsAppended(rw, st) : !returnsKeys(rw, returning, target)) {
            return null;
        }
        int cut = cut(rw.tokens, st instanceof Update ? "set" : "from");
        // an edit that ends where the cut starts (a SET list's added column) is kept only past a blank
        if (cut <= 0 || !Character.isWhitespace(rw.sql.charAt(cut - 1))) {
            return null;
        }
        List<String> oldKeys = new ArrayList<>();
        List<String> newKeys = new ArrayList<>();
        List<String> newReturned = new ArrayList<>();
        for (String k : target.key) {
            MappedTable.OldColumn c = target.column(k, k);
            if (c == null || c.dropped()) {
                return null;
            }
            String oldKey = rw.names.sql(c.name());
            String newKey = target.newColumnSql(c, rw.names);
            oldKeys.add(oldKey);
            newKeys.add(newKey);
            newReturned.add(newKey.equals(oldKey) ? newKey : newKey + " AS " + oldKey);
        }
        SideStatement newSide;
        SideStatement oldSide;
        SideStatement newPrimary = null;
        SideStatement oldPrimary = null;
        try {
            newSide = check.verified(byKey(newEdits, cut, rw.sql.length(), newKeys), true);
            oldSide = check.verified(byKey(rw.oldEdits, cut, rw.sql.length(), oldKeys), true);
            if (returning == null) {
                int end = end(rw.tokens);
                newPrimary = check.verified(returning(newEdits, end, newReturned), true);
                oldPrimary = check.verified(returning(rw.oldEdits, end, oldKeys), true);
            }
        } catch (Refusal | IllegalStateException notCut) {
            return null; // a comment in the cut clauses, an edit across the cut: recorded as before
        }
        Set<NonDeterminism> own = judge.apply(oldSide.sql());
        return own == null ? null : new KeyedMirror(newSide, oldSide, newPrimary, oldPrimary, own);
    }

    /**
     * Whether a write that returns no rows is made to return its keys: one whose rows are a choice
     * ({@link NonDeterminism#ROW_CHOICE}: a claim, a purge in slices, as many rows as its {@code
     * LIMIT} at most, each then a mirrored statement; a write that picks its rows by other rows alone
     * may change a whole table, and stays one mirrored statement, recorded): PostgreSQL's UPDATE
     * and DELETE, MariaDB's DELETE (its UPDATE has no {@code RETURNING}, nor has H2). The driver runs
     * it so only for a user who may read the table, which {@code RETURNING} needs.
     */
    private static boolean returnsAppended(Rewrite rw, Statement st) {
        Dialect dialect = rw.mapping.dialect();
        return rw.nondeterminism.contains(NonDeterminism.ROW_CHOICE)
                && (dialect == Dialect.POSTGRESQL || (dialect == Dialect.MARIADB && st instanceof Delete));
    }

    private static boolean alone(Statement st) {
        if (st instanceof Update u) {
            return u.getWithItemsList() == null
                    && u.getFromItem() == null
                    && (u.getJoins() == null || u.getJoins().isEmpty())
                    && (u.getStartJoins() == null || u.getStartJoins().isEmpty());
        }
        return st instanceof Delete d
                && d.getWithItemsList() == null
                && (d.getUsingList() == null || d.getUsingList().isEmpty())
                && (d.getJoins() == null || d.getJoins().isEmpty())
                && (d.getTables() == null || d.getTables().isEmpty());
    }

    /**
     * Whether {@code returning} gives each key column under its own name ({@code RETURNING id},
     * {@code *}) and nothing else under such a name ({@code RETURNING ref AS id}): the returned
     * rows' labels then name their keys, which the driver reads by those labels.
     */
    private static boolean returnsKeys(Rewrite rw, ReturningClause returning, MappedTable target) {
        if (returning.getDataItems() != null && !returning.getDataItems().isEmpty()) {
            return false; // RETURNING … INTO
        }
        Set<String> returned = new HashSet<>();
        for (SelectItem<?> item : returning) {
            if (item.getExpression() instanceof AllColumns) {
                returned.addAll(target.key);
                continue;
            }
            String column = item.getExpression() instanceof Column c ? rw.names.canonical(c.getColumnName()) : null;
            String label =
                    item.getAlias() != null ? rw.names.canonical(item.getAlias().getName()) : column;
            if (column != null && column.equals(label) && target.key.contains(column)) {
                returned.add(column);
            } else if (label != null && target.key.contains(label)) {
                return false;
            }
        }
        return returned.containsAll(target.key);
    }

    private static boolean setsKey(Rewrite rw, Statement st, MappedTable target) {
        if (st instanceof Update u) {
            for (Column c : SetList.targets(u.getUpdateSets())) {
                if (target.key.contains(rw.names.canonical(c.getColumnName()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The offset of the first of {@link #PICKING} outside parentheses after the first {@code after}
     * keyword ({@code SET} of an UPDATE, {@code FROM} of a DELETE); -1 when there is none.
     */
    private static int cut(Tokens tokens, String after) {
        int depth = 0;
        boolean past = false;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.isPunct(i, '(')) {
                depth++;
            } else if (tokens.isPunct(i, ')')) {
                depth--;
            } else if (depth == 0 && tokens.kind(i) == Tokens.WORD) {
                String word = tokens.text(i).toLowerCase(Locale.ROOT);
                if (!past) {
                    past = word.equals(after);
                } else if (PICKING.contains(word)) {
                    return tokens.start(i);
                }
            }
        }
        return -1;
    }

    /** The offset where the statement's text ends: past its last token that is neither a comment nor a {@code ;}. */
    private static int end(Tokens tokens) {
        for (int i = tokens.size() - 1; i >= 0; i--) {
            if (tokens.kind(i) != Tokens.COMMENT && !tokens.isPunct(i, ';')) {
                return tokens.end(i);
            }
        }
        throw new IllegalStateException("no statement");
    }

    /** {@code edits} with {@code RETURNING} of {@code keys} appended at {@code end}. */
    private static Edits returning(Edits edits, int end, List<String> keys) {
        Edits appended = edits.copy();
        appended.insert(end, " RETURNING " + String.join(", ", keys));
        return appended;
    }

    /** {@code edits} with everything from {@code cut} replaced by {@code WHERE k1 = ? AND …}. */
    private static Edits byKey(Edits edits, int cut, int end, List<String> keys) {
        List<Object> pieces = new ArrayList<>();
        pieces.add("WHERE ");
        for (int k = 0; k < keys.size(); k++) {
            pieces.add((k > 0 ? " AND " : "") + keys.get(k) + " = ");
            pieces.add(new Fragment("?", List.of(new ParamSource.GeneratedKey(0, k))));
        }
        Edits cutEdits = edits.copy();
        cutEdits.replace(cut, end, Fragment.join(pieces));
        return cutEdits;
    }
}
