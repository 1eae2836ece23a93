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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Intent records with a separate new database: written in the primary's transaction, cleared
 * once the other side commits, and turned into divergence records when a process dies between
 * the two commits (issue #13).
 */
class IntentIT {

    private static final String STALE = "writes:\n  intentStaleAfter: 1s\n";

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void committedOnBothSides_leavesNoIntent(TestDatabase.Kind kind) throws Exception {
        for (String phase : new String[] {"dual-write", "new-primary"}) {
            MigrationFixture fx =
                    MigrationFixture.create(TestDatabases.of(kind), true, "phase: " + phase + "\n" + STALE);
            try (Connection c = fx.connect();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)")) {
                for (int id = 1; id <= 5; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, "auto" + id);
                    ps.executeUpdate();
                }
                c.setAutoCommit(false);
                for (int id = 6; id <= 8; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, "txn" + id);
                    ps.executeUpdate();
                }
                c.commit();
            }
            fx.assertSidesEqual();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(fx.intents(false) + fx.intents(true))
                    .as("intents left in " + phase)
                    .isZero());
            assertThat(fx.divergenceRecords()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void processKilledBetweenTheCommits_isFoundAndRecorded(TestDatabase.Kind kind) throws Exception {
        for (String phase : new String[] {"dual-write", "new-primary"}) {
            MigrationFixture fx =
                    MigrationFixture.create(TestDatabases.of(kind), true, "phase: " + phase + "\n" + STALE);
            int exit = CrashingWriter.crash(
                    "jdbc:schemashift:" + fx.oldUrl.substring("jdbc:".length()),
                    fx.server.user(),
                    fx.server.password(),
                    fx.configPath(),
                    42);
            assertThat(exit).as("the writer was killed between the commits").isEqualTo(137);
            boolean newPrimary = phase.equals("new-primary");
            assertThat(fx.differingIds())
                    .as("one side committed, the other did not")
                    .containsExactly(42);
            assertThat(fx.intents(newPrimary)).as("intent left on the primary").isEqualTo(1);

            // Any instance that starts finds the stale intent and records its row.
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                st.executeQuery("SELECT 1").close();
            }
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(fx.intents(newPrimary)).isZero());
            assertThat(fx.divergedKeys()).as(phase).containsExactly(42);
            assertThat(fx.divergenceReasons()).containsExactly("unconfirmed_commit");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void missingIntentTable_neverFailsTheApplication(TestDatabase.Kind kind) throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.of(kind), true, "phase: dual-write\n");
        fx.rawOld("DROP TABLE " + MigrationFixture.INTENT_TABLE);
        try (Connection c = fx.connect();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'a')");
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (2, 'b')");
            c.commit();
        }
        fx.assertSidesEqual();
        assertThat(fx.count("schemashift.intent.failures")).isEqualTo(1);
    }
}
