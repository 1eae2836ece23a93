package io.schemashift.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.schemashift.SchemaShiftDataSource;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A connection whose unqualified names resolve to another schema than the old tables' (a tenant's)
 * writes that schema's same-named table, which is no mapped table: mirroring it into the new table
 * would fork the new side, and taking a mapped table for a tenant's would leave a write unmirrored
 * and unrecorded. So every way a connection moves, or starts elsewhere, is followed, or refused.
 */
class SchemaSwitchIT {

    private static final String TENANT_COLUMNS =
            "(id INT PRIMARY KEY, name VARCHAR(100), legacy_flag INT, email VARCHAR(100))";

    private static MigrationFixture fixture(TestDatabase.Kind kind, boolean separate, String phase) {
        return MigrationFixture.create(TestDatabases.of(kind), separate, "phase: " + phase + "\n");
    }

    /** Schema tenant_b with its own customers table (PostgreSQL, H2). */
    private static void tenantSchema(MigrationFixture fx) throws SQLException {
        fx.rawOld("CREATE SCHEMA tenant_b", "CREATE TABLE tenant_b.customers " + TENANT_COLUMNS);
    }

    /** The ids in {@code schema}.customers. */
    private static List<Integer> tenantIds(MigrationFixture fx, String schema) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = fx.server.connect(fx.oldUrl);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM " + schema + ".customers ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    private static void insert(Statement st, int id, String name) throws SQLException {
        st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (" + id + ", '" + name + "', 'h@x')");
    }

    /**
     * A connection the application moves to another schema (a tenant's: {@code setSchema},
     * MariaDB's {@code setCatalog}, or SQL) writes that schema's same-named table: nothing is
     * mirrored into the new table, and nothing recorded; a name qualified with the old schema is
     * still the mapped table. Moved back (here with SQL), unqualified names are mapped again. In
     * every phase that writes the new table, and with a separate new database: the tenant's table
     * stays in the application's own database.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void connectionMovedToAnotherSchema_writesThereUnmirrored(TestDatabase.Kind kind) throws Exception {
        for (boolean separate : new boolean[] {false, true}) {
            for (String phase : List.of("dual-write", "new-primary", "new-only")) {
                String as = kind + " " + phase + (separate ? ", separate new database" : "");
                try (MigrationFixture fx = fixture(kind, separate, phase)) {
                    String other;
                    String home;
                    String back;
                    switch (kind) {
                        case MARIADB -> {
                            String url = fx.server.create("ss_tenant_" + fx.migration.replace('-', '_'));
                            other = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
                            fx.rawOld("CREATE TABLE " + other + ".customers " + TENANT_COLUMNS);
                            try (Connection c = fx.server.connect(fx.oldUrl)) {
                                home = c.getCatalog();
                            }
                            back = "USE " + home;
                        }
                        case POSTGRESQL -> {
                            other = "tenant_b";
                            home = "public";
                            tenantSchema(fx);
                            back = "SET search_path TO \"$user\", public";
                        }
                        default -> {
                            other = "TENANT_B";
                            home = "PUBLIC";
                            tenantSchema(fx);
                            back = "SET SCHEMA PUBLIC";
                        }
                    }
                    try (Connection c = fx.connect();
                            Statement st = c.createStatement()) {
                        if (kind == TestDatabase.Kind.MARIADB) {
                            c.setCatalog(other);
                        } else {
                            c.setSchema(other);
                        }
                        st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (5, 'tenant', 't@x')");
                        st.executeUpdate("UPDATE customers SET name = 'tenant 5' WHERE id = 5");
                        st.executeUpdate(
                                "INSERT INTO " + home + ".customers (id, name, email) VALUES (1, 'home', 'h@x')");
                        st.execute(back);
                        st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (2, 'back', 'b@x')");
                    }
                    List<String> mapped = List.of("1|home|home|h@x", "2|back|back|b@x");
                    assertThat(fx.newRows()).as(as).isEqualTo(mapped);
                    assertThat(fx.oldRows()).as(as).isEqualTo(phase.equals("new-only") ? List.of() : mapped);
                    try (Connection c = fx.server.connect(fx.oldUrl);
                            Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT id, name FROM " + other + ".customers")) {
                        assertThat(rs.next()).as(as).isTrue();
                        assertThat(rs.getString(2)).isEqualTo("tenant 5");
                        assertThat(rs.next()).isFalse();
                    }
                    assertThat(fx.divergenceRecords()).as(as).isEmpty();
                }
            }
        }
    }

    /**
     * A statement prepared before the connection's schema changed was rewritten where its names
     * resolved then: prepared at home and run away it writes the tenant's table, unmirrored and
     * unrecorded; prepared away and run at home it writes the mapped table, so it is a refused write
     * (recorded), never unrecorded.
     */
    @Test
    void statementPreparedBeforeASchemaSwitch_runsWhereItsNamesResolveNow() throws Exception {
        for (boolean separate : new boolean[] {false, true}) {
            try (MigrationFixture fx = fixture(TestDatabase.Kind.POSTGRESQL, separate, "dual-write")) {
                tenantSchema(fx);
                String insert = "INSERT INTO customers (id, name, email) VALUES (?, ?, ?)";
                try (Connection c = fx.connect();
                        PreparedStatement home = c.prepareStatement(insert)) {
                    c.setSchema("tenant_b");
                    bind(home, 5, "tenant").executeUpdate();
                    try (PreparedStatement away = c.prepareStatement(insert)) {
                        c.setSchema("public");
                        bind(away, 6, "home").executeUpdate();
                    }
                }
                assertThat(fx.oldRows()).containsExactly("6|home|home|h@x");
                assertThat(fx.newRows()).isEmpty();
                assertThat(fx.divergenceRecords()).containsExactly("null|refused_unsupported_construct");
            }
        }
    }

