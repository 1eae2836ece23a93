package io.schemashift.rewriter;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link Mapping} prepared for one dialect: tables by canonical name, matched by schema and
 * name. Immutable.
 */
final class Compiled {

    final Names names;
    /** The schema that holds the mapped old tables, as the database stores it; {@code null} when unknown. */
    private final String oldSchema;
    /**
     * Whether unqualified names resolve to {@link #oldSchema}: false for a connection whose schema
     * the application changed (a tenant's), where only names qualified with it are mapped tables.
     */
    private final boolean unqualifiedOld;

    private final Map<String, MappedTable> tables = new HashMap<>();
    /** Old table names, lower case, for the no-parse fast path. */
    final List<String> lowerNames;
    /** Functions the database declares volatile or not deterministic, lower case, without schema. */
    final Set<String> volatileFunctions;
    /**
     * Whether both sides' statements read one transaction's clock ({@code now()}, {@code
     * CURRENT_DATE}): PostgreSQL, with the new tables in the application's database, where the
     * two statements of a write share its transaction. Elsewhere each reads its own (MariaDB's is
     * the statement's time; a separate database has its own transaction and server).
     */
    final boolean transactionClock;

    /**
     * @param unqualifiedOld whether unqualified names resolve to {@code oldSchema}
     * @param awayNewSchema with {@code unqualifiedOld} false, the schema to name new tables that
     *     have none of their own with ({@code null}: leave them unqualified)
     * @param transactionClock see {@link #transactionClock}
     */
    Compiled(
            Mapping mapping,
            Dialect dialect,
            String oldSchema,
            boolean unqualifiedOld,
            String awayNewSchema,
            Set<String> volatileFunctions,
            boolean transactionClock) {
        this.names = new Names(dialect);
        this.transactionClock = transactionClock;
        this.oldSchema = oldSchema;
        this.unqualifiedOld = unqualifiedOld;
        this.volatileFunctions = volatileFunctions;
        for (TableMapping t : mapping.tables()) {
            // away from the old schema, a new table in the same database is named with its schema
            tables.put(
                    names.fold(t.oldName()),
                    new MappedTable(t, names, unqualifiedOld ? null : awayNewSchema, transactionClock));
        }
        this.lowerNames = mapping.tables().stream()
                .map(t -> t.oldName().toLowerCase(Locale.ROOT))
                .toList();
    }

    /** The mapped tables. */
    java.util.Collection<MappedTable> tables() {
        return tables.values();
    }

    /** Whether token {@code i} is a name that may be this schema's: a word or quoted name, not qualified by another schema. */
    boolean relation(Tokens t, int i) {
        return (t.kind(i) == Tokens.WORD || t.kind(i) == Tokens.QUOTED) && !outsideOldSchema(t, i);
    }

    /**
     * Mapped tables whose name occurs as a word in the text: the lexical scan that decides which
     * tables a statement touches when it is not parsed (too long, unparseable, out of time, or a
     * rewriter failure). Errs towards naming a table: a column or alias with a mapped table's name
     * counts too.
     */
    Set<String> mentioned(Tokens tokens) {
        Set<String> found = new TreeSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.kind(i) == Tokens.WORD || tokens.kind(i) == Tokens.QUOTED) {
                MappedTable m = tables.get(names.canonical(tokens.text(i)));
                if (m != null && !outsideOldSchema(tokens, i)) {
                    found.add(m.lowerName);
                }
            }
        }
        return found;
    }

    /**
     * Whether the name at {@code i} is qualified ({@code q.name}) by a schema other than the old
     * one, or unqualified while unqualified names do not resolve to it.
     */
    private boolean outsideOldSchema(Tokens tokens, int i) {
        if (i < 2 || !tokens.isPunct(i - 1, '.')) {
            return !unqualifiedOld;
        }
        byte k = tokens.kind(i - 2);
        return (k == Tokens.WORD || k == Tokens.QUOTED) ? !inOldSchema(tokens.text(i - 2)) : !unqualifiedOld;
    }

    /** Whether a parsed name qualified by {@code schema} ({@code null}: unqualified) is in the old schema. */
    boolean inOld(String schema) {
        return schema == null ? unqualifiedOld : inOldSchema(schema);
    }

    /**
     * The mapped tables (lower-case old names) with a table in the schema written as {@code
     * writtenSchema}: an old table qualified with it, an unqualified one when it is the old schema
     * (or that is not known), and one whose new table the mapping puts there.
     */
    Set<String> tablesIn(String writtenSchema) {
        String canonical = names.canonical(writtenSchema);
        Set<String> found = new TreeSet<>();
        for (MappedTable m : tables.values()) {
            String old = m.mapping.oldName();
            int dot = old.lastIndexOf('.');
            boolean oldThere = dot < 0 ? inOldSchema(writtenSchema) : sameSchema(old.substring(0, dot), canonical);
            boolean newThere = m.mapping.newSchema() != null && sameSchema(m.mapping.newSchema(), canonical);
            if (oldThere || newThere) {
                found.add(m.lowerName);
            }
        }
        return found;
    }

    /** Whether a schema the mapping names is the one {@code canonical} names (MariaDB: in any case). */
    private boolean sameSchema(String configured, String canonical) {
        String c = names.canonical(configured);
        return names.dialect() == Dialect.MARIADB ? c.equalsIgnoreCase(canonical) : c.equals(canonical);
    }

    /** Like {@link #mentioned(Tokens)} when not even the tokens are known: any occurrence counts. */
    Set<String> mentioned(String sql) {
        Set<String> found = new TreeSet<>();
        for (String name : lowerNames) {
            if (containsIgnoreCase(sql, name)) {
                found.add(name);
            }
        }
        return found;
    }

    Dialect dialect() {
        return names.dialect();
    }

    MappedTable table(String canonical) {
        return tables.get(canonical);
    }

    /**
     * The mapped table a parsed table reference names, or {@code null}: an unqualified name, or
     * one qualified with the old schema ({@code schema.t}, {@code catalog.schema.t}).
     */
    MappedTable table(net.sf.jsqlparser.schema.Table t) {
        if (t.getName() == null || !inOld(t.getSchemaName())) {
            return null;
        }
        return tables.get(names.canonical(t.getName()));
    }

    /**
     * Whether a schema qualifier as written names the old schema; any qualifier does when the old
     * schema is not known. Quoted qualifiers compare exactly, unquoted ones folded as the dialect
     * folds them (MariaDB: case-insensitively).
     */
    boolean inOldSchema(String writtenQualifier) {
        if (oldSchema == null) {
            return true;
        }
        String canonical = names.canonical(writtenQualifier);
        return names.dialect() == Dialect.MARIADB ? canonical.equalsIgnoreCase(oldSchema) : canonical.equals(oldSchema);
    }

    /** Whether {@code sql} may name a mapped table: a case-insensitive substring scan. */
    boolean mayMention(String sql) {
        for (String name : lowerNames) {
            if (containsIgnoreCase(sql, name)) {
                return true;
            }
        }
        return false;
    }

    static boolean containsIgnoreCase(String text, String lowerNeedle) {
        int n = lowerNeedle.length();
        char first = lowerNeedle.charAt(0);
        char firstUpper = Character.toUpperCase(first);
        for (int i = 0, last = text.length() - n; i <= last; i++) {
            char c = text.charAt(i);
            if ((c == first || c == firstUpper) && text.regionMatches(true, i, lowerNeedle, 0, n)) {
                return true;
            }
        }
        return false;
    }
}
