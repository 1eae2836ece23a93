package io.schemashift.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.schemashift.testing.CrashingWriter;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A one-sided change stays named in the divergence log when its process is killed the moment the change committed,
 * before the background writer could write its record: the intent record, written in the primary's transaction
 * (before the statement, for one that commits on its own), is found stale and becomes divergence records.
 */
class RecordDurabilityIT {

    private static final String STALE = "writes:\n  intentStaleAfter: 1s\n";
    /** Refused (it reads the dropped column): runs on the old side alone, recorded before it runs. */
    private static final String REFUSED = "UPDATE customers SET name = 'killed' WHERE legacy_flag = 1";
    /** Mirrored and recorded after it ran: it copies row 2, which the sides hold differently. */
    private static final String COPY = "INSERT INTO customers (id, name) SELECT 102, name FROM customers WHERE id = 2";

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void oneSidedChange_killedRightAfterItsCommit_isInTheDivergenceLog(TestDatabase.Kind kind) throws Exception {
        for (String phase : List.of("dual-write", "new-primary")) {
            // a refused write runs on the old side alone only while the old side holds the truth
            List<String> writes = phase.equals("dual-write") ? List.of(REFUSED, COPY) : List.of(COPY);
            for (boolean separate : new boolean[] {false, true}) {
                for (boolean transaction : new boolean[] {false, true}) {
                    for (String sql : writes) {
                        killedRightAfter(kind, phase, separate, transaction, sql);
                    }
                }
            }
        }
    }

