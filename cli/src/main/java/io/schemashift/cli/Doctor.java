package io.schemashift.cli;

import io.schemashift.api.AssignmentCasts;
import io.schemashift.api.ConnectionSource;
import io.schemashift.api.Side;
import io.schemashift.backfill.KeyHandover;
import io.schemashift.catalog.ColumnType;
import io.schemashift.config.MigrationConfig;
import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlTables;
import io.schemashift.rewriter.CascadingKey;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.NonDeterminism;
import io.schemashift.rewriter.Rewriter;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.TableMapping;
import io.schemashift.runtime.InProcessDriver;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The checks of {@code schemashift doctor}: the configuration on its own, then both schemas as
 * the databases describe them (JDBC metadata, and a few catalog queries per dialect). Each check
 * adds findings; none throws for what it finds. The grant checks are in {@link Grants}; over 500
 * lines because the schema checks share its metadata helpers.
 */
final class Doctor {

    /** How bad a finding is; the worst decides the exit code. */
    enum Severity {
        OK,
        WARN,
        ERROR;

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line of the report. */
    record Finding(Severity severity, String check, String subject, String message) {}

    private final MigrationConfig config;
    private final List<Finding> findings = new ArrayList<>();

    Doctor(MigrationConfig config) {
        this.config = config;
    }

    List<Finding> findings() {
        return findings;
    }

    Severity worst() {
        return findings.stream().map(Finding::severity).max(Enum::compareTo).orElse(Severity.OK);
    }

    private void add(Severity s, String check, String subject, String message) {
        findings.add(new Finding(s, check, subject, message));
    }

    // ---- offline --------------------------------------------------------------------------------

    /** The file on its own: it was read and validated; the derived expressions must parse. */
    void offline(Dialect dialect) {
        add(
                Severity.OK,
                "config",
                config.source(),
                "valid: migration " + config.migration() + ", "
                        + config.mapping().tables().size() + " table(s), phase "
                        + config.rollout().phase());
        for (TableMapping t : config.mapping().tables()) {
            try {
                Rewriter.builder(Mapping.of(List.of(t)), dialect).build();
            } catch (IllegalArgumentException e) {
                add(Severity.ERROR, "derived", t.oldName(), "a derived expression does not parse: " + e.getMessage());
            }
        }
    }

    // ---- against the databases ----------------------------------------------------------------

    /** A column as the database describes it. */
    private record Col(
            String name,
            ColumnType type,
            boolean nullable,
            boolean autoIncrement,
            String defaultValue,
            boolean generated) {

        String typeName() {
            return type.name();
        }

        int size() {
            return type.size();
        }

        int scale() {
            return type.digits() == null ? 0 : type.digits();
        }
    }

    /** Where a table lives: catalog and schema as JDBC metadata wants them. */
    record Place(Connection connection, Dialect dialect, String catalog, String schema, String table) {

        String qualified() {
            String prefix = dialect == Dialect.MARIADB ? catalog : schema;
            return prefix == null ? table : prefix + "." + table;
        }
    }

    /**
     * Checks every mapped table on both sides, the SchemaShift tables and, when {@code appUser}
     * is given, the application user's grants.
     */
    void online(Dialect dialect, ConnectionSource oldSide, ConnectionSource newSide, String appUser)
            throws SQLException {
        KeyHandover handover = KeyHandover.of(HandoverGuard.keysOnly(config.mapping()), dialect, oldSide, newSide);
        try (Connection old = oldSide.open();
                Connection fresh = newSide == null ? null : newSide.open()) {
            Connection neu = fresh == null ? old : fresh;
            List<CascadingKey> keys = cascadingKeys(dialect, old, neu);
            Rewriter rewriter = InProcessDriver.rewriter(config, dialect, old.getMetaData(), neu.getMetaData());
            for (TableMapping t : config.mapping().tables()) {
                table(dialect, old, neu, t, appUser, handover, keys, rewriter);
            }
            findings.addAll(Writers.routines(rewriter));
            sqlMode(dialect, old);
            boolean missing = controlTables(old);
            findings.addAll(Grants.migratorCreate(
                    place(old, dialect, null, "-"), place(neu, dialect, null, "-"), old == neu, missing));
        }
    }

