package io.schemashift.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.schemashift.compare.CompareRules;
import io.schemashift.compare.ComparisonInput;
import io.schemashift.compare.ShadowComparator;
import io.schemashift.routing.MigrationFixture;
import io.schemashift.runtime.Runtimes;
import io.schemashift.testing.StderrCapture;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Shadow reads on PostgreSQL and MariaDB: real divergences found, no false alarms, the primary never hurt. */
class ShadowReadIT {

    private static final List<TestDatabase.Kind> SERVERS =
            List.of(TestDatabase.Kind.POSTGRESQL, TestDatabase.Kind.MARIADB);
    private static final String SHADOW_ALL = "phase: shadow-read\nrouting:\n  shadowPercent: 100\n";
    /** Registered before any meter, so that every count reaches it. */
    private static final PrometheusMeterRegistry PROMETHEUS = ShadowMeters.PROMETHEUS;

    private static Stream<DynamicTest> perServer(String name, ServerTest test) {
        return SERVERS.stream().map(kind -> DynamicTest.dynamicTest(name + " on " + kind, () -> test.run(kind)));
    }

    @FunctionalInterface
    interface ServerTest {
        void run(TestDatabase.Kind kind) throws Exception;
    }

    // ---- a column whose type changed is compared by its text ------------------------------------

