package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;

/**
 * The tables (and derived tables) visible at one level of a statement, linked to the enclosing
 * level for correlated subqueries.
 */
final class Scope {

    /**
     * One FROM item. {@code alias} and {@code name} are canonical; {@code written} is how the
     * statement qualifies its columns (alias, or table name as written).
     */
    record Source(Table table, String name, String alias, MappedTable mapped, String written) {

        boolean matches(String canonicalQualifier) {
            return alias != null ? alias.equals(canonicalQualifier) : canonicalQualifier.equals(name);
        }

        /** A subquery or a CTE: rows of whatever it reads. */
        boolean derived(Set<String> cteNames) {
            return table == null ? mapped == null : table.getSchemaName() == null && cteNames.contains(name);
        }

        /** How to qualify this source's columns in the new-side statement. */
        String newQualifier() {
            return alias != null || mapped == null ? written : mapped.newSqlName;
        }
    }

    /** A column resolved to a mapped table. */
    record Resolved(Source source, MappedTable.OldColumn column) {}

    final Scope parent;
    /** A statement's target scope that nested SELECTs do not see (INSERT … SELECT). */
    boolean opaque;
    /** Whether a JOIN … USING or NATURAL JOIN merges columns here (so {@code *} cannot be expanded). */
    boolean usingJoin;

    final List<Source> sources = new ArrayList<>();
    /** Canonical select-item alias to the item's expression text, for ORDER BY alias references. */
    final Map<String, Object> itemAliases;

    Scope(Scope parent, Map<String, Object> itemAliases) {
        this.parent = parent;
        this.itemAliases = itemAliases;
    }

    /**
     * The sources {@code *} reads: all but the row an upsert proposes ({@code EXCLUDED}, the one source
     * with a mapping and no table), whose columns resolve but which is no row of the result.
     */
    List<Source> starSources() {
        return sources.stream()
                .filter(s -> s.table() != null || s.mapped() == null)
                .toList();
    }

    boolean hasMapped() {
        return sources.stream().anyMatch(s -> s.mapped() != null);
    }

    Source byQualifier(String canonicalQualifier) {
        for (Scope s = this; s != null; s = s.parent) {
            for (Source src : s.sources) {
                if (src.matches(canonicalQualifier)) {
                    return src;
                }
            }
        }
        return null;
    }

    /**
     * The mapped table that owns an unqualified column, or {@code null} when the column is not one
     * the mapping changes (so it can stay as written).
     *
     * @throws Refusal AMBIGUOUS_COLUMN when a changed column could belong to several tables, or
     *     UNKNOWN_COLUMN when every table in scope is known and none has it
     */
    Resolved resolve(String canonical, String written) {
        List<Source> maybe = new ArrayList<>();
        boolean allKnown = true;
        for (Scope s = this; s != null; s = s.parent) {
            for (Source src : s.sources) {
                MappedTable m = src.mapped();
                MappedTable.OldColumn c = m != null && m.columnsKnown ? m.column(canonical, written) : null;
                if (c != null) {
                    // a valid statement has one owner per level, but an inner unknown table may shadow it
                    if (!maybe.isEmpty() && m.affects(canonical)) {
                        throw ambiguous(written);
                    }
                    return new Resolved(src, c);
                }
            }
            for (Source src : s.sources) {
                if (src.mapped() == null || !src.mapped().columnsKnown) {
                    maybe.add(src);
                    allKnown = false;
                }
            }
        }
        List<Source> affected = maybe.stream()
                .filter(src -> src.mapped() != null && src.mapped().affects(canonical))
                .toList();
        if (affected.isEmpty()) {
            if (allKnown && hasAnySource()) {
                throw new Refusal(
                        RefusalReason.UNKNOWN_COLUMN, "column " + written + " is not a column of any table in scope");
            }
            return null;
        }
        if (maybe.size() > 1) {
            throw ambiguous(written);
        }
        Source src = affected.get(0);
        return new Resolved(src, src.mapped().column(canonical, written));
    }

    private boolean hasAnySource() {
        for (Scope s = this; s != null; s = s.parent) {
            if (!s.sources.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a derived table (a subquery or CTE in FROM) is in scope: what an unresolved column may read. */
    boolean hasDerived(Set<String> cteNames) {
        for (Scope s = this; s != null; s = s.parent) {
            for (Source src : s.sources) {
                if (src.derived(cteNames)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Refusal ambiguous(String written) {
        return new Refusal(
                RefusalReason.AMBIGUOUS_COLUMN,
                "unqualified column " + written + " could belong to more than one table in scope; qualify it");
    }
}