    /**
     * MariaDB outside strict mode stores a value too long or too large for its column cut or
     * clamped to fit, with a warning only. The driver compares the two statements' warnings and
     * records a write they tell apart, or whose warnings name a column of two types (each side cut
     * the value to its own length): rows to repair, and the cut value is lost on the truth side
     * too. Read on the doctor's own session: the server's default, or what the URL sets ({@code
     * sessionVariables}).
     */
    private void sqlMode(Dialect dialect, Connection old) {
        if (dialect != Dialect.MARIADB) {
            return;
        }
        try (Statement s = old.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@SESSION.sql_mode")) {
            rs.next();
            String mode = rs.getString(1) == null ? "" : rs.getString(1);
            if (mode.contains("STRICT_TRANS_TABLES") || mode.contains("STRICT_ALL_TABLES")) {
                add(Severity.OK, "sqlmode", "sql_mode", "strict: a value that does not fit its column fails");
            } else {
                add(
                        Severity.WARN,
                        "sqlmode",
                        "sql_mode",
                        "not strict ('" + mode + "'): a value too long or too large for a column is cut to fit with a"
                                + " warning only, and lost; writes whose two statements adjust values differently, or"
                                + " cut a column of two lengths or ranges, are recorded (mirror_value_adjusted) for"
                                + " repair; add STRICT_TRANS_TABLES");
            }
        } catch (SQLException e) {
            add(Severity.WARN, "sqlmode", "sql_mode", "cannot read: " + Redaction.oneLine(e.getMessage(), null));
        }
    }

    /** The foreign keys whose firing writes the driver records; {@code null} (reported) when they cannot be read. */
    private List<CascadingKey> cascadingKeys(Dialect dialect, Connection old, Connection neu) {
        try {
            return InProcessDriver.cascadingKeys(config, dialect, old.getMetaData(), neu.getMetaData());
        } catch (SQLException e) {
            add(
                    Severity.WARN,
                    "writers",
                    "foreign keys",
                    "could not read the foreign keys of the mapped tables: " + Redaction.oneLine(e.getMessage(), null));
            return null;
        }
    }

    private void table(
            Dialect dialect,
            Connection old,
            Connection neu,
            TableMapping t,
            String appUser,
            KeyHandover handover,
            List<CascadingKey> keys,
            Rewriter rewriter)
            throws SQLException {
        Place o = place(old, dialect, null, t.oldName());
        Place n = place(neu, dialect, t.newSchema(), t.newName());
        Map<String, Col> oc = columns(o);
        Map<String, Col> nc = columns(n);
        if (oc.isEmpty()) {
            add(Severity.ERROR, "table", t.oldName(), "old table " + o.qualified() + " not found");
        }
        if (nc.isEmpty()) {
            add(Severity.ERROR, "table", t.oldName(), "new table " + n.qualified() + " not found");
        }
        if (oc.isEmpty() || nc.isEmpty()) {
            return;
        }
        add(Severity.OK, "table", t.oldName(), o.qualified() + " -> " + n.qualified());
        columns(t, oc, nc, n);
        collations(t, o, n);
        uniqueIndexes(t, o, n, oc.keySet());
        key(t, "old", o, oc, t.key());
        List<String> newKey = t.key().stream().map(k -> newName(t, k)).toList();
        key(t, "new", n, nc, newKey);
        derived(t, o, rewriter);
        generator(t, newKey, handover);
        if (appUser != null) {
            findings.addAll(Grants.appUser(t, o, n, appUser));
        }
        findings.addAll(Grants.migrator(t, o, n));
        migratorKeys(t, o, oc, n, nc, newKey);
        findings.addAll(Writers.of(t, keys, rewriter, o, n));
    }

    /**
     * Whether the migrator can run {@code keys sync} on each side whose single key column the database generates:
     * the new side before new-primary (an error without), the old side before a rollback from there (a warning).
     */
    private void migratorKeys(
            TableMapping t, Place o, Map<String, Col> oc, Place n, Map<String, Col> nc, List<String> newKey) {
        if (o.dialect() == Dialect.H2 || t.key().size() != 1 || newKey.get(0) == null) {
            return;
        }
        Col newCol = nc.get(lower(newKey.get(0)));
        if (newCol != null && newCol.autoIncrement()) {
            findings.add(Grants.migratorKeys(n, newCol.name(), "before new-primary", Severity.ERROR));
        }
        Col oldCol = oc.get(lower(t.key().get(0)));
        if (oldCol != null && oldCol.autoIncrement()) {
            findings.add(Grants.migratorKeys(o, oldCol.name(), "before a rollback from new-primary", Severity.WARN));
        }
    }

