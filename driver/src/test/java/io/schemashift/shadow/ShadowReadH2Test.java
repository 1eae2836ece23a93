package io.schemashift.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.routing.MigrationFixture;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class ShadowReadH2Test {

    static {
        ShadowMeters.PROMETHEUS.getClass(); // a real registry before any meter
    }

    private static final String SHADOW_ALL = "phase: shadow-read\nrouting:\n  shadowPercent: 100\n";

    @Test
    void shadowRead_consistentData_matches() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, SHADOW_ALL);
        try (Connection c = fx.connect()) {
            PreparedStatement insert = c.prepareStatement("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)");
            for (int id = 1; id <= 3; id++) {
                insert.setInt(1, id);
                insert.setString(2, "Name " + id);
                insert.setString(3, id + "@x");
                insert.executeUpdate();
            }
            PreparedStatement select = c.prepareStatement("SELECT id, name, email FROM customers WHERE id = ?");
            select.setInt(1, 2);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("name")).isEqualTo("Name 2");
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT * FROM customers ORDER BY id")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertThat(n).isEqualTo(3);
            }
        }
        ShadowMeters.drain(fx);
        assertThat(ShadowMeters.outcome(fx, "match")).isEqualTo(2);
        assertThat(ShadowMeters.outcome(fx, "mismatch")).isZero();
    }

    @Test
    void shadowRead_valueChangedOnNewSide_mismatchReported() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, SHADOW_ALL);
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (7, 'Same', 'a@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (7, 'Different', 'same', 'a@x')");
        try (Connection c = fx.connect()) {
            PreparedStatement select = c.prepareStatement("SELECT id, name FROM customers WHERE id = ?");
            select.setInt(1, 7);
            ResultSet rs = select.executeQuery();
            assertThat(rs.next()).isTrue();
            select.close(); // the application never closes the result set itself
        }
        ShadowMeters.drain(fx);
        assertThat(ShadowMeters.outcome(fx, "mismatch")).isEqualTo(1);
    }
}
