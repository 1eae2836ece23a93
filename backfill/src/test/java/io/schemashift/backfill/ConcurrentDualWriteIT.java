package io.schemashift.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import io.schemashift.verify.Verifier;
import io.schemashift.verify.VerifyReport;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A backfill while 8 application threads update, delete and (re)insert rows, each change written
 * to the old table and mirrored to the new one in the same transaction, as the driver's dual
 * writes do in one database. Afterwards the sides must be equal: no stale version copied over a
 * newer one, no deleted row resurrected, no mirrored insert colliding with a backfilled row.
 */
class ConcurrentDualWriteIT {

    private static final int ROWS = 20_000;
    private static final int WRITERS = 8;
    private static final Timestamp CREATED = Timestamp.valueOf("2024-06-01 12:00:00");

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void backfill_with8DualWriters_sidesEqual(TestDatabase.Kind kind) throws Exception {
        TestDatabase db = TestDatabases.of(kind);
        String url = db.create("bf_dual");
        try (Connection c = db.connect(url)) {
            Schemas.createOld(c, kind);
            Schemas.createNew(c, kind);
            Schemas.fill(c, kind, ROWS);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong commits = new AtomicLong();
        AtomicLong retried = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            Thread t = new Thread(() -> write(db, url, stop, commits, retried, failures), "writer-" + i);
            t.start();
            writers.add(t);
        }

        BackfillReport report;
        try {
            Thread.sleep(200); // writers already busy when the backfill starts
            report = Backfill.builder(Schemas.mapping(), Schemas.dialect(kind), () -> db.connect(url))
                    .batchSize(500)
                    .build()
                    .run(List.of("customers"), false);
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
        }

        assertThat(failures).isEmpty();
        assertThat(commits.get()).as("dual-write transactions committed").isGreaterThan(200);
        assertThat(report.tables().get(0).batches()).isGreaterThanOrEqualTo(ROWS / 500 - 1);
        VerifyReport verify = Verifier.builder(Schemas.mapping(), Schemas.dialect(kind), () -> db.connect(url))
                .build()
                .verify("customers", 2000);
        assertThat(verify.rows()).isEmpty();
        assertThat(verify.differences()).isZero();
        try (Connection c = db.connect(url)) {
            assertThat(Schemas.count(c, "SELECT COUNT(*) FROM clients"))
                    .isEqualTo(Schemas.count(c, "SELECT COUNT(*) FROM customers"));
        }
    }

    /** One application thread: random single-row changes, each dual-written in one transaction. */
    private static void write(
            TestDatabase db,
            String url,
            AtomicBoolean stop,
            AtomicLong commits,
            AtomicLong retried,
            ConcurrentLinkedQueue<Throwable> failures) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection c = db.connect(url)) {
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
        try (PreparedStatement old = c.prepareStatement("UPDATE customers SET name = ?, balance = ? WHERE id = ?");
                PreparedStatement mirror = c.prepareStatement(
                        "UPDATE clients SET full_name = ?, name_search = lower(?), balance = ? WHERE id = ?")) {
            old.setString(1, name);
            old.setBigDecimal(2, balance);
            old.setLong(3, id);
            old.executeUpdate();
            mirror.setString(1, name);
            mirror.setString(2, name);
            mirror.setBigDecimal(3, balance);
            mirror.setLong(4, id);
            mirror.executeUpdate();
        }
    }

    private static void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement old = c.prepareStatement("DELETE FROM customers WHERE id = ?");
                PreparedStatement mirror = c.prepareStatement("DELETE FROM clients WHERE id = ?")) {
            old.setLong(1, id);
            old.executeUpdate();
            mirror.setLong(1, id);
            mirror.executeUpdate();
        }
    }

    /**
     * Inserts the row unless the old side has it. The mirrored insert is a plain INSERT: if the
     * backfill had put (or resurrected) this key on the new side, it fails and so does the test.
     */
    private static boolean insert(Connection c, long id) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM customers WHERE id = ?")) {
            exists.setLong(1, id);
            if (exists.executeQuery().next()) {
                return false;
            }
        }
        String name = "Ins " + id;
        try (PreparedStatement old =
                        c.prepareStatement("INSERT INTO customers (id, name, email, balance, legacy_flag, created_at)"
                                + " VALUES (?, ?, ?, ?, 1, ?)");
                PreparedStatement mirror = c.prepareStatement(
                        "INSERT INTO clients (id, full_name, email, balance, created_at, name_search)"
                                + " VALUES (?, ?, ?, ?, ?, lower(?))")) {
            old.setLong(1, id);
            old.setString(2, name);
            old.setString(3, id + "@new.example");
            old.setBigDecimal(4, BigDecimal.ONE);
            old.setTimestamp(5, CREATED);
            try {
                old.executeUpdate();
            } catch (SQLException e) {
                if (isUniqueViolation(e)) {
                    return false; // another writer inserted the same fresh key first
                }
                throw e;
            }
            mirror.setLong(1, id);
            mirror.setString(2, name);
            mirror.setString(3, id + "@new.example");
            mirror.setBigDecimal(4, BigDecimal.ONE);
            mirror.setTimestamp(5, CREATED);
            mirror.setString(6, name);
            mirror.executeUpdate();
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