    /**
     * PostgreSQL {@code text} → {@code uuid}, {@code jsonb}, {@code integer}, {@code date}, an enum
     * and {@code int} → {@code boolean}: the sides read each value as another kind (a string against
     * a number, a date, a boolean), which matched nothing before; compared by their text, equal rows
     * match and a changed value is still a mismatch, on that column alone.
     */
    @org.junit.jupiter.api.Test
    void retypedColumns_comparedByTheirText() throws Exception {
        MigrationFixture fx = MigrationFixture.retyped(false, SHADOW_ALL);
        try (Connection c = fx.connect()) {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO accounts (id, ref, doc, qty, born, tier, active) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (int id = 1; id <= 2; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1" + id);
                    insert.setString(3, "{\"a\": " + id + "}");
                    insert.setString(4, "7" + id);
                    insert.setString(5, "2024-01-3" + id % 2);
                    insert.setString(6, "gold");
                    insert.setInt(7, id % 2);
                    insert.executeUpdate();
                }
            }
            fx.rawNew("UPDATE accounts_v2 SET qty = 99 WHERE id = 2");
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM accounts WHERE id = ? AND tier = ?")) {
                for (int id = 1; id <= 2; id++) {
                    select.setInt(1, id);
                    select.setString(2, "gold");
                    try (ResultSet rs = select.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString("qty")).isEqualTo("7" + id);
                    }
                }
            }
        }
        ShadowMeters.drain(fx);
        assertThat(ShadowMeters.outcome(fx, "match")).as("row 1 alike").isEqualTo(1);
        assertThat(ShadowMeters.outcome(fx, "mismatch"))
                .as("row 2's qty changed")
                .isEqualTo(1);
        assertThat(mismatchRows(fx)).singleElement().satisfies(r -> assertThat(r[1])
                .isEqualToIgnoringCase("qty"));
    }

    // ---- a divergence is found, and reported without its values -------------------------------

    @TestFactory
    Stream<DynamicTest> divergence_reportedByTableKeyColumn_valuesOnlyHashed() {
        return perServer("divergence", kind -> {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, SHADOW_ALL);
            String canaryOld = "CANARY-" + UUID.randomUUID();
            String canaryNew = "CANARY-" + UUID.randomUUID();
            StderrCapture log = StderrCapture.start();
            try {
                try (Connection c = fx.connect()) {
                    PreparedStatement insert =
                            c.prepareStatement("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)");
                    for (int id = 1; id <= 3; id++) {
                        insert.setInt(1, id);
                        insert.setString(2, id == 2 ? canaryOld : "Name " + id);
                        insert.setString(3, id + "@x");
                        insert.executeUpdate();
                    }
                    fx.rawNew("UPDATE clients SET full_name = '" + canaryNew + "' WHERE id = 2");
                    PreparedStatement select = c.prepareStatement("SELECT id, name, email FROM customers WHERE id = ?");
                    for (int id = 1; id <= 3; id++) {
                        select.setInt(1, id);
                        try (ResultSet rs = select.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            assertThat(rs.getString("name")).isEqualTo(id == 2 ? canaryOld : "Name " + id);
                        }
                    }
                }
                ShadowMeters.drain(fx);
            } finally {
                log.close();
            }
            assertThat(ShadowMeters.outcome(fx, "match")).isEqualTo(2);
            assertThat(ShadowMeters.outcome(fx, "mismatch")).isEqualTo(1);

            List<String[]> reports = mismatchRows(fx);
            assertThat(reports).hasSize(1);
            String[] r = reports.get(0);
            assertThat(r[0]).isEqualTo("customers");
            assertThat(r[1]).isEqualToIgnoringCase("name");
            // the key shows as the same keyed hash the comparator gives id 2 in this process, never as "2"
            assertThat(r[2]).isEqualToIgnoringCase("id=" + redactedToken(2));
            assertThat(r[3]).contains("changed=1").contains("string:");
            String everything = String.join("|", r) + log + PROMETHEUS.scrape();
            assertThat(everything).doesNotContain(canaryOld).doesNotContain(canaryNew);
            assertThat(log.text()).contains("shadow read mismatch").contains(fx.migration);
        });
    }

    /**
     * With a separate new database, the shadow reads run under the application connection's session
     * settings on both sides: a MariaDB {@code TIMESTAMP} reads in the session's time zone, so a
     * time zone given in the application's URL (which the shadow's own old connection shares, the
     * new side's pool does not) counted every such read as a mismatch, and one set with {@code SET}
     * (which neither shares) as transient, blind to a real difference. A real difference is still
     * found. (PostgreSQL's {@code timestamptz} reads as the same instant in any zone: checked with
     * {@code SET}.)
     */
    @TestFactory
    Stream<DynamicTest> sessionTimeZone_sharedByTheShadowReads() {
        return perServer("time zone", kind -> {
            boolean pg = kind == TestDatabase.Kind.POSTGRESQL;
            for (String how : pg ? List.of("set", "pool") : List.of("url", "set", "pool")) {
                MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), true, SHADOW_ALL);
                String type = pg ? "TIMESTAMPTZ" : "TIMESTAMP NULL";
                fx.rawOld("ALTER TABLE customers ADD COLUMN at " + type);
                fx.rawNew("ALTER TABLE clients ADD COLUMN at " + type);
                String utc = pg ? "+00'" : "'"; // the raw connections' session: UTC
                fx.rawOld("INSERT INTO customers (id, name, at) VALUES (1, 'One', '2026-01-01 10:00:00" + utc + "),"
                        + " (2, 'Two', '2026-01-01 10:00:00" + utc + ")");
                fx.rawNew("INSERT INTO clients (id, full_name, name_search, at) VALUES (1, 'One', 'one',"
                        + " '2026-01-01 10:00:00" + utc + "), (2, 'Two', 'two', '2026-01-01 11:00:00" + utc + ")");
                com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
                config.setJdbcUrl(fx.oldUrl);
                config.setUsername(fx.server.user());
                config.setPassword(fx.server.password());
                config.setMaximumPoolSize(2);
                boolean lent = how.equals("pool");
                try (com.zaxxer.hikari.HikariDataSource pool =
                                lent ? new com.zaxxer.hikari.HikariDataSource(config) : null;
                        io.schemashift.SchemaShiftDataSource ds =
                                lent ? new io.schemashift.SchemaShiftDataSource(pool) : null) {
                    String zone = pg ? "'America/Sao_Paulo'" : "'-03:00'";
                    if (lent) {
                        ds.setConfig(fx.configPath().toString());
                    }
                    try (Connection c = lent
                                    ? ds.getConnection()
                                    : fx.connect(how.equals("url") ? "sessionVariables=time_zone=" + zone : "");
                            Statement st = c.createStatement()) {
                        if (!how.equals("url")) {
                            st.execute((pg ? "SET TIME ZONE " : "SET time_zone = ") + zone);
                        }
                        for (int id : new int[] {1, 1, 1, 2}) {
                            try (ResultSet rs = st.executeQuery("SELECT id, at FROM customers WHERE id = " + id)) {
                                assertThat(rs.next()).isTrue();
                                assertThat(rs.getString("at")).as(how).startsWith("2026-01-01 07:00:00");
                            }
                        }
                        ShadowMeters.drain(fx);
                        await("the comparisons of the data source's own runtime too")
                                .atMost(Duration.ofSeconds(30))
                                .until(() -> ShadowMeters.outcome(fx, "match")
                                                + ShadowMeters.outcome(fx, "mismatch")
                                                + ShadowMeters.outcome(fx, "transient")
                                        >= 4);
                        // counted before the data source's runtime closes, and its meters with it
                        assertThat(ShadowMeters.outcome(fx, "match")).as(how).isEqualTo(3);
                        assertThat(ShadowMeters.outcome(fx, "mismatch"))
                                .as(how + ": row 2 differs")
                                .isEqualTo(1);
                        assertThat(ShadowMeters.outcome(fx, "transient"))
                                .as(how)
                                .isZero();
                        if (lent) { // the application's other connection, which the shadow read borrowed
                            try (Connection other = pool.getConnection();
                                    Statement o = other.createStatement();
                                    ResultSet rs =
                                            o.executeQuery(pg ? "SHOW TimeZone" : "SELECT @@session.time_zone")) {
                                assertThat(rs.next()).isTrue();
                                assertThat("'" + rs.getString(1) + "'")
                                        .as("given back as it was lent")
                                        .isNotEqualTo(zone);
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * jOOQ and MyBatis run a query with {@code execute()} and read {@code getResultSet()}: those reads
     * are compared too (they were never compared before), for prepared and plain statements.
     */
    @TestFactory
    Stream<DynamicTest> executeThenGetResultSet_isCompared() {
        return perServer("execute", kind -> {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, SHADOW_ALL);
            try (Connection c = fx.connect()) {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (1, 'a', '1@x')");
                    st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (2, 'b', '2@x')");
                }
                fx.rawNew("UPDATE clients SET full_name = 'drifted' WHERE id = 2");
                try (PreparedStatement select = c.prepareStatement("SELECT id, name FROM customers WHERE id = ?")) {
                    select.setInt(1, 1);
                    assertThat(select.execute()).isTrue();
                    try (ResultSet rs = select.getResultSet()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString("name")).isEqualTo("a");
                    }
                }
                try (Statement st = c.createStatement()) {
                    assertThat(st.execute("SELECT id, name FROM customers WHERE id = 2"))
                            .isTrue();
                    try (ResultSet rs = st.getResultSet()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString("name")).isEqualTo("b");
                    }
                }
            }
            ShadowMeters.drain(fx);
            assertThat(ShadowMeters.outcome(fx, "match")).isEqualTo(1);
            assertThat(ShadowMeters.outcome(fx, "mismatch")).isEqualTo(1);
        });
    }

    /** The redacted token of key value {@code id}, as the comparator shows it (same per-process key). */
    private static String redactedToken(int id) {
        var result = ShadowComparator.create(CompareRules.defaults())
                .compare(ComparisonInput.builder()
                        .columns(List.of("id", "v"), List.of("id", "v"))
                        .key(List.of("id"))
                        .rows(
                                List.<Object[]>of(new Object[] {id, "a"}).iterator(),
                                List.<Object[]>of(new Object[] {id, "b"}).iterator())
                        .build());
        String key = result.mismatch().orElseThrow().samples().get(0).key();
        return key.substring(key.indexOf('=') + 1);
    }

    /** The mismatch reports of the fixture's migration; none if the table was never created. */
    private static List<String[]> mismatchRows(MigrationFixture fx) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = fx.server.connect(fx.oldUrl)) {
            try (ResultSet t = c.getMetaData().getTables(c.getCatalog(), null, "schemashift_mismatch", null)) {
                if (!t.next()) {
                    return rows;
                }
            }
        }
        try (Connection c = fx.server.connect(fx.oldUrl);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT table_name, columns, key_text, detail, query_shape, fingerprint FROM schemashift_mismatch"
                                + " WHERE migration = ?")) {
            ps.setString(1, fx.migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)
                    });
                }
            }
        }
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> newSidePrimary_separateDatabase_comparedAgainstOld() {
        return Stream.of("new-primary", "read-new")
                .flatMap(phase -> perServer(phase + ", separate database", kind -> {
                    MigrationFixture fx = MigrationFixture.create(
                            TestDatabases.of(kind),
                            true,
                            "phase: " + phase + "\nrouting:\n  readNewPercent: 100\n  shadowPercent: 100\n");
                    fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'Same', 'a@x'), (2, 'Old', 'b@x')");
                    fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES"
                            + " (1, 'Same', 'same', 'a@x'), (2, 'New', 'new', 'b@x')");
                    try (Connection c = fx.connect()) {
                        PreparedStatement ps = c.prepareStatement("SELECT id, name FROM customers WHERE id = ?");
                        for (int id = 1; id <= 2; id++) {
                            ps.setInt(1, id);
                            try (ResultSet rs = ps.executeQuery()) {
                                assertThat(rs.next()).isTrue();
                                assertThat(rs.getString(2))
                                        .as("read from the new side")
                                        .isEqualTo(id == 1 ? "Same" : "New");
                            }
                        }
                    }
                    ShadowMeters.drain(fx);
                    assertThat(ShadowMeters.outcome(fx, "match")).isEqualTo(1);
                    assertThat(ShadowMeters.outcome(fx, "mismatch")).isEqualTo(1);
                    assertThat(mismatchRows(fx)).singleElement().satisfies(r -> assertThat(r[1])
                            .isEqualToIgnoringCase("name"));
                }));
    }

    // ---- no false alarms under concurrent writes ----------------------------------------------

    @TestFactory
    Stream<DynamicTest> concurrentWriters_consistentData_noConfirmedMismatch() {
        return Stream.of(false, true)
                .flatMap(separate -> perServer(
                        "8 writers, readers, " + (separate ? "separate database" : "same database"),
                        kind -> noFalseAlarms(kind, separate)));
    }

    private static void noFalseAlarms(TestDatabase.Kind kind, boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(kind),
                separate,
                SHADOW_ALL
                        // a generous mirror budget: under CPU contention a 250 ms mirror can time out and diverge
                        + "shadow:\n  threads: 2\n  queue: 256\nwrites:\n  budget: 2s\n");
        int rows = 2000;
        // consistent data to start from, written directly on both sides
        StringBuilder oldRows = new StringBuilder("INSERT INTO customers (id, name, email) VALUES ");
        StringBuilder newRows = new StringBuilder("INSERT INTO clients (id, full_name, name_search, email) VALUES ");
        for (int id = 1; id <= rows; id++) {
            String sep = id == 1 ? "" : ", ";
            oldRows.append(sep)
                    .append("(")
                    .append(id)
                    .append(", 'Name ")
                    .append(id)
                    .append("', '")
                    .append(id)
                    .append("@x')");
            newRows.append(sep)
                    .append("(")
                    .append(id)
                    .append(", 'Name ")
                    .append(id)
                    .append("', 'name ")
                    .append(id)
                    .append("', '")
                    .append(id)
                    .append("@x')");
        }
        fx.rawOld(oldRows.toString());
        fx.rawNew(newRows.toString());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger nextId = new AtomicInteger(100_000);
        AtomicInteger reads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<?>> tasks = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int writer = w;
            tasks.add(pool.submit(() -> {
                try (Connection c = fx.connect()) {
                    PreparedStatement update =
                            c.prepareStatement("UPDATE customers SET name = ?, email = ? WHERE id = ?");
                    PreparedStatement insert =
                            c.prepareStatement("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)");
                    PreparedStatement read = c.prepareStatement("SELECT id, name, email FROM customers WHERE id = ?");
                    while (!stop.get()) {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        // Separate databases: each row has one writer. Two writers racing on one row can have
                        // their mirrors applied in the other order on the new side (a dual-write limit, not a
                        // shadow-read one), and the data would no longer be consistent.
                        int id = separate ? 1 + writer + 8 * r.nextInt(rows / 8) : 1 + r.nextInt(rows);
                        int dice = r.nextInt(4);
                        if (dice < 2) {
                            update.setString(1, "N" + r.nextInt(1000));
                            update.setString(2, r.nextInt(1000) + "@y");
                            update.setInt(3, id);
                            update.executeUpdate();
                        } else if (dice == 2) {
                            // a read after a write in one transaction: it cannot be compared from outside
                            c.setAutoCommit(false);
                            update.setString(1, "T" + r.nextInt(1000));
                            update.setString(2, "t@y");
                            update.setInt(3, id);
                            update.executeUpdate();
                            read.setInt(1, id);
                            try (ResultSet rs = read.executeQuery()) {
                                while (rs.next()) {
                                    rs.getString(2);
                                }
                            }
                            c.commit();
                            c.setAutoCommit(true);
                        } else {
                            int newId = nextId.incrementAndGet();
                            insert.setInt(1, newId);
                            insert.setString(2, "New " + newId);
                            insert.setString(3, newId + "@z");
                            insert.executeUpdate();
                        }
                    }
                }
                return null;
            }));
        }
        for (int rdr = 0; rdr < 4; rdr++) {
            tasks.add(pool.submit(() -> {
                try (Connection c = fx.connect()) {
                    PreparedStatement point = c.prepareStatement("SELECT id, name, email FROM customers WHERE id = ?");
                    PreparedStatement range = c.prepareStatement(
                            "SELECT id, name, email FROM customers WHERE id BETWEEN ? AND ? ORDER BY id");
                    while (!stop.get()) {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        PreparedStatement ps;
                        if (r.nextInt(10) == 0) {
                            int from = 1 + r.nextInt(rows - 10);
                            range.setInt(1, from);
                            range.setInt(2, from + 10);
                            ps = range;
                        } else {
                            point.setInt(1, 1 + r.nextInt(rows));
                            ps = point;
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rs.getString("name");
                            }
                        }
                        reads.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        TimeUnit.SECONDS.sleep(5);
        stop.set(true);
        for (Future<?> f : tasks) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        ShadowMeters.drain(fx);
        double match = ShadowMeters.outcome(fx, "match");
        double transients = ShadowMeters.outcome(fx, "transient");
        double skipped = ShadowMeters.skipped(fx, "uncommitted_writes");
        System.out.printf(
                "%s %s: reads=%d match=%.0f transient=%.0f mismatch=%.0f skipped(uncommitted_writes)=%.0f dropped=%.0f"
                        + " error=%.0f timeout=%.0f divergences=%.0f%n",
                kind,
                separate ? "separate" : "same",
                reads.get(),
                match,
                transients,
                ShadowMeters.outcome(fx, "mismatch"),
                skipped,
                ShadowMeters.outcome(fx, "dropped"),
                ShadowMeters.outcome(fx, "error"),
                ShadowMeters.outcome(fx, "timeout"),
                ShadowMeters.divergences(fx));
        assertThat(ShadowMeters.divergences(fx))
                .as("the dual writes kept the sides consistent")
                .isZero();
        fx.assertSidesEqual();
        assertThat(ShadowMeters.outcome(fx, "mismatch"))
                .as("confirmed mismatches")
                .isZero();
        assertThat(match).isGreaterThan(100);
        assertThat(skipped).isGreaterThan(0);
        assertThat(ShadowMeters.outcome(fx, "error")).isZero();
        assertThat(mismatchRows(fx)).isEmpty();
    }

    // ---- the primary is not hurt ---------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> otherSideLocked_appReadsAtNormalLatency_timeoutsAndDropsCounted() {
        return perServer("lock held on the new table", kind -> {
            MigrationFixture fx = MigrationFixture.create(
                    TestDatabases.of(kind), false, SHADOW_ALL + "shadow:\n  threads: 1\n  queue: 1\n  timeout: 1s\n");
            fx.rawOld("INSERT INTO customers (id, name) VALUES (1, 'a')");
            fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (1, 'a', 'a')");
            try (Connection locker = fx.server.connect(fx.newUrl);
                    Connection c = fx.connect()) {
                lockTable(kind, locker, "clients");
                long[] latencies = readRepeatedly(c, 40);
                // the shadow query waiting for the lock gives up after shadow.timeout
                await("a shadow timeout or error counted")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> ShadowMeters.outcome(fx, "timeout") + ShadowMeters.outcome(fx, "error") >= 1);
                unlock(kind, locker);
                // an app read that waited for the locked side would take as long as the lock is held
                assertThat(latencies[latencies.length / 2] / 1_000_000)
                        .as("median app read (ms); all (µs): %s", micros(latencies))
                        .isLessThan(50);
                assertThat(latencies[latencies.length - 1] / 1_000_000)
                        .as("slowest app read (ms) while the shadow side is locked; all (µs): %s", micros(latencies))
                        .isLessThan(2000);
            }
            ShadowMeters.drain(fx);
            assertThat(ShadowMeters.outcome(fx, "timeout") + ShadowMeters.outcome(fx, "error"))
                    .as("outcomes %s", outcomes(fx))
                    .isGreaterThanOrEqualTo(1);
            assertThat(ShadowMeters.outcome(fx, "dropped"))
                    .as("executor saturated")
                    .isGreaterThanOrEqualTo(30);
            assertThat(ShadowMeters.outcome(fx, "mismatch")).isZero();
        });
    }

    @TestFactory
    Stream<DynamicTest> otherSideDown_appReadsAtNormalLatency_errorsCounted() {
        return perServer("new side down", kind -> {
            MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), true, SHADOW_ALL);
            fx.rawOld("INSERT INTO customers (id, name) VALUES (1, 'a')");
            String dead = kind == TestDatabase.Kind.POSTGRESQL
                    ? "jdbc:postgresql://127.0.0.1:1/none"
                    : "jdbc:mariadb://127.0.0.1:1/none?sslMode=disable";
            fx.writeConfig(Files.readString(fx.configPath()).replace(fx.newUrl, dead));
            try (Connection c = fx.connect()) {
                long[] latencies = readRepeatedly(c, 20);
                assertThat(latencies[latencies.length / 2] / 1_000_000)
                        .as("median app read (ms)")
                        .isLessThan(50);
                // an app read that waited for the new side would wait at least the pool's 250 ms connection timeout;
                // a single slow read on a loaded machine is not that
                assertThat(latencies[latencies.length - 2] / 1_000_000)
                        .as("second slowest app read (ms); all (µs): %s", micros(latencies))
                        .isLessThan(250);
            }
            ShadowMeters.drain(fx);
            assertThat(ShadowMeters.outcome(fx, "error") + ShadowMeters.outcome(fx, "timeout"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(ShadowMeters.outcome(fx, "match") + ShadowMeters.outcome(fx, "mismatch"))
                    .isZero();
        });
    }

    /** Point-reads id 1 {@code n} times; returns the latencies in nanoseconds, sorted. */
    private static long[] readRepeatedly(Connection c, int n) throws SQLException {
        long[] latencies = new long[n];
        PreparedStatement ps = c.prepareStatement("SELECT id, name FROM customers WHERE id = ?");
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                rs.getString(2);
                assertThat(rs.next()).isFalse();
            }
            latencies[i] = System.nanoTime() - start;
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static String outcomes(MigrationFixture fx) {
        StringBuilder sb = new StringBuilder();
        for (ShadowOutcome o : ShadowOutcome.values()) {
            String tag = o.name().toLowerCase(java.util.Locale.ROOT);
            sb.append(tag).append('=').append(ShadowMeters.outcome(fx, tag)).append(' ');
        }
        return sb.toString();
    }

    private static String micros(long[] nanos) {
        return Arrays.toString(Arrays.stream(nanos).map(n -> n / 1000).toArray());
    }

    private static void lockTable(TestDatabase.Kind kind, Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (kind == TestDatabase.Kind.POSTGRESQL) {
                c.setAutoCommit(false);
                s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            } else {
                s.execute("LOCK TABLES " + table + " WRITE");
            }
        }
    }

    private static void unlock(TestDatabase.Kind kind, Connection c) throws SQLException {
        if (kind == TestDatabase.Kind.POSTGRESQL) {
            c.rollback();
        } else {
            try (Statement s = c.createStatement()) {
                s.execute("UNLOCK TABLES");
            }
        }
    }

    // ---- normalization ---------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> normalization_scalePrecisionPaddingCase_match() {
        return perServer("normalization", kind -> {
            TestDatabase db = TestDatabases.of(kind);
            String url = db.create("ss_norm_" + ProcessHandle.current().pid() + "_"
                    + kind.name().toLowerCase());
            boolean maria = kind == TestDatabase.Kind.MARIADB;
            String ts = maria ? "DATETIME" : "TIMESTAMP";
            try (Connection c = db.connect(url)) {
                TestDatabases.run(
                        c,
                        "CREATE TABLE prices (id INT PRIMARY KEY, amount NUMERIC(10,2), at " + ts
                                + "(6), code CHAR(8), label VARCHAR(20)" + (maria ? " COLLATE utf8mb4_bin" : "") + ")",
                        "CREATE TABLE prices_v2 (id INT PRIMARY KEY, amount NUMERIC(12,4), at " + ts
                                + "(3), code VARCHAR(8), label VARCHAR(20)"
                                + (maria ? " COLLATE utf8mb4_general_ci" : "") + ")",
                        "INSERT INTO prices VALUES (1, 1.50, '2024-01-02 03:04:05.123456', 'ab', 'Alice')",
                        "INSERT INTO prices_v2 VALUES (1, 1.5000, '2024-01-02 03:04:05.123', 'ab', '"
                                + (maria ? "ALICE" : "Alice") + "')",
                        // a real difference, to prove the rules do not hide everything
                        "INSERT INTO prices VALUES (2, 2.50, '2024-01-02 03:04:05', 'cd', 'Bob')",
                        "INSERT INTO prices_v2 VALUES (2, 2.51, '2024-01-02 03:04:05', 'cd', 'Bob')");
            }
            String migration =
                    "norm-" + ProcessHandle.current().pid() + "-" + kind.name().toLowerCase();
            Path config = Files.createTempFile("schemashift-" + migration, ".yaml");
            Files.writeString(
                    config,
                    "migration: " + migration + "\ntables:\n  prices:\n    to: prices_v2\n    key: [id]\n" + SHADOW_ALL
                            + "compare:\n  timestampPrecision: millis\n  caseInsensitive: " + maria + "\n");
            Properties info = new Properties();
            info.setProperty("user", db.user());
            info.setProperty("password", db.password());
            info.setProperty("schemashift.config", config.toString());
            try (Connection c = DriverManager.getConnection("jdbc:schemashift:" + url.substring(5), info)) {
                PreparedStatement ps = c.prepareStatement("SELECT * FROM prices WHERE id = ?");
                for (int id = 1; id <= 2; id++) {
                    ps.setInt(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rs.getBigDecimal("amount");
                        }
                    }
                }
            }
            Properties find = new Properties();
            find.setProperty("schemashift.config", config.toString());
            assertThat(Runtimes.find(find, null).orElseThrow().shadow().drain(Duration.ofSeconds(30)))
                    .isTrue();
            assertThat(count(migration, "match"))
                    .as("row 1: equal under the rules")
                    .isEqualTo(1);
            assertThat(count(migration, "mismatch")).as("row 2: 2.50 vs 2.51").isEqualTo(1);
        });
    }

    /**
     * A locking read is not compared: its copy would lock the other side's rows from another
     * connection, where the application's own mirrored writes can wait on it (a deadlock that may
     * abort the application's transaction), and with {@code SKIP LOCKED} it answers by other
     * transactions' locks.
     */
    @TestFactory
    Stream<DynamicTest> lockingRead_skippedNotCompared() {
        return perServer("locking read", kind -> {
            MigrationFixture fx = oneRowEachSide(kind);
            try (Connection c = fx.connect()) {
                c.setAutoCommit(false);
                PreparedStatement ps = c.prepareStatement("SELECT name FROM customers WHERE id = ? FOR UPDATE");
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("a");
                }
                c.commit();
                readRepeatedly(c, 1);
                c.commit();
            }
            ShadowMeters.drain(fx);
            assertThat(ShadowMeters.skipped(fx, "locking_read")).isEqualTo(1);
            assertThat(ShadowMeters.outcome(fx, "match"))
                    .as("the plain read only")
                    .isEqualTo(1);
        });
    }

    // ---- Prometheus ---------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> prometheusScrape_afterWorkload_showsShadowMetersWithMigrationTag() {
        return perServer("prometheus", kind -> {
            MigrationFixture fx = oneRowEachSide(kind);
            try (Connection c = fx.connect()) {
                readRepeatedly(c, 10);
                c.setAutoCommit(false);
                c.createStatement().executeUpdate("UPDATE customers SET email = 'e' WHERE id = 1");
                readRepeatedly(c, 1);
                c.commit();
            }
            ShadowMeters.drain(fx);
            String tag = "migration=\"" + fx.migration + "\"";
            List<String> lines = ShadowMeters.PROMETHEUS
                    .scrape()
                    .lines()
                    .filter(l -> l.contains(tag))
                    .toList();
            assertThat(lines)
                    .anyMatch(l -> l.startsWith("schemashift_shadow_comparisons_total{")
                            && l.contains("outcome=\"match\"")
                            && l.contains("table=\"customers\"")
                            && l.endsWith(" 10.0"))
                    .anyMatch(l -> l.startsWith("schemashift_shadow_skips_total{")
                            && l.contains("reason=\"uncommitted_writes\""))
                    .anyMatch(l -> l.startsWith("schemashift_shadow_queue_depth{"))
                    .anyMatch(l -> l.startsWith("schemashift_shadow_rows_compared_rows_count{"))
                    .anyMatch(l -> l.startsWith("schemashift_shadow_compare_duration_seconds_count{"))
                    .anyMatch(l -> l.startsWith("schemashift_side_latency_seconds_count{")
                            && l.contains("role=\"shadow\"")
                            && l.contains("side=\"new\"")
                            && !l.endsWith(" 0.0"));
        });
    }

    /** Shadow-compares every read; row 1 on each side, equal. */
    private static MigrationFixture oneRowEachSide(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), false, SHADOW_ALL);
        fx.rawOld("INSERT INTO customers (id, name) VALUES (1, 'a')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (1, 'a', 'a')");
        return fx;
    }

    private static double count(String migration, String outcome) {
        return Metrics.globalRegistry
                .find(ShadowMetrics.COMPARISONS)
                .tag("migration", migration)
                .tag("outcome", outcome)
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /**
     * A read under the application's row limit ({@code setMaxRows}: JdbcTemplate's and jOOQ's
     * {@code maxRows}) returns the first rows only; its shadow on the other side returns as many,
     * and the two match where the sides hold the same rows. Before: the other side's read returned
     * every row, a difference the sides did not have, counted as a transient mismatch.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readUnderARowLimit_comparedWithAsManyRows(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), separate, SHADOW_ALL);
        for (int id = 1; id <= 3; id++) {
            fx.rawOld("INSERT INTO customers (id, name, email) VALUES (" + id + ", 'same', 'o@x')");
            fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (" + id
                    + ", 'same', 'same', 'o@x')");
        }
        try (Connection c = fx.connect();
                PreparedStatement read = c.prepareStatement("SELECT id, name FROM customers ORDER BY id")) {
            read.setMaxRows(2);
            try (ResultSet rs = read.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertThat(n).isEqualTo(2);
            }
            ShadowMeters.drain(fx);
            assertThat(ShadowMeters.outcome(fx, "match")).isEqualTo(1);
            assertThat(ShadowMeters.outcome(fx, "mismatch") + ShadowMeters.outcome(fx, "transient"))
                    .isZero();
        }
    }

    /**
     * {@code shadow-read} on PostgreSQL, a user not granted the new table yet: its reads are not
     * copied to the new side, where they would fail and count as shadow errors, but skipped ({@code
     * reason=not_granted}); once the grant is given and the catalog read again, compared.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shadowRead_newTableNotGranted_skipped(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.postgres(), separate, "phase: shadow-read\nrouting:\n  shadowPercent: 100\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'same', 'o@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'same', 'same', 'o@x')");
        String role = fx.applicationRole("ss_shadow");
        fx.rawNew("REVOKE SELECT ON clients FROM " + role);
        try {
            try (Connection c = fx.connectAs(role, role);
                    PreparedStatement read = c.prepareStatement("SELECT name FROM customers WHERE id = 1")) {
                assertThat(MigrationFixture.firstValue(read.executeQuery())).isEqualTo("same");
                ShadowMeters.drain(fx);
                assertThat(ShadowMeters.skipped(fx, "not_granted")).isEqualTo(1);
                assertThat(ShadowMeters.outcome(fx, "error")).isZero();

                fx.rawNew("GRANT SELECT ON clients TO " + role);
                fx.runtime().catalogChanged(null);
                assertThat(MigrationFixture.firstValue(read.executeQuery())).isEqualTo("same");
                ShadowMeters.drain(fx);
                assertThat(ShadowMeters.outcome(fx, "match")).as("granted").isEqualTo(1);
            }
        } finally {
            fx.dropRole(role);
        }
    }
}
