package io.schemashift.it.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.SchemaShift;
import io.schemashift.SchemaShiftDataSource;
import io.schemashift.it.EveryPhase;
import io.schemashift.it.Operator;
import io.schemashift.it.PooledApplication;
import io.schemashift.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Spring {@code NamedParameterJdbcTemplate} application on PostgreSQL and MariaDB (HikariCP
 * wrapped in a {@link SchemaShiftDataSource}, no Spring Boot), driven through every phase and one
 * rollback by the operator's CLI: named parameters, {@code IN} lists of varying length (the
 * template expands {@code :ids} to one {@code ?} per element), {@code getGeneratedKeys} through a
 * {@code KeyHolder}, a batch and a rolled-back transaction.
 */
class JdbcTemplateApplicationIT {

    private static final String SHAPE = "SELECT email FROM customers WHERE id IN (:ids) ORDER BY id";

    @ParameterizedTest(name = "{0} separate={1}")
    @CsvSource({"POSTGRESQL,false", "POSTGRESQL,true", "MARIADB,false", "MARIADB,true"})
    void jdbcTemplate_everyPhaseAndOneRollback_sidesEqualNoDivergence(TestDatabase.Kind kind, boolean separate)
            throws Exception {
        PooledApplication db = PooledApplication.create(kind, "jdbc", separate);
        TestDatabase server = db.server();
        String url = db.url();
        String migration = db.migration();
        Path config = db.config();
        Operator operator = new Operator(server, url, config, "JdbcTemplateApplicationIT");
        operator.ok("init");

        MeterRegistry registry = new SimpleMeterRegistry();
        SchemaShift.meterRegistry(registry);
        try (SchemaShiftDataSource dataSource = db.dataSource(config)) {
            Operator.awaitWritesAllowed(dataSource);
            Application app = new Application(
                    new NamedParameterJdbcTemplate(dataSource),
                    new TransactionTemplate(new DataSourceTransactionManager(dataSource)));

            EveryPhase.run(operator, dataSource, kind, registry, migration, 1, db.newUrl(), app::run);

            // IN lists of lengths 1 to 6 of one statement never run before (new-only: every statement is rewritten)
            double cached = cacheSize(registry, migration);
            for (int length = 1; length <= 6; length++) {
                List<Long> ids = LongStream.rangeClosed(1, length).boxed().toList();
                app.jdbc().queryForList(SHAPE, Map.of("ids", ids), String.class);
            }
            assertThat(cacheSize(registry, migration) - cached)
                    .as("rewrite-cache entries: keyed by SQL text, so one per IN-list length, not one per shape")
                    .isEqualTo(6);
            await("one coverage entry, of 6 executions")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> shapes(server, url, migration), "1/6"::equals);
        } finally {
            SchemaShift.unbindMeterRegistry(registry);
        }
    }

    private static double cacheSize(MeterRegistry registry, String migration) {
        return registry.get("schemashift.rewrite.cache.size")
                .tag("migration", migration)
                .gauge()
                .value();
    }

    /**
     * The statement coverage's entries for {@link #SHAPE} (fingerprints collapse IN lists) and
     * their executions in new-only, as {@code "entries/executions"}.
     */
    private static String shapes(TestDatabase server, String url, String migration) throws Exception {
        try (Connection c = server.connect(url);
                PreparedStatement ps = c.prepareStatement("SELECT count(*), COALESCE(sum(n_new_only), 0)"
                        + " FROM schemashift_statements"
                        + " WHERE migration = ? AND example LIKE 'select email from customers where id in%'")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) + "/" + rs.getLong(2);
            }
        }
    }

    /** The application's data access, once per phase. */
    private record Application(NamedParameterJdbcTemplate jdbc, TransactionTemplate transactions) {

        void run(String tag) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(insert("Name " + tag + " " + i, tag + i + "@" + tag + ".example"));
            }
            assertThat(ids).doesNotHaveDuplicates();

            // IN lists of every length from 1 to 5, read and written
            for (int length = 1; length <= ids.size(); length++) {
                List<Long> some = ids.subList(0, length);
                assertThat(jdbc.update(
                                "UPDATE customers SET version = version + 1 WHERE id IN (:ids)", Map.of("ids", some)))
                        .isEqualTo(length);
                assertThat(jdbc.queryForList(
                                "SELECT id FROM customers WHERE id IN (:ids) ORDER BY id",
                                Map.of("ids", some),
                                Long.class))
                        .containsExactlyElementsOf(some);
            }
            assertThat(jdbc.queryForList(
                            "SELECT version FROM customers WHERE id IN (:ids) ORDER BY id",
                            Map.of("ids", ids),
                            Long.class))
                    .containsExactly(5L, 4L, 3L, 2L, 1L);

            SqlParameterSource[] renames = ids.stream()
                    .map(id -> new MapSqlParameterSource("id", id).addValue("name", "Renamed " + tag + " " + id))
                    .toArray(SqlParameterSource[]::new);
            assertThat(jdbc.batchUpdate("UPDATE customers SET name = :name WHERE id = :id", renames))
                    .containsOnly(1)
                    .hasSize(5);
            assertThat(jdbc.queryForObject(
                            "SELECT name FROM customers WHERE email = :email",
                            Map.of("email", tag + "3@" + tag + ".example"),
                            String.class))
                    .isEqualTo("Renamed " + tag + " " + ids.get(3));

            assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                        insert("Doomed " + tag, tag + "@doomed.example");
                        throw new IllegalStateException("rolled back on purpose");
                    }))
                    .hasMessage("rolled back on purpose");
            assertThat(jdbc.queryForObject(
                            "SELECT count(*) FROM customers WHERE email = :email",
                            Map.of("email", tag + "@doomed.example"),
                            Long.class))
                    .isZero();

            assertThat(jdbc.update("DELETE FROM customers WHERE id = :id", Map.of("id", ids.get(4))))
                    .isEqualTo(1);
        }

        /**
         * An insert whose key comes back through {@code getGeneratedKeys}, read with Spring's
         * {@code getKey()}, which refuses more than one column: the driver hands the application
         * the column it named even where PostgreSQL returned the whole row.
         */
        private long insert(String name, String email) {
            KeyHolder keys = new GeneratedKeyHolder();
            jdbc.update(
                    "INSERT INTO customers (name, email, version) VALUES (:name, :email, 0)",
                    new MapSqlParameterSource("name", name).addValue("email", email),
                    keys,
                    new String[] {"id"});
            return keys.getKey().longValue();
        }
    }
}
