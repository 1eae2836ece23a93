package io.schemashift.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.config.Phase;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every phase, every statement kind, on every database, with the new schema in the same database
 * and in a separate one: after the workload the two sides hold the same rows through the mapping
 * (or, in old-only and new-only, only one side has them), nothing diverged, and the application
 * saw the primary's update counts and keys.
 */
class DualWriteIT {

    @TestFactory
    Stream<DynamicNode> everyPhase_everyStatementKind() {
        List<DynamicNode> tests = new ArrayList<>();
        for (TestDatabase.Kind kind : TestDatabase.Kind.values()) {
            for (boolean separate : new boolean[] {false, true}) {
                for (Phase phase : Phase.values()) {
                    tests.add(DynamicTest.dynamicTest(
                            kind + (separate ? " separate " : " same ") + phase,
                            () -> workload(kind, separate, phase)));
                }
            }
        }
        return tests.stream();
    }

    private static void workload(TestDatabase.Kind kind, boolean separate, Phase phase) throws Exception {
        MigrationFixture fx =
                // A generous budget: on a loaded machine a mirror may take longer than the 250 ms
                // default, and this test is about equal rows, not latency (see FaultsIT).
                MigrationFixture.create(
                        TestDatabases.of(kind),
                        separate,
                        "phase: " + phase.configName() + "\nwrites:\n  budget: 10s\n");
        try (fx) {
            workload(fx, kind, phase);
        }
    }

