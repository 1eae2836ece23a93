package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.parser.CCJSqlParserTreeConstants;
import net.sf.jsqlparser.parser.SimpleNode;
import net.sf.jsqlparser.schema.Column;

/**
 * A {@link TableMapping} prepared for one dialect: names in comparable form, derived expressions
 * split into text and source-column holes. Immutable.
 */
final class MappedTable {

    /** One old column: its name as configured and its new name, {@code null} when dropped. */
    record OldColumn(String name, String newName) {
        boolean dropped() {
            return newName == null;
        }

        boolean renamed() {
            return newName != null && !newName.equals(name);
        }
    }

    /**
     * A derived column: {@code parts} alternate literal SQL text (String) and source columns (the
     * canonical old name, as {@link Source}).
     */
    record Derived(String newName, List<Object> parts) {
        List<String> sources() {
            return parts.stream()
                    .filter(Source.class::isInstance)
                    .map(p -> ((Source) p).canonical())
                    .toList();
        }
    }

    /**
     * {@code value}, written for source {@code canonical} of derived column {@code d}, as the old
     * column stores it, which the backfill reads: cast to the old column's type where that rounds a
     * value ({@link TableMapping#roundingTypes}: {@code 1.005} is {@code 1.01} in a {@code
     * numeric(10,2)}); the DEFAULT keyword is the value the old column then stores where the catalog
     * says what that is ({@link #valueLeftOut}: {@code NULL} or a constant; a new column's default of
     * its own is {@link NonDeterminism#DEFAULT_COLUMN} elsewhere), refused where it does not. The
     * same fragment where neither applies.
     */
    Fragment sourceValue(Derived d, String canonical, Fragment value) {
        if (value.isDefault()) {
            Fragment known = valueLeftOut(canonical);
            if (known == null) {
                throw Refusal.unsupported("DEFAULT as the value of a source of derived column " + d.newName());
            }
            return known;
        }
        String type = roundingTypes.get(canonical);
        return type == null ? value : roundedTo(value, type);
    }

    private static Fragment roundedTo(Fragment value, String type) {
        return Fragment.join(List.of("CAST(", value, " AS " + type + ")"));
    }

    record Source(String canonical) {}

    /** PostgreSQL's string types by the first word of their name ({@link #stringType}). */
    private static final Set<String> STRING_TYPES =
            Set.of("text", "varchar", "character", "char", "bpchar", "name", "citext");

    final TableMapping mapping;
    final String canonicalName;
    /** The old name in lower case: how results name the table ({@link RewriteResult#tables()}). */
    final String lowerName;

    final String newSqlName;
    /** Canonical old name to column, for every listed or known old column. */
    private final Map<String, OldColumn> columns = new LinkedHashMap<>();

    final boolean columnsKnown;
    final List<OldColumn> oldColumns = new ArrayList<>();
    final List<Derived> derived = new ArrayList<>();
    final List<String> key = new ArrayList<>();
    /** Canonical names of the old columns whose default differs on the new side ({@link TableMapping#differingDefaults}). */
    final java.util.Set<String> differingDefaults = new java.util.HashSet<>();
    /**
     * Canonical names of the old columns both tables default to the current timestamp, each with
     * the captured instant that replaces it ({@link TableMapping#clockDefaults}), or where both
     * sides read one transaction's time, the call itself ({@link Compiled#transactionClock}).
     */
    final Map<String, Fragment> clockDefaults = new java.util.TreeMap<>();
    /**
     * Canonical names of the old columns whose value where an INSERT leaves them out is known, each
     * with that value as written ({@link TableMapping#valuesLeftOut}: {@code NULL} or a constant;
     * for a {@link #clockDefaults} column, the time both sides are given, cast to its {@link
     * #roundingTypes} type).
     */
    private final Map<String, Fragment> valuesLeftOut = new java.util.HashMap<>();
    /** Canonical old names of the columns whose type rounds a written value, with it ({@link TableMapping#roundingTypes}). */
    private final Map<String, String> roundingTypes = new java.util.HashMap<>();
    /**
     * Canonical names of the old columns the new table computes and the old stores ({@link
     * TableMapping#computedOnOneSide}).
     */
    private final java.util.Set<String> computedByNew = new java.util.HashSet<>();
    /**
     * Lower-case names of the old columns whose types round a written value apart ({@link
     * TableMapping.ComputedBy#EACH_TABLE_ROUNDING}), with what both types keep alike.
     */
    final Map<String, KeptAlike> roundedApart = new java.util.HashMap<>();
    /** Canonical old names of the columns whose new type takes a cast of the old one's values ({@link TableMapping#retyped}). */
    private final Map<String, TableMapping.Retyped> retyped = new java.util.HashMap<>();

