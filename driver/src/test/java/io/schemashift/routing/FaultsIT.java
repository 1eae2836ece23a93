package io.schemashift.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.schemashift.mirror.CircuitBreaker;
import io.schemashift.testing.TestDatabases;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A separate new-side database on PostgreSQL that is down, killed, slow or refusing writes. In
 * every case each application statement succeeds, pays at most the mirror budget (and only until
 * the breaker opens), and every row the new side missed is named in the divergence log.
 */
class FaultsIT {

    private static final long BUDGET_MS = 200;
    private static final int BREAKER_FAILURES = 3;
    private static final long COOLDOWN_MS = 1_000;
    /** Room for a loaded 2-core machine on top of the budget. */
    private static final long MARGIN_MS = 300;

    private static final String WRITES = "phase: dual-write\nwrites:\n  budget: " + BUDGET_MS + "ms\n"
            + "  breakerFailures: " + BREAKER_FAILURES + "\n  breakerCooldown: " + COOLDOWN_MS + "ms\n";

    @Test
    void newSideDownAtStart_appConnectsAndEveryMissedRowIsLogged() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), true, WRITES);
        String config = Files.readString(fx.configPath());
        fx.writeConfig(config.replace(fx.newUrl, "jdbc:postgresql://127.0.0.1:1/nowhere"));

        Workload w = new Workload(fx);
        w.inserts(1, 30);

        w.assertWithinBudget();
        assertThat(fx.oldRows()).hasSize(30);
        assertThat(fx.divergedKeys()).as("rows the new side missed").containsAll(range(1, 30));
        assertThat(fx.divergenceReasons()).contains("breaker_open");
    }

    /**
     * The new database is down when the driver starts, so its catalog cannot be read: a trigger
     * its table has and the old one lacks is not known when it is back. Every write mirrored
     * there before its catalog is read is recorded too (then the trigger is known, and its writes
     * are recorded for it): no row on which the sides differ is missing from the divergence log.
     */
    @Test
    void newSideDownAtStart_thenBack_writesRecordedUntilItsCatalogIsRead() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), true, WRITES);
        fx.rawNew(
                "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.email := 'by trigger';"
                        + " RETURN NEW; END $$",
                "CREATE TRIGGER stamp BEFORE INSERT ON clients FOR EACH ROW EXECUTE FUNCTION stamp()");
        String db = database(fx.newUrl);
        fx.rawOld("ALTER DATABASE " + db + " RENAME TO " + db + "_away");
        Workload w = new Workload(fx);
        w.inserts(1, 5);
        fx.rawOld("ALTER DATABASE " + db + "_away RENAME TO " + db);
        await("the new database's pool connects again")
                .atMost(Duration.ofSeconds(10))
                .until(() -> {
                    try (Connection c = fx.runtime().newDatabase().borrow()) {
                        return c.isValid(1);
                    } catch (SQLException e) {
                        return false;
                    }
                });
        await("the breaker lets a probe through")
                .atMost(Duration.ofMillis(COOLDOWN_MS * 5))
                .until(() -> fx.runtime().newDatabase().breaker().state() != CircuitBreaker.State.OPEN);
        w.inserts(6, 30);

        assertThat(MigrationFixture.ids(fx.newRows()))
                .as("the new side receives writes again")
                .containsAll(range(6, 30));
        assertThat(fx.differingIds())
                .as("differing rows not in the divergence log")
                .containsAll(range(6, 30))
                .isSubsetOf(fx.divergedKeys());
        assertThat(fx.divergenceReasons()).contains("mirror_catalog_unread");
    }

    /**
     * The old side's triggers cannot be read when the driver starts (a hardened PostgreSQL that took
     * {@code pg_trigger} from PUBLIC): a trigger of the old table that the new one lacks is not
     * known. Every write mirrored before a read of the whole catalog succeeds is recorded too; the
     * control loop reads it again at every poll until then (then the trigger is known, and its
     * writes are recorded for it): no row on which the sides differ is missing from the divergence
     * log.
     */
    @Test
    void oldTriggersUnreadableAtStart_writesRecordedUntilTheCatalogIsRead() throws Exception {
        for (boolean separate : new boolean[] {false, true}) {
            MigrationFixture fx = MigrationFixture.create(
                    TestDatabases.postgres(), separate, "phase: dual-write\ncontrol: { poll: 100ms }\n");
            String role = fx.applicationRole("ss_cat");
            try {
                fx.rawOld(
                        "CREATE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                                + " NEW.email := lower(NEW.email); RETURN NEW; END $$",
                        "CREATE TRIGGER lower_email BEFORE INSERT ON customers FOR EACH ROW"
                                + " EXECUTE FUNCTION lower_email()",
                        "REVOKE SELECT ON pg_catalog.pg_trigger FROM PUBLIC");
                try (Connection c = fx.connectAs(role, role);
                        PreparedStatement insert =
                                c.prepareStatement("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)")) {
                    for (int id = 1; id <= 10; id++) {
                        if (id == 6) {
                            fx.rawOld("GRANT SELECT ON pg_catalog.pg_trigger TO PUBLIC");
                            await("the whole catalog read")
                                    .atMost(Duration.ofSeconds(10))
                                    .until(() -> fx.runtime().catalogRead());
                        }
                        insert.setInt(1, id);
                        insert.setString(2, "Name " + id);
                        insert.setString(3, "Mail" + id + "@X");
                        insert.executeUpdate();
                    }
                }
                assertThat(fx.differingIds())
                        .as(separate ? "separate new database" : "one database")
                        .containsExactlyElementsOf(range(1, 10))
                        .isSubsetOf(fx.divergedKeys());
                assertThat(fx.divergenceReasons())
                        .containsExactlyInAnyOrder("mirror_catalog_unread", "mirror_one_sided_trigger");
            } finally {
                fx.rawOld("GRANT SELECT ON pg_catalog.pg_trigger TO PUBLIC");
                fx.dropRole(role);
            }
        }
    }

    /**
     * {@code read-new} with the new database down: the reads picked for it are served by the old
     * side, which holds every row until {@code new-primary}, within the budget, instead of failing
     * the application's reads.
     */
    @Test
    void newSideDown_readNew_readsServedByTheOldSide() throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.postgres(),
                true,
                WRITES.replace("phase: dual-write", "phase: read-new\nrouting:\n  readNewPercent: 100"));
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'old', 'o@x')");
        String config = Files.readString(fx.configPath());
        fx.writeConfig(config.replace(fx.newUrl, "jdbc:postgresql://127.0.0.1:1/nowhere"));

        try (Connection c = fx.connect();
                PreparedStatement read = c.prepareStatement("SELECT name FROM customers WHERE id = ?")) {
            for (int i = 0; i < 10; i++) {
                read.setInt(1, 1);
                long start = System.nanoTime();
                try (ResultSet rs = read.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("old");
                }
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                        .as("read " + i)
                        .isLessThanOrEqualTo(BUDGET_MS + MARGIN_MS);
            }
        }
        assertThat(fx.count("schemashift.reads.fallbacks", "cause", "unavailable"))
                .as("one per transaction (each read in auto-commit)")
                .isEqualTo(10);
    }

    @Test
    void newSideKilledMidRun_appGoesOnAndNewSideRecovers() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), true, WRITES);
        Workload w = new Workload(fx);
        w.inserts(1, 20);
        fx.rawOld("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database(fx.newUrl)
                + "' AND pid <> pg_backend_pid()");
        w.inserts(21, 60);
        await("the breaker lets a probe through")
                .atMost(Duration.ofMillis(COOLDOWN_MS * 5))
                .until(() -> fx.runtime().newDatabase().breaker().state() != CircuitBreaker.State.OPEN);
        w.inserts(61, 80);

        w.assertWithinBudget();
        assertThat(fx.differingIds())
                .as("differing rows not in the divergence log")
                .isSubsetOf(fx.divergedKeys());
        assertThat(MigrationFixture.ids(fx.newRows()))
                .as("the new side receives writes again")
                .containsAll(range(61, 80));
    }

    @Test
    void newSideSlow_lockHeld_appPaysAtMostTheBudgetUntilTheBreakerOpens() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), true, WRITES);
        Workload w = new Workload(fx);
        w.inserts(1, 5);
        try (Connection holder = fx.server.connect(fx.newUrl)) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE clients IN ACCESS EXCLUSIVE MODE");
            }
            w.inserts(6, 40);
            holder.rollback();
        }

        w.assertWithinBudget();
        assertThat(fx.differingIds()).as("differing rows").isNotEmpty().isSubsetOf(fx.divergedKeys());
        assertThat(fx.divergenceReasons()).contains("mirror_timeout", "breaker_open");
    }

    @Test
    void newSideRefusesWrites_revokedGrant_appGoesOnAndRowsAreLogged() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.postgres(), true, WRITES);
        String role = "ss_writer_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
        fx.rawNew(
                "CREATE ROLE " + role + " LOGIN PASSWORD 'writer'",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON clients TO " + role);
        String config = Files.readString(fx.configPath());
        fx.writeConfig(config.replaceFirst("(?m)^  user: .*$", "  user: " + role)
                .replaceFirst("(?m)^  password: .*$", "  password: writer"));
        try {
            Workload w = new Workload(fx);
            w.inserts(1, 10);
            fx.rawNew("REVOKE INSERT, UPDATE, DELETE ON clients FROM " + role);
            w.inserts(11, 40);

            w.assertWithinBudget();
            assertThat(MigrationFixture.ids(fx.newRows())).containsAll(range(1, 10));
            assertThat(fx.differingIds()).as("differing rows").isNotEmpty().isSubsetOf(fx.divergedKeys());
            assertThat(fx.divergenceReasons()).contains("mirror_failed");
        } finally {
            fx.runtime().close();
            fx.rawNew("DROP OWNED BY " + role, "DROP ROLE " + role);
        }
    }

    /** Autocommit inserts through SchemaShift, each one timed. */
    private static final class Workload {
        private final MigrationFixture fx;
        private final List<Long> millis = new ArrayList<>();

        Workload(MigrationFixture fx) {
            this.fx = fx;
        }

        void inserts(int from, int to) throws SQLException {
            try (Connection c = fx.connect();
                    PreparedStatement insert =
                            c.prepareStatement("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)")) {
                for (int id = from; id <= to; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, "Name " + id);
                    insert.setString(3, id + "@x");
                    long start = System.nanoTime();
                    assertThat(insert.executeUpdate())
                            .as("the app's insert of row " + id)
                            .isEqualTo(1);
                    millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            }
        }

        /**
         * No statement pays more than the budget (plus scheduling margin), and only the few
         * that run while the breaker is closed or probing pay it at all.
         */
        void assertWithinBudget() {
            assertThat(millis).as("statement latencies (ms)").allMatch(ms -> ms <= BUDGET_MS + MARGIN_MS);
            long slow = millis.stream().filter(ms -> ms >= BUDGET_MS).count();
            assertThat(slow).as("statements that paid the budget").isLessThanOrEqualTo(BREAKER_FAILURES + 3);
        }
    }

    private static String database(String url) {
        String path = url.substring(url.lastIndexOf('/') + 1);
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> ids = new ArrayList<>();
        for (int id = from; id <= to; id++) {
            ids.add(id);
        }
        return ids;
    }
}