    private void columns(TableMapping t, Map<String, Col> oc, Map<String, Col> nc, Place n) throws SQLException {
        Set<String> mapped = new LinkedHashSet<>();
        mapped.addAll(t.key());
        mapped.addAll(t.columns().keySet());
        for (Col c : oc.values()) {
            mapped.add(c.name());
        }
        for (String oldCol : mapped) {
            String subject = t.oldName() + "." + oldCol;
            Col o = oc.get(lower(oldCol));
            if (o == null) {
                add(Severity.ERROR, "column", subject, "not in the old table");
                continue;
            }
            String target = newName(t, oldCol);
            if (target == null) {
                add(Severity.OK, "column", subject, "dropped in the new schema (not mirrored)");
                continue;
            }
            Col c = nc.get(lower(target));
            if (c == null) {
                add(
                        Severity.ERROR,
                        "column",
                        subject,
                        "new column " + n.table() + "." + target + " not found (map it to another name, or to null"
                                + " to drop it)");
                continue;
            }
            boolean key = t.key().stream().anyMatch(oldCol::equalsIgnoreCase);
            compatible(subject + " -> " + target, o, c, key, n);
            if (!key && o.generated() != c.generated()) {
                add(
                        Severity.WARN,
                        "generated",
                        subject + " -> " + target,
                        "computed (GENERATED) by the " + (o.generated() ? "old" : "new") + " table only: every"
                                + " INSERT and UPDATE of the table is mirrored and its rows recorded"
                                + " (mirror_one_sided_trigger); generate it on both sides, or on neither");
            } else if (!key
                    && !o.generated()
                    && !InProcessDriver.sameDefault(
                            o.defaultValue(),
                            o.autoIncrement(),
                            o.type(),
                            c.defaultValue(),
                            c.autoIncrement(),
                            c.type())) {
                add(
                        Severity.WARN,
                        "default",
                        subject + " -> " + target,
                        "default " + shown(o) + " on old, " + shown(c) + " on new: an INSERT that"
                                + " leaves the column out (or writes DEFAULT) runs on the primary only and is"
                                + " recorded; give both the same constant default, one both types store alike");
            }
        }
        for (String d : t.derived().keySet()) {
            Col c = nc.get(lower(d));
            if (c == null) {
                add(Severity.ERROR, "column", t.oldName() + " derived " + d, "new column " + d + " not found");
            } else if (c.generated()) {
                add(
                        Severity.OK,
                        "column",
                        t.oldName() + " derived " + d,
                        "generated by the new table: left to it (writes, backfill and repair do not write it)");
            }
        }
        Set<String> filled = new TreeSet<>();
        for (String oldCol : mapped) {
            String target = newName(t, oldCol);
            if (target != null) {
                filled.add(lower(target));
            }
        }
        t.derived().keySet().forEach(d -> filled.add(lower(d)));
        for (Col c : nc.values()) {
            if (!filled.contains(lower(c.name()))
                    && !c.nullable()
                    && c.defaultValue() == null
                    && !c.autoIncrement()
                    && !c.generated()) {
                add(
                        Severity.ERROR,
                        "column",
                        t.oldName() + " new " + c.name(),
                        "NOT NULL without a default, and no old or derived column fills it: mirrored inserts fail");
            }
        }
    }

