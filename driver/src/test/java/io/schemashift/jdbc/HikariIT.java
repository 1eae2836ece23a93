package io.schemashift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.schemashift.SchemaShiftDataSource;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * HikariCP both ways round: a pool whose {@code jdbcUrl} is the SchemaShift URL, and a
 * SchemaShiftDataSource around a HikariDataSource. Each runs the behaviour suite's core
 * scenarios and must observe what the raw driver observes.
 */
class HikariIT {

    private static final int CORE_SCENARIOS = 25;

    @TestFactory
    Stream<DynamicContainer> pools_sameObservableBehaviour() {
        return Stream.of(TestDatabase.Kind.values())
                .map(kind -> DynamicContainer.dynamicContainer(
                        kind.name(),
                        Stream.of(
                                DynamicTest.dynamicTest("pool over the SchemaShift URL", () -> poolOverShiftUrl(kind)),
                                DynamicTest.dynamicTest(
                                        "SchemaShiftDataSource over a pool", () -> dataSourceOverPool(kind)))));
    }

    private static void poolOverShiftUrl(TestDatabase.Kind kind) throws Exception {
        TestDatabase server = TestDatabases.of(kind);
        String url = JdbcBehaviourIT.databaseUrl(server);
        try (HikariDataSource pool = pool("jdbc:schemashift:" + url.substring("jdbc:".length()), server)) {
            // Hikari's proxy wraps ours, so only the results are compared here, and the chain checked.
            runCore(server, pool::getConnection, false);
            try (Connection c = pool.getConnection()) {
                assertThat(c.isWrapperFor(ShiftConnection.class)).isTrue();
                assertThat(c.createStatement().unwrap(ShiftStatement.class)).isNotNull();
            }
        }
    }

    private static void dataSourceOverPool(TestDatabase.Kind kind) throws Exception {
        TestDatabase server = TestDatabases.of(kind);
        try (SchemaShiftDataSource ds = new SchemaShiftDataSource(pool(JdbcBehaviourIT.databaseUrl(server), server))) {
            runCore(server, ds::getConnection, true);
            assertThat(ds.unwrap(HikariDataSource.class)).isNotNull();
            try (Connection c = ds.getConnection()) {
                assertThat(c).isInstanceOf(ShiftConnection.class);
                assertThat(c.isWrapperFor(com.zaxxer.hikari.pool.ProxyConnection.class))
                        .isTrue();
            }
        }
    }

    private static void runCore(TestDatabase server, JdbcBehaviourIT.Connector pooled, boolean outermost)
            throws Exception {
        String url = JdbcBehaviourIT.databaseUrl(server);
        List<Map.Entry<String, JdbcBehaviourIT.Scenario>> core = JdbcBehaviourIT.scenarios().entrySet().stream()
                .limit(CORE_SCENARIOS)
                .toList();
        for (var scenario : core) {
            List<String> raw = JdbcBehaviourIT.observe(
                    server,
                    () -> DriverManager.getConnection(url, server.user(), server.password()),
                    false,
                    scenario.getValue());
            List<String> viaPool = JdbcBehaviourIT.observe(server, pooled, outermost, scenario.getValue());
            assertThat(viaPool).as(server.kind() + " " + scenario.getKey()).isEqualTo(raw);
        }
    }

    /**
     * A pool over the SchemaShift URL sees SchemaShift's refusals (SQLState 0A000), which HikariCP
     * takes for a broken connection: with {@link io.schemashift.mirror.KeepConnectionOnRefusal} the
     * application's transaction goes on after one; without, its connection is closed under it.
     */
    @org.junit.jupiter.api.Test
    void poolOverShiftUrl_refusal_keepsTheConnectionWithTheOverride() throws Exception {
        io.schemashift.routing.MigrationFixture fx = io.schemashift.routing.MigrationFixture.create(
                TestDatabases.of(TestDatabase.Kind.POSTGRESQL), false, "phase: new-primary\n");
        String url = "jdbc:schemashift:" + fx.oldUrl.substring("jdbc:".length());
        for (boolean override : new boolean[] {false, true}) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername(fx.server.user());
            config.setPassword(fx.server.password());
            config.addDataSourceProperty("schemashift.config", fx.configPath().toString());
            if (override) {
                config.setExceptionOverrideClassName(io.schemashift.mirror.KeepConnectionOnRefusal.class.getName());
            }
            int id = override ? 2 : 1;
            try (HikariDataSource pool = new HikariDataSource(config);
                    Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try (java.sql.CallableStatement refused =
                        c.prepareCall("INSERT INTO customers (id, name) VALUES (99, 'refused')")) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(refused::executeUpdate)
                            .satisfies(e -> assertThat(((java.sql.SQLException) e).getSQLState())
                                    .isEqualTo("0A000"));
                }
                try (java.sql.Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO customers (id, name) VALUES (" + id + ", 'after')");
                    c.commit();
                } catch (java.sql.SQLException e) {
                    assertThat(override)
                            .as("the connection closed after the refusal: " + e)
                            .isFalse();
                    assertThat(e.getMessage()).contains("Connection is closed");
                    continue;
                }
                assertThat(override)
                        .as("the transaction went on without the override")
                        .isTrue();
            }
        }
        assertThat(io.schemashift.routing.MigrationFixture.ids(fx.newRows())).containsExactly(2);
    }

    private static HikariDataSource pool(String jdbcUrl, TestDatabase server) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }
}
