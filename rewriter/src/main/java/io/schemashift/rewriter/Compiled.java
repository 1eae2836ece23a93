package io.schemashift.rewriter;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

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
    /** Routines whose definitions name a mapped table, by name as the catalog stores it (MariaDB: lower case). */
    private final Map<String, Indirect> routines = new HashMap<>();
    /**
     * Views over mapped tables (through other views too), and tables that share rows with mapped
     * ones (partitions, inheritance), by name as the catalog stores it.
     */
    private final Map<String, Indirect> views = new HashMap<>();
    /** The names of both and the tables of {@link #truncateCascades} and {@link #triggers}, lower case, for the no-parse fast path. */
    private final List<String> lowerLeadingNames;

    /**
     * What SQL text reaches: the mapped tables it names, directly or in the SQL its string
     * literals carry, and the first write among them ({@code null}: it only reads).
     */
    record Reach(Set<String> tables, StatementKind write) {
        static final Reach NONE = new Reach(Set.of(), null);
    }

    /** What in the database a statement may reach a mapped table through. */
    enum Via {
        ROUTINE,
        TRIGGER,
        VIEW,
        /** A table that shares rows with a mapped one: a partition or child of it, or its parent. */
        RELATIVE
    }

    /** A routine, trigger or view: its catalog name, what its definition reaches, and whether the catalog hides it. */
    record Indirect(Via via, String name, Reach reach, boolean hidden) {}

    /** Tables by canonical name, each with the mapped tables (lower-case old names) a TRUNCATE … CASCADE of it empties. */
    private final Map<String, Set<String>> truncateCascades = new HashMap<>();
    /** Unmapped tables by canonical name, with their triggers whose definitions name a mapped table. */
    private final Map<String, List<Trigger>> triggers = new HashMap<>();
    /** What each of those triggers reaches, by trigger. */
    private final Map<Trigger, Reach> triggerReach = new HashMap<>();

    Compiled(
            Mapping mapping,
            Dialect dialect,
            String oldSchema,
            boolean unqualifiedOld,
            String awayNewSchema,
            Collection<Routine> routineList,
            Map<String, Set<String>> cascades,
            Collection<Trigger> triggerList,
            Collection<View> viewList,
            Map<String, Set<String>> relatives) {
        this.names = new Names(dialect);
        this.oldSchema = oldSchema;
        this.unqualifiedOld = unqualifiedOld;
        for (TableMapping t : mapping.tables()) {
            // away from the old schema, a new table in the same database is named with its schema
            tables.put(names.fold(t.oldName()), new MappedTable(t, names, unqualifiedOld ? null : awayNewSchema));
        }
        this.lowerNames = mapping.tables().stream()
                .map(t -> t.oldName().toLowerCase(Locale.ROOT))
                .toList();
        relatives.forEach((table, reached) -> {
            if (!tables.containsKey(stored(table))) { // a mapped relative is rewritten and mirrored itself
                views.put(
                        stored(table),
                        new Indirect(Via.RELATIVE, table, new Reach(lowerNamesOf(reached), null), false));
            }
        });
        // views first, to a fixed point (a view over a view), so that every definition read after them counts them
        for (boolean grew = true; grew; ) {
            grew = false;
            for (View v : viewList) {
                Set<String> reached = v.definition() == null
                        ? Set.copyOf(lowerNames)
                        : reach(Tokens.lex(v.definition(), dialect), 2).tables();
                Indirect known = views.get(stored(v.name()));
                if (!reached.isEmpty()
                        && (known == null || !known.reach().tables().equals(reached))) {
                    views.put(
                            stored(v.name()),
                            new Indirect(Via.VIEW, v.name(), new Reach(reached, null), v.definition() == null));
                    grew = true;
                }
            }
        }
        Reach everything = new Reach(new TreeSet<>(lowerNames), StatementKind.UPDATE);
        for (Routine r : routineList) {
            boolean hidden = r.definition() == null;
            Reach reach = hidden ? everything : reach(Tokens.lex(r.definition(), dialect), 2);
            if (!reach.tables().isEmpty()) {
                routines.merge(stored(r.name()), new Indirect(Via.ROUTINE, r.name(), reach, hidden), Compiled::either);
            }
        }
        cascades.forEach((table, reached) -> truncateCascades.put(stored(table), lowerNamesOf(reached)));
        for (Trigger t : triggerList) {
            Reach reach = reach(Tokens.lex(t.definition(), dialect), 2);
            String table = stored(t.table());
            // a trigger on a mapped table fires on the old side only: doctor's writers check reports it
            if (!reach.tables().isEmpty() && !tables.containsKey(table)) {
                triggers.computeIfAbsent(table, k -> new java.util.ArrayList<>())
                        .add(t);
                triggerReach.put(t, reach);
            }
        }
        this.lowerLeadingNames = java.util.stream.Stream.of(
                        routines.keySet().stream(),
                        views.keySet().stream(),
                        truncateCascades.keySet().stream(),
                        triggers.keySet().stream())
                .flatMap(names -> names)
                .map(n -> n.toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
    }

    private static Set<String> lowerNamesOf(Set<String> oldNames) {
        return oldNames.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** A name as the catalog stores it, in the form {@link Names#canonical} gives a written one. */
    private String stored(String catalogName) {
        return names.dialect() == Dialect.MARIADB ? catalogName.toLowerCase(Locale.ROOT) : catalogName;
    }

    /** Overloads share a name: a call of it may reach what any of them reaches. */
    private static Indirect either(Indirect a, Indirect b) {
        Set<String> tables = new TreeSet<>(a.reach().tables());
        tables.addAll(b.reach().tables());
        StatementKind write =
                a.reach().write() != null ? a.reach().write() : b.reach().write();
        return new Indirect(a.via(), a.name(), new Reach(Set.copyOf(tables), write), a.hidden() || b.hidden());
    }

    /**
     * What {@code t} reaches, itself and {@code depth} levels into the SQL its string literals
     * carry (a PostgreSQL {@code DO} block or function body, a dynamic {@code EXECUTE '…'}, a
     * MariaDB {@code PREPARE s FROM '…'}). Errs towards both: any mapped name counts, and so does
     * any write, whichever table it writes.
     */
    Reach reach(Tokens t, int depth) {
        Reach carried = carried(t, depth);
        Set<String> named = mentioned(t);
        for (int i = 0; !views.isEmpty() && i < t.size(); i++) {
            Indirect v = relation(t, i) ? views.get(names.canonical(t.text(i))) : null;
            if (v != null) {
                named.addAll(v.reach().tables());
            }
        }
        if (named.isEmpty()) {
            return carried;
        }
        named.addAll(carried.tables());
        StatementKind write = writeOf(t);
        return new Reach(Set.copyOf(named), write != null ? write : carried.write());
    }

    /** What the SQL in {@code t}'s string literals reaches, {@code depth} levels deep; not {@code t} itself. */
    Reach carried(Tokens t, int depth) {
        Set<String> tables = new TreeSet<>();
        StatementKind write = null;
        for (int i = 0; depth > 0 && i < t.size(); i++) {
            if (t.kind(i) == Tokens.STRING) {
                Reach r = reach(Tokens.lex(Tokens.stringBody(t.text(i)), dialect()), depth - 1);
                tables.addAll(r.tables());
                write = write != null ? write : r.write();
            }
        }
        return tables.isEmpty() ? Reach.NONE : new Reach(Set.copyOf(tables), write);
    }

    private static StatementKind writeOf(Tokens t) {
        StatementKind kind = Kinds.of(t);
        return kind.isWrite() ? kind : Kinds.modifying(t, 0, t.size());
    }

    /**
     * The first routine {@code t} calls, or view it names, that reaches a mapped table, or {@code
     * null}. A routine's name counts when {@code (} follows it or {@code CALL} precedes it (MariaDB
     * allows {@code CALL p}); a view's anywhere, but a view whose definition is hidden only in a
     * statement of write {@code kind}.
     */
    Indirect indirect(Tokens t, StatementKind kind) {
        for (int i = 0; i < t.size(); i++) {
            Indirect through = relation(t, i) ? routineOrView(t, i, kind) : null;
            if (through != null) {
                return through;
            }
        }
        return null;
    }

    /** The routine called or the view named at token {@code i}, as {@link #indirect} counts them, or {@code null}. */
    private Indirect routineOrView(Tokens t, int i, StatementKind kind) {
        String name = names.canonical(t.text(i));
        boolean call = t.isPunct(t.significant(i + 1), '(');
        Indirect r = call || Kinds.after(t, i, "call") ? routines.get(name) : null;
        if (r != null) {
            return r;
        }
        Indirect v = views.get(name); // also before "(": INSERT INTO v (a, b)
        return v != null && (kind.isWrite() || !v.hidden()) ? v : null;
    }

    /**
     * The lexical scan of what a statement that is not analysed (too long, unparseable, out of
     * time, several statements, a rewriter failure) touches: the mapped tables it names, and those
     * it reaches through the routines and views it names, the triggers of the tables it writes, or
     * a {@code TRUNCATE … CASCADE}. Errs towards naming a table, as {@link #mentioned(Tokens)}.
     */
    Set<String> touched(Tokens t) {
        Set<String> found = mentioned(t);
        StatementKind kind = Kinds.of(t);
        boolean cascade = false;
        for (int i = 0; kind == StatementKind.TRUNCATE && i < t.size(); i++) {
            cascade |= t.isWord(i, "cascade");
        }
        for (int i = 0; i < t.size(); i++) {
            if (!relation(t, i)) {
                continue;
            }
            String name = names.canonical(t.text(i));
            Indirect through = routineOrView(t, i, kind);
            Indirect fired = kind.isWrite() ? fired(name, kind) : null;
            for (Indirect reached : new Indirect[] {through, fired}) {
                if (reached != null) {
                    found.addAll(reached.reach().tables());
                }
            }
            if (cascade) {
                found.addAll(truncateCascades.getOrDefault(name, Set.of()));
            }
        }
        return found;
    }

    /** Whether any routine or view reaches a mapped table. */
    boolean hasIndirect() {
        return !routines.isEmpty() || !views.isEmpty();
    }

    /** Whether token {@code i} is a name that may be this schema's: a word or quoted name, not qualified by another schema. */
    private boolean relation(Tokens t, int i) {
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
    private boolean inOld(String schema) {
        return schema == null ? unqualifiedOld : inOldSchema(schema);
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

    /**
     * The first trigger a write of {@code kind} to one of {@code written} (parsed table
     * references) fires whose definition names a mapped table, or {@code null}.
     */
    Indirect fired(List<net.sf.jsqlparser.schema.Table> written, StatementKind kind) {
        for (net.sf.jsqlparser.schema.Table t : written) {
            if (t.getName() != null && inOld(t.getSchemaName())) {
                Indirect c = fired(names.canonical(t.getName()), kind);
                if (c != null) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Like {@link #fired(List, StatementKind)} when the written tables are not known: any table named counts. */
    Indirect fired(Tokens t, StatementKind kind) {
        for (int i = 0; !triggers.isEmpty() && i < t.size(); i++) {
            if (relation(t, i)) {
                Indirect c = fired(names.canonical(t.text(i)), kind);
                if (c != null) {
                    return c;
                }
            }
        }
        return null;
    }

    private Indirect fired(String table, StatementKind kind) {
        for (Trigger trigger : triggers.getOrDefault(table, List.of())) {
            boolean fires = kind == StatementKind.UPSERT
                    ? trigger.events().contains(StatementKind.INSERT)
                            || trigger.events().contains(StatementKind.UPDATE)
                    : trigger.events().contains(kind);
            if (fires) {
                return new Indirect(Via.TRIGGER, trigger.name(), triggerReach.get(trigger), false);
            }
        }
        return null;
    }

    /** The mapped tables (lower-case old names) a {@code TRUNCATE … CASCADE} of parsed table {@code t} empties through foreign keys. */
    Set<String> truncateCascades(net.sf.jsqlparser.schema.Table t) {
        if (t.getName() == null || !inOld(t.getSchemaName())) {
            return Set.of();
        }
        return truncateCascades.getOrDefault(names.canonical(t.getName()), Set.of());
    }

    /**
     * Whether {@code sql} may name a mapped table, a routine or view that reaches one or a table
     * whose TRUNCATE cascades or triggers reach one: a case-insensitive substring scan.
     */
    boolean mayMention(String sql) {
        for (String name : lowerNames) {
            if (containsIgnoreCase(sql, name)) {
                return true;
            }
        }
        for (String name : lowerLeadingNames) {
            if (containsIgnoreCase(sql, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoreCase(String text, String lowerNeedle) {
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