    /**
     * The mapped string columns whose collation differs between the sides ({@link
     * InProcessDriver#collations}): each side orders their values its own way. A write that compares
     * one by order is recorded; on a key, backfill and verify would walk each table in ranges the
     * other orders otherwise.
     */
    private void collations(TableMapping t, Place o, Place n) throws SQLException {
        Map<String, String> old =
                InProcessDriver.collations(o.connection(), o.dialect(), o.catalog(), o.schema(), o.table());
        Map<String, String> neu =
                InProcessDriver.collations(n.connection(), n.dialect(), n.catalog(), n.schema(), n.table());
        for (Map.Entry<String, String> e : old.entrySet()) {
            String target = newName(t, e.getKey());
            String other = target == null ? null : neu.get(lower(target));
            if (other == null || other.equals(e.getValue())) {
                continue;
            }
            boolean key = t.key().stream().anyMatch(e.getKey()::equalsIgnoreCase);
            add(
                    key ? Severity.ERROR : Severity.WARN,
                    "collation",
                    t.oldName() + "." + e.getKey() + " -> " + target,
                    e.getValue() + " -> " + other + ": each side orders the values its own way"
                            + (key
                                    ? ", and backfill and verify walk both tables in ranges of the key; give the key"
                                            + " one collation"
                                    : "; a write that compares the column by order (WHERE col < ?, BETWEEN) is"
                                            + " mirrored and its rows recorded (mirror_picked_by_other_rows); give"
                                            + " both columns one collation"));
        }
    }

    /**
     * The unique indexes one table has and the other lacks, by the old names of their columns: an
     * upsert or {@code REPLACE} that hits a row on any unique index (MariaDB's {@code ON DUPLICATE KEY
     * UPDATE}, {@code ON CONFLICT DO NOTHING} without a target) may change another row on each side,
     * which the driver records as the whole table; rows the old table holds alike on an index only
     * the new one has fail there.
     */
    private void uniqueIndexes(TableMapping t, Place o, Place n, Set<String> oldColumns) throws SQLException {
        Map<Set<String>, String> old = uniqueIndexes(o, column -> column);
        Map<Set<String>, String> neu = uniqueIndexes(n, column -> {
            for (String c : oldColumns) {
                if (column.equalsIgnoreCase(newName(t, c))) {
                    return c;
                }
            }
            return column;
        });
        for (boolean newOnly : new boolean[] {false, true}) {
            Map<Set<String>, String> here = newOnly ? neu : old;
            Map<Set<String>, String> there = newOnly ? old : neu;
            here.forEach((columns, index) -> {
                if (!there.containsKey(columns)) {
                    add(
                            Severity.WARN,
                            "unique",
                            t.oldName() + " " + (newOnly ? "new" : "old") + " index " + index + " " + columns,
                            "on the " + (newOnly ? "new" : "old") + " table only: an ON DUPLICATE KEY UPDATE, REPLACE"
                                    + " or ON CONFLICT DO NOTHING hitting it changes another row on each side, and is"
                                    + " recorded as the whole table"
                                    + (newOnly ? "; old rows alike on it fail the backfill there" : "")
                                    + "; give both tables the index");
                }
            });
        }
    }

    /** The unique indexes of the table at {@code p} by their column sets (lower case, named by {@code oldName}). */
    private static Map<Set<String>, String> uniqueIndexes(Place p, UnaryOperator<String> oldName) throws SQLException {
        Map<String, Set<String>> byIndex = new HashMap<>();
        try (ResultSet rs = p.connection().getMetaData().getIndexInfo(p.catalog(), p.schema(), p.table(), true, true)) {
            while (rs.next()) {
                if (rs.getShort("TYPE") != DatabaseMetaData.tableIndexStatistic && !rs.getBoolean("NON_UNIQUE")) {
                    String column = rs.getString("COLUMN_NAME");
                    byIndex.computeIfAbsent(rs.getString("INDEX_NAME"), i -> new TreeSet<>())
                            .add(column == null ? "(expression)" : lower(oldName.apply(column)));
                }
            }
        }
        Map<Set<String>, String> byColumns = new HashMap<>();
        byIndex.forEach((index, columns) -> byColumns.putIfAbsent(columns, index));
        return byColumns;
    }

    /** A column's default as doctor shows it: an identity's numbering included. */
    private static String shown(Col c) {
        return c.autoIncrement() && c.defaultValue() == null ? "(identity)" : c.defaultValue();
    }

