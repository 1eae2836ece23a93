package io.schemashift.runtime;

import io.schemashift.api.AssignmentCasts;
import io.schemashift.catalog.ColumnType;
import io.schemashift.mirror.KeptValues;
import io.schemashift.rewriter.ClockRead;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.KeptAlike;
import io.schemashift.rewriter.TableMapping;
import io.schemashift.rewriter.TableMapping.ComputedBy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * What each table fills in by itself, from database metadata, compared between an old table and
 * its new one. Defaults: the old columns (keys aside) whose default the new column does not share;
 * an INSERT that leaves such a column out (or writes {@code DEFAULT}) would store one value on each
 * side, mirrored and unrecorded. Defaults are compared as the database reports them, casts aside:
 * the same constant is shared (a number in any scale), and so is the current timestamp or date in
 * any spelling ({@link ClockRead}: {@code now()}, {@code CURRENT_TIMESTAMP(6)}…), which each side
 * would read when its statement runs (the mirror's a moment later, on a separate database by that
 * server's clock) and a write gets captured once for both; a time of day, any other call (a
 * sequence, a UUID) or another text differs; so does an identity column's numbering, and a
 * constant the two types store apart. Generated columns (computed at every write, not once): those
 * one side computes and the other stores, and the derived columns the new table computes. And what
 * the two types of each column keep alike of a written value.
 */
final class ColumnDefaults {

    /** PostgreSQL's casts in a reported default: {@code 'x'::character varying}, {@code '{}'::text[]}. */
    private static final Pattern CAST = Pattern.compile("::[a-z_ ]+(?:\\([0-9, ]*\\))?(?:\\[\\])*");

    /** PostgreSQL's built-in types as JDBC's {@code TYPE_NAME} names them, which every database has. */
    private static final Set<String> POSTGRESQL_BUILT_IN = Set.of(
            "varchar",
            "text",
            "bpchar",
            "int2",
            "int4",
            "int8",
            "numeric",
            "float4",
            "float8",
            "bool",
            "date",
            "time",
            "timetz",
            "timestamp",
            "timestamptz",
            "interval",
            "uuid",
            "json",
            "jsonb",
            "bytea");

