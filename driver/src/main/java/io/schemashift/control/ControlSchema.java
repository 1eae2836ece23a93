package io.schemashift.control;

import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The DDL of the control-plane tables, in one place, for PostgreSQL, MariaDB/MySQL and H2. Only
 * {@code schemashift init} runs it (or a migration tool, from {@code init --print-sql}): the driver
 * never runs DDL, it only reads and writes rows. Every statement is idempotent ({@code CREATE … IF
 * NOT EXISTS}); {@link #upgrades} lists the columns later versions added to existing tables.
 *
 * <p>Timestamps are UTC, stored without a time zone with millisecond precision ({@code
 * TIMESTAMP(3)}; {@code DATETIME(3)} on MariaDB, whose {@code TIMESTAMP} follows the session time
 * zone and ends in 2038). Bind them with {@link #timestamp(Instant)}, read them with {@link
 * #instant(LocalDateTime)}. Table names are SQL identifiers validated by the configuration reader
 * and are never quoted.
 */
public final class ControlSchema {

    /** The longest key text a divergence or mismatch record holds, in characters. */
    public static final int KEY_TEXT_MAX = 1000;

    private ControlSchema() {}

    /** The statements that create every table in {@code tables}. */
    public static List<String> createAll(Dialect dialect, ControlTables tables) {
        List<String> all = new ArrayList<>();
        all.addAll(createControlTable(dialect, tables.control()));
        all.addAll(createHeartbeatTable(dialect, tables.heartbeat()));
        all.addAll(createAuditTable(dialect, tables.audit()));
        all.addAll(createDivergenceTable(dialect, tables.divergence()));
        all.addAll(createMismatchTable(dialect, tables.mismatch()));
        all.addAll(createRunsTable(dialect, tables.runs()));
        all.addAll(createIntentTable(dialect, tables.intent()));
        all.addAll(createStatementsTable(dialect, STATEMENTS_TABLE));
        return List.copyOf(all);
    }

    /**
     * A column added after the first release to a table {@code init} may find already created: init
     * adds it when the table lacks it.
     *
     * @param definition the column's type and constraints, for {@code ALTER TABLE … ADD COLUMN}
     */
    public record AddedColumn(String table, String column, String definition) {

        public String sql() {
            return "ALTER TABLE " + table + " ADD COLUMN " + column + " " + definition;
        }
    }

    /** The columns that tables created by an earlier version lack. */
    public static List<AddedColumn> upgrades(ControlTables tables) {
        return List.of(
                new AddedColumn(tables.heartbeat(), "comparisons", "BIGINT DEFAULT 0 NOT NULL"),
                new AddedColumn(tables.heartbeat(), "lost_records", "BIGINT DEFAULT 0 NOT NULL"),
                new AddedColumn(tables.heartbeat(), "log_failure", "VARCHAR(64) NULL"),
                new AddedColumn(tables.audit(), "version", "BIGINT NULL"));
    }

    /** The rollout of each migration: one row per migration id. */
    public static List<String> createControlTable(Dialect dialect, String name) {
        return List.of("CREATE TABLE IF NOT EXISTS " + name + " ("
                + "migration VARCHAR(64) NOT NULL PRIMARY KEY, "
                + "phase VARCHAR(16) NOT NULL, "
                + "read_new_percent INT NOT NULL, "
                + "shadow_percent INT NOT NULL, "
                + "table_phases VARCHAR(4000) NOT NULL, "
                + "version BIGINT NOT NULL, "
                + "updated_at " + timestampType(dialect) + " NOT NULL, "
                + "updated_by VARCHAR(128) NOT NULL)");
    }

    /** One row per driver instance and migration, upserted every {@code control.poll}. */
    public static List<String> createHeartbeatTable(Dialect dialect, String name) {
        String ts = timestampType(dialect);
        return List.of("CREATE TABLE IF NOT EXISTS " + name + " ("
                + "migration VARCHAR(64) NOT NULL, "
                + "instance_id VARCHAR(255) NOT NULL, "
                + "phase VARCHAR(16) NOT NULL, "
                + "config_version BIGINT NOT NULL, "
                + "last_beat " + ts + " NOT NULL, "
                + "statements BIGINT NOT NULL, "
                + "divergences BIGINT NOT NULL, "
                + "mismatches BIGINT NOT NULL, "
                + "started_at " + ts + " NOT NULL, "
                + "comparisons BIGINT DEFAULT 0 NOT NULL, "
                + "lost_records BIGINT DEFAULT 0 NOT NULL, "
                + "log_failure VARCHAR(64) NULL, "
                + "PRIMARY KEY (migration, instance_id))");
    }

    /** Every change of phase or percentages: who, when, from, to, why, and whether forced. */
    public static List<String> createAuditTable(Dialect dialect, String name) {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + name + " ("
                        + "id " + identity(dialect) + ", "
                        + "migration VARCHAR(64) NOT NULL, "
                        + "at " + timestampType(dialect) + " NOT NULL, "
                        + "by_user VARCHAR(128) NOT NULL, "
                        + "table_name VARCHAR(128) NULL, "
                        + "from_phase VARCHAR(16) NOT NULL, "
                        + "to_phase VARCHAR(16) NOT NULL, "
                        + "from_read_new INT NOT NULL, "
                        + "to_read_new INT NOT NULL, "
                        + "from_shadow INT NOT NULL, "
                        + "to_shadow INT NOT NULL, "
                        + "reason VARCHAR(1000) NOT NULL, "
                        + "forced BOOLEAN NOT NULL, "
                        + "version BIGINT NULL)",
                index(name));
    }

    /** Backfill and verify runs, per table: the evidence the {@code read-new} guard asks for. */
    public static List<String> createRunsTable(Dialect dialect, String name) {
        String ts = timestampType(dialect);
        return List.of("CREATE TABLE IF NOT EXISTS " + name + " ("
                + "id " + identity(dialect) + ", "
                + "migration VARCHAR(64) NOT NULL, "
                + "kind VARCHAR(16) NOT NULL, "
                + "table_name VARCHAR(128) NOT NULL, "
                + "started_at " + ts + " NOT NULL, "
                + "finished_at " + ts + " NOT NULL, "
                + "outcome VARCHAR(16) NOT NULL, "
                + "rows_done BIGINT NOT NULL)");
    }

    /**
     * Mirror writes that failed, written by the driver with {@link #insertDivergence(String)}.
     * {@code key_text} is the key tuple as encoded by the backfill module's {@code KeyCodec}.
     */
    public static List<String> createDivergenceTable(Dialect dialect, String name) {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + name + " ("
                        + "id " + identity(dialect) + ", "
                        + "migration VARCHAR(64) NOT NULL, "
                        + "table_name VARCHAR(128) NOT NULL, "
                        + "key_text VARCHAR(" + KEY_TEXT_MAX + ") NULL, "
                        + "fingerprint VARCHAR(32) NOT NULL, "
                        + "reason VARCHAR(64) NOT NULL, "
                        + "at " + timestampType(dialect) + " NOT NULL)",
                index(name));
    }

    /**
     * Intent records of transactions that write a mapped table with a separate new database: one
     * row per transaction, written in the primary's own transaction and deleted once the other
     * side committed. {@code keys_text} lists {@code table<TAB>key} lines ({@code key} empty: the
     * whole table). Needed in both databases: the primary is old, then new.
     */
    public static List<String> createIntentTable(Dialect dialect, String name) {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + name + " ("
                        + "txn VARCHAR(64) NOT NULL PRIMARY KEY, "
                        + "migration VARCHAR(64) NOT NULL, "
                        + "keys_text VARCHAR(4000) NOT NULL, "
                        + "at " + timestampType(dialect) + " NOT NULL)",
                index(name));
    }

    /** The table of the statement coverage (one row per migration and statement shape). */
    public static final String STATEMENTS_TABLE = "schemashift_statements";

    /**
     * The statement shapes the driver saw on mapped tables, with their verdict in each phase
     * (comma-separated, in phase order) and executions per phase ({@code n_old_only} …), added to
     * by every instance's flush.
     */
    public static List<String> createStatementsTable(Dialect dialect, String name) {
        String ts = timestampType(dialect);
        return List.of("CREATE TABLE IF NOT EXISTS " + name + " ("
                + "migration VARCHAR(64) NOT NULL, "
                + "fingerprint VARCHAR(32) NOT NULL, "
                + "table_names VARCHAR(1000) NOT NULL, "
                + "kind VARCHAR(16) NOT NULL, "
                + "verdicts VARCHAR(200) NOT NULL, "
                + "reason VARCHAR(64) NULL, "
                + "example VARCHAR(2000) NOT NULL, "
                + "n_old_only BIGINT NOT NULL, n_dual_write BIGINT NOT NULL, n_shadow_read BIGINT NOT NULL, "
                + "n_read_new BIGINT NOT NULL, n_new_primary BIGINT NOT NULL, n_new_only BIGINT NOT NULL, "
                + "first_seen " + ts + " NOT NULL, "
                + "last_seen " + ts + " NOT NULL, "
                + "PRIMARY KEY (migration, fingerprint))");
    }

    /** Shadow comparisons that disagreed, written by the driver with {@link #insertMismatch(String)}. */
    public static List<String> createMismatchTable(Dialect dialect, String name) {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + name + " ("
                        + "id " + identity(dialect) + ", "
                        + "migration VARCHAR(64) NOT NULL, "
                        + "table_name VARCHAR(128) NOT NULL, "
                        + "fingerprint VARCHAR(32) NOT NULL, "
                        + "query_shape VARCHAR(2000) NOT NULL, "
                        + "outcome VARCHAR(16) NOT NULL, "
                        + "key_text VARCHAR(" + KEY_TEXT_MAX + ") NULL, "
                        + "columns VARCHAR(1000) NULL, "
                        + "detail VARCHAR(4000) NULL, "
                        + "at " + timestampType(dialect) + " NOT NULL)",
                index(name));
    }

    /**
     * Inserts one divergence. Parameters, in order: migration, table_name, key_text (may be null),
     * fingerprint, reason, at ({@link #timestamp(Instant)}).
     */
    public static String insertDivergence(String name) {
        return "INSERT INTO " + name + " (migration, table_name, key_text, fingerprint, reason, at)"
                + " VALUES (?, ?, ?, ?, ?, ?)";
    }

    /**
     * Inserts one mismatch. Parameters, in order: migration, table_name, fingerprint, query_shape,
     * outcome, key_text, columns, detail (the last three may be null), at ({@link
     * #timestamp(Instant)}).
     */
    public static String insertMismatch(String name) {
        return "INSERT INTO " + name
                + " (migration, table_name, fingerprint, query_shape, outcome, key_text, columns, detail, at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /** Runs {@code statements} one by one on {@code connection}, failing on the first error. */
    public static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** The value to bind to a timestamp column: UTC, truncated to milliseconds. */
    public static LocalDateTime timestamp(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    /** The instant a timestamp column holds. */
    public static Instant instant(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC);
    }

    private static String timestampType(Dialect dialect) {
        return dialect == Dialect.MARIADB ? "DATETIME(3)" : "TIMESTAMP(3)";
    }

    private static String identity(Dialect dialect) {
        return dialect == Dialect.MARIADB
                ? "BIGINT AUTO_INCREMENT PRIMARY KEY"
                : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    }

    /** Every query on these tables filters on the migration and a time window (or orders by id). */
    private static String index(String table) {
        return "CREATE INDEX IF NOT EXISTS " + table + "_at ON " + table + " (migration, at)";
    }
}
