package io.schemashift.invariant;

import io.schemashift.config.Phase;
import io.schemashift.routing.MigrationFixture;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link MigrationFixture} mapping ({@code customers → clients}) set up for the invariant
 * suite: both tables get a {@code version} column (kept by the mapping, for optimistic locking),
 * a same-named {@code customers} table lives in another schema (another database on MariaDB),
 * and both sides start with the same twelve rows.
 */
final class InvariantMigration implements AutoCloseable {

    private static final AtomicInteger OTHERS = new AtomicInteger();
    static final int SEED_ROWS = 12;

    final MigrationFixture fx;
    final TestDatabase.Kind kind;
    final boolean separate;
    final Phase phase;
    /** {@code customers} in another schema (MariaDB: database), qualified. */
    final String otherTable;
    /** The mapped {@code customers}, qualified with its own schema (MariaDB: database). */
    final String ownTable;
    /**
     * A column both tables default to the current timestamp, which the checker compares too
     * ({@code null}: none).
     */
    final String stamped;
    /** Driver properties the application's connections carry besides the defaults (MariaDB's {@code sessionVariables}). */
    final Properties appProperties = new Properties();

    private InvariantMigration(
            MigrationFixture fx,
            TestDatabase.Kind kind,
            boolean separate,
            Phase phase,
            String otherTable,
            String stamped) {
        this.fx = fx;
        this.kind = kind;
        this.separate = separate;
        this.phase = phase;
        this.otherTable = otherTable;
        this.stamped = stamped;
        this.ownTable = switch (kind) {
            case POSTGRESQL -> "public.customers";
            case H2 -> "PUBLIC.customers";
            case MARIADB -> database(fx.oldUrl) + ".customers";
        };
    }

    /** The other schema (MariaDB: database), as {@code setSchema} / {@code setCatalog} takes it. */
    String otherSchema() {
        String schema = otherTable.substring(0, otherTable.lastIndexOf('.'));
        return kind == TestDatabase.Kind.H2 ? schema.toUpperCase(java.util.Locale.ROOT) : schema; // as H2 stores it
    }

    /** SQL that moves a connection back to the mapped table's schema. */
    String homeSql() {
        String home = ownTable.substring(0, ownTable.lastIndexOf('.'));
        return switch (kind) {
            case POSTGRESQL -> "SET search_path TO \"$user\", " + home;
            case H2 -> "SET SCHEMA " + home;
            case MARIADB -> "USE " + home;
        };
    }

    private static final java.util.Map<String, InvariantMigration> SHARED =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The migration of this database, mode and phase, shared by every test of the JVM (creating
     * databases is the slowest part of a run), reset to the seed rows. {@link
     * io.schemashift.routing.CloseFixtures} stops its runtime after each test class; the next
     * connection starts a new one.
     */
    static InvariantMigration shared(TestDatabase.Kind kind, boolean separate, Phase phase) throws Exception {
        String id = kind + " " + separate + " " + phase;
        InvariantMigration m = SHARED.get(id);
        if (m == null) {
            m = create(kind, separate, phase);
            SHARED.put(id, m);
        } else {
            m.reset();
        }
        return m;
    }

    /** Stops the runtimes of every shared migration. */
    static void closeShared() throws SQLException {
        for (InvariantMigration m : SHARED.values()) {
            m.close();
        }
    }

    /**
     * Creates the migration in {@code phase}. A generous mirror budget: on a loaded machine a
     * mirror may take longer than the default, and a timed-out mirror is recorded, which would
     * hide a missing record behind a slow one.
     */
    static InvariantMigration create(TestDatabase.Kind kind, boolean separate, Phase phase) throws Exception {
        return create(kind, separate, phase, List.of(), List.of());
    }

    /**
     * {@link #create(TestDatabase.Kind, boolean, Phase)}, then runs {@code oldSql} on the old side
     * and {@code newSql} on the new one, before the first SchemaShift connection reads the catalog.
     */
    static InvariantMigration create(
            TestDatabase.Kind kind, boolean separate, Phase phase, List<String> oldSql, List<String> newSql)
            throws Exception {
        return create(kind, separate, phase, oldSql, newSql, null);
    }

