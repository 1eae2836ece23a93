package io.schemashift.backfill.internal;

import io.schemashift.api.AssignmentCasts;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.TableMapping;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One mapped table resolved against both databases' metadata: which new column gets which old
 * column (or derived expression), the key on both sides and the column types. Immutable.
 *
 * @param oldTable the old table as it appears in SQL
 * @param newTable the new table as it appears in SQL (schema-qualified when the mapping says so)
 * @param columns every new column that is filled from the old row, key columns included; not
 *     those the new table generates
 * @param key the key columns, in key order
 * @param lineage whether the new table has the lineage columns {@code schemashift_batch} and
 *     {@code schemashift_migrated_at}
 * @param generated the mapped columns the new table generates: it computes them from the columns
 *     copied, so they are neither copied nor compared (copying the other way, they are)
 */
public record TableShape(
        String oldTable,
        String newTable,
        List<MappedColumn> columns,
        List<MappedColumn> key,
        boolean lineage,
        List<MappedColumn> generated) {

    /** Lineage column: the batch that copied the row. */
    public static final String LINEAGE_BATCH = "schemashift_batch";
    /** Lineage column: when the row was copied. */
    public static final String LINEAGE_AT = "schemashift_migrated_at";

    public TableShape {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
        generated = List.copyOf(generated);
    }

    /**
     * A new column and its source on the old side.
     *
     * @param newName the new column
     * @param oldExpr the old column name, or a parenthesized derived expression over old columns
     * @param derived whether {@code oldExpr} is a derived expression
     * @param oldType the old column's type, {@code null} when derived
     * @param newType the new column's type
     * @param castTo the type a value of the old column is cast to when written to the new one, which
     *     takes none by assignment (PostgreSQL {@code text} → {@code jsonb}, {@code uuid}, an enum…;
     *     {@link AssignmentCasts}); {@code null} when none is needed
     * @param castBack likewise for a value of the new column written to the old one
     * @param comparedAs {@link #castTo} where the old database knows that type too: verify compares
     *     the old value cast to it with the new one, which is what the new side holds of it
     *     ({@code '007'} beside {@code 7}); {@code null} otherwise (an enum of a separate new
     *     database: its label is compared as text)
     */
    public record MappedColumn(
            String newName,
            String oldExpr,
            boolean derived,
            ColumnInfo oldType,
            ColumnInfo newType,
            String castTo,
            String castBack,
            String comparedAs) {

        /** The same column copied from the new side to the old. Not for derived columns. */
        MappedColumn reversed() {
            return new MappedColumn(oldExpr, newName, false, newType, oldType, castBack, castTo, null);
        }

        /**
         * The old-side expression whose value the new column gets: a single-precision float copied
         * into a wider one goes through its decimal text, as the application wrote it and would
         * write it through the mirror ({@link Normalizer#widened}).
         */
        String copied(Dialect dialect) {
            if (!derived && Normalizer.widens(oldType, newType)) {
                return Normalizer.widened(dialect, oldExpr);
            }
            return oldExpr;
        }

        /** The old side's value as verify compares it: a derived expression, or cast as {@link #comparedAs} says. */
        String comparedExpr() {
            return comparedAs == null ? oldExpr : "CAST(" + oldExpr + " AS " + comparedAs + ")";
        }

        /** The type verify normalizes the old side's value by: the new column's where the old has none or is cast to it. */
        ColumnInfo comparedType() {
            return derived || comparedAs != null ? newType : oldType;
        }

        /** {@code value} (SQL: a copied expression or a {@code ?}) as the new column takes it: {@link #castTo} applied. */
        String written(String value) {
            return castTo == null ? value : "CAST(" + value + " AS " + castTo + ")";
        }
    }

    /**
     * This table copied the other way: the new table is read and the old one written, so every
     * statement of {@link Statements} built on the result moves rows from new to old. Renamed
     * columns go back to their old names; derived columns are left out (the old table has no
     * column for them) and so are old columns the mapping drops (an insert leaves them NULL or
     * at their default, an update leaves them as they are) and those the old table generates. No
     * lineage is written to the old table.
     */
    public TableShape reversed() {
        List<MappedColumn> back = java.util.stream.Stream.concat(columns.stream(), generated.stream())
                .filter(c -> !c.derived())
                .map(MappedColumn::reversed)
                .toList();
        return new TableShape(
                newTable,
                oldTable,
                back.stream().filter(c -> !c.newType().generated()).toList(),
                key.stream().map(MappedColumn::reversed).toList(),
                false,
                back.stream().filter(c -> c.newType().generated()).toList());
    }

    /** Old-side expressions of every mapped column as it is copied ({@link MappedColumn#copied}), in column order. */
    public List<String> oldExprs(Dialect dialect) {
        return columns.stream().map(c -> c.copied(dialect)).toList();
    }

    /** {@link #oldExprs} as the new columns take them in one database ({@link MappedColumn#written}). */
    public List<String> writtenExprs(Dialect dialect) {
        return columns.stream().map(c -> c.written(c.copied(dialect))).toList();
    }

    /** A {@code ?} per mapped column as the new column takes it ({@link MappedColumn#written}), in column order. */
    public List<String> writtenParams() {
        return columns.stream().map(c -> c.written("?")).toList();
    }

    /** New column names, in column order. */
    public List<String> newNames() {
        return columns.stream().map(MappedColumn::newName).toList();
    }

    /** Old key column names, in key order. */
    public List<String> oldKey() {
        return key.stream().map(MappedColumn::oldExpr).toList();
    }

    /** New key column names, in key order. */
    public List<String> newKey() {
        return key.stream().map(MappedColumn::newName).toList();
    }

    /**
     * The value of column {@code i} of {@link #columns()} in a row read by {@link #oldExprs}, to
     * bind to the new column. A time or timestamp (a date too, but on MariaDB, whose zero dates
     * {@code java.time} cannot hold) that is not a key as a {@code java.time} value, which no JVM
     * time zone moves: {@code java.sql} ones travel in the JVM's zone (a date or wall clock copied
     * into a column with time zone would land at the JVM's offset, one in a daylight saving gap
     * would move); a MariaDB {@code TIME} as its text (a duration of up to
     * ±838 hours, which neither {@code java.sql.Time} nor {@code LocalTime} holds). Anything else
     * as the driver gives it.
     */
    public Object read(ResultSet rs, int i, Dialect dialect) throws SQLException {
        MappedColumn c = columns.get(i);
        ColumnInfo.Kind kind = c.derived() ? ColumnInfo.Kind.OTHER : c.oldType().kind();
        return switch (kind) {
            case DATE, TIME, TIME_TZ, TIMESTAMP, TIMESTAMP_TZ ->
                key.contains(c) ? rs.getObject(i + 1) : temporal(rs, i + 1, kind, dialect);
            default -> rs.getObject(i + 1);
        };
    }

    private static Object temporal(ResultSet rs, int column, ColumnInfo.Kind kind, Dialect dialect)
            throws SQLException {
        return switch (kind) {
            case DATE -> dialect == Dialect.MARIADB ? rs.getObject(column) : rs.getObject(column, LocalDate.class);
            case TIME -> dialect == Dialect.MARIADB ? rs.getString(column) : rs.getObject(column, LocalTime.class);
            case TIME_TZ -> rs.getObject(column, OffsetTime.class);
            case TIMESTAMP -> rs.getObject(column, LocalDateTime.class);
            default -> rs.getObject(column, OffsetDateTime.class); // TIMESTAMP_TZ
        };
    }

    /** Position of each key column in {@link #columns()}, in key order. */
    public int[] keyPositions() {
        return key.stream().mapToInt(columns::indexOf).toArray();
    }

    /**
     * Resolves a mapping against the metadata of both sides.
     *
     * @throws SQLException (SQLState 42000) naming the table and column when a table or a
     *     mapped column does not exist, or the key is dropped by the mapping; (23502 / 23505) when
     *     the key holds NULLs or repeats on either side
     */
    public static TableShape resolve(TableMapping m, Dialect dialect, Connection oldConn, Connection newConn)
            throws SQLException {
        String oldTable = Identifiers.requireQualified(m.oldName(), "old table");
        Identifiers.require(m.newName(), "new table of " + m.oldName());
        String newSchema = m.newSchema() == null ? null : Identifiers.require(m.newSchema(), "new schema");
        String newTable = newSchema == null ? m.newName() : newSchema + "." + m.newName();

        String oldSchema = oldTable.contains(".") ? oldTable.substring(0, oldTable.indexOf('.')) : null;
        String oldBare = oldTable.substring(oldTable.indexOf('.') + 1);
        Located oldLocated = locate(oldConn, dialect, oldSchema, oldBare)
                .orElseThrow(() -> ShiftSqlState.NO_SUCH_OBJECT.error(
                        "old table " + oldTable + " does not exist or has no columns"));
        Located newLocated = locate(newConn, dialect, newSchema, m.newName())
                .orElseThrow(() -> ShiftSqlState.NO_SUCH_OBJECT.error(
                        "new table " + newTable + " (mapped from " + oldTable + ") does not exist or has no columns"));
        Map<String, ColumnInfo> oldCols = oldLocated.columns();
        Map<String, ColumnInfo> newCols = newLocated.columns();

        Map<String, String> renames = new LinkedHashMap<>();
        m.columns().forEach((k, v) -> renames.put(lower(k), v));
        List<String> oldOrder = m.oldColumns().isEmpty()
                ? oldCols.values().stream().map(ColumnInfo::name).toList()
                : m.oldColumns();

        List<MappedColumn> mapped = new ArrayList<>();
        for (String oldName : oldOrder) {
            String lc = lower(oldName);
            String target = renames.containsKey(lc) ? renames.get(lc) : oldName;
            if (target == null) {
                continue; // dropped in the new schema
            }
            ColumnInfo ot = oldCols.get(lc);
            if (ot == null) {
                throw ShiftSqlState.NO_SUCH_OBJECT.error("old table " + oldTable + " has no column " + oldName);
            }
            ColumnInfo nt = newColumn(newCols, newTable, target, oldTable + "." + oldName);
            boolean retyped = dialect == Dialect.POSTGRESQL && !ot.typeName().equals(nt.typeName());
            String castTo = retyped
                    ? AssignmentCasts.castTo(newConn, ot.typeName(), newLocated.schema(), newLocated.name(), nt.name())
                    : null;
            mapped.add(new MappedColumn(
                    Identifiers.require(target, "new column"),
                    Identifiers.require(oldName, "old column"),
                    false,
                    ot,
                    nt,
                    castTo,
                    retyped
                            ? AssignmentCasts.castTo(
                                    oldConn, nt.typeName(), oldLocated.schema(), oldLocated.name(), ot.name())
                            : null,
                    castTo != null && AssignmentCasts.knows(oldConn, castTo) ? castTo : null));
        }
        for (Map.Entry<String, String> d : m.derived().entrySet()) {
            String target = Identifiers.require(d.getKey(), "derived column");
            mapped.add(new MappedColumn(
                    target,
                    "(" + d.getValue() + ")",
                    true,
                    null,
                    newColumn(newCols, newTable, target, "a derived expression"),
                    null,
                    null,
                    null));
        }
        List<MappedColumn> generated = mapped.stream()
                .filter(c -> c.newType().generated() && m.key().stream().noneMatch(c.oldExpr()::equalsIgnoreCase))
                .toList();
        mapped.removeAll(generated);

        List<MappedColumn> key = new ArrayList<>();
        for (String k : m.key()) {
            MappedColumn kc = mapped.stream()
                    .filter(c -> !c.derived() && c.oldExpr().equalsIgnoreCase(k))
                    .findFirst()
                    .orElseThrow(() -> ShiftSqlState.NO_SUCH_OBJECT.error(
                            "key column " + k + " of " + oldTable + " is not a column mapped to " + newTable));
            key.add(kc);
        }
        if (key.isEmpty()) {
            throw ShiftSqlState.NO_SUCH_OBJECT.error(
                    "table " + oldTable + " has no key in the mapping; backfill and verify need one");
        }
        boolean lineage = newCols.containsKey(LINEAGE_BATCH) && newCols.containsKey(LINEAGE_AT);
        TableShape shape = new TableShape(oldTable, newTable, mapped, key, lineage, generated);
        KeyCheck.require(oldConn, oldTable, oldLocated, shape.oldKey(), "old");
        KeyCheck.require(newConn, newTable, newLocated, shape.newKey(), "new");
        return shape;
    }

    private static ColumnInfo newColumn(Map<String, ColumnInfo> newCols, String newTable, String name, String source)
            throws SQLException {
        ColumnInfo c = newCols.get(lower(name));
        if (c == null) {
            throw ShiftSqlState.NO_SUCH_OBJECT.error(
                    "new table " + newTable + " has no column " + name + " (mapped from " + source + ")");
        }
        return c;
    }

    /**
     * The columns of a table by lower-case name, in table order; empty when the table does not
     * exist. Tries the name as given, then upper and lower case (H2 upper-cases, PostgreSQL
     * lower-cases unquoted names).
     */
    public static Map<String, ColumnInfo> columns(Connection c, Dialect dialect, String schema, String table)
            throws SQLException {
        return locate(c, dialect, schema, table).map(Located::columns).orElse(Map.of());
    }

    /**
     * A table as the database's metadata names it, with its columns.
     *
     * @param catalog the catalog to pass to {@link DatabaseMetaData} lookups (MariaDB: the database)
     * @param schema the schema to pass to them, {@code null} where the database has none (MariaDB)
     * @param name the table's name as stored
     * @param columns its columns by lower-case name, in table order
     */
    public record Located(String catalog, String schema, String name, Map<String, ColumnInfo> columns) {}

    /** Finds a table as {@link #columns} does; empty when it does not exist. */
    public static java.util.Optional<Located> locate(Connection c, Dialect dialect, String schema, String table)
            throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String catalog = null;
        String schemaPattern = schema;
        if (dialect == Dialect.MARIADB) {
            catalog = schema == null ? c.getCatalog() : schema; // a MariaDB schema is a database
            schemaPattern = null;
        } else if (schema == null) {
            schemaPattern = c.getSchema();
        }
        String esc = md.getSearchStringEscape();
        for (String name : caseVariants(table)) {
            for (String sch :
                    schemaPattern == null ? Collections.<String>singletonList(null) : caseVariants(schemaPattern)) {
                Map<String, ColumnInfo> found = new LinkedHashMap<>();
                String foundName = null;
                String foundSchema = null;
                try (ResultSet rs = md.getColumns(catalog, pattern(sch, esc), pattern(name, esc), null)) {
                    while (rs.next()) {
                        String col = rs.getString("COLUMN_NAME");
                        foundName = rs.getString("TABLE_NAME");
                        foundSchema = rs.getString("TABLE_SCHEM");
                        found.put(
                                lower(col),
                                new ColumnInfo(
                                        col,
                                        rs.getInt("DATA_TYPE"),
                                        rs.getString("TYPE_NAME"),
                                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls,
                                        "YES".equalsIgnoreCase(rs.getString("IS_GENERATEDCOLUMN"))));
                    }
                }
                if (!found.isEmpty()) {
                    return java.util.Optional.of(new Located(catalog, foundSchema, foundName, found));
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static List<String> caseVariants(String name) {
        return List.of(name, name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
    }

    /** A metadata search pattern matching exactly {@code name} ({@code _} is a wildcard there). */
    private static String pattern(String name, String escape) {
        if (name == null || escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