    /**
     * @param newSchemaDefault the schema to name the new table with when the mapping gives none
     *     ({@code null}: leave it unqualified)
     * @param transactionClock whether both sides read one transaction's time ({@link Compiled#transactionClock})
     */
    MappedTable(TableMapping mapping, Names names, String newSchemaDefault, boolean transactionClock) {
        this.mapping = mapping;
        this.canonicalName = names.fold(mapping.oldName());
        this.lowerName = mapping.oldName().toLowerCase(java.util.Locale.ROOT);
        this.newSqlName = names.qualified(
                mapping.newSchema() != null ? mapping.newSchema() : newSchemaDefault, mapping.newName());
        this.columnsKnown = !mapping.oldColumns().isEmpty();
        mapping.columns().forEach((old, neu) -> columns.put(names.fold(old), new OldColumn(old, neu)));
        for (String old : mapping.oldColumns()) {
            OldColumn c = columns.computeIfAbsent(names.fold(old), k -> new OldColumn(old, old));
            oldColumns.add(new OldColumn(old, c.newName()));
        }
        for (String k : mapping.key()) {
            key.add(names.fold(k));
        }
        mapping.differingDefaults().forEach(c -> differingDefaults.add(names.fold(c)));
        mapping.computedOnOneSide().forEach((c, by) -> {
            if (by == TableMapping.ComputedBy.NEW_TABLE) {
                computedByNew.add(names.fold(c));
            } else if (by == TableMapping.ComputedBy.EACH_TABLE_ROUNDING) {
                roundedApart.put(
                        c.toLowerCase(java.util.Locale.ROOT),
                        mapping.keptAlike().getOrDefault(c, KeptAlike.NOTHING));
            }
        });
        mapping.clockDefaults().forEach((c, call) -> {
            String name = NonDeterministicCalls.normalize(call);
            int digits = NonDeterministicCalls.digits(call.trim());
            // one transaction's time is alike on both sides, unless their types round it apart (judged on an instant)
            Fragment instant = transactionClock
                            && !NonDeterministicCalls.readsClock(name, true)
                            && !roundedApart.containsKey(c.toLowerCase(java.util.Locale.ROOT))
                    ? NonDeterministicCalls.transactionCall(name, digits)
                    : NonDeterministicCalls.instant(name, names.dialect(), digits);
            if (instant != null) {
                clockDefaults.put(names.fold(c), instant);
            } else {
                differingDefaults.add(names.fold(c)); // a time of day no instant stands for: each side's own
            }
        });
        mapping.valuesLeftOut().forEach((c, sql) -> valuesLeftOut.put(names.fold(c), new Fragment(sql, List.of())));
        mapping.retyped().forEach((c, types) -> retyped.put(names.fold(c), types));
        mapping.roundingTypes().forEach((c, type) -> roundingTypes.put(names.fold(c), type));
        clockDefaults.forEach((c, clock) -> {
            String type = roundingTypes.get(c);
            if (type != null) { // CAST(now() AS timestamp(0)): the time both sides are given, as the column stores it
                valuesLeftOut.put(c, roundedTo(clock, type));
            }
        });
        mapping.derived().forEach((col, expr) -> derived.add(parseDerived(col, expr, names)));
    }

    /**
     * {@code value}, written to or compared with old column {@code canonical}, as the new side
     * takes it: cast to the new column's type where that takes no value of the old type by
     * assignment ({@link TableMapping#retyped}); as is otherwise, and when it is {@code DEFAULT}.
     */
    Fragment castForNew(String canonical, Fragment value) {
        String type = newTypeCast(canonical);
        return type == null || value.isDefault() ? value : Fragment.join(List.of("CAST(", value, " AS " + type + ")"));
    }

    /** The new type {@link #castForNew} casts a value of old column {@code canonical} to, or {@code null}. */
    String newTypeCast(String canonical) {
        TableMapping.Retyped r = retyped.get(canonical);
        return r == null ? null : r.newType();
    }