    /**
     * {@link #create(TestDatabase.Kind, boolean, Phase, List, List)} where both tables also get
     * column {@code stamped} ({@code null}: none), defaulting to the current timestamp, which the
     * application's writes leave out and the checker compares.
     */
    static InvariantMigration create(
            TestDatabase.Kind kind,
            boolean separate,
            Phase phase,
            List<String> oldSql,
            List<String> newSql,
            String stamped)
            throws Exception {
        String routing =
                switch (phase) {
                    case READ_NEW -> "routing:\n  readNewPercent: 100\n  shadowPercent: 100\n";
                    case SHADOW_READ, NEW_PRIMARY -> "routing:\n  shadowPercent: 100\n";
                    default -> "";
                };
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(kind),
                separate,
                "phase: " + phase.configName() + "\n" + routing + "writes:\n  budget: 10s\n");
        String other;
        String columns = "(id INT PRIMARY KEY, name VARCHAR(100), legacy_flag INT, email VARCHAR(100),"
                + " version INT DEFAULT 0)";
        try (Connection old = fx.server.connect(fx.oldUrl);
                Connection neu = fx.server.connect(fx.newUrl)) {
            // Before the first SchemaShift connection, which reads the old column list once.
            TestDatabases.run(old, "ALTER TABLE customers ADD COLUMN version INT DEFAULT 0");
            TestDatabases.run(neu, "ALTER TABLE clients ADD COLUMN version INT DEFAULT 0");
            if (stamped != null) {
                String column = " ADD COLUMN " + stamped
                        + (kind == TestDatabase.Kind.MARIADB
                                ? " DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6)"
                                : " TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP");
                TestDatabases.run(old, "ALTER TABLE customers" + column);
                TestDatabases.run(neu, "ALTER TABLE clients" + column);
            }
            // a view, a routine, and a trigger of another table, that write the mapped table: for the palette
            TestDatabases.run(old, "CREATE VIEW customer_names AS SELECT id, name FROM customers");
            switch (kind) {
                case POSTGRESQL ->
                    TestDatabases.run(
                            old,
                            "CREATE FUNCTION rename_customer(i INT, n VARCHAR) RETURNS void LANGUAGE plpgsql"
                                    + " AS $$ BEGIN UPDATE customers SET name = n WHERE id = i; END $$",
                            "CREATE TABLE orders (id INT, customer INT)",
                            "CREATE FUNCTION order_placed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                                    + " UPDATE customers SET name = 'Ordered' WHERE id = NEW.customer; RETURN NEW; END $$",
                            "CREATE TRIGGER orders_placed AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION"
                                    + " order_placed()");
                case MARIADB ->
                    TestDatabases.run(
                            old,
                            "CREATE PROCEDURE rename_customer(i INT, n VARCHAR(100))"
                                    + " UPDATE customers SET name = n WHERE id = i",
                            "CREATE TABLE orders (id INT, customer INT)",
                            "CREATE TRIGGER orders_placed AFTER INSERT ON orders FOR EACH ROW"
                                    + " UPDATE customers SET name = 'Ordered' WHERE id = NEW.customer");
                case H2 -> {
                    // H2's routines and triggers are Java classes: not looked into
                }
            }
            if (kind == TestDatabase.Kind.MARIADB) {
                String url =
                        fx.server.create("ss_other_" + ProcessHandle.current().pid() + "_" + OTHERS.incrementAndGet());
                other = database(url) + ".customers";
                TestDatabases.run(old, "CREATE TABLE " + other + " " + columns);
            } else {
                other = "other_schema.customers";
                TestDatabases.run(old, "CREATE SCHEMA other_schema", "CREATE TABLE " + other + " " + columns);
            }
        }
        try (Connection old = fx.server.connect(fx.oldUrl);
                Connection neu = fx.server.connect(fx.newUrl)) {
            TestDatabases.run(old, oldSql.toArray(String[]::new));
            TestDatabases.run(neu, newSql.toArray(String[]::new));
        }
        InvariantMigration m = new InvariantMigration(fx, kind, separate, phase, other, stamped);
        m.reset();
        return m;
    }

    /** Empties both sides, the other-schema table and this migration's divergence records; seeds both sides. */
    void reset() throws Exception {
        // Records still queued from an earlier run would land after the clean-up. (The first
        // connection starts the runtime, after the version column exists.)
        connect().close();
        fx.runtime().divergences().flush(java.time.Duration.ofSeconds(30));
        StringBuilder oldRows = new StringBuilder();
        StringBuilder newRows = new StringBuilder();
        // the seeds' stamps are one instant on both sides, as a backfill leaves them
        String stamp = stamped == null ? "" : ", TIMESTAMP '2020-01-01 00:00:00'";
        for (int id = 1; id <= SEED_ROWS; id++) {
            String sep = id == 1 ? "" : ", ";
            oldRows.append(sep)
                    .append(String.format("(%d, 'Seed %d', %d, 's%d@example.com', 0%s)", id, id, id % 2, id, stamp));
            newRows.append(sep)
                    .append(String.format("(%d, 'Seed %d', 'seed %d', 's%d@example.com', 0%s)", id, id, id, id, stamp));
        }
        String stampColumn = stamped == null ? "" : ", " + stamped;
        try (Connection old = fx.server.connect(fx.oldUrl);
                Connection neu = fx.server.connect(fx.newUrl)) {
            TestDatabases.run(
                    old,
                    "DELETE FROM customers",
                    "DELETE FROM " + otherTable,
                    "INSERT INTO customers (id, name, legacy_flag, email, version" + stampColumn + ") VALUES "
                            + oldRows);
            TestDatabases.run(
                    neu,
                    "DELETE FROM clients",
                    "INSERT INTO clients (id, full_name, name_search, email, version" + stampColumn + ") VALUES "
                            + newRows);
            deleteDivergences(old);
        }
    }

    private void deleteDivergences(Connection old) throws SQLException {
        try (Statement st = old.createStatement()) {
            st.executeUpdate("DELETE FROM " + divergenceTable() + " WHERE migration = '" + fx.migration + "'");
        } catch (SQLException e) {
            // The table is created with the first record: nothing to delete yet.
        }
    }

    String divergenceTable() throws SQLException {
        return fx.runtime().config().writes().divergenceTable();
    }

    /**
     * A connection through SchemaShift, as the application opens it; on MariaDB with
     * {@code allowMultiQueries} so that multi-statement text reaches the server.
     */
    Connection connect() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", fx.server.user());
        info.setProperty("password", fx.server.password());
        info.setProperty("schemashift.config", fx.configPath().toString());
        if (kind == TestDatabase.Kind.MARIADB) {
            info.setProperty("allowMultiQueries", "true");
        }
        info.putAll(appProperties);
        return DriverManager.getConnection("jdbc:schemashift:" + fx.oldUrl.substring("jdbc:".length()), info);
    }

    @Override
    public void close() throws SQLException {
        fx.close();
    }

    @Override
    public String toString() {
        return kind + (separate ? " separate " : " same ") + phase;
    }

    private static String database(String url) {
        String path = url.substring(url.indexOf('/', "jdbc:mariadb://".length()) + 1);
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
