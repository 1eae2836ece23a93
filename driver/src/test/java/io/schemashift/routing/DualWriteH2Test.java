package io.schemashift.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class DualWriteH2Test {

    @Test
    void dualWrite_insertUpdateDelete_bothSidesEqual() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: dual-write\n");
        try (Connection c = fx.connect()) {
            PreparedStatement insert =
                    c.prepareStatement("INSERT INTO customers (name, legacy_flag, email) VALUES (?, ?, ?)");
            insert.setString(1, "Ada Lovelace");
            insert.setInt(2, 1);
            insert.setString(3, "ada@example.com");
            assertThat(insert.executeUpdate()).isEqualTo(1);
            insert.setString(1, "Alan Turing");
            insert.setInt(2, 0);
            insert.setString(3, "alan@example.com");
            assertThat(insert.executeUpdate()).isEqualTo(1);
            assertThat(c.createStatement().executeUpdate("UPDATE customers SET name = 'Grace Hopper' WHERE id = 2"))
                    .isEqualTo(1);
            PreparedStatement delete = c.prepareStatement("DELETE FROM customers WHERE id = ?");
            delete.setInt(1, 1);
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }
        assertThat(fx.oldRows()).containsExactly("2|Grace Hopper|grace hopper|alan@example.com");
        fx.assertSidesEqual();
    }

    @Test
    void oldOnly_writesStayOnOldSide() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: old-only\n");
        try (Connection c = fx.connect()) {
            c.createStatement().executeUpdate("INSERT INTO customers (name) VALUES ('x')");
        }
        assertThat(fx.oldRows()).hasSize(1);
        assertThat(fx.newRows()).isEmpty();
    }

    @Test
    void newPrimary_readsFromNewSide() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: new-primary\n");
        fx.rawOld("INSERT INTO customers (id, name) VALUES (1, 'old side')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (1, 'new side', 'new side')");
        try (Connection c = fx.connect()) {
            ResultSet rs = c.createStatement().executeQuery("SELECT name FROM customers WHERE id = 1");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("name")).isEqualTo("new side");
            Statement st = c.createStatement();
            assertThat(st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (2, 'Both', 'b@x')"))
                    .isEqualTo(1);
        }
        assertThat(fx.newRows()).contains("2|Both|both|b@x");
        assertThat(fx.oldRows()).contains("2|Both|both|b@x");
    }

    @Test
    void generatedKeys_mirrorCarriesPrimaryKey() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: dual-write\n");
        fx.rawOld(
                "INSERT INTO customers (id, name) VALUES (100, 'seed')",
                "ALTER TABLE customers ALTER COLUMN id RESTART WITH 500");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search) VALUES (100, 'seed', 'seed')");
        try (Connection c = fx.connect()) {
            PreparedStatement ps = c.prepareStatement("INSERT INTO customers (name) VALUES (?)");
            ps.setString(1, "Key Carrier");
            assertThat(ps.executeUpdate()).isEqualTo(1);
            ResultSet keys = ps.getGeneratedKeys();
            assertThat(keys.next()).as("the app did not ask for keys").isFalse();

            PreparedStatement asked =
                    c.prepareStatement("INSERT INTO customers (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
            asked.setString(1, "Asked");
            asked.executeUpdate();
            ResultSet askedKeys = asked.getGeneratedKeys();
            assertThat(askedKeys.next()).isTrue();
            assertThat(askedKeys.getInt(1)).isEqualTo(501);
        }
        assertThat(fx.newRows())
                .containsExactly("100|seed|seed|null", "500|Key Carrier|key carrier|null", "501|Asked|asked|null");
        fx.assertSidesEqual();
    }

    @Test
    void batch_mirroredAsBatch() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: dual-write\n");
        try (Connection c = fx.connect()) {
            PreparedStatement ps = c.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)");
            for (int i = 1; i <= 5; i++) {
                ps.setInt(1, i);
                ps.setString(2, "N" + i);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1, 1, 1);
        }
        assertThat(fx.oldRows()).hasSize(5);
        fx.assertSidesEqual();
    }

    @Test
    void rollback_discardsBothSides() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: dual-write\n");
        try (Connection c = fx.connect()) {
            c.setAutoCommit(false);
            c.createStatement().executeUpdate("INSERT INTO customers (id, name) VALUES (1, 'kept')");
            c.commit();
            c.createStatement().executeUpdate("INSERT INTO customers (id, name) VALUES (2, 'dropped')");
            c.rollback();
            c.createStatement().executeUpdate("INSERT INTO customers (id, name) VALUES (3, 'kept too')");
            var sp = c.setSavepoint();
            c.createStatement().executeUpdate("INSERT INTO customers (id, name) VALUES (4, 'savepoint dropped')");
            c.rollback(sp);
            c.commit();
        }
        assertThat(fx.oldRows()).extracting(r -> r.split("\\|")[0]).containsExactly("1", "3");
        fx.assertSidesEqual();
    }
}
