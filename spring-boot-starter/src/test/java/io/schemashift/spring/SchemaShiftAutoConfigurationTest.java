package io.schemashift.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.SchemaShiftDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter under Spring Boot 3.5 (integration-tests runs it under 4.0 in a full application). */
class SchemaShiftAutoConfigurationTest {

    private static final AtomicInteger IDS = new AtomicInteger();

    private String migration;
    private String url;
    private Path config;
    private ApplicationContextRunner runner;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void schema() throws Exception {
        migration = "starter-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
        url = "jdbc:h2:mem:" + migration + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50))");
            s.execute("CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(50))");
        }
        config = Files.createTempFile("schemashift-" + migration, ".yaml");
        Files.writeString(
                config,
                "migration: " + migration + "\n"
                        + """
                tables:
                  customers:
                    to: clients
                    key: [id]
                    columns:
                      name: full_name
                phase: dual-write
                """);
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        SchemaShiftAutoConfiguration.class,
                        SchemaShiftHealthAutoConfiguration.class,
                        SchemaShiftHealth4AutoConfiguration.class))
                .withBean(MeterRegistry.class, () -> registry)
                .withPropertyValues("spring.datasource.url=" + url, "schemashift.config=" + config);
    }

    private static void insert(DataSource ds, int id, String name) throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO customers (id, name) VALUES (" + id + ", '" + name + "')");
        }
    }

    @Test
    void dataSource_wrappedAroundHikari_mirrorsWrites() {
        runner.run(context -> {
            DataSource ds = context.getBean(DataSource.class);
            assertThat(ds).isInstanceOf(SchemaShiftDataSource.class);
            assertThat(ds.unwrap(HikariDataSource.class))
                    .as("HikariCP stays the pool")
                    .isNotNull();

            insert(ds, 1, "Ada");

            try (Connection c = DriverManager.getConnection(url, "sa", "");
                    ResultSet rs = c.createStatement().executeQuery("SELECT full_name FROM clients WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("Ada");
            }
        });
    }

    @Test
    void meters_boundToTheApplicationsRegistry() {
        runner.run(context -> {
            insert(context.getBean(DataSource.class), 1, "Ada");
            assertThat(registry.get("schemashift.statements")
                            .tag("migration", migration)
                            .tag("route", "old_and_new")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(Metrics.globalRegistry
                            .find("schemashift.statements")
                            .tag("migration", migration)
                            .meters())
                    .isEmpty();
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void health_reportsPhaseVersionBreakerAndBacklog() {
        runner.run(context -> {
            insert(context.getBean(DataSource.class), 1, "Ada");
            HealthIndicator indicator = context.getBean("schemashiftHealthIndicator", HealthIndicator.class);

            Health health = indicator.health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            Map<String, Object> details =
                    (Map<String, Object>) health.getDetails().get(migration);
            assertThat(details)
                    .containsEntry("phase", "dual-write")
                    .containsEntry("rolloutVersion", 0L)
                    .containsEntry("breaker", "none")
                    .containsEntry("divergenceBacklog", 0L)
                    .containsEntry("divergencesLost", 0L)
                    .containsEntry("started", true);
        });
    }

    @Test
    void health_configurationMissing_downNamingTheFile() {
        runner.withPropertyValues("schemashift.config=/nonexistent/schemashift.yaml")
                .run(context -> {
                    Health health = context.getBean("schemashiftHealthIndicator", HealthIndicator.class)
                            .health();

                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails().get("error").toString())
                            .contains("/nonexistent/schemashift.yaml", "not found");
                });
    }

    @Test
    void contextClose_stopsTheMigrationAndRemovesItsMeters() {
        HikariDataSource[] pool = new HikariDataSource[1];
        runner.run(context -> {
            insert(context.getBean(DataSource.class), 1, "Ada");
            pool[0] = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
            assertThat(registry.find("schemashift.phase")
                            .tag("migration", migration)
                            .gauge())
                    .isNotNull();
        });

        assertThat(pool[0].isClosed()).as("the pool is closed with the context").isTrue();

        assertThat(registry.find("schemashift.phase")
                        .tag("migration", migration)
                        .gauge())
                .isNull();
    }

    @Test
    void disabled_dataSourceLeftAlone() {
        runner.withPropertyValues("schemashift.enabled=false").run(context -> {
            assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
            assertThat(context).doesNotHaveBean("schemashiftHealthIndicator");
        });
    }

    @Test
    void configurationMetadata_listsEveryProperty() throws Exception {
        String metadata = new String(
                getClass()
                        .getResourceAsStream("/META-INF/spring-configuration-metadata.json")
                        .readAllBytes(),
                StandardCharsets.UTF_8);

        assertThat(metadata)
                .contains(
                        "\"schemashift.enabled\"",
                        "\"schemashift.config\"",
                        "\"schemashift.app-name\"",
                        "\"schemashift.metrics.latency-histograms\"");
    }
}