    private static PreparedStatement bind(PreparedStatement ps, int id, String name) throws SQLException {
        ps.setInt(1, id);
        ps.setString(2, name);
        ps.setString(3, "h@x");
        return ps;
    }

    /**
     * A schema change the driver cannot follow (PostgreSQL's {@code SET LOCAL search_path}, which
     * ends with the transaction) makes statements on mapped tables refused until the schema is set
     * again: recorded in dual-write, never mirrored into the new table.
     */
    @Test
    void connectionMovedUnfollowably_refusedUntilSetAgain() throws Exception {
        for (boolean separate : new boolean[] {false, true}) {
            try (MigrationFixture fx = fixture(TestDatabase.Kind.POSTGRESQL, separate, "dual-write")) {
                tenantSchema(fx);
                try (Connection c = fx.connect();
                        Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    st.execute("SET LOCAL search_path TO tenant_b");
                    insert(st, 7, "local");
                    c.commit();
                    c.setAutoCommit(true);
                    st.execute("SET search_path TO public");
                    insert(st, 8, "home");
                }
                assertThat(fx.oldRows()).containsExactly("8|home|home|h@x");
                fx.assertSidesEqual();
                assertThat(fx.divergenceRecords()).containsExactly("null|refused_unsupported_construct");
            }
        }
    }

    /**
     * PostgreSQL's search path belongs to the transaction that set it: a rollback takes it back,
     * a rollback to a savepoint set before it too, and so does the commit of an aborted
     * transaction (PostgreSQL rolls it back). A switch that was committed holds, also one made
     * with {@code set_config}. Each write then lands where its names resolve now: mirrored at home,
     * in the tenant's table, unmirrored, away.
     */
    @Test
    void switchInsideATransaction_endsWithIt() throws Exception {
        for (boolean separate : new boolean[] {false, true}) {
            try (MigrationFixture fx = fixture(TestDatabase.Kind.POSTGRESQL, separate, "dual-write")) {
                tenantSchema(fx);
                try (Connection c = fx.connect();
                        Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    st.execute("SET search_path TO tenant_b");
                    insert(st, 5, "rolled back");
                    c.rollback();
                    insert(st, 1, "after rollback");
                    c.commit();

                    Savepoint before = c.setSavepoint();
                    c.setSchema("tenant_b");
                    c.rollback(before);
                    insert(st, 2, "after savepoint");
                    c.commit();

                    st.execute("SET search_path TO tenant_b");
                    assertThatThrownBy(() -> st.execute("SELECT 1 / 0")).isInstanceOf(SQLException.class);
                    c.commit(); // of an aborted transaction: a rollback
                    insert(st, 3, "after aborted");
                    c.commit();

                    st.execute("SELECT set_config('search_path', 'tenant_b', false)");
                    c.commit();
                    insert(st, 6, "tenant");
                    c.setAutoCommit(true);
                    st.execute("RESET search_path");
                    insert(st, 4, "after reset");
                }
                String as = separate ? "separate new database" : "same database";
                assertThat(MigrationFixture.ids(fx.oldRows())).as(as).containsExactly(1, 2, 3, 4);
                fx.assertSidesEqual();
                assertThat(tenantIds(fx, "tenant_b")).as(as).containsExactly(6);
                assertThat(fx.divergenceRecords()).as(as).isEmpty();
            }
        }
    }

    /**
     * A batch of plain SQL that switches schemas runs entry by entry, each where its names resolve
     * then: in a tenant's schema unmirrored, back home mirrored (also a batch that starts away,
     * where no entry names a mapped table as written there).
     */
    @Test
    void batchThatSwitchesSchemas_runsEachEntryWhereItResolves() throws Exception {
        try (MigrationFixture fx = fixture(TestDatabase.Kind.POSTGRESQL, false, "dual-write")) {
            tenantSchema(fx);
            try (Connection c = fx.connect();
                    Statement st = c.createStatement()) {
                st.addBatch("SET search_path TO tenant_b");
                st.addBatch("INSERT INTO customers (id, name, email) VALUES (5, 'tenant', 't@x')");
                st.addBatch("SET search_path TO public");
                st.addBatch("INSERT INTO customers (id, name, email) VALUES (1, 'home', 'h@x')");
                st.executeBatch();
                c.setSchema("tenant_b");
                st.addBatch("INSERT INTO customers (id, name, email) VALUES (6, 'tenant', 't@x')");
                st.addBatch("SET search_path TO public");
                st.addBatch("INSERT INTO customers (id, name, email) VALUES (2, 'home', 'h@x')");
                assertThat(st.executeBatch()).hasSize(3);
            }
            assertThat(MigrationFixture.ids(fx.oldRows())).containsExactly(1, 2);
            fx.assertSidesEqual();
            assertThat(tenantIds(fx, "tenant_b")).containsExactly(5, 6);
            assertThat(fx.divergenceRecords()).isEmpty();
        }
    }