    /**
     * Type family, length, numeric scale, nullability and time zone of one mapped column ({@code
     * key}: one of the table's key columns) of the new table at {@code at}.
     */
    private void compatible(String subject, Col o, Col n, boolean key, Place at) throws SQLException {
        String of = family(o);
        String nf = family(n);
        List<String> problems = new ArrayList<>();
        Severity s = Severity.OK;
        boolean numeric = Set.of("integer", "decimal", "float", "boolean").contains(of)
                && Set.of("integer", "decimal", "float", "boolean").contains(nf);
        AssignmentCasts.Target cast = !of.equals(nf) && !numeric && !key && at.dialect() == Dialect.POSTGRESQL
                ? AssignmentCasts.of(at.connection(), o.typeName(), at.schema(), at.table(), n.name())
                        .filter(t -> !t.byAssignment() && t.castable())
                        .orElse(null)
                : null;
        if (cast != null) {
            s = Severity.WARN;
            problems.add("type " + o.typeName() + " -> " + n.typeName() + ": the new side casts the values written"
                    + " to it and the values, expressions and subqueries compared with it (CAST(? AS " + cast.type()
                    + "));"
                    + " a value " + cast.type() + " cannot read fails there (recorded while old is primary, the"
                    + " statement fails from new-primary on), and a value with a subscript or COLLATE (col = ?[1])"
                    + " is not cast; a write that picks its rows by the column's text (a function,"
                    + " a pattern, ::text) or, from a string type, by its order is mirrored and its rows recorded"
                    + " (mirror_picked_by_other_rows)"
                    + (n.typeName().equals("timestamptz")
                            ? "; a text without an offset is read in each session's time zone: run the application"
                                    + " and the CLI in one"
                            : ""));
        } else if (!of.equals(nf) && !numeric) {
            s = Severity.ERROR;
            problems.add("type " + o.typeName() + " -> " + n.typeName());
        } else if (of.equals("text") || of.equals("binary")) {
            if (n.size() < o.size()) {
                s = Severity.WARN;
                problems.add("length " + o.size() + " -> " + n.size() + " (longer values fail on the new side)");
            }
        } else if (Set.of("decimal", "integer").contains(of)
                && Set.of("decimal", "integer").contains(nf)
                && n.type().digits() != null // PostgreSQL's bare numeric holds any
                && n.size() - n.scale() < o.size() - o.scale()) {
            s = Severity.WARN;
            problems.add(o.typeName() + "(" + o.size() + "," + o.scale() + ") -> " + n.typeName() + "(" + n.size() + ","
                    + n.scale() + ") (larger values fail on the new side)");
        } else if (of.equals("boolean") != nf.equals("boolean")) {
            s = Severity.WARN;
            problems.add("type " + o.typeName() + " -> " + n.typeName() + " (values may change)");
        }
        if (o.type().storesApartFrom(n.type())) {
            s = key ? Severity.ERROR : max(s, Severity.WARN);
            problems.add(o.type().shown() + " -> " + n.type().shown() + ": a written value may be stored"
                    + " differently on each side (rounded to another scale, fractional seconds or float width,"
                    + " shifted by a time zone other than UTC, or padded)"
                    + (key
                            ? ", so a row gets another key on each side; give both sides the same key type"
                            : "; a write that sets it to a value beyond what both keep alike is mirrored and its"
                                    + " rows recorded (mirror_value_adjusted)"));
        }
        if (o.nullable() && !n.nullable()) {
            s = max(s, Severity.WARN);
            problems.add("NULL allowed on old, NOT NULL on new (a mirrored NULL fails)");
        }
        add(
                s,
                "type",
                subject,
                problems.isEmpty() ? o.typeName() + " -> " + n.typeName() : String.join("; ", problems));
    }