    /** A number written as a plain decimal. */
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d*)?");

    /** The default of an identity column, as compared: a call, so never shared. */
    private static final String IDENTITY = "identity()";

    private ColumnDefaults() {}

    /**
     * A column's default as compared: as reported, or a call for an identity column ({@code
     * autoIncrement}), which reports none yet numbers the rows of each side on its own.
     */
    static String compared(String reported, boolean autoIncrement) {
        return reported == null && autoIncrement ? IDENTITY : reported;
    }

    /**
     * One table's columns, by lower-case name.
     *
     * @param defaults each column that is not generated, with its default as reported ({@code null}
     *     for none); empty when the table was not found
     * @param generated the generated columns (PostgreSQL reports a generation expression as the
     *     default: it is not one)
     * @param types every column's type
     * @param nullable the columns that take {@code NULL}
     */
    record Columns(
            Map<String, String> defaults, Set<String> generated, Map<String, ColumnType> types, Set<String> nullable) {

        boolean has(String lower) {
            return defaults.containsKey(lower) || generated.contains(lower);
        }
    }

    /**
     * The default of each column of a table whose type is a domain with one, and that has none of
     * its own (PostgreSQL, H2: the column's metadata reports none, yet the domain's applies).
     */
    private static final String DOMAIN_DEFAULTS =
            """
            SELECT c.column_name, d.domain_default
            FROM information_schema.columns c
            JOIN information_schema.domains d ON d.domain_catalog = c.domain_catalog
                 AND d.domain_schema = c.domain_schema AND d.domain_name = c.domain_name
            WHERE c.table_name LIKE ? ESCAPE '\\' AND c.column_default IS NULL AND d.domain_default IS NOT NULL""";

    /**
     * The columns of one table.
     *
     * @param domains whether the database has domains, whose defaults its columns take
     */
    static Columns read(DatabaseMetaData md, boolean domains, String catalog, String schemaPattern, String tablePattern)
            throws SQLException {
        Map<String, String> defaults = new HashMap<>();
        Set<String> generated = new HashSet<>();
        Map<String, ColumnType> types = new HashMap<>();
        Set<String> nullable = new HashSet<>();
        try (ResultSet rs = md.getColumns(catalog, schemaPattern, tablePattern, null)) {
            while (rs.next()) {
                String name = rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT);
                types.put(name, ColumnType.of(rs));
                if ("YES".equalsIgnoreCase(rs.getString("IS_NULLABLE"))) {
                    nullable.add(name);
                }
                if ("YES".equalsIgnoreCase(rs.getString("IS_GENERATEDCOLUMN"))) {
                    generated.add(name);
                } else {
                    defaults.put(
                            name,
                            compared(
                                    rs.getString("COLUMN_DEF"),
                                    "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"))));
                }
            }
        }
        if (domains && defaults.containsValue(null)) {
            String sql = DOMAIN_DEFAULTS + (schemaPattern == null ? "" : " AND c.table_schema LIKE ? ESCAPE '\\'");
            try (PreparedStatement ps = md.getConnection().prepareStatement(sql)) {
                ps.setString(1, tablePattern);
                if (schemaPattern != null) {
                    ps.setString(2, schemaPattern);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        defaults.replace(rs.getString(1).toLowerCase(Locale.ROOT), null, rs.getString(2));
                    }
                }
            }
        }
        return new Columns(defaults, generated, types, nullable);
    }

    /**
     * The old columns of {@code table} (by old name, keys aside, generated ones aside) whose value
     * where an INSERT leaves them out is known before it runs, each as {@code dialect} writes it:
     * {@code NULL} for a nullable column without a default of its own or its domain's (MariaDB
     * reports {@code NULL}); a constant default, where the column stores it as written — a string
     * of a variable-length string column that it fits, an integer of an integer column (not a
     * number with a scale the column rounds, not a padded {@code CHAR}, not a call or an identity's
     * number). On PostgreSQL the value is cast to the column's type, so that a function over it
     * resolves as over the column ({@code lower(CAST(NULL AS varchar))}), and only for the built-in
     * types every database has (a separate new database may lack the old one's enum); MariaDB and
     * H2 take it as is.
     */
    static Map<String, String> valuesLeftOut(TableMapping table, Columns old, Dialect dialect) {
        Map<String, String> values = new TreeMap<>();
        old.defaults().forEach((lower, reported) -> {
            ColumnType type = old.types().get(lower);
            if (type == null || table.key().stream().anyMatch(lower::equalsIgnoreCase)) {
                return;
            }
            String compared = normalized(reported);
            String value = compared == null
                    ? (old.nullable().contains(lower) ? "NULL" : null)
                    : type.storedAsWritten(compared);
            if (value == null) {
                return;
            }
            if (dialect != Dialect.POSTGRESQL) {
                values.put(oldName(table, lower), value);
            } else if (POSTGRESQL_BUILT_IN.contains(type.name())) {
                values.put(oldName(table, lower), "CAST(" + value + " AS " + type.name() + ")");
            }
        });
        return values;
    }

    /**
     * The old columns of {@code table} (by old name) whose type rounds or cuts a written value, each
     * with that type as {@code dialect} names it in a {@code CAST} ({@link ColumnType#castType}).
     */
    static Map<String, String> roundingTypes(TableMapping table, Columns old, Dialect dialect) {
        Map<String, String> types = new TreeMap<>();
        old.types().forEach((lower, type) -> {
            String cast = type.castType(dialect);
            if (cast != null) {
                types.put(oldName(table, lower), cast);
            }
        });
        return types;
    }

    /**
     * The old columns of {@code table} (by old name) whose default differs from their new column's,
     * or is one both types store apart ({@link #sharedAlike}).
     *
     * @param old the old table's, from {@link #read}
     * @param neu the new table's, from {@link #read}; no defaults when the new table was not found
     *     (nothing is compared: its own check reports it)
     */
    static Set<String> differing(TableMapping table, Columns old, Columns neu) {
        Set<String> differing = new TreeSet<>();
        Map<String, String> newDefaults = neu.defaults();
        if (newDefaults.isEmpty()) {
            return differing;
        }
        for (Map.Entry<String, String> column : old.defaults().entrySet()) {
            String newKey = newColumn(table, column.getKey());
            if (newKey == null || !newDefaults.containsKey(newKey)) {
                continue; // not a column of the new table (the mapping's own check reports it), or generated there
            }
            if (!sharedAlike(
                    column.getValue(),
                    old.types().get(column.getKey()),
                    newDefaults.get(newKey),
                    neu.types().get(newKey))) {
                differing.add(oldName(table, column.getKey()));
            }
        }
        return differing;
    }

    /**
     * The old columns of {@code table} (by old name, keys aside) whose default, shared by the new
     * column, is the current time, each with its default as the old table reports it.
     */
    static Map<String, String> clockDefaults(
            TableMapping table, Map<String, String> oldDefaults, Map<String, String> newDefaults) {
        Map<String, String> clock = new TreeMap<>();
        oldDefaults.forEach((column, reported) -> {
            String newKey = newColumn(table, column);
            String compared = normalized(reported);
            if (newKey != null
                    && newDefaults.containsKey(newKey)
                    && compared != null
                    && ClockRead.of(compared) != null
                    && sharedNormalized(compared, normalized(newDefaults.get(newKey)))) {
                clock.put(oldName(table, column), reported);
            }
        });
        return clock;
    }

    /**
     * The old columns of {@code table} (by old name, keys aside) that one side generates and the
     * other stores, with the table that generates each; and those neither generates whose two types
     * store a written value apart ({@link ColumnType#storesApartFrom}: {@link
     * ComputedBy#EACH_TABLE_ROUNDING}).
     */
    static Map<String, ComputedBy> computedOnOneSide(TableMapping table, Columns old, Columns neu) {
        Map<String, ComputedBy> oneSided = new TreeMap<>();
        Set<String> oldColumns = new HashSet<>(old.defaults().keySet());
        oldColumns.addAll(old.generated());
        for (String column : oldColumns) {
            String newKey = newColumn(table, column);
            if (newKey == null || !neu.has(newKey)) {
                continue;
            }
            boolean oldGenerates = old.generated().contains(column);
            if (oldGenerates != neu.generated().contains(newKey)) {
                oneSided.put(oldName(table, column), oldGenerates ? ComputedBy.OLD_TABLE : ComputedBy.NEW_TABLE);
            } else if (!oldGenerates
                    && storesApart(old.types().get(column), neu.types().get(newKey))) {
                oneSided.put(oldName(table, column), ComputedBy.EACH_TABLE_ROUNDING);
            }
        }
        return oneSided;
    }

    /**
     * What both types of each column of {@code table} whose two types differ keep alike of a written
     * value ({@link ColumnType#keptAlikeWith}), by old name, keys included.
     */
    static Map<String, KeptAlike> keptAlike(TableMapping table, Columns old, Columns neu) {
        Map<String, KeptAlike> kept = new TreeMap<>();
        old.types().forEach((lower, type) -> {
            String counterpart = counterpart(table, lower);
            ColumnType other = counterpart == null ? null : neu.types().get(counterpart);
            KeptAlike alike = other == null ? null : type.keptAlikeWith(other);
            if (alike != null) {
                kept.put(oldName(table, lower), alike);
            }
        });
        return kept;
    }

    /**
     * PostgreSQL: the old columns of {@code table} (by old name) whose new column, of a type of
     * another name, takes no value of the old type by assignment, each with the type to cast a
     * value to and the old type to read it back as ({@link AssignmentCasts}), asked of the new
     * table's database {@code newSide}.
     *
     * @param schema the new table's schema and name, as the catalog stores them
     */
    static Map<String, TableMapping.Retyped> retyped(
            TableMapping table, Columns old, Columns neu, Connection newSide, String schema, String newTable)
            throws SQLException {
        Map<String, TableMapping.Retyped> retyped = new TreeMap<>();
        for (Map.Entry<String, ColumnType> column : old.types().entrySet()) {
            String counterpart = counterpart(table, column.getKey());
            ColumnType other = counterpart == null ? null : neu.types().get(counterpart);
            if (other != null
                    && !other.name().equalsIgnoreCase(column.getValue().name())) {
                AssignmentCasts.of(newSide, column.getValue().name(), schema, newTable, counterpart)
                        .filter(t -> !t.byAssignment())
                        .ifPresent(t -> retyped.put(
                                oldName(table, column.getKey()), new TableMapping.Retyped(t.type(), t.oldType())));
            }
        }
        return retyped;
    }

    /**
     * The old string columns of {@code table} (by old name) whose new column has another collation
     * ({@link Collations}), as retyped columns without a cast: each side orders their values its
     * own way.
     */
    static Map<String, TableMapping.Retyped> collatedApart(
            TableMapping table, Map<String, String> old, Map<String, String> neu) {
        return orderedApart(table, old, neu, (collation, other) -> !other.equals(collation));
    }

    /**
     * MariaDB, H2: the old columns of {@code table} (by old name) that hold text on one side and
     * numbers or times on the other (a {@code VARCHAR} code become {@code INT}, which these
     * databases convert on assignment), as retyped columns without a cast: each side orders their
     * values its own way. PostgreSQL's are retyped with casts ({@link #retyped}).
     */
    static Map<String, TableMapping.Retyped> typedApart(TableMapping table, Columns old, Columns neu) {
        return orderedApart(table, old.types(), neu.types(), ColumnType::ordersApartFrom);
    }

    /**
     * The old columns of {@code table} (by old name) whose fact in {@code old} and their new
     * column's in {@code neu} (by lower-case name) are {@code apart}, as retyped columns without a
     * cast.
     */
    private static <V> Map<String, TableMapping.Retyped> orderedApart(
            TableMapping table, Map<String, V> old, Map<String, V> neu, BiPredicate<V, V> apart) {
        Map<String, TableMapping.Retyped> ordered = new TreeMap<>();
        old.forEach((lower, fact) -> {
            String counterpart = counterpart(table, lower);
            V other = counterpart == null ? null : neu.get(counterpart);
            if (other != null && apart.test(fact, other)) {
                ordered.put(oldName(table, lower), new TableMapping.Retyped(null, null));
            }
        });
        return ordered;
    }

    private static boolean storesApart(ColumnType old, ColumnType neu) {
        return old != null && neu != null && old.storesApartFrom(neu);
    }

    /** The derived columns of {@code table} that the new table generates. */
    static Set<String> generatedDerived(TableMapping table, Columns neu) {
        Set<String> generated = new TreeSet<>();
        table.derived().keySet().stream()
                .filter(d -> neu.generated().contains(d.toLowerCase(Locale.ROOT)))
                .forEach(generated::add);
        return generated;
    }

    /**
     * The new column (lower case) of old column {@code lower}; {@code null} for a key column (a
     * key the primary generates reaches the mirror as a value) or one the mapping drops.
     */
    private static String newColumn(TableMapping table, String lower) {
        return table.key().stream().anyMatch(lower::equalsIgnoreCase) ? null : counterpart(table, lower);
    }

    /** The new column (lower case) of old column {@code lower}, a key's included; {@code null} when dropped. */
    private static String counterpart(TableMapping table, String lower) {
        String oldColumn = mappedName(table.columns(), lower);
        String newColumn = oldColumn == null ? lower : table.columns().get(oldColumn);
        return newColumn == null ? null : newColumn.toLowerCase(Locale.ROOT);
    }

    /** Old column {@code lower} as the mapping writes it. */
    private static String oldName(TableMapping table, String lower) {
        String mapped = mappedName(table.columns(), lower);
        return mapped != null ? mapped : lower;
    }

    /**
     * Whether an old column of {@code oldType} whose default the database reports as {@code
     * oldReported} and its new column store the same value where an INSERT leaves them out: one
     * default, and one value of it where the two types round a value apart — a
     * constant within what both keep alike ({@code DEFAULT 1.5} on a {@code numeric(10,2)} and a
     * {@code numeric(12,4)}, not {@code 1.23456}); the current time's captured instant is judged
     * at each write. A type not known ({@code null}) is taken as the other's.
     */
    static boolean sharedAlike(String oldReported, ColumnType oldType, String newReported, ColumnType newType) {
        String oldDefault = normalized(oldReported);
        if (!sharedNormalized(oldDefault, normalized(newReported))) {
            return false;
        }
        if (oldDefault == null
                || oldType == null
                || newType == null
                || !oldType.storesApartFrom(newType)
                || ClockRead.of(oldDefault) != null) {
            return true;
        }
        return KeptValues.keptLiteral(oldType.keptAlikeWith(newType), oldDefault);
    }

    private static boolean sharedNormalized(String oldDefault, String newDefault) {
        if (oldDefault == null || newDefault == null) {
            return oldDefault == null && newDefault == null;
        }
        ClockRead oldClock = ClockRead.of(oldDefault);
        ClockRead newClock = ClockRead.of(newDefault);
        if (oldClock != null || newClock != null) {
            // one instant or date, captured for both sides, however spelled; a time of day each reads its own
            return oldClock == newClock && oldClock != ClockRead.OTHER;
        }
        // a call other than the current time gives each side its own value
        return (oldDefault.equals(newDefault) && !oldDefault.contains("(")) || sameNumber(oldDefault, newDefault);
    }

    /** Whether two defaults are one number in two scales (MariaDB reports a decimal's at its column's: 1.50, 1.5000). */
    private static boolean sameNumber(String oldDefault, String newDefault) {
        if (!NUMBER.matcher(oldDefault).matches() || !NUMBER.matcher(newDefault).matches()) {
            return false;
        }
        return new BigDecimal(oldDefault).compareTo(new BigDecimal(newDefault)) == 0;
    }

    /** The default as compared: casts, outer parentheses and {@code NULL} dropped; lower case unless a quoted literal. */
    static String normalized(String reported) {
        if (reported == null) {
            return null;
        }
        String d = CAST.matcher(reported.trim()).replaceAll("").trim();
        while (d.startsWith("(") && d.endsWith(")") && d.length() > 2 && !d.contains("'")) {
            d = d.substring(1, d.length() - 1).trim(); // PostgreSQL's (0) around a number
        }
        if (d.isEmpty() || d.equalsIgnoreCase("null")) {
            return null;
        }
        return d.startsWith("'") ? d : d.toLowerCase(Locale.ROOT);
    }

    /** The key of {@code columns} that names {@code lower}, or {@code null}. */
    private static String mappedName(Map<String, String> columns, String lower) {
        for (String c : columns.keySet()) {
            if (c.equalsIgnoreCase(lower)) {
                return c;
            }
        }
        return null;
    }
}