    /**
     * Two connections of one configuration can start in different schemas (here the second's URL
     * names a tenant's): each is placed by its own start, not by the first connection's.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void connectionThatStartsInAnotherSchema_writesThereUnmirrored(TestDatabase.Kind kind) throws Exception {
        try (MigrationFixture fx = fixture(kind, false, "dual-write")) {
            String tenantUrl;
            String tenant;
            switch (kind) {
                case MARIADB -> {
                    tenantUrl = fx.server.create("ss_start_" + fx.migration.replace('-', '_'));
                    tenant = tenantUrl.substring(tenantUrl.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
                    fx.rawOld("CREATE TABLE " + tenant + ".customers " + TENANT_COLUMNS);
                }
                case POSTGRESQL -> {
                    tenant = "tenant_b";
                    tenantSchema(fx);
                    tenantUrl = fx.oldUrl + (fx.oldUrl.contains("?") ? "&" : "?") + "currentSchema=tenant_b";
                }
                default -> {
                    tenant = "TENANT_B";
                    tenantSchema(fx);
                    tenantUrl = fx.oldUrl + ";SCHEMA=TENANT_B";
                }
            }
            try (Connection home = fx.connect();
                    Statement st = home.createStatement()) {
                insert(st, 1, "home");
            }
            Properties info = new Properties();
            info.setProperty("user", fx.server.user());
            info.setProperty("password", fx.server.password());
            info.setProperty("schemashift.config", fx.configPath().toString());
            try (Connection away = DriverManager.getConnection(
                            "jdbc:schemashift:" + tenantUrl.substring("jdbc:".length()), info);
                    Statement st = away.createStatement()) {
                insert(st, 5, "tenant");
            }
            assertThat(MigrationFixture.ids(fx.oldRows())).as(kind.toString()).containsExactly(1);
            fx.assertSidesEqual();
            assertThat(tenantIds(fx, tenant)).as(kind.toString()).containsExactly(5);
            assertThat(fx.divergenceRecords()).isEmpty();
        }
    }

    /**
     * A pool does not undo a schema switch sent as SQL: a connection a pool lent, moved by its
     * borrower, goes back to where the pool's connections start when SchemaShift closes it, so
     * that the next borrower's unqualified names are the mapped tables again (one pooled
     * connection here, so the second borrow gets the same one).
     */
    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void pooledConnectionMovedBySql_goesBackWhenReturned(TestDatabase.Kind kind) throws Exception {
        try (MigrationFixture fx = fixture(kind, false, "dual-write")) {
            String move;
            String tenant;
            if (kind == TestDatabase.Kind.MARIADB) {
                String url = fx.server.create("ss_pool_" + fx.migration.replace('-', '_'));
                tenant = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
                fx.rawOld("CREATE TABLE " + tenant + ".customers " + TENANT_COLUMNS);
                move = "USE " + tenant;
            } else {
                tenant = "tenant_b";
                tenantSchema(fx);
                move = "SET search_path TO tenant_b";
            }
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(fx.oldUrl);
            hikari.setUsername(fx.server.user());
            hikari.setPassword(fx.server.password());
            hikari.setMaximumPoolSize(1);
            try (SchemaShiftDataSource ds = new SchemaShiftDataSource(new HikariDataSource(hikari))) {
                ds.setConfig(fx.configPath().toString());
                try (Connection c = ds.getConnection();
                        Statement st = c.createStatement()) {
                    st.execute(move);
                    insert(st, 5, "tenant");
                }
                for (boolean autoCommit : new boolean[] {true, false}) {
                    try (Connection c = ds.getConnection();
                            Statement st = c.createStatement()) {
                        c.setAutoCommit(autoCommit);
                        insert(st, autoCommit ? 1 : 2, "home");
                        if (!autoCommit) {
                            c.commit();
                        }
                        st.execute(move); // left moved, and in a transaction the second time
                    }
                }
                try (Connection c = ds.getConnection();
                        Statement st = c.createStatement()) {
                    insert(st, 3, "home");
                }
                assertThat(fx.divergenceRecords()).isEmpty();
            }
            assertThat(MigrationFixture.ids(fx.oldRows())).as(kind.toString()).containsExactly(1, 2, 3);
            fx.assertSidesEqual();
            assertThat(tenantIds(fx, tenant)).containsExactly(5);
        }
    }
}
