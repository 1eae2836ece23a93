package io.schemashift.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.routing.MigrationFixture;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void newPrimary_comparedAgainstOldSide_mismatchFound() throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.h2(), false, "phase: new-primary\nrouting:\n  shadowPercent: 100\n");
        fx.rawOld("INSERT INTO customers (id, name, email) VALUES (1, 'Same', 'a@x'), (2, 'Old', 'b@x')");
        fx.rawNew("INSERT INTO clients (id, full_name, name_search, email) VALUES (1, 'Same', 'same', 'a@x'),"
                + " (2, 'New', 'new', 'b@x')");
        try (Connection c = fx.connect()) {
            assertThat(names(c, 1)).containsExactly("Same");
            assertThat(names(c, 2)).as("new-primary reads the new side").containsExactly("New");
        }
        ShadowMeters.drain(fx);
        assertThat(ShadowMeters.outcome(fx, "match")).isEqualTo(1);
        assertThat(ShadowMeters.outcome(fx, "mismatch")).isEqualTo(1);
    }

    @Test
    void readNew_newSidePrimary_matches() throws Exception {
        MigrationFixture fx = MigrationFixture.create(
                TestDatabases.h2(), false, "phase: read-new\nrouting:\n  readNewPercent: 100\n  shadowPercent: 100\n");
        try (Connection c = fx.connect()) {
            c.createStatement().executeUpdate("INSERT INTO customers (id, name, email) VALUES (1, 'Ada', 'a@x')");
            assertThat(names(c, 1)).containsExactly("Ada");
        }
        ShadowMeters.drain(fx);
        assertThat(ShadowMeters.outcome(fx, "match")).isEqualTo(1);
    }

    @Test
    void shadowPercentZero_nothingPickedNothingCounted() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, "phase: shadow-read\n");
        fx.rawOld("INSERT INTO customers (id, name) VALUES (1, 'a')");
        try (Connection c = fx.connect()) {
            assertThat(names(c, 1)).containsExactly("a");
        }
        ShadowMeters.drain(fx);
        for (ShadowOutcome o : ShadowOutcome.values()) {
            assertThat(ShadowMeters.outcome(fx, o.name().toLowerCase(java.util.Locale.ROOT)))
                    .isZero();
        }
    }

    @Test
    void partialRead_closedBeforeTheEnd_skipped() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, SHADOW_ALL);
        fx.rawOld("INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        try (Connection c = fx.connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT id, name FROM customers ORDER BY id")) {
            assertThat(rs.next()).isTrue();
        }
        ShadowMeters.drain(fx);
        assertThat(ShadowMeters.skipped(fx, "partial_read")).isEqualTo(1);
        assertThat(ShadowMeters.outcome(fx, "skipped")).isEqualTo(1);
        assertThat(ShadowMeters.outcome(fx, "match") + ShadowMeters.outcome(fx, "mismatch"))
                .isZero();
    }

    @Test
    void moreRowsThanMaxRows_truncatedWithoutShadowQuery() throws Exception {
        MigrationFixture fx =
                MigrationFixture.create(TestDatabases.h2(), false, SHADOW_ALL + "compare:\n  maxRows: 2\n");
        fx.rawOld("INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        try (Connection c = fx.connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT id, name FROM customers")) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            assertThat(n).as("the application still reads every row").isEqualTo(3);
        }
        ShadowMeters.drain(fx);
        assertThat(ShadowMeters.outcome(fx, "truncated")).isEqualTo(1);
        assertThat(ShadowMeters.outcome(fx, "match") + ShadowMeters.outcome(fx, "mismatch"))
                .isZero();
    }

    @Test
    void scrollableResultSet_skipped() throws Exception {
        MigrationFixture fx = MigrationFixture.create(TestDatabases.h2(), false, SHADOW_ALL);
        fx.rawOld("INSERT INTO customers (id, name) VALUES (1, 'a')");
        try (Connection c = fx.connect();
                ResultSet rs = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)
                        .executeQuery("SELECT id, name FROM customers")) {
            assertThat(rs.last()).isTrue();
        }
        ShadowMeters.drain(fx);
        assertThat(ShadowMeters.skipped(fx, "scrollable")).isEqualTo(1);
    }

    private static List<String> names(Connection c, int id) throws Exception {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM customers WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