    private static Severity max(Severity a, Severity b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String family(Col c) {
        return switch (c.type().jdbcType()) {
            case Types.CHAR,
                    Types.VARCHAR,
                    Types.LONGVARCHAR,
                    Types.NCHAR,
                    Types.NVARCHAR,
                    Types.LONGNVARCHAR,
                    Types.CLOB,
                    Types.NCLOB -> "text";
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> "integer";
            case Types.NUMERIC, Types.DECIMAL -> "decimal";
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> "float";
            case Types.BIT, Types.BOOLEAN -> "boolean";
            case Types.DATE -> "date";
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> "time";
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> "timestamp";
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> "binary";
            default -> c.typeName().toLowerCase(Locale.ROOT);
        };
    }

    /** The key columns: not null, and a primary key or unique index on exactly them (or fewer). */
    private void key(TableMapping t, String side, Place p, Map<String, Col> cols, List<String> key)
            throws SQLException {
        String subject = t.oldName() + " " + side + " key (" + String.join(", ", key) + ")";
        for (String k : key) {
            Col c = cols.get(lower(k));
            if (c == null) {
                add(Severity.ERROR, "key", subject, "column " + k + " not found");
                return;
            }
            if (c.nullable()) {
                add(
                        Severity.ERROR,
                        "key",
                        subject,
                        "column " + k + " allows NULL: a row without a key cannot be mirrored");
                return;
            }
        }
        Set<String> wanted = new TreeSet<>(key.stream().map(Doctor::lower).toList());
        DatabaseMetaData md = p.connection().getMetaData();
        Set<String> pk = new TreeSet<>();
        try (ResultSet rs = md.getPrimaryKeys(p.catalog(), p.schema(), p.table())) {
            while (rs.next()) {
                pk.add(lower(rs.getString("COLUMN_NAME")));
            }
        }
        if (!pk.isEmpty() && wanted.containsAll(pk)) {
            add(Severity.OK, "key", subject, "primary key");
            return;
        }
        Map<String, Set<String>> unique = new HashMap<>();
        try (ResultSet rs = md.getIndexInfo(p.catalog(), p.schema(), p.table(), true, true)) {
            while (rs.next()) {
                if (rs.getString("COLUMN_NAME") != null && !rs.getBoolean("NON_UNIQUE")) {
                    unique.computeIfAbsent(rs.getString("INDEX_NAME"), i -> new TreeSet<>())
                            .add(lower(rs.getString("COLUMN_NAME")));
                }
            }
        }
        if (unique.values().stream().anyMatch(wanted::containsAll)) {
            add(Severity.OK, "key", subject, "unique index");
        } else {
            add(
                    Severity.ERROR,
                    "key",
                    subject,
                    "no primary key or unique index on it: rows cannot be told apart by compare, backfill and verify");
        }
    }

    /** Each derived expression evaluated on one row of the old table. */
    private void derived(TableMapping t, Place o, Rewriter rewriter) {
        for (Map.Entry<String, String> d : t.derived().entrySet()) {
            String subject = t.oldName() + " derived " + d.getKey();
            String sql = "SELECT " + d.getValue() + " FROM " + o.qualified() + " LIMIT 1";
            try (Statement s = o.connection().createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                NonDeterminism reads = differsPerEvaluation(rewriter, t, d.getValue());
                if (reads != null) {
                    add(
                            Severity.WARN,
                            "derived",
                            subject,
                            "'" + d.getValue() + "' reads " + reads.name().toLowerCase(Locale.ROOT) + ": each write,"
                                    + " the backfill and verify compute a value of their own, so verify reports the"
                                    + " rows apart; derive it from the row's columns alone");
                    continue;
                }
                add(
                        Severity.OK,
                        "derived",
                        subject,
                        rs.next() ? "evaluates on a sample row" : "parses (the old table has no row to try it on)");
            } catch (SQLException e) {
                add(Severity.ERROR, "derived", subject, "'" + d.getValue() + "' fails on the old table: " + first(e));
            }
        }
    }

    /**
     * What makes derived expression {@code expression} of {@code t} differ between two evaluations
     * of one row (the clock, a random value, a sequence, the session or connection, a volatile
     * function), as the rewriter judges a query of it; {@code null} when nothing does. A read of an
     * unmapped table is the row's lookup, not reported.
     */
    private static NonDeterminism differsPerEvaluation(Rewriter rewriter, TableMapping t, String expression) {
        if (rewriter.rewrite("SELECT " + expression + " FROM " + t.oldName()) instanceof Rewritten rw) {
            for (NonDeterminism nd : rw.nondeterminism()) {
                if (nd != NonDeterminism.UNMAPPED_READ) {
                    return nd;
                }
            }
        }
        return null;
    }

    /**
     * Whether the new side can generate the key when it becomes the primary, and where its
     * generator stands against the largest key on both sides ({@link KeyHandover}, as {@code keys
     * check} and the phase guard read it: PostgreSQL identity or sequence, MariaDB AUTO_INCREMENT,
     * H2 identity).
     */
    private void generator(TableMapping t, List<String> newKey, KeyHandover handover) {
        if (newKey.size() != 1) {
            return;
        }
        String subject = t.oldName() + " new key " + newKey.get(0);
        try {
            KeyHandover.Finding f =
                    handover.check(Side.NEW, List.of(t.oldName())).get(0);
            switch (f.status()) {
                case NO_GENERATOR -> {
                    boolean oldGenerates = handover.check(Side.OLD, List.of(t.oldName()))
                                    .get(0)
                                    .generator()
                            != KeyHandover.Generator.NONE;
                    add(
                            oldGenerates ? Severity.WARN : Severity.OK,
                            "keys",
                            subject,
                            oldGenerates
                                    ? "the old side generates this key but the new side does not: from new-primary"
                                            + " on, inserts that leave it out fail"
                                    : "no generator on either side (the application supplies keys)");
                }
                case BEHIND ->
                    add(
                            Severity.WARN,
                            "keys",
                            subject,
                            "generator's next value " + f.next() + " <= max(" + newKey.get(0) + ") " + f.max()
                                    + " (" + KeysCommand.generatorName(f) + "; largest key: old " + f.maxOld()
                                    + ", new " + f.maxNew() + "): the first insert in new-primary would collide; run"
                                    + " 'schemashift keys sync' before new-primary (phase new-primary refuses until then)");
                case READY ->
                    add(
                            Severity.OK,
                            "keys",
                            subject,
                            "generator's next value " + f.next() + " > max " + f.max() + " ("
                                    + KeysCommand.generatorName(f) + ")");
            }
        } catch (SQLException e) {
            add(Severity.WARN, "keys", subject, "cannot read the generator: " + first(e));
        }
    }

    /** The control-plane tables, which {@code schemashift init} creates; whether any is missing. */
    private boolean controlTables(Connection old) {
        ControlTables t = ControlTables.of(config);
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("control", t.control());
        tables.put("heartbeat", t.heartbeat());
        tables.put("audit", t.audit());
        tables.put("divergence", t.divergence());
        tables.put("mismatch", t.mismatch());
        tables.put("runs", t.runs());
        tables.put("statements", ControlSchema.STATEMENTS_TABLE);
        if (config.writes().intent()) {
            tables.put("intent", t.intent());
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : tables.entrySet()) {
            try (Statement s = old.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1 FROM " + e.getValue() + " WHERE 1 = 0")) {
                rs.next();
            } catch (SQLException ex) {
                missing.add(e.getValue());
                rollbackQuietly(old);
            }
        }
        if (missing.isEmpty()) {
            add(Severity.OK, "schemashift", String.join(", ", tables.values()), "present");
        } else {
            add(
                    Severity.ERROR,
                    "schemashift",
                    String.join(", ", missing),
                    "missing: run 'schemashift init' (the driver records divergences, intents, coverage and heartbeats"
                            + " there)");
        }
        return !missing.isEmpty();
    }

    // ---- metadata helpers ---------------------------------------------------------------------

    static Place place(Connection c, Dialect dialect, String schema, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String name = fold(md, table);
        if (dialect == Dialect.MARIADB) {
            return new Place(c, dialect, schema != null ? schema : c.getCatalog(), null, name);
        }
        return new Place(c, dialect, c.getCatalog(), schema != null ? fold(md, schema) : c.getSchema(), name);
    }

    private static String fold(DatabaseMetaData md, String name) throws SQLException {
        if (md.storesUpperCaseIdentifiers()) {
            return name.toUpperCase(Locale.ROOT);
        }
        return md.storesLowerCaseIdentifiers() ? name.toLowerCase(Locale.ROOT) : name;
    }

    private static Map<String, Col> columns(Place p) throws SQLException {
        Map<String, Col> cols = new LinkedHashMap<>();
        try (ResultSet rs = p.connection().getMetaData().getColumns(p.catalog(), p.schema(), p.table(), null)) {
            while (rs.next()) {
                String name = rs.getString("COLUMN_NAME");
                cols.put(
                        lower(name),
                        new Col(
                                name,
                                ColumnType.of(rs),
                                rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls,
                                "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT")),
                                rs.getString("COLUMN_DEF"),
                                "YES".equalsIgnoreCase(rs.getString("IS_GENERATEDCOLUMN"))));
            }
        }
        return cols;
    }

    /** The new name of old column {@code column}: renamed, {@code null} when dropped, else the same. */
    private static String newName(TableMapping t, String column) {
        for (Map.Entry<String, String> e : t.columns().entrySet()) {
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        return column;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    static String first(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // only clears an aborted transaction
        }
    }
}
