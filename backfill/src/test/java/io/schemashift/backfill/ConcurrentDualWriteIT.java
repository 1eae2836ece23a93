package io.schemashift.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.api.ConnectionSource;
import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.jdbc.ShiftConnection;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.metrics.ShiftMetrics.MirrorOutcome;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import io.schemashift.verify.Verifier;
import io.schemashift.verify.VerifyReport;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backfill while 8 application threads update, delete and (re)insert rows through the SchemaShift
 * driver ({@code jdbc:schemashift:…}) in phase {@code dual-write}: the app writes only the old
 * table, the driver mirrors each write to the new one. Afterwards the sides must be equal: no stale
 * version copied over a newer one, no deleted row resurrected, no mirrored insert colliding with a
 * backfilled row ({@code onMirrorFailure: fail} turns such a collision into the app's error).
 */
class ConcurrentDualWriteIT {

    private static final String YAML =
            """
            migration: %s
            tables:
              customers:
                to: clients
                key: [id]
                columns: { name: full_name, legacy_flag: null }
                derived: { name_search: "lower(name)" }
            phase: dual-write
            writes: { onMirrorFailure: fail, budget: 30s }
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void countMeters() {
        Metrics.addRegistry(new SimpleMeterRegistry()); // the global registry alone counts nothing
    }

    private static final int ROWS = 20_000;
    private static final int WRITERS = 8;
    private static final Timestamp CREATED = Timestamp.valueOf("2024-06-01 12:00:00");

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void backfill_with8DualWriters_sidesEqual(TestDatabase.Kind kind) throws Exception {
        backfillWithDualWriters(kind, false, 0);
    }

    /**
     * The same with the new schema in another database: the driver mirrors each write on its own
     * new-side connection, whose transaction follows the application's.
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void separateDatabases_backfillWith8DualWriters_sidesEqual(TestDatabase.Kind kind) throws Exception {
        backfillWithDualWriters(kind, true, 0);
    }

    /**
     * Writers that pause 100 ms between their transactions leave the old table free now and then, so
     * PostgreSQL batches lock the whole table instead of its rows (and writers wait for them): the
     * sides still end equal, no mirrored insert collides.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void postgres_pausingWriters_batchesLockTheTable_sidesEqual(boolean separate) throws Exception {
        BackfillReport.TableResult copied = backfillWithDualWriters(TestDatabase.Kind.POSTGRESQL, separate, 100);

        assertThat(copied.tableLocked()).as("batches that locked the table").isPositive();
    }

    private BackfillReport.TableResult backfillWithDualWriters(
            TestDatabase.Kind kind, boolean separate, long pauseMillis) throws Exception {
        TestDatabase db = TestDatabases.of(kind);
        String name = "bf_dual" + (pauseMillis > 0 ? "_paused" : "") + (separate ? "_sep" : "");
        String url = db.create(name);
        String newUrl = separate ? db.create(name + "_new") : url;
        Path config = Files.createTempFile(dir, "schemashift", ".yaml");
        String id = "bf-dual-" + kind.name().toLowerCase(Locale.ROOT) + "-" + System.nanoTime();
        String yaml = YAML.formatted(id)
                + (separate
                        ? "new: { url: '" + newUrl + "', user: " + db.user() + ", password: '" + db.password() + "' }\n"
                        : "");
        Files.writeString(config, yaml);
        MigrationConfig migration = new ConfigReader().read(config.toString(), yaml);
        try (Connection c = db.connect(url);
                Connection n = db.connect(newUrl)) {
            Schemas.createOld(c, kind);
            Schemas.createNew(n, kind);
            Schemas.fill(c, kind, ROWS);
        }
        ConnectionSource newSide = () -> db.connect(newUrl);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong commits = new AtomicLong();
        AtomicLong retried = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            Thread t = new Thread(
                    () -> write(db, url, config, pauseMillis, stop, commits, retried, failures), "writer-" + i);
            t.start();
            writers.add(t);
        }

        BackfillReport report;
        long commitsBefore;
        long commitsDuring;
        try {
            Thread.sleep(200); // writers already busy when the backfill starts
            commitsBefore = commits.get();
            Backfill.Builder backfill = Backfill.builder(
                            migration.mapping(), Schemas.dialect(kind), () -> db.connect(url))
                    .batchSize(500)
                    .progress(interleaved(commits, failures));
            report = (separate ? backfill.newDatabase(newSide) : backfill)
                    .build()
                    .run(List.of("customers"), false);
            commitsDuring = commits.get() - commitsBefore;
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
        }

        assertThat(failures).isEmpty();
        assertThat(commitsDuring)
                .as("app transactions committed while the backfill ran")
                .isGreaterThan(200);
        // across databases an update or delete of a row not copied yet changes nothing on the new
        // side: the driver counts (and logs) that as a count mismatch, harmless during a backfill
        assertThat(mirrored(id, MirrorOutcome.OK) + mirrored(id, MirrorOutcome.COUNT_MISMATCH))
                .as("writes the driver mirrored to the new side; outcomes %s", outcomes(id))
                .isGreaterThanOrEqualTo(commits.get());
        assertThat(mirrored(id, MirrorOutcome.FAILED)
                        + mirrored(id, MirrorOutcome.REFUSED)
                        + mirrored(id, MirrorOutcome.TIMEOUT))
                .isZero();
        BackfillReport.TableResult copied = report.tables().get(0);
        assertThat(copied.rows()).as("rows walked (writers delete some)").isGreaterThan(ROWS / 2);
        // full batches of 500 but at the end: writers insert keys above the table's last key, so the tail may
        // take a short batch more for each time it found new keys above the one before
        long full = (copied.rows() + 499) / 500;
        assertThat(copied.batches()).isBetween(full, full + 2);
        Verifier.Builder verifier = Verifier.builder(migration.mapping(), Schemas.dialect(kind), () -> db.connect(url));
        VerifyReport verify =
                (separate ? verifier.newDatabase(newSide) : verifier).build().verify("customers", 2000);
        assertThat(verify.rows()).isEmpty();
        assertThat(verify.differences()).isZero();
        try (Connection c = db.connect(url);
                Connection n = db.connect(newUrl)) {
            assertThat(Schemas.count(n, "SELECT COUNT(*) FROM clients"))
                    .isEqualTo(Schemas.count(c, "SELECT COUNT(*) FROM customers"));
        }
        return copied;
    }

    /**
     * Lets the writers commit at least 10 transactions between two batches (or 2 s pass), so that
     * writes and batches interleave however fast or loaded the machine is.
     */
    private static ProgressListener interleaved(AtomicLong commits, ConcurrentLinkedQueue<Throwable> failures) {
        return new ProgressListener() {
            private long seen = commits.get();

            @Override
            public void advanced(String table, long rowsDone, long batchRows) {
                long until = System.nanoTime() + 2_000_000_000L;
                while (commits.get() < seen + 10 && failures.isEmpty() && System.nanoTime() < until) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                seen = commits.get();
            }
        };
    }

    private static Map<String, Double> outcomes(String migration) {
        Map<String, Double> all = new TreeMap<>();
        for (MirrorOutcome o : MirrorOutcome.values()) {
            all.put(ShiftMetrics.tag(o), mirrored(migration, o));
        }
        return all;
    }

    private static double mirrored(String migration, MirrorOutcome outcome) {
        Counter c = Metrics.globalRegistry
                .find("schemashift.mirror.writes")
                .tags("migration", migration, "outcome", ShiftMetrics.tag(outcome))
                .counter();
        return c == null ? 0 : c.count();
    }

    /** A connection as the application opens it: through SchemaShift, with the migration's file. */
    private static Connection connectThroughDriver(TestDatabase db, String url, Path config) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", db.user());
        info.setProperty("password", db.password());
        info.setProperty("schemashift.config", config.toString());
        Connection c = DriverManager.getConnection("jdbc:schemashift:" + url.substring("jdbc:".length()), info);
        if (!(c instanceof ShiftConnection)) {
            throw new IllegalStateException("not a SchemaShift connection: " + c);
        }
        return c;
    }

    /**
     * One application thread: random single-row changes on the old table, one transaction each,
     * {@code pauseMillis} apart.
     */
    private static void write(
            TestDatabase db,
            String url,
            Path config,
            long pauseMillis,
            AtomicBoolean stop,
            AtomicLong commits,
            AtomicLong retried,
            ConcurrentLinkedQueue<Throwable> failures) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection c = connectThroughDriver(db, url, config)) {
            c.setAutoCommit(false);
            while (!stop.get()) {
                long id = 1 + random.nextInt(ROWS + ROWS / 10);
                int op = random.nextInt(10);
                try {
                    if (op < 6) {
                        update(
                                c,
                                id,
                                "Upd " + random.nextInt(1_000_000),
                                BigDecimal.valueOf(random.nextInt(100_000), 2));
                    } else if (op < 8) {
                        delete(c, id);
                    } else if (!insert(c, id)) {
                        c.rollback();
                        continue;
                    }
                    c.commit();
                    commits.incrementAndGet();
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis); // an application that does other work between writes
                    }
                } catch (SQLException e) {
                    c.rollback();
                    if (!isTransient(e)) {
                        throw e;
                    }
                    retried.incrementAndGet();
                }
            }
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    private static void update(Connection c, long id, String name, BigDecimal balance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE customers SET name = ?, balance = ? WHERE id = ?")) {
            ps.setString(1, name);
            ps.setBigDecimal(2, balance);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    private static void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM customers WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /**
     * Inserts the row unless the old side has it. The driver mirrors it as a plain INSERT: if the
     * backfill had put (or resurrected) this key on the new side, the mirror fails, and with {@code
     * onMirrorFailure: fail} so does the app's statement and the test.
     */
    private static boolean insert(Connection c, long id) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM customers WHERE id = ?")) {
            exists.setLong(1, id);
            if (exists.executeQuery().next()) {
                return false;
            }
        }
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO customers (id, name, email, balance, legacy_flag, created_at)"
                        + " VALUES (?, ?, ?, ?, 1, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, "Ins " + id);
            ps.setString(3, id + "@new.example");
            ps.setBigDecimal(4, BigDecimal.ONE);
            ps.setTimestamp(5, CREATED);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false; // another writer inserted the same fresh key first
            }
            throw e;
        }
        return true;
    }

    /** Deadlocks, serialization failures, lock wait timeouts: the app would retry. */
    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return (state != null && state.startsWith("40")) || e.getErrorCode() == 1205;
    }

    private static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
    }
}
