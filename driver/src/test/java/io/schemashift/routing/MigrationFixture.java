package io.schemashift.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlTables;
import io.schemashift.rewriter.Dialect;
import io.schemashift.runtime.MigrationRuntime;
import io.schemashift.runtime.Runtimes;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One migration under test: an old table {@code customers(id, name, legacy_flag, email)} and a
 * new table {@code clients(id, full_name, name_search, email)} (renamed table, renamed column,
 * dropped column, derived column), a configuration file, and helpers to connect through
 * SchemaShift and to read both sides through the mapping.
 */
public final class MigrationFixture implements AutoCloseable {

    private static final AtomicInteger IDS = new AtomicInteger();
    /** Fixtures not closed yet; {@link CloseFixtures} closes them after each test class. */
    private static final List<MigrationFixture> OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        // The driver registers in the global composite, which records nothing until it holds a
        // registry: tests read the meters through this one.
        Metrics.globalRegistry.add(new SimpleMeterRegistry());
    }

    public final TestDatabase server;
    public final String oldUrl;
    public final String newUrl;
    public final String migration;
    private final Path config;

    private MigrationFixture(TestDatabase server, String oldUrl, String newUrl, String migration, Path config) {
        this.server = server;
        this.oldUrl = oldUrl;
        this.newUrl = newUrl;
        this.migration = migration;
        this.config = config;
    }

    /**
     * Creates both tables and a configuration with {@code extraYaml} appended (phase, routing,
     * writes…). {@code separate}: the new table lives in another database, reached by {@code
     * new.url}.
     */
    public static MigrationFixture create(TestDatabase server, boolean separate, String extraYaml) {
        return create(server, separate, "", extraYaml);
    }

    /**
     * Like {@link #create(TestDatabase, boolean, String)}, with {@code moreTables} (YAML indented
     * by two spaces) mapped after {@code customers}; the test creates those tables itself.
     */
    public static MigrationFixture create(TestDatabase server, boolean separate, String moreTables, String extraYaml) {
        int n = IDS.incrementAndGet();
        String migration = "fx-" + ProcessHandle.current().pid() + "-" + n;
        // The process id keeps concurrent test runs on one server apart.
        long pid = ProcessHandle.current().pid();
        String oldUrl = server.create("ss_old_" + pid + "_" + n);
        String newUrl = separate ? server.create("ss_new_" + pid + "_" + n) : oldUrl;
        try (Connection old = server.connect(oldUrl);
                Connection neu = server.connect(newUrl)) {
            TestDatabases.run(
                    old,
                    "CREATE TABLE customers (" + identity(server.kind())
                            + ", name VARCHAR(100), legacy_flag INT, email VARCHAR(100))"
                            + tableOptions(server.kind()));
            TestDatabases.run(
                    neu,
                    "CREATE TABLE clients (" + identity(server.kind())
                            + ", full_name VARCHAR(100), name_search VARCHAR(100), email VARCHAR(100))"
                            + tableOptions(server.kind()));
            // as 'schemashift init' would: the driver creates no table itself (and, with a separate new
            // database, the intent table there too)
            createControlTables(old, server.kind());
            if (separate) {
                ControlSchema.execute(neu, ControlSchema.createIntentTable(dialect(server.kind()), INTENT_TABLE));
            }
            StringBuilder yaml = new StringBuilder("migration: " + migration + "\n");
            if (separate) {
                yaml.append("new:\n  url: '")
                        .append(newUrl)
                        .append("'\n  user: ")
                        .append(server.user())
                        .append("\n  password: '")
                        .append(server.password())
                        .append("'\n");
            }
            yaml.append(
                            """
                    tables:
                      customers:
                        to: clients
                        key: [id]
                        columns:
                          name: full_name
                          legacy_flag: null
                        derived:
                          name_search: "lower(name)"
                    """)
                    .append(moreTables)
                    .append(extraYaml);
            Path config = Files.createTempFile("schemashift-" + migration, ".yaml");
            Files.writeString(config, yaml);
            MigrationFixture fx = new MigrationFixture(server, oldUrl, newUrl, migration, config);
            OPEN.add(fx);
            return fx;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * PostgreSQL: {@code customers} and a table {@code accounts} whose columns change type on the
     * new side ({@code accounts_v2}) to ones that take no value of the old type by assignment:
     * {@code ref} text → uuid, {@code doc} text → jsonb, {@code qty} varchar → integer, {@code born}
     * varchar → date, {@code tier} text → the enum {@code tier_kind} ({@code gold}, {@code silver}),
     * {@code active} int → boolean, {@code amount} text → numeric(10,2); keyed by {@code id}.
     */
    public static MigrationFixture retyped(boolean separate, String extraYaml) throws SQLException {
        MigrationFixture fx = create(
                TestDatabases.of(TestDatabase.Kind.POSTGRESQL),
                separate,
                """
                  accounts:
                    to: accounts_v2
                    key: [id]
                """,
                extraYaml);
        fx.rawOld("CREATE TABLE accounts (id BIGINT PRIMARY KEY, ref TEXT, doc TEXT, qty VARCHAR(10),"
                + " born VARCHAR(20), tier TEXT, active INT, amount TEXT)");
        fx.rawNew(
                "CREATE TYPE tier_kind AS ENUM ('gold', 'silver')",
                "CREATE TABLE accounts_v2 (id BIGINT PRIMARY KEY, ref UUID, doc JSONB, qty INTEGER, born DATE,"
                        + " tier tier_kind, active BOOLEAN, amount NUMERIC(10,2))");
        return fx;
    }

    /** The intent table's default name. */
    public static final String INTENT_TABLE = ControlTables.DEFAULT_INTENT;

    /** The SchemaShift tables with their default names, as {@code schemashift init} creates them. */
    public static void createControlTables(Connection connection, TestDatabase.Kind kind) throws SQLException {
        ControlSchema.execute(connection, ControlSchema.createAll(dialect(kind), DEFAULT_TABLES));
    }

    /** The SchemaShift tables when the configuration names none. */
    public static final ControlTables DEFAULT_TABLES = new ControlTables(
            ControlTables.DEFAULT_CONTROL,
            "schemashift_heartbeat",
            "schemashift_audit",
            "schemashift_divergence",
            ControlTables.DEFAULT_MISMATCH);

    public static Dialect dialect(TestDatabase.Kind kind) {
        return switch (kind) {
            case POSTGRESQL -> Dialect.POSTGRESQL;
            case MARIADB -> Dialect.MARIADB;
            case H2 -> Dialect.H2;
        };
    }

    /** The number of intent records of this migration on the old ({@code onNew} false) or new side. */
    public int intents(boolean onNew) throws SQLException {
        try (Connection c = server.connect(onNew ? newUrl : oldUrl);
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM " + INTENT_TABLE + " WHERE migration = ?")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    // Generated keys start at 1000 so that they never collide with the explicit ids tests use.
    private static String identity(TestDatabase.Kind kind) {
        return kind == TestDatabase.Kind.MARIADB
                ? "id INT AUTO_INCREMENT PRIMARY KEY"
                : "id INT GENERATED BY DEFAULT AS IDENTITY (START WITH 1000) PRIMARY KEY";
    }

    private static String tableOptions(TestDatabase.Kind kind) {
        return kind == TestDatabase.Kind.MARIADB ? " AUTO_INCREMENT = 1000" : "";
    }

    /** The runtime the driver runs this migration with (started by the first connection). */
    public MigrationRuntime runtime() throws SQLException {
        Properties info = new Properties();
        info.setProperty("schemashift.config", config.toString());
        return Runtimes.find(info, null).orElseThrow();
    }

    /**
     * The keys the divergence log names for this migration ({@code ["42"]} → 42), once every
     * queued record is written; records without a key are not keys.
     */
    public Set<Integer> divergedKeys() throws Exception {
        Set<Integer> keys = new HashSet<>();
        for (List<String> record : divergences(runtime())) {
            if (record.get(0) != null) {
                keys.add(Integer.parseInt(record.get(0).replaceAll("[\\[\\]\"]", "")));
            }
        }
        return keys;
    }

    /** Every divergence record of this migration as {@code key_text|reason} ({@code null} key: the whole table). */
    public List<String> divergenceRecords() throws Exception {
        return divergences(runtime()).stream()
                .map(r -> r.get(0) + "|" + r.get(1))
                .toList();
    }

    /** The reasons in the divergence log for this migration. */
    public Set<String> divergenceReasons() throws Exception {
        Set<String> reasons = new HashSet<>();
        for (List<String> record : divergences(runtime())) {
            reasons.add(record.get(1));
        }
        return reasons;
    }

    private List<List<String>> divergences(MigrationRuntime runtime) throws Exception {
        assertThat(runtime.divergences().flush(Duration.ofSeconds(30)))
                .as("divergence log flushed")
                .isTrue();
        List<List<String>> records = new ArrayList<>();
        String table = runtime.config().writes().divergenceTable();
        try (Connection c = server.connect(oldUrl);
                PreparedStatement ps =
                        c.prepareStatement("SELECT key_text, reason FROM " + table + " WHERE migration = ?")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(java.util.Arrays.asList(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return records;
    }

    /** The ids of rows as {@link #oldRows()} and {@link #newRows()} give them, in order. */
    public static List<Integer> ids(List<String> rows) {
        return rows.stream()
                .map(r -> Integer.parseInt(r.substring(0, r.indexOf('|'))))
                .toList();
    }

    /** The sum of the counters {@code name} of this migration that carry {@code tags} (key, value, …). */
    public double count(String name, String... tags) {
        return Metrics.globalRegistry.find(name).tag("migration", migration).tags(tags).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** The ids whose rows differ between the two sides, through the mapping. */
    public Set<Integer> differingIds() throws SQLException {
        Map<Integer, String> old = byId(oldRows());
        Map<Integer, String> neu = byId(newRows());
        Set<Integer> differing = new TreeSet<>(old.keySet());
        differing.addAll(neu.keySet());
        differing.removeIf(id -> Objects.equals(old.get(id), neu.get(id)));
        return differing;
    }

    private static Map<Integer, String> byId(List<String> rows) {
        Map<Integer, String> byId = new HashMap<>();
        for (String row : rows) {
            byId.put(Integer.parseInt(row.substring(0, row.indexOf('|'))), row);
        }
        return byId;
    }

    /**
     * Stops the driver's runtime of this migration (new-side pool, shadow executor, divergence
     * log), so that test classes do not pile up pooled connections on the servers.
     */
    @Override
    public void close() throws SQLException {
        OPEN.remove(this);
        Runtimes.close(runtime());
    }

    /** Closes every fixture still open. */
    public static void closeAll() throws SQLException {
        for (MigrationFixture fx : OPEN) {
            fx.close();
        }
    }

    /** Rewrites the configuration file (for reload tests). */
    public void writeConfig(String yaml) throws IOException {
        Files.writeString(config, yaml);
    }

    public Path configPath() {
        return config;
    }

    /** A connection through SchemaShift. */
    public Connection connect() throws SQLException {
        return connect("");
    }

    /** A connection through SchemaShift with the real driver's {@code parameters} ({@code a=1&b=2}) added to the URL. */
    public Connection connect(String parameters) throws SQLException {
        return connect(parameters, server.user(), server.password());
    }

    /**
     * A PostgreSQL login role (its password its name) that may read and write every table of both
     * sides; with a separate new database the configuration reaches that database as the role too.
     * Tests take grants back from it; {@link #dropRole} removes it.
     */
    public String applicationRole(String prefix) throws SQLException, IOException {
        String role = prefix + "_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
        String grant = "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role;
        rawOld("CREATE ROLE " + role + " LOGIN PASSWORD '" + role + "'", grant);
        if (!oldUrl.equals(newUrl)) {
            writeConfig(Files.readString(config)
                    .replaceFirst("(?m)^  user: .*$", "  user: " + role)
                    .replaceFirst("(?m)^  password: .*$", "  password: " + role));
            rawNew(grant);
        }
        return role;
    }

    /**
     * A MariaDB user (password {@code app}) who may write every table of the old database and read
     * every one but {@code unread}, of which only {@code readColumns}: for tests of what the driver
     * does for a user it may not read a mapped table for. Dropped by the caller.
     */
    public String mariadbUserReadingAllBut(String prefix, String unread, String... readColumns) throws SQLException {
        String user = prefix + "_" + migration.replace('-', '_');
        String database;
        List<String> tables = new ArrayList<>();
        try (Connection c = server.connect(oldUrl);
                PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES"
                        + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ?")) {
            database = c.getCatalog();
            ps.setString(1, unread);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        rawOld(
                "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'app'",
                "GRANT INSERT, UPDATE, DELETE ON " + database + ".* TO '" + user + "'@'%'");
        for (String table : tables) {
            rawOld("GRANT SELECT ON " + database + "." + table + " TO '" + user + "'@'%'");
        }
        if (readColumns.length > 0) {
            rawOld("GRANT SELECT (" + String.join(", ", readColumns) + ") ON " + database + "." + unread + " TO '"
                    + user + "'@'%'");
        }
        return user;
    }

    /** Stops the runtime (its pooled connections are the role's) and drops {@code role} with what it owns. */
    public void dropRole(String role) throws SQLException {
        runtime().close();
        rawOld("DROP OWNED BY " + role);
        if (!oldUrl.equals(newUrl)) {
            rawNew("DROP OWNED BY " + role);
        }
        rawOld("DROP ROLE " + role);
    }

    /** The first column of the one row {@code rs} must have, as a string; closes it. */
    public static String firstValue(ResultSet rs) throws SQLException {
        try (rs) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /** A connection through SchemaShift as another user of the old database. */
    public Connection connectAs(String user, String password) throws SQLException {
        return connect("", user, password);
    }

    private Connection connect(String parameters, String user, String password) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", user);
        info.setProperty("password", password);
        info.setProperty("schemashift.config", config.toString());
        String url = parameters.isEmpty() ? oldUrl : oldUrl + (oldUrl.contains("?") ? "&" : "?") + parameters;
        return DriverManager.getConnection("jdbc:schemashift:" + url.substring("jdbc:".length()), info);
    }

    /** The old side's rows as {@code id|name|lower(name)|email}, by id. */
    public List<String> oldRows() throws SQLException {
        return rows(oldUrl, "SELECT id, name, lower(name), email FROM customers ORDER BY id");
    }

    /** The new side's rows in the same shape, by id. */
    public List<String> newRows() throws SQLException {
        return rows(newUrl, "SELECT id, full_name, name_search, email FROM clients ORDER BY id");
    }

    /** Asserts that both sides hold the same rows through the mapping. */
    public void assertSidesEqual() throws SQLException {
        assertThat(newRows()).as("new side").isEqualTo(oldRows());
    }

    /** The rows {@code sql} reads on the old side ({@code newSide}: the new side), each as its columns' text joined by {@code |}. */
    public List<String> query(boolean newSide, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(newSide ? newUrl : oldUrl);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    cells.add(rs.getString(i));
                }
                rows.add(String.join("|", cells));
            }
        }
        return rows;
    }

    private List<String> rows(String url, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(url);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        }
        return rows;
    }

    /** Runs raw SQL on one side. */
    public void rawOld(String... sql) throws SQLException {
        try (Connection c = server.connect(oldUrl)) {
            TestDatabases.run(c, sql);
        }
    }

    public void rawNew(String... sql) throws SQLException {
        try (Connection c = server.connect(newUrl)) {
            TestDatabases.run(c, sql);
        }
    }
}