    private static void killedRightAfter(
            TestDatabase.Kind kind, String phase, boolean separate, boolean transaction, String sql) throws Exception {
        String run = phase + ", " + (separate ? "separate" : "same") + " database, "
                + (transaction ? "in a transaction" : "auto-commit") + ": " + sql;
        MigrationFixture fx =
                MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n" + STALE);
        fx.rawOld("INSERT INTO customers (id, name, legacy_flag) VALUES (1, 'a', 1), (2, 'x', NULL)");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (1, 'a', 'a'), (2, 'y', 'y')");
        int exit = CrashingWriter.haltAfter(
                "jdbc:schemashift:" + fx.oldUrl.substring("jdbc:".length()),
                fx.server.user(),
                fx.server.password(),
                fx.configPath(),
                transaction,
                sql);
        assertThat(exit).as("killed after its commit: " + run).isEqualTo(137);
        assertThat(fx.differingIds()).as(run).contains(sql.equals(REFUSED) ? 1 : 102);

        // Any instance that starts finds a stale intent and records its rows.
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeQuery("SELECT 1").close();
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fx.intents(false) + (separate ? fx.intents(true) : 0))
                        .as(run)
                        .isZero());
        // the refused update names no key; the copy names the one row it selects, 102
        String rows = sql.equals(REFUSED) ? "null" : "[\"102\"]";
        String reason = sql.equals(REFUSED) ? "refused_dropped_column_read" : "mirror_read_other_rows";
        assertThat(fx.divergenceRecords())
                .as("the rows are named, by the statement or by its intent: " + run)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r).isIn(rows + "|" + reason, rows + "|unconfirmed_commit"));
    }

    /**
     * DDL that changes a mapped table, sent inside a transaction on MariaDB, commits the transaction
     * and itself at once: its record cannot wait for the application's commit. With the divergence
     * table out of reach (the record stays in memory) and the process killed before that commit,
     * the intent written before the DDL ran (and committed by it) still names the table. Before: the
     * intent was to be written at the application's commit, which never came, and the record died
     * with the process.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void schemaChangeInATransaction_killedBeforeItsCommit_isInTheDivergenceLog(boolean separate) throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.of(TestDatabase.Kind.MARIADB), separate, "phase: dual-write\n" + STALE);
        fx.rawOld(
                "INSERT INTO customers (id, name, email) VALUES (1, 'a', 'a@x')",
                "ALTER TABLE schemashift_divergence RENAME TO divergence_away");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'a', 'a', 'a@x')");
        int exit = CrashingWriter.haltBeforeCommit(
                "jdbc:schemashift:" + fx.oldUrl.substring("jdbc:".length()),
                fx.server.user(),
                fx.server.password(),
                fx.configPath(),
                "ALTER TABLE customers DROP COLUMN email");
        assertThat(exit).isEqualTo(137);
        fx.rawOld(
                "ALTER TABLE divergence_away RENAME TO schemashift_divergence",
                "ALTER TABLE customers ADD COLUMN email VARCHAR(100)");
        assertThat(fx.differingIds()).as("the email the old side lost").containsExactly(1);

        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            st.executeQuery("SELECT 1").close(); // an instance starts and finds the stale intent
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(fx.divergenceRecords()).containsExactly("null|unconfirmed_commit"));
    }

    /**
     * A record lost at once (the queue full while the divergence table cannot be written) is not cleared with the
     * records written after it: its intent stays, and becomes divergence records once stale.
     */
    @Test
    void recordLostToAFullQueue_keepsItsIntent() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: dual-write\n");
        fx.rawOld(
                "INSERT INTO customers (id, name, legacy_flag) VALUES (1, 'a', 1)",
                "ALTER TABLE schemashift_divergence RENAME TO divergence_away");
        try (Connection c = fx.connect();
                PreparedStatement refused = c.prepareStatement("UPDATE customers SET name = ? WHERE legacy_flag = 1")) {
            for (int i = 0; i < 10_550; i++) { // the queue holds 10,000, the writer's batch 500 more
                refused.setString(1, "n" + i);
                refused.executeUpdate();
            }
        }
        int lost = (int) fx.count("schemashift.divergences.lost");
        assertThat(lost).as("records lost to the full queue").isPositive();
        fx.rawOld("ALTER TABLE divergence_away RENAME TO schemashift_divergence");
        assertThat(fx.divergenceRecords())
                .as("the queued ones written, those of one batch as one row (each records the whole table alike)")
                .containsOnly("null|refused_dropped_column_read")
                .hasSizeBetween(1, (10_550 - lost) / 100);
        // the cleaner deletes every intent whose records are written, every 200 ms: those of the lost ones stay
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        fx.intents(false))
                .as("the intents of the lost records stay")
                .isEqualTo(lost));
    }

    /**
     * A record the database rejects with its key (here a check on the key text; in the field, a character the
     * column's character set cannot hold) is written for the whole table rather than lost; the records written
     * with it in one batch are written once.
     */
    @Test
    void recordRejectedForItsKey_isWrittenForTheWholeTable() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: dual-write\n");
        fx.rawOld(
                "INSERT INTO customers (id, name) VALUES (6, 'a'), (7, 'a'), (8, 'b')",
                "ALTER TABLE schemashift_divergence ADD CONSTRAINT no_seven CHECK (key_text NOT LIKE '%7%')");
        fx.rawNew(
                "INSERT INTO clients (id, full_name, name_search) VALUES (6, 'a', 'a'), (7, 'a', 'a'), (8, 'b', 'b')",
                "ALTER TABLE clients ADD CONSTRAINT no_bad CHECK (full_name <> 'bad')");
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            // the writer takes row 6's record, finds no table and waits to retry it: rows 7 and 8 queue meanwhile
            fx.rawOld("ALTER TABLE schemashift_divergence RENAME TO divergence_away");
            assertThat(st.executeUpdate("UPDATE customers SET name = 'bad' WHERE id = 6"))
                    .isEqualTo(1);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> fx.count("schemashift.control.failures", "operation", "divergence_write") > 0);
            assertThat(st.executeUpdate("UPDATE customers SET name = 'bad' WHERE id IN (7, 8)"))
                    .isEqualTo(2);
            fx.rawOld("ALTER TABLE divergence_away RENAME TO schemashift_divergence");
        }
        assertThat(fx.divergenceRecords())
                .as("7 and 8 written in one batch, which the database rejects for 7: 8 once, 7 for the whole table")
                .containsExactlyInAnyOrder("[\"6\"]|mirror_failed", "null|mirror_failed", "[\"8\"]|mirror_failed");
        assertThat(fx.count("schemashift.divergences.lost")).isZero();
        assertThat(fx.count("schemashift.divergences.unkeyed")).isEqualTo(1);
    }
}