    private static void workload(MigrationFixture fx, TestDatabase.Kind kind, Phase phase) throws Exception {
        try (Connection c = fx.connect()) {
            PreparedStatement insert =
                    c.prepareStatement("INSERT INTO customers (id, name, legacy_flag, email) VALUES (?, ?, ?, ?)");
            for (int id = 1; id <= 2; id++) {
                insert.setInt(1, id);
                insert.setString(2, "Name " + id);
                insert.setInt(3, id % 2);
                insert.setString(4, "n" + id + "@example.com");
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            Statement st = c.createStatement();
            assertThat(
                            st.executeUpdate(
                                    "INSERT INTO customers (id, name, email) VALUES (3, 'Multi A', 'a@x'), (4, 'Multi B', 'b@x'), (5, 'Multi C', 'c@x')"))
                    .isEqualTo(3);

            PreparedStatement batch = c.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)");
            for (int id = 6; id <= 8; id++) {
                batch.setInt(1, id);
                batch.setString(2, "Batch " + id);
                batch.addBatch();
            }
            assertThat(batch.executeBatch())
                    .hasSize(3)
                    .containsAnyOf(1, Statement.SUCCESS_NO_INFO)
                    .doesNotContain(0, Statement.EXECUTE_FAILED);

            PreparedStatement generated = c.prepareStatement(
                    "INSERT INTO customers (name, email) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS);
            generated.setString(1, "Generated");
            generated.setString(2, "g@x");
            assertThat(generated.executeUpdate()).isEqualTo(1);
            ResultSet keys = generated.getGeneratedKeys();
            assertThat(keys.next()).isTrue();
            int generatedId = keys.getInt(1);
            assertThat(generatedId).isPositive();

            PreparedStatement update = c.prepareStatement("UPDATE customers SET name = ?, email = ? WHERE id = ?");
            update.setString(1, "Renamed");
            update.setString(2, "r@x");
            update.setInt(3, 2);
            assertThat(update.executeUpdate()).isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE customers SET email = 'multi@x' WHERE name LIKE 'Multi%'"))
                    .isEqualTo(3);

            if (kind != TestDatabase.Kind.MARIADB) { // MariaDB has no row of columns in SET
                PreparedStatement rowSet =
                        c.prepareStatement("UPDATE customers SET (name, email) = (?, lower(?)) WHERE id = ?");
                rowSet.setString(1, "Row set");
                rowSet.setString(2, "ROW@X");
                rowSet.setInt(3, 6);
                assertThat(rowSet.executeUpdate()).isEqualTo(1);
            }

            PreparedStatement delete = c.prepareStatement("DELETE FROM customers WHERE id = ?");
            delete.setInt(1, 1);
            assertThat(delete.executeUpdate()).isEqualTo(1);

            if (kind == TestDatabase.Kind.POSTGRESQL) {
                assertThat(
                                st.executeUpdate(
                                        "INSERT INTO customers (id, name) VALUES (3, 'Upserted') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name"))
                        .isEqualTo(1);
                ResultSet returning =
                        st.executeQuery("INSERT INTO customers (id, name) VALUES (20, 'Returned') RETURNING id, name");
                assertThat(returning.next()).isTrue();
                assertThat(returning.getInt("id")).isEqualTo(20);
                assertThat(returning.getString("name")).isEqualTo("Returned");
                ResultSet everyColumn = st.executeQuery(
                        "INSERT INTO customers (id, name, email) VALUES (21, 'All', 'all@x') RETURNING *");
                assertThat(everyColumn.next()).isTrue();
                assertThat(everyColumn.getString("name")).isEqualTo("All");
                assertThat(everyColumn.getString("email")).isEqualTo("all@x");
            } else if (kind == TestDatabase.Kind.MARIADB) {
                st.executeUpdate(
                        "INSERT INTO customers (id, name) VALUES (3, 'Upserted') ON DUPLICATE KEY UPDATE name = VALUES(name)");
            }

            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (30, 'Committed')");
            st.executeUpdate("UPDATE customers SET name = 'Committed twice' WHERE id = 30");
            c.commit();
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (31, 'Rolled back')");
            c.rollback();
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (32, 'Before savepoint')");
            var savepoint = c.setSavepoint();
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (33, 'After savepoint')");
            c.rollback(savepoint);
            c.commit();
            c.setAutoCommit(true);
        }

        List<Integer> expectedIds = List.of(2, 3, 4, 5, 6, 7, 8, 30, 32);
        switch (phase) {
            case OLD_ONLY -> {
                assertThat(MigrationFixture.ids(fx.oldRows()))
                        .containsAll(expectedIds)
                        .doesNotContain(1, 31, 33);
                assertThat(fx.newRows()).isEmpty();
            }
            case NEW_ONLY -> {
                assertThat(MigrationFixture.ids(fx.newRows()))
                        .containsAll(expectedIds)
                        .doesNotContain(1, 31, 33);
                assertThat(fx.oldRows()).isEmpty();
            }
            default -> {
                assertThat(MigrationFixture.ids(fx.oldRows()))
                        .containsAll(expectedIds)
                        .doesNotContain(1, 31, 33);
                fx.assertSidesEqual();
            }
        }
        if (kind != TestDatabase.Kind.MARIADB) {
            assertThat(phase == Phase.NEW_ONLY ? fx.newRows() : fx.oldRows()).contains("6|Row set|row set|row@x");
        }
        assertThat(fx.count("schemashift.divergences"))
                .as("divergences recorded")
                .isZero();
        assertThat(fx.count("schemashift.mirror.writes", "outcome", "ok"))
                .as("mirrored writes")
                .isEqualTo(phase.mirrorsWrites() ? MIRRORED_WRITES.get(kind) : 0);
        assertThat(fx.count("schemashift.mirror.writes", "outcome", "failed"))
                .as("failed mirrors")
                .isZero();
    }

    /**
     * The workload's writes, each mirrored once: 2 inserts, a multi-row insert, a batch, the
     * generated-key insert, 2 updates (PostgreSQL and H2: and a row of columns set), a delete, the
     * upsert (PostgreSQL: and two RETURNING), and 5 in the explicit transactions (the rolled-back ones
     * included).
     */
    private static final java.util.Map<TestDatabase.Kind, Double> MIRRORED_WRITES = java.util.Map.of(
            TestDatabase.Kind.POSTGRESQL, 17.0, TestDatabase.Kind.MARIADB, 14.0, TestDatabase.Kind.H2, 14.0);
}
