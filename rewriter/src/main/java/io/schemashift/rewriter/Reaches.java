package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What in the database reaches a mapped table beside a statement's own table names: routines
 * whose definitions name one, views over one, tables that share rows with one (partitions,
 * inheritance), triggers of other tables that name one, foreign keys whose actions change one on
 * one side only, and tables whose {@code TRUNCATE … CASCADE} empties one; and the triggers of mapped
 * tables that one side has and the other lacks. Built from what the driver reads of the catalog,
 * for one {@link Compiled} mapping. Immutable.
 */
final class Reaches {

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
        /** A foreign key whose action changes a mapped table's rows on one side only. */
        FOREIGN_KEY,
        VIEW,
        /** A table that shares rows with a mapped one: a partition or child of it, or its parent. */
        RELATIVE
    }

    /** How a definition showed what it reaches. */
    enum Sight {
        /** It names the mapped tables it reaches. */
        NAMED,
        /** The catalog hides it from this user: it counts as reaching every mapped table. */
        HIDDEN,
        /**
         * It runs SQL it builds at run time ({@code EXECUTE format(…)}, MariaDB {@code PREPARE s
         * FROM @sql}), whose tables no definition shows: it counts as reaching every mapped table.
         */
        DYNAMIC
    }

    /** A routine, trigger, view or relative: its catalog name, what it reaches, and how its definition showed it. */
    record Indirect(Via via, String name, Reach reach, Sight sight) {}

    private final Compiled mapping;
    /** Routines whose definitions name a mapped table, by name as the catalog stores it (MariaDB: lower case). */
    private final Map<String, Indirect> routines = new HashMap<>();
    /** Views over mapped tables (through other views too), and relatives of mapped tables, by stored name. */
    private final Map<String, Indirect> views = new HashMap<>();
    /** Tables by stored name, each with the mapped tables (lower-case old names) a TRUNCATE … CASCADE of it empties. */
    private final Map<String, Set<String>> truncateCascades = new HashMap<>();
    /** Unmapped tables by stored name, with their triggers whose definitions name a mapped table. */
    private final Map<String, List<Trigger>> triggers = new HashMap<>();
    /** What each of those triggers reaches, and how its definition showed it, by trigger. */
    private final Map<Trigger, Indirect> triggerReach = new HashMap<>();
    /**
     * Mapped tables by lower-case old name, with the writes that fire a trigger one side's table has
     * and the other's lacks, and which may change rows, or that store a column one side's table
     * computes and the other's stores ({@link NonDeterminism#ONE_SIDED_TRIGGER}).
     */
    private final Map<String, Set<StatementKind>> oneSided = new HashMap<>();
    /** The triggers behind {@link #oneSided}, described with their moment and table, by lower-case old name. */
    private final Map<String, Set<String>> oneSidedTriggers = new HashMap<>();
    /**
     * Mapped tables by lower-case old name, with the canonical names of the old columns both tables
     * stamp with the current timestamp at every UPDATE ({@link Trigger#stamps}).
     */
    private final Map<String, Set<String>> stamped = new HashMap<>();
    /** Mapped tables by lower-case old name whose old or new table has a PostgreSQL rule ({@link Trigger#rule}). */
    private final Set<String> ruled = new HashSet<>();
    /** Triggers of one table only that change no mapped value (an audit log), described alike. */
    private final Map<String, Set<String>> harmlessTriggers = new HashMap<>();
    /** Parent tables by stored name, with their foreign keys that change mapped tables on one side only. */
    private final Map<String, List<CascadingKey>> keys = new HashMap<>();
    /** The names of all of the above, lower case, for the no-parse fast path. */
    private final List<String> lowerNames;

    Reaches(
            Compiled mapping,
            Collection<Routine> routineList,
            Map<String, Set<String>> cascades,
            Collection<Trigger> triggerList,
            Collection<Trigger> newTriggerList,
            Collection<CascadingKey> keyList,
            Collection<View> viewList,
            Map<String, Set<String>> relatives) {
        this.mapping = mapping;
        Dialect dialect = mapping.dialect();
        relatives.forEach((table, reached) -> {
            if (mapping.table(stored(table)) == null) { // a mapped relative is rewritten and mirrored itself
                views.put(
                        stored(table),
                        new Indirect(Via.RELATIVE, table, new Reach(lowerNamesOf(reached), null), Sight.NAMED));
            }
        });
        // views first, to a fixed point (a view over a view), so that every definition read after them counts them
        Set<String> everyTable = Set.copyOf(mapping.lowerNames);
        for (boolean grew = true; grew; ) {
            grew = false;
            for (View v : viewList) {
                Set<String> reached = v.definition() == null
                        ? everyTable
                        : reach(Tokens.lex(v.definition(), dialect), 2).tables();
                Indirect known = views.get(stored(v.name()));
                if (!reached.isEmpty()
                        && (known == null || !known.reach().tables().equals(reached))) {
                    views.put(
                            stored(v.name()),
                            new Indirect(
                                    Via.VIEW,
                                    v.name(),
                                    new Reach(reached, null),
                                    v.definition() == null ? Sight.HIDDEN : Sight.NAMED));
                    grew = true;
                }
            }
        }
        Reach everything = new Reach(everyTable, StatementKind.UPDATE);
        for (Routine r : routineList) {
            Tokens body = r.definition() == null ? null : Tokens.lex(r.definition(), dialect);
            Sight sight = body == null ? Sight.HIDDEN : dynamic(body, 2) ? Sight.DYNAMIC : Sight.NAMED;
            Reach reach = sight == Sight.NAMED ? reach(body, 2) : everything;
            if (!reach.tables().isEmpty()) {
                routines.merge(stored(r.name()), new Indirect(Via.ROUTINE, r.name(), reach, sight), Reaches::either);
            }
        }
        cascades.forEach((table, reached) -> truncateCascades.put(stored(table), lowerNamesOf(reached)));
        for (Trigger t : triggerList) {
            Tokens body = t.definition() == null ? null : Tokens.lex(t.definition(), dialect);
            Sight sight = body == null ? Sight.HIDDEN : dynamic(body, 2) ? Sight.DYNAMIC : Sight.NAMED;
            Reach reach = sight == Sight.NAMED ? reach(body, 2) : everything;
            String table = stored(t.table());
            // a trigger on a mapped table fires on the old side only: doctor's writers check reports it
            if (!reach.tables().isEmpty() && mapping.table(table) == null) {
                triggers.computeIfAbsent(table, k -> new ArrayList<>()).add(t);
                triggerReach.put(t, new Indirect(Via.TRIGGER, t.name(), reach, sight));
            }
        }
        Collection<Trigger> onNewSide = newTriggerList == null ? triggerList : newTriggerList;
        for (MappedTable m : mapping.tables()) {
            Set<StatementKind> events = EnumSet.noneOf(StatementKind.class);
            Set<String> described = new TreeSet<>();
            Set<String> harmless = new TreeSet<>();
            List<Trigger> old = on(triggerList, m.mapping.oldName());
            List<Trigger> neu = on(onNewSide, m.mapping.newName());
            stampedOnBoth(m, old, neu);
            if (old.stream().anyMatch(Trigger::rule) || neu.stream().anyMatch(Trigger::rule)) {
                ruled.add(m.lowerName);
            }
            unmatched(old, neu, mappedColumns(m, false), m, events, described, harmless);
            unmatched(neu, old, mappedColumns(m, true), null, events, described, harmless);
            if (!described.isEmpty()) {
                oneSidedTriggers.put(m.lowerName, Collections.unmodifiableSet(described));
            }
            if (!harmless.isEmpty()) {
                harmlessTriggers.put(m.lowerName, Collections.unmodifiableSet(harmless));
            }
            if (m.mapping.computedOnOneSide().containsValue(TableMapping.ComputedBy.OLD_TABLE)
                    || m.mapping.computedOnOneSide().containsValue(TableMapping.ComputedBy.NEW_TABLE)) {
                // a generated column is a trigger of its own: each INSERT and UPDATE computes it again
                events.add(StatementKind.INSERT);
                events.add(StatementKind.UPDATE);
            }
            if (!events.isEmpty()) {
                oneSided.put(m.lowerName, Set.copyOf(events));
            }
        }
        for (CascadingKey k : keyList) {
            keys.computeIfAbsent(stored(k.parent()), p -> new ArrayList<>()).add(k);
        }
        this.lowerNames = Stream.of(
                        routines.keySet().stream(),
                        views.keySet().stream(),
                        truncateCascades.keySet().stream(),
                        triggers.keySet().stream(),
                        keys.keySet().stream())
                .flatMap(names -> names)
                .map(n -> n.toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
    }

    /** Notes the columns of {@code m} that both its old ({@code old}) and new table ({@code neu}) stamp. */
    private void stampedOnBoth(MappedTable m, List<Trigger> old, List<Trigger> neu) {
        for (Trigger t : old) {
            if (t.stamps() == null) {
                continue;
            }
            String canonical = mapping.names.fold(t.stamps());
            MappedTable.OldColumn c = m.column(canonical, t.stamps());
            if (c != null
                    && !c.dropped()
                    && neu.stream().anyMatch(n -> c.newName().equalsIgnoreCase(n.stamps()))) {
                stamped.computeIfAbsent(m.lowerName, k -> new TreeSet<>()).add(canonical);
            }
        }
    }

    /**
     * The canonical names of the old columns of mapped table {@code lowerOldName} that both tables
     * stamp with the current timestamp at every UPDATE: each side would read its own clock, so an
     * UPDATE that leaves one alone sets it to one captured instant on both.
     */
    Set<String> stamped(String lowerOldName) {
        return stamped.getOrDefault(lowerOldName, Set.of());
    }

    /** Whether mapped table {@code lowerOldName}'s old or new table has a rule, which may refuse a {@code RETURNING}. */
    boolean ruled(String lowerOldName) {
        return ruled.contains(lowerOldName);
    }

    /** The triggers of {@code triggers} on the table configured as {@code name}. */
    private List<Trigger> on(Collection<Trigger> triggers, String name) {
        String stored = stored(mapping.names.fold(name));
        return triggers.stream().filter(t -> stored(t.table()).equals(stored)).toList();
    }

    /**
     * The lower-case names of {@code m}'s columns that the other side has too, as its old ({@code
     * newSide} false) or new table names them (derived columns are the new side's); {@code null}
     * when the old columns are not known.
     */
    private static Set<String> mappedColumns(MappedTable m, boolean newSide) {
        if (!m.columnsKnown) {
            return null;
        }
        Set<String> columns = new java.util.HashSet<>();
        for (MappedTable.OldColumn c : m.oldColumns) {
            if (!c.dropped()) {
                columns.add((newSide ? c.newName() : c.name()).toLowerCase(Locale.ROOT));
            }
        }
        if (newSide) {
            m.derived.forEach(d -> columns.add(d.newName().toLowerCase(Locale.ROOT)));
        }
        return columns;
    }

    /**
     * Adds to {@code events} those of {@code side}'s triggers that may change rows, with none at the
     * same moment on {@code other}; and those with one there that the sides still run apart: one
     * that sets a value from the current time, and (the old side's) one that sets a source of a
     * derived column ({@link #setsDerivedSource}).
     *
     * @param columns the mapped columns of {@code side}'s table ({@code null}: not known)
     * @param derivedOf the mapped table whose derived columns the new side computes, when {@code
     *     side} is its old table; {@code null} for its new table
     */
    private void unmatched(
            List<Trigger> side,
            List<Trigger> other,
            Set<String> columns,
            MappedTable derivedOf,
            Set<StatementKind> events,
            Set<String> described,
            Set<String> harmless) {
        for (Trigger t : side) {
            Set<StatementKind> missing = EnumSet.noneOf(StatementKind.class);
            for (StatementKind e : t.events()) {
                if (other.stream()
                        .noneMatch(o -> o.before() == t.before() && o.events().contains(e))) {
                    missing.add(e);
                }
            }
            if (missing.isEmpty()) {
                if (readsItsOwnClock(t, columns)) {
                    Set<StatementKind> stamping = EnumSet.copyOf(t.events());
                    stamping.retainAll(EnumSet.of(StatementKind.INSERT, StatementKind.UPDATE));
                    events.addAll(stamping);
                    described.add(
                            t.name() + " on " + t.table() + " (BEFORE "
                                    + stamping.stream().map(Enum::name).collect(Collectors.joining(", "))
                                    + (t.definition() == null
                                            ? ", on both tables, whose definition cannot be read)"
                                            : ", on both tables, sets a value from the current time each side reads on its own)"));
                } else if (derivedOf != null && setsDerivedSource(t, derivedOf, other)) {
                    Set<StatementKind> setting = EnumSet.copyOf(t.events());
                    setting.retainAll(EnumSet.of(StatementKind.INSERT, StatementKind.UPDATE));
                    events.addAll(setting);
                    described.add(t.name() + " on " + t.table() + " (BEFORE "
                            + setting.stream().map(Enum::name).collect(Collectors.joining(", "))
                            + ", on both tables, sets a source of a derived column, which the new side computes from the"
                            + " written value)");
                }
                continue;
            }
            String description = t.name() + " on " + t.table() + " (" + (t.before() ? "BEFORE " : "AFTER ")
                    + missing.stream().map(Enum::name).collect(Collectors.joining(", "))
                    + (t.definition() == null ? ", whose definition cannot be read" : "") + ")";
            if (changesRows(t, columns)) {
                events.addAll(missing);
                described.add(description);
            } else {
                harmless.add(description);
            }
        }
    }

    /**
     * The triggers of mapped table {@code lowerOldName}, or of its new table, that have no
     * counterpart at the same moment on the other table, as {@code name on table (BEFORE INSERT,
     * UPDATE)}: those that may change rows ({@code changingRows}; their writes are {@link
     * NonDeterminism#ONE_SIDED_TRIGGER}), or those that change no mapped value (an audit log): nothing
     * forks, but what they do happens on one side only. Empty when none.
     */
    Set<String> unmatchedTriggers(String lowerOldName, boolean changingRows) {
        return (changingRows ? oneSidedTriggers : harmlessTriggers).getOrDefault(lowerOldName, Set.of());
    }

    /**
     * Whether a trigger on a mapped table may change rows the other side would not: it runs before
     * an INSERT or UPDATE and names {@code NEW.c} for a mapped column {@code c} (it may set that
     * value; one that sets only columns of its own side, an {@code updated_at} the other table
     * lacks, does not part the sides), or its definition names a mapped table, by its old or its new
     * name (a PostgreSQL rule's always does). Errs towards yes: any mention counts, and so does a
     * definition that cannot be read ({@link Trigger#definition}).
     *
     * @param columns the mapped columns of the trigger's table ({@code null}: not known, any counts)
     */
    private boolean changesRows(Trigger t, Set<String> columns) {
        if (t.definition() == null) {
            return true; // hidden from this user, or not SQL (a C function): it may do anything
        }
        if (t.before()
                && (t.events().contains(StatementKind.INSERT) || t.events().contains(StatementKind.UPDATE))
                && (columns == null
                        || setsAnyOf(t.definition(), columns)
                        || REPLACES_NEW.matcher(t.definition()).find())) {
            return true;
        }
        if (dynamic(Tokens.lex(t.definition(), mapping.dialect()), 2)) {
            return true; // SQL built at run time may write any table
        }
        for (MappedTable m : mapping.tables()) {
            if (Compiled.containsIgnoreCase(t.definition(), m.lowerName)
                    || Compiled.containsIgnoreCase(
                            t.definition(), m.mapping.newName().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether old-side trigger {@code t}, which the new table has a counterpart of, may set a source
     * of one of {@code m}'s derived columns: it runs before an INSERT or UPDATE and names {@code
     * NEW.s} for a source {@code s}, or replaces {@code NEW}. The new side computes the derived
     * column from the value the statement writes, the old side stores the trigger's (and the
     * backfill computes from it): they part, unless a trigger of the new table before the same
     * events sets a derived column itself.
     */
    private static boolean setsDerivedSource(Trigger t, MappedTable m, List<Trigger> newTable) {
        if (m.derived.isEmpty()
                || !t.before()
                || t.definition() == null // not readable: readsItsOwnClock records it
                || !(t.events().contains(StatementKind.INSERT) || t.events().contains(StatementKind.UPDATE))) {
            return false;
        }
        Set<String> sources = new java.util.HashSet<>();
        Set<String> derivedColumns = new java.util.HashSet<>();
        for (MappedTable.Derived d : m.derived) {
            d.sources().forEach(c -> sources.add(c.toLowerCase(Locale.ROOT)));
            derivedColumns.add(d.newName().toLowerCase(Locale.ROOT));
        }
        if (!setsAnyOf(t.definition(), sources)
                && !REPLACES_NEW.matcher(t.definition()).find()) {
            return false;
        }
        return newTable.stream()
                .noneMatch(o -> o.before()
                        && o.definition() != null
                        && o.events().stream().anyMatch(t.events()::contains)
                        && setsAnyOf(o.definition(), derivedColumns));
    }

    /**
     * Whether a trigger the other table has too sets a mapped value from the current time, which each
     * side reads on its own: another clock, or another moment (where both statements share a
     * transaction's clock, {@link Compiled#transactionClock}, only the calls that read the time of
     * the statement or of the call). A column's {@code ON UPDATE} is not one: both sides
     * are given one instant instead ({@link #stamped}). One whose definition cannot be read may.
     */
    private boolean readsItsOwnClock(Trigger t, Set<String> columns) {
        return t.stamps() == null
                && t.before()
                && (t.events().contains(StatementKind.INSERT) || t.events().contains(StatementKind.UPDATE))
                && (t.definition() == null // not readable: it may read the time
                        || ((columns == null
                                        || setsAnyOf(t.definition(), columns)
                                        || REPLACES_NEW.matcher(t.definition()).find())
                                && readsClock(Tokens.lex(t.definition(), mapping.dialect()), 2)));
    }

    /**
     * Whether a definition calls a clock whose value differs between the two sides' statements, in
     * its text or the SQL its strings carry (PostgreSQL's function body is one).
     */
    private boolean readsClock(Tokens t, int depth) {
        for (int i = 0; i < t.size(); i++) {
            if ((t.kind(i) == Tokens.WORD
                            && NonDeterministicCalls.readsClock(
                                    t.text(i).toLowerCase(Locale.ROOT), mapping.transactionClock))
                    || (depth > 0
                            && t.kind(i) == Tokens.STRING
                            && readsClock(Tokens.lex(Tokens.stringBody(t.text(i)), mapping.dialect()), depth - 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A trigger body that replaces the row wholesale, without naming a column: PostgreSQL's {@code
     * NEW := …}, {@code NEW = …}, {@code SELECT … INTO NEW}.
     */
    private static final Pattern REPLACES_NEW =
            Pattern.compile("\\bnew\\s*:?=(?!=)|\\binto\\s+new\\b(?!\\s*\\.)", Pattern.CASE_INSENSITIVE);

    /** Whether {@code definition} names {@code NEW.c} (quoted or not) for one of {@code columns}. */
    private static boolean setsAnyOf(String definition, Set<String> columns) {
        String text = definition.toLowerCase(Locale.ROOT).replace("\"", "").replace("`", "");
        for (int at = text.indexOf("new."); at >= 0; at = text.indexOf("new.", at + 4)) {
            int end = at + 4;
            while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                end++;
            }
            if (columns.contains(text.substring(at + 4, end))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a write of {@code kind} to mapped table {@code lowerOldName} fires a trigger one side's
     * table has and the other's lacks ({@link NonDeterminism#ONE_SIDED_TRIGGER}): an upsert may insert,
     * update or (MariaDB's {@code REPLACE}) delete.
     */
    boolean firesOneSided(String lowerOldName, StatementKind kind) {
        Set<StatementKind> events = oneSided.get(lowerOldName);
        if (events == null) {
            return false;
        }
        return kind == StatementKind.UPSERT ? !events.isEmpty() : events.contains(kind);
    }

    private static Set<String> lowerNamesOf(Set<String> oldNames) {
        return oldNames.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** A name as the catalog stores it, in the form {@link Names#canonical} gives a written one. */
    private String stored(String catalogName) {
        return mapping.dialect() == Dialect.MARIADB ? catalogName.toLowerCase(Locale.ROOT) : catalogName;
    }

    /** Overloads share a name: a call of it may reach what any of them reaches. */
    private static Indirect either(Indirect a, Indirect b) {
        Set<String> tables = new TreeSet<>(a.reach().tables());
        tables.addAll(b.reach().tables());
        StatementKind write =
                a.reach().write() != null ? a.reach().write() : b.reach().write();
        return new Indirect(
                a.via(),
                a.name(),
                new Reach(Set.copyOf(tables), write),
                a.sight() != Sight.NAMED ? a.sight() : b.sight());
    }

    /**
     * Whether {@code t}, or the SQL its string literals carry ({@code depth} levels deep), runs
     * SQL built at run time: PostgreSQL's {@code EXECUTE} (MariaDB's and H2's {@code EXECUTE IMMEDIATE})
     * of anything but one string literal, MariaDB's {@code PREPARE s FROM} anything but one.
     * Errs towards dynamic (a word EXECUTE in a message counts).
     */
    private boolean dynamic(Tokens t, int depth) {
        for (int i = 0; i < t.size(); i++) {
            int sql = -1;
            if (t.isWord(i, "execute")) {
                sql = t.significant(i + 1);
                if (t.isWord(sql, "immediate")) {
                    sql = t.significant(sql + 1);
                } else if (mapping.dialect() != Dialect.POSTGRESQL) {
                    sql = -1; // MariaDB's EXECUTE name runs what PREPARE name FROM prepared; H2 has none
                }
            } else if (t.isWord(i, "from") && preparedFrom(t, i)) {
                sql = t.significant(i + 1);
            }
            if (sql >= 0 && !literalAlone(t, sql)) {
                return true;
            }
            if (depth > 0
                    && t.kind(i) == Tokens.STRING
                    && dynamic(Tokens.lex(Tokens.stringBody(t.text(i)), mapping.dialect()), depth - 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a statement the application sends builds SQL at run time that no text shows: a
     * PostgreSQL {@code DO} block that does ({@code EXECUTE format(…)}), MariaDB's {@code PREPARE s
     * FROM @sql}, MariaDB's or H2's {@code EXECUTE IMMEDIATE} of an expression, H2's {@code
     * RUNSCRIPT} (the SQL of a file). ({@code EXECUTE name} runs what a {@code PREPARE name}
     * prepared, which is judged by its own text.)
     */
    boolean buildsSql(Tokens t) {
        return switch (mapping.dialect()) {
            case POSTGRESQL -> t.isWord(t.significant(0), "do") && dynamic(t, 2);
            case MARIADB -> dynamic(t, 0);
            case H2 -> dynamic(t, 0) || t.isWord(t.significant(0), "runscript"); // RUNSCRIPT: SQL from a file
        };
    }

    /** Whether the {@code FROM} at {@code from} is MariaDB's {@code PREPARE name FROM}. */
    private static boolean preparedFrom(Tokens t, int from) {
        int name = t.significantBefore(from);
        return name > 0 && Kinds.after(t, name, "prepare");
    }

    /** Whether token {@code i} is a string literal that stands alone: not concatenated, not an argument. */
    private static boolean literalAlone(Tokens t, int i) {
        if (i >= t.size() || t.kind(i) != Tokens.STRING) {
            return false;
        }
        int next = t.significant(i + 1);
        return next >= t.size() || t.isPunct(next, ';') || t.isWord(next, "using") || t.isWord(next, "into");
    }

    /**
     * What {@code t} reaches, itself and {@code depth} levels into the SQL its string literals
     * carry (a PostgreSQL {@code DO} block or function body, a dynamic {@code EXECUTE '…'}, a
     * MariaDB {@code PREPARE s FROM '…'}). Errs towards both: any mapped name counts (a view's
     * too), and so does any write, whichever table it writes.
     */
    Reach reach(Tokens t, int depth) {
        Reach carried = carried(t, depth);
        Set<String> named = mapping.mentioned(t);
        for (int i = 0; !views.isEmpty() && i < t.size(); i++) {
            Indirect v = mapping.relation(t, i) ? views.get(mapping.names.canonical(t.text(i))) : null;
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
                Reach r = reach(Tokens.lex(Tokens.stringBody(t.text(i)), mapping.dialect()), depth - 1);
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

    /** Whether any routine or view reaches a mapped table. */
    boolean hasIndirect() {
        return !routines.isEmpty() || !views.isEmpty();
    }

    /**
     * The first routine {@code t} calls, or view it names, that reaches a mapped table, or {@code
     * null}. A routine's name counts when {@code (} follows it or {@code CALL} precedes it (MariaDB
     * allows {@code CALL p}); a view's anywhere, but a view whose definition is hidden only in a
     * statement of write {@code kind}.
     */
    Indirect indirect(Tokens t, StatementKind kind) {
        for (int i = 0; i < t.size(); i++) {
            Indirect through = mapping.relation(t, i) ? routineOrView(t, i, kind) : null;
            if (through != null) {
                return through;
            }
        }
        return null;
    }

    /** The routine called or the view named at token {@code i}, as {@link #indirect} counts them, or {@code null}. */
    private Indirect routineOrView(Tokens t, int i, StatementKind kind) {
        String name = mapping.names.canonical(t.text(i));
        boolean call = t.isPunct(t.significant(i + 1), '(');
        Indirect r = call || Kinds.after(t, i, "call") ? routines.get(name) : null;
        if (r != null) {
            return r;
        }
        Indirect v = views.get(name); // also before "(": INSERT INTO v (a, b)
        return v != null && (kind.isWrite() || v.sight() != Sight.HIDDEN) ? v : null;
    }

    /**
     * The lexical scan of what a statement that is not analysed (too long, unparseable, out of
     * time, several statements, a rewriter failure) touches: the mapped tables it names, and those
     * it reaches through the routines and views it names, the triggers of the tables it writes, or
     * a {@code TRUNCATE … CASCADE}. Errs towards naming a table, as {@link Compiled#mentioned(Tokens)}.
     */
    Set<String> touched(Tokens t) {
        Set<String> found = mapping.mentioned(t);
        StatementKind kind = Kinds.of(t);
        boolean cascade = false;
        for (int i = 0; kind == StatementKind.TRUNCATE && i < t.size(); i++) {
            cascade |= t.isWord(i, "cascade");
        }
        for (int i = 0; i < t.size(); i++) {
            if (!mapping.relation(t, i)) {
                continue;
            }
            String name = mapping.names.canonical(t.text(i));
            Indirect through = routineOrView(t, i, kind);
            Indirect fired = kind.isWrite() ? fired(name, kind, null) : null;
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

    /**
     * The first trigger a write of {@code kind} to one of {@code written} (parsed table
     * references) fires whose definition names a mapped table, or foreign key it fires that changes
     * one on one side only, or {@code null}.
     *
     * @param set the columns the write sets, lower case ({@code null}: not known), for a key's
     *     {@code ON UPDATE} action
     */
    Indirect fired(List<net.sf.jsqlparser.schema.Table> written, StatementKind kind, Set<String> set) {
        for (net.sf.jsqlparser.schema.Table t : written) {
            if (t.getName() != null) {
                // a trigger's table and a key's parent may be in any schema (PostgreSQL's catalog gives every
                // schema's): the name alone counts, and a namesake elsewhere is refused too
                Indirect c = fired(mapping.names.canonical(t.getName()), kind, set);
                if (c != null) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Like {@link #fired(List, StatementKind, Set)} when the written tables are not known: any table named counts. */
    Indirect fired(Tokens t, StatementKind kind) {
        for (int i = 0; (!triggers.isEmpty() || !keys.isEmpty()) && i < t.size(); i++) {
            if (mapping.relation(t, i)) {
                Indirect c = fired(mapping.names.canonical(t.text(i)), kind, null);
                if (c != null) {
                    return c;
                }
            }
        }
        return null;
    }

    private Indirect fired(String table, StatementKind kind, Set<String> set) {
        for (Trigger trigger : triggers.getOrDefault(table, List.of())) {
            boolean fires = kind == StatementKind.UPSERT
                    ? trigger.events().contains(StatementKind.INSERT)
                            || trigger.events().contains(StatementKind.UPDATE)
                    : trigger.events().contains(kind);
            if (fires) {
                return triggerReach.get(trigger);
            }
        }
        return keyed(table, kind, set);
    }

    /** The first foreign key of parent {@code table} whose action a write of {@code kind} setting {@code set} fires. */
    private Indirect keyed(String table, StatementKind kind, Set<String> set) {
        for (CascadingKey key : keys.getOrDefault(table, List.of())) {
            if (fires(key, kind, set)) {
                Reach reach = new Reach(Set.of(key.child().toLowerCase(Locale.ROOT)), StatementKind.UPDATE);
                return new Indirect(Via.FOREIGN_KEY, key.name(), reach, Sight.NAMED);
            }
        }
        return null;
    }

    /**
     * Whether a write of {@code kind} to a key's parent, setting {@code set} ({@code null}: not
     * known), may fire its action: a DELETE its {@code ON DELETE}; an UPDATE its {@code ON UPDATE}
     * when it sets a referenced column; an upsert whose update is known likewise; any other upsert
     * (MariaDB's {@code REPLACE} deletes, a {@code MERGE} may delete) either.
     */
    private static boolean fires(CascadingKey key, StatementKind kind, Set<String> set) {
        boolean onUpdate = key.events().contains(StatementKind.UPDATE)
                && (set == null || set.stream().anyMatch(key.parentColumns()::contains));
        return switch (kind) {
            case DELETE -> key.events().contains(StatementKind.DELETE);
            case UPDATE -> onUpdate;
            case UPSERT -> onUpdate || set == null && key.events().contains(StatementKind.DELETE);
            default -> false;
        };
    }

    /** The mapped tables (lower-case old names) a {@code TRUNCATE … CASCADE} of parsed table {@code t} empties through foreign keys. */
    Set<String> truncateCascades(net.sf.jsqlparser.schema.Table t) {
        if (t.getName() == null || !mapping.inOld(t.getSchemaName())) {
            return Set.of();
        }
        return truncateCascades.getOrDefault(mapping.names.canonical(t.getName()), Set.of());
    }

    /** Whether {@code sql} may name a routine, view or table that reaches a mapped table: a case-insensitive substring scan. */
    boolean mayMention(String sql) {
        for (String name : lowerNames) {
            if (Compiled.containsIgnoreCase(sql, name)) {
                return true;
            }
        }
        return false;
    }
}
