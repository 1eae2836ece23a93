package io.schemashift.backfill;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.schemashift.api.ConnectionSource;
import io.schemashift.api.ReportValues;
import io.schemashift.api.Side;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import io.schemashift.verify.RepairAction;
import io.schemashift.verify.RowDifference;
import io.schemashift.verify.Verifier;
import io.schemashift.verify.VerifyReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackfillVerifyIT {

    /** One database holding both schemas, or two databases. */
    private record Setup(TestDatabase db, String oldUrl, String newUrl) {
        ConnectionSource oldSide() {
            return () -> db.connect(oldUrl);
        }

        ConnectionSource newSide() {
            return () -> db.connect(newUrl);
        }

        boolean separate() {
            return !oldUrl.equals(newUrl);
        }

        Backfill.Builder backfill() {
            Backfill.Builder b = Backfill.builder(Schemas.mapping(), Schemas.dialect(db.kind()), oldSide())
                    .migration("it");
            return separate() ? b.newDatabase(newSide()) : b;
        }

        Verifier.Builder verifier() {
            Verifier.Builder b = Verifier.builder(Schemas.mapping(), Schemas.dialect(db.kind()), oldSide())
                    .migration("it");
            return separate() ? b.newDatabase(newSide()) : b;
        }

        long count(boolean newSide, String sql) throws SQLException {
            try (Connection c = db.connect(newSide ? newUrl : oldUrl)) {
                return Schemas.count(c, sql);
            }
        }

        void runNew(String... sql) throws SQLException {
            try (Connection c = db.connect(newUrl)) {
                TestDatabases.run(c, sql);
            }
        }
    }

    private static Setup setup(TestDatabase.Kind kind, String name, int rows, boolean separate) throws SQLException {
        TestDatabase db = TestDatabases.of(kind);
        String oldUrl = db.create(name + "_old");
        String newUrl = separate ? db.create(name + "_new") : oldUrl;
        try (Connection c = db.connect(oldUrl)) {
            Schemas.createOld(c, kind);
            Schemas.fill(c, kind, rows);
        }
        try (Connection c = db.connect(newUrl)) {
            Schemas.createNew(c, kind);
        }
        return new Setup(db, oldUrl, newUrl);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void backfill_100kRows_verifyFindsNoDifference(TestDatabase.Kind kind) throws Exception {
        Setup s = setup(kind, "bf_full", 100_000, false);

        BackfillReport report =
                s.backfill().batchSize(5000).lineageTable("ss_lineage").build().run(List.of(), false);

        assertThat(report.tables())
                .extracting(BackfillReport.TableResult::table)
                .containsExactly("customers", "order_lines");
        assertThat(report.tables().get(0).rows()).isEqualTo(100_000);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(100_000);
        assertThat(s.count(true, "SELECT COUNT(*) FROM order_items")).isEqualTo(10_000);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE schemashift_batch IS NOT NULL"))
                .as("lineage recorded on every backfilled row")
                .isEqualTo(100_000);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE name_search = lower(full_name)"))
                .isEqualTo(100_000 - 100_000 / 97);
        assertThat(s.count(true, "SELECT COUNT(*) FROM ss_lineage WHERE table_name = 'customers'"))
                .as("one lineage row per batch")
                .isEqualTo(20);
        assertThat(s.count(true, "SELECT SUM(row_count) FROM ss_lineage WHERE table_name = 'customers'"))
                .isEqualTo(100_000);
        assertThat(s.count(
                        true,
                        "SELECT COUNT(*) FROM clients c JOIN ss_lineage l ON l.batch = c.schemashift_batch"
                                + " WHERE l.table_name = 'customers' AND l.last_key = '[\"10000\"]'"))
                .as("a row's batch is the lineage row whose key range holds it")
                .isEqualTo(5000);

        Verifier verifier = s.verifier().build();
        VerifyReport customers = verifier.verify("customers", 10_000);
        assertThat(customers.differences()).isZero();
        assertThat(customers.oldRows()).isEqualTo(100_000);
        assertThat(customers.newRows()).isEqualTo(100_000);
        assertThat(customers.chunks()).isEqualTo(11);
        assertThat(verifier.verify("order_lines", 1000).differences()).isZero();
    }

    /**
     * An identity GENERATED ALWAYS (PostgreSQL, H2) takes a written key only with OVERRIDING SYSTEM
     * VALUE: the backfill and a repair in either direction write the keys the other side holds.
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "H2"})
    void identitiesGeneratedAlways_takeTheOtherSidesKeys(TestDatabase.Kind kind) throws Exception {
        Setup s = setup(kind, "bf_always", 100, false);
        s.runNew(
                "DROP TABLE clients",
                Schemas.createNewSql(kind)
                        .replace("id BIGINT PRIMARY KEY", "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"));
        try (Connection c = s.db().connect(s.oldUrl())) {
            TestDatabases.run(
                    c,
                    kind == TestDatabase.Kind.POSTGRESQL
                            ? "ALTER TABLE customers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY"
                            : "ALTER TABLE customers ALTER COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY");
        }

        assertThat(s.backfill()
                        .batchSize(30)
                        .build()
                        .run(List.of("customers"), false)
                        .tables()
                        .get(0)
                        .rows())
                .isEqualTo(100);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE id BETWEEN 1 AND 100"))
                .isEqualTo(100);
        Verifier verifier = s.verifier().build();
        assertThat(verifier.verify("customers", 50).differences()).isZero();

        s.runNew("DELETE FROM clients WHERE id = 7");
        assertThat(verifier.repair(verifier.verify("customers", 50), Side.OLD, EnumSet.allOf(RepairAction.class))
                        .differences())
                .isZero();
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE id = 7 AND email = 'user7@example.com'"))
                .isEqualTo(1);
        try (Connection c = s.db().connect(s.oldUrl())) {
            TestDatabases.run(c, "DELETE FROM customers WHERE id = 8");
        }
        assertThat(verifier.repair(verifier.verify("customers", 50), Side.NEW, EnumSet.allOf(RepairAction.class))
                        .differences())
                .isZero();
        assertThat(s.count(false, "SELECT COUNT(*) FROM customers WHERE id = 8"))
                .isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void backfill_interrupted_resumesFromCheckpoint(TestDatabase.Kind kind) throws Exception {
        Setup s = setup(kind, "bf_resume", 20_000, false);
        ProgressListener killer = new ProgressListener() {
            @Override
            public void advanced(String table, long rowsDone, long batchRows) {
                if (rowsDone >= 5000) {
                    Thread.currentThread().interrupt(); // as if the operator hit ctrl-c
                }
            }
        };

        assertThatThrownBy(() ->
                        s.backfill().batchSize(1000).progress(killer).build().run(List.of("customers"), false))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("interrupted")
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("57014");
        assertThat(Thread.interrupted())
                .as("interrupt status kept (and cleared here)")
                .isTrue();
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(5000);

        AtomicInteger batches = new AtomicInteger();
        ProgressListener counter = new ProgressListener() {
            @Override
            public void advanced(String table, long rowsDone, long batchRows) {
                batches.incrementAndGet();
            }
        };
        BackfillReport resumed =
                s.backfill().batchSize(1000).progress(counter).build().run(List.of("customers"), true);

        assertThat(resumed.tables().get(0).resumedFrom()).isEqualTo(5000);
        assertThat(resumed.tables().get(0).rows()).as("rows re-read").isEqualTo(15_000);
        assertThat(batches).hasValue(15);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(20_000);
        assertThat(s.count(true, "SELECT COUNT(DISTINCT id) FROM clients")).isEqualTo(20_000);
        assertThat(s.count(
                        true, "SELECT rows_copied FROM schemashift_backfill_checkpoint WHERE table_name = 'customers'"))
                .isEqualTo(20_000);

        BackfillReport again = s.backfill().batchSize(4000).build().run(List.of("customers"), false);
        assertThat(again.tables().get(0).rows())
                .as("a full rerun walks every row")
                .isEqualTo(20_000);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(20_000);
        assertThat(s.verifier().build().verify("customers", 5000).differences()).isZero();
    }

    /**
     * On PostgreSQL two batches run at once, committing in order: a batch that fails for good
     * (here a trigger refuses one row of the fifth) stops the batch after it before it commits, so
     * the checkpoint holds exactly the batches before the failed one, and a resume copies the rest.
     * The same table copied with a pace holds the same rows.
     */
    @org.junit.jupiter.api.Test
    void twoBatchesAtOnce_failedBatchStopsTheNext_checkpointKeepsTheCommittedOnes() throws Exception {
        Setup s = setup(TestDatabase.Kind.POSTGRESQL, "bf_lanes", 20_000, false);
        s.runNew(
                "CREATE FUNCTION refuse_4500() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.id = 4500 THEN RAISE EXCEPTION 'row 4500 refused'; END IF; RETURN NEW; END $$",
                "CREATE TRIGGER refuse BEFORE INSERT ON clients FOR EACH ROW EXECUTE FUNCTION refuse_4500()");
        List<Long> advanced = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProgressListener recorder = new ProgressListener() {
            @Override
            public void advanced(String table, long rowsDone, long batchRows) {
                advanced.add(rowsDone);
            }
        };

        assertThatThrownBy(() ->
                        s.backfill().batchSize(1000).progress(recorder).build().run(List.of("customers"), false))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("failed in batch 5 (after 4000 rows")
                .hasMessageContaining("row 4500 refused");
        assertThat(advanced).as("batches reported in order").containsExactly(1000L, 2000L, 3000L, 4000L);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(4000);
        assertThat(s.count(true, "SELECT MAX(id) FROM clients")).isEqualTo(4000);
        assertThat(s.count(
                        true, "SELECT rows_copied FROM schemashift_backfill_checkpoint WHERE table_name = 'customers'"))
                .isEqualTo(4000);

        s.runNew("DROP TRIGGER refuse ON clients");
        BackfillReport resumed = s.backfill().batchSize(1000).build().run(List.of("customers"), true);
        assertThat(resumed.tables().get(0).rows()).isEqualTo(16_000);
        assertThat(s.count(true, "SELECT COUNT(DISTINCT id) FROM clients")).isEqualTo(20_000);
        assertThat(s.verifier().build().verify("customers", 5000).differences()).isZero();

        s.runNew("TRUNCATE clients", "DELETE FROM schemashift_backfill_checkpoint");
        s.backfill().batchSize(1000).rowsPerSecond(10_000_000).build().run(List.of("customers"), false);
        assertThat(s.verifier().build().verify("customers", 5000).differences()).isZero();
    }

    /**
     * The new side already holds rows of some batches' key ranges (mirrored writes, newer than the
     * old side's values) and none of the others': the backfill keeps every one of them as it is and
     * copies all the rest, in one database and across two.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void backfill_newSideHoldsRowsOfSomeRanges_keepsThemAndCopiesTheRest(TestDatabase.Kind kind) throws Exception {
        for (boolean separate : new boolean[] {false, true}) {
            Setup s = setup(kind, "bf_some" + (separate ? "_sep" : ""), 5000, separate);
            // batches of 1,000: keys 1–1,000 and 2,001–3,000 hold mirrored rows, the other ranges none
            s.runNew(
                    "INSERT INTO clients (id, full_name, email, balance) VALUES (1, 'Mirrored', 'm1', 1)",
                    "INSERT INTO clients (id, full_name, email, balance) VALUES (1000, 'Mirrored', 'm1000', 1)",
                    "INSERT INTO clients (id, full_name, email, balance) VALUES (2500, 'Mirrored', 'm2500', 1)");

            BackfillReport report = s.backfill().batchSize(1000).build().run(List.of("customers"), false);

            assertThat(report.tables().get(0).rows())
                    .as(separate ? "separate" : "one database")
                    .isEqualTo(5000);
            assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(5000);
            assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE full_name = 'Mirrored'"))
                    .as("the mirrored rows are kept, not overwritten")
                    .isEqualTo(3);
            assertThat(s.verifier().build().verify("customers", 1000).differences())
                    .as("exactly the three mirrored rows differ from the old side")
                    .isEqualTo(3);
        }
    }

    /**
     * An application transaction changes an old row and puts the row on the new side (as the
     * mirror of an upsert does) while a batch waits for that row's lock: the batch must keep the
     * application's row, not fail on the duplicate key and not overwrite it.
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void backfill_rowReachesNewSideWhileBatchWaits_keepsTheApplicationsRow(TestDatabase.Kind kind) throws Exception {
        Setup s = setup(kind, "bf_upsert", 2000, false);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection app = s.db().connect(s.oldUrl())) {
            app.setAutoCommit(false);
            TestDatabases.run(
                    app,
                    "UPDATE customers SET name = 'Upserted', balance = 7 WHERE id = 5",
                    "INSERT INTO clients (id, full_name, email, balance, created_at, name_search)"
                            + " SELECT id, name, email, balance, created_at, lower(name) FROM customers WHERE id = 5");
            Future<BackfillReport> running =
                    pool.submit(() -> s.backfill().batchSize(1000).build().run(List.of("customers"), false));
            awaitLockWait(s, kind, running);
            assertThat(running).isNotDone();
            app.commit();
            assertThat(running.get(60, TimeUnit.SECONDS).rows()).isEqualTo(2000);
        } finally {
            pool.shutdownNow();
        }
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(2000);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients WHERE id = 5 AND full_name = 'Upserted'"))
                .isEqualTo(1);
        assertThat(s.verifier().build().verify("customers", 500).differences()).isZero();
    }

    /** Waits until the backfill's batch statement waits for a row lock. */
    private static void awaitLockWait(Setup s, TestDatabase.Kind kind, Future<?> running) throws Exception {
        String sql = kind == TestDatabase.Kind.POSTGRESQL
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND datname = current_database()"
                // INNODB_TRX does not always list a waiting INSERT … SELECT (MariaDB 10.11): a batch
                // statement of 1,000 rows running for a second is one waiting for the lock
                : "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE()"
                        + " AND INFO LIKE 'INSERT INTO clients%' AND TIME >= 1";
        await("the backfill waiting for the row lock")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> s.count(false, sql) > 0);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void verify_17CorruptedRows_findsExactlyThoseAndRepairFixesThem(TestDatabase.Kind kind) throws Exception {
        corruptVerifyRepair(setup(kind, "bf_corrupt", 10_000, false));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void separateDatabases_backfillVerifyRepair(TestDatabase.Kind kind) throws Exception {
        Setup s = setup(kind, "bf_sep", 10_000, true);
        corruptVerifyRepair(s);
        assertThat(s.verifier().build().verify("order_lines", 300).differences())
                .isZero();
    }

    /**
     * A column a table generates itself is never written: the derived {@code name_search} and a
     * {@code shout} the new table computes are left to it by the backfill and a repair into it, an
     * {@code initial} the old table computes by a repair back into the old table. Verify compares
     * what is copied.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void generatedColumns_leftToTheTableThatComputesThem(TestDatabase.Kind kind) throws Exception {
        for (boolean separate : new boolean[] {false, true}) {
            Setup s = setup(kind, "bf_gen" + (separate ? "_sep" : ""), 1000, separate);
            try (Connection c = s.db().connect(s.oldUrl())) {
                TestDatabases.run(
                        c,
                        "ALTER TABLE customers ADD COLUMN shout VARCHAR(200)",
                        "ALTER TABLE customers ADD COLUMN initial VARCHAR(10) "
                                + TestDatabases.generatedAs(kind, "substr(name, 1, 1)"),
                        "UPDATE customers SET shout = upper(email)");
            }
            s.runNew(
                    "ALTER TABLE clients DROP COLUMN name_search",
                    "ALTER TABLE clients ADD COLUMN name_search VARCHAR(100) "
                            + TestDatabases.generatedAs(kind, "lower(full_name)"),
                    "ALTER TABLE clients ADD COLUMN shout VARCHAR(200) "
                            + TestDatabases.generatedAs(kind, "upper(email)"),
                    "ALTER TABLE clients ADD COLUMN initial VARCHAR(10)");

            s.backfill().batchSize(300).build().run(List.of(), false);

            assertThat(s.count(
                            true,
                            "SELECT COUNT(*) FROM clients WHERE name_search = lower(full_name) AND shout = upper(email)"
                                    + " AND initial = substr(full_name, 1, 1)"))
                    .isEqualTo(1000 - 1000 / 97);
            Verifier verifier = s.verifier().build();
            assertThat(verifier.verify("customers", 500).differences()).isZero();

            s.runNew("UPDATE clients SET email = 'z@x', full_name = 'Zed', initial = 'Z' WHERE id = 5");
            VerifyReport found = verifier.verify("customers", 500);
            assertThat(found.keys()).containsExactly("[\"5\"]");
            assertThat(verifier.repair(found, Side.NEW, EnumSet.allOf(RepairAction.class))
                            .differences())
                    .as("new to old: initial is the old table's to compute")
                    .isZero();
            assertThat(s.count(
                            false, "SELECT COUNT(*) FROM customers WHERE id = 5 AND initial = 'Z' AND shout = 'Z@X'"))
                    .isEqualTo(1);

            s.runNew("UPDATE clients SET email = 'y@x' WHERE id = 6");
            assertThat(verifier.repair(verifier.verify("customers", 500), Side.OLD, EnumSet.allOf(RepairAction.class))
                            .differences())
                    .as("old to new: name_search and shout are the new table's to compute")
                    .isZero();
            assertThat(s.count(
                            true,
                            "SELECT COUNT(*) FROM clients WHERE id = 6 AND shout = upper(email)"
                                    + " AND email = 'user6@example.com'"))
                    .isEqualTo(1);
        }
    }

    private static void corruptVerifyRepair(Setup s) throws Exception {
        s.backfill().batchSize(1000).build().run(List.of(), false);
        Random random = new Random(17);
        Set<String> expected = new HashSet<>();
        List<Long> ids = new ArrayList<>();
        while (ids.size() < 12) {
            long id = 1 + random.nextInt(10_000);
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        for (int i = 0; i < 12; i++) {
            long id = ids.get(i);
            s.runNew(
                    i < 3
                            ? "UPDATE clients SET full_name = 'changed' WHERE id = " + id
                            : i < 4
                                    ? "UPDATE clients SET balance = balance + 0.0001 WHERE id = " + id
                                    : i < 6
                                            ? "UPDATE clients SET name_search = 'x' WHERE id = " + id
                                            : "DELETE FROM clients WHERE id = " + id);
            expected.add("[\"" + id + "\"]");
        }
        for (int i = 1; i <= 5; i++) {
            long id = 20_000L + i * 1000L;
            s.runNew("INSERT INTO clients (id, full_name, email) VALUES (" + id + ", 'extra', 'e@x')");
            expected.add("[\"" + id + "\"]");
        }

        Verifier verifier = s.verifier().values(ReportValues.PLAIN).build();
        VerifyReport found = verifier.verify("customers", 1000);

        assertThat(found.differences()).isEqualTo(17);
        assertThat(new HashSet<>(found.keys())).isEqualTo(expected);
        assertThat(found.rows())
                .filteredOn(d -> d.kind() == RowDifference.Kind.MISSING)
                .hasSize(6);
        assertThat(found.rows())
                .filteredOn(d -> d.kind() == RowDifference.Kind.EXTRA)
                .hasSize(5);
        assertThat(found.rows())
                .filteredOn(d -> d.kind() == RowDifference.Kind.DIFFERENT)
                .hasSize(6)
                .anySatisfy(d -> assertThat(d.columns())
                        .singleElement(as(InstanceOfAssertFactories.STRING))
                        .isEqualToIgnoringCase("balance"));

        VerifyReport coarse = verifier.verify("customers", 20_000);
        assertThat(coarse.chunks())
                .as("one chunk, cut into sub-chunks of 2,000")
                .isEqualTo(1);
        assertThat(new HashSet<>(coarse.keys())).isEqualTo(expected);

        VerifyReport redacted = s.verifier().build().verifyKeys("customers", found.keys());
        assertThat(redacted.differences()).isEqualTo(17);
        assertThat(redacted.rows()).allSatisfy(d -> {
            assertThat(d.oldValue() == null ? "" : d.oldValue()).doesNotContain("Name");
            assertThat(d.newValue() == null ? "" : d.newValue()).doesNotContain("changed");
        });

        VerifyReport repaired = verifier.repair(found, Side.OLD, EnumSet.allOf(RepairAction.class));
        assertThat(repaired.differences()).isZero();
        assertThat(verifier.verify("customers", 1000).differences()).isZero();
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(10_000);
    }
}