    /**
     * The old type a query's read of old column {@code canonical} is cast back to, so that the
     * application reads the type it was written for from the new side too; {@code null} when the
     * column keeps its type (or the new database does not know the old one).
     */
    String oldTypeCast(String canonical) {
        TableMapping.Retyped r = retyped.get(canonical);
        return r == null ? null : r.oldType();
    }

    /**
     * Whether old column {@code canonical} changes from a string type (or from a type the new
     * database does not know) to another: the new type orders its values otherwise ({@code '100' <
     * '20'} as text, {@code 20 < 100} as an integer; an enum by the order it declares) and spells
     * them its own way ({@code '07'} is {@code 7}, read back as {@code '7'}).
     */
    boolean fromStringType(String canonical) {
        TableMapping.Retyped r = retyped.get(canonical);
        if (r == null || r.newType() == null) {
            return false;
        }
        return r.oldType() == null || stringType(r.oldType());
    }

    /**
     * Whether old column {@code canonical} orders its values otherwise on the new side: retyped from
     * a string type ({@link #fromStringType}), or of another collation ({@code 'B' < 'a'} by bytes,
     * {@code 'a' < 'B'} by language).
     */
    boolean orderedApart(String canonical) {
        TableMapping.Retyped r = retyped.get(canonical);
        return r != null && (r.newType() == null || fromStringType(canonical));
    }

    /**
     * Whether PostgreSQL type {@code name} is a string type, as the catalog or a cast names it
     * ({@code character varying(10)}, {@code varchar}, {@code text}): by its first word.
     */
    static boolean stringType(String name) {
        int end = 0;
        while (end < name.length() && Character.isLetter(name.charAt(end))) {
            end++;
        }
        return STRING_TYPES.contains(name.substring(0, end).toLowerCase(Locale.ROOT));
    }

    /**
     * The value old column {@code canonical} stores where an INSERT leaves it out ({@code NULL} or a
     * constant default, as written), or {@code null} when it is not known before the INSERT runs (a
     * call, an identity's number) or was not read.
     */
    Fragment valueLeftOut(String canonical) {
        return valuesLeftOut.get(canonical);
    }

    /** What stands for old column {@code canonical}'s current-timestamp default on both sides ({@link #clockDefaults}). */
    Fragment clock(String canonical) {
        return clockDefaults.get(canonical);
    }

    /** The column, or {@code null} when the old columns are known and it is not one of them. */
    OldColumn column(String canonical, String written) {
        OldColumn c = columns.get(canonical);
        if (c != null) {
            return c;
        }
        return columnsKnown ? null : new OldColumn(written, written);
    }

    /**
     * The column as a write's target ({@link #column}): one the new table computes is dropped there
     * (a value written into a generated column fails), though a read finds it under its new name.
     */
    OldColumn written(String canonical, String written) {
        OldColumn c = column(canonical, written);
        return c != null && computedByNew.contains(canonical) ? new OldColumn(c.name(), null) : c;
    }

    /** Whether the mapping changes this column's name or drops it. */
    boolean affects(String canonical) {
        OldColumn c = columns.get(canonical);
        return c != null && (c.dropped() || c.renamed());
    }

    /** The new column name written into SQL. */
    String newColumnSql(OldColumn c, Names names) {
        return c.newName().equals(c.name()) && !columns.containsKey(names.fold(c.name()))
                ? c.name()
                : names.sql(c.newName());
    }

    private static Derived parseDerived(String column, String expression, Names names) {
        List<Object> parts = new ArrayList<>();
        try {
            List<SimpleNode> cols = new ArrayList<>();
            Trees.collect(Parser.expression(expression), CCJSqlParserTreeConstants.JJTCOLUMN, cols);
            int at = 0;
            for (SimpleNode n : cols) {
                Column c = (Column) n.jjtGetValue();
                int start = Trees.start(n);
                parts.add(expression.substring(at, start));
                parts.add(new Source(names.canonical(c.getColumnName())));
                at = Trees.end(n);
            }
            parts.add(expression.substring(at));
        } catch (Exception e) {
            throw new IllegalArgumentException("derived column " + column + ": cannot parse its expression");
        }
        return new Derived(column, List.copyOf(parts));
    }
}
