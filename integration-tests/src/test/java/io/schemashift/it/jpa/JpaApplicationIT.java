package io.schemashift.it.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.schemashift.SchemaShiftDataSource;
import io.schemashift.runtime.MigrationRuntime;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.orm.ObjectOptimisticLockingFailureException;

/**
 * A Spring Boot 4 application (Spring Data JPA, Hibernate 7, Flyway, HikariCP) with the starter on
 * its classpath and nothing else changed, driven through every phase, one rollback included, while
 * an operator moves the migration with the real CLI jar ({@code init}, {@code phase}, {@code
 * backfill}, {@code rollback}, {@code verify}) through the control table. The mapping renames the
 * table and two columns, drops one and derives one. Flyway creates the new table (the expand
 * migration) through the driver at start-up.
 */
class JpaApplicationIT {

    private static final Path CLI_JAR = Path.of("../cli/target/schemashift.jar");

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void shop_everyPhaseAndOneRollback_sidesEqualNoDivergence(TestDatabase.Kind kind) throws Exception {
        TestDatabase server = TestDatabases.of(kind);
        String suffix = ProcessHandle.current().pid() + "_" + kind.name().toLowerCase(Locale.ROOT);
        String url = server.create("it_shop_" + suffix);
        String migration = "shop-" + suffix.replace('_', '-');
        Path config = Files.createTempFile("schemashift-" + migration, ".yaml");
        Files.writeString(
                config,
                "migration: " + migration + "\n"
                        + """
                tables:
                  customers:
                    to: clients
                    key: [id]
                    # Listed because the driver reads them only once, at its first connection, which
                    # is Flyway's, before V1 creates the table: without this list `SELECT *` on
                    # customers is refused (columns_unknown) until a restart, and fails in new-only.
                    oldColumns: [id, name, email, legacy_flag, version]
                    columns:
                      name: full_name
                      email: email_address
                      legacy_flag: null
                    derived:
                      name_search: "lower(name)"
                phase: old-only
                control:
                  table: schemashift_control
                  poll: 200ms
                """);
        Operator operator = new Operator(server, url, config);

        try (ConfigurableApplicationContext app = start(server, url, config, kind)) {
            operator.ok("init"); // after Flyway's first run, which wants an empty schema
            SchemaShiftDataSource dataSource = (SchemaShiftDataSource) app.getBean(DataSource.class);
            // writes to mapped tables fail closed until the driver has read the rollout init stored
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!dataSource.status().orElseThrow().writesAllowed() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Workload workload = new Workload(app.getBean(ShopService.class), app.getBean(CustomerRepository.class));
            assertThat(tables(server, url))
                    .as("Flyway ran V1 and V2 through the driver")
                    .contains("customers", "clients");

            workload.run("a");
            operator.move(dataSource, "dual-write", "phase", "dual-write");
            workload.run("b");
            operator.ok("backfill");
            operator.ok("verify"); // the read-new guard asks for a clean verify after the backfill
            operator.move(dataSource, "shadow-read", "phase", "shadow-read", "--shadow", "100");
            workload.run("c");
            operator.move(dataSource, "read-new", "phase", "read-new", "--read-new", "100", "--min-comparisons", "1");
            workload.run("d");
            keysAfterNewMax(server, url, kind, "clients", "customers");
            operator.move(dataSource, "new-primary", "phase", "new-primary", "--min-comparisons", "1");
            workload.run("e");
            keysAfterNewMax(server, url, kind, "customers", "clients");
            operator.move(dataSource, "read-new", "rollback");
            workload.run("f");
            keysAfterNewMax(server, url, kind, "clients", "customers");
            operator.move(dataSource, "new-primary", "phase", "new-primary", "--min-comparisons", "1");
            workload.run("g");

            String verify = operator.ok("verify");
            assertThat(verify).contains("equal");
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            assertThat(sum(registry, "schemashift.divergences", migration))
                    .as("divergences")
                    .isZero();
            assertThat(count(
                            server,
                            url,
                            "SELECT count(*) FROM schemashift_divergence WHERE migration = '" + migration + "'"))
                    .isZero();
            assertThat(sum(registry, "schemashift.shadow.comparisons", migration, "outcome", "mismatch"))
                    .isZero();
            assertThat(sum(registry, "schemashift.shadow.comparisons", migration, "outcome", "match"))
                    .as("shadow reads were compared")
                    .isPositive();

            operator.move(dataSource, "new-only", "phase", "new-only", "--min-comparisons", "1");
            workload.run("h");
            Health health = app.getBean("schemashiftHealthIndicator", HealthIndicator.class)
                    .health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails().get(migration).toString()).contains("phase=new-only");
        }
    }

    private static ConfigurableApplicationContext start(
            TestDatabase server, String url, Path config, TestDatabase.Kind kind) {
        return new SpringApplicationBuilder(ShopApplication.class)
                .web(WebApplicationType.NONE)
                .properties(Map.ofEntries(
                        Map.entry("spring.main.banner-mode", "off"),
                        Map.entry("spring.application.name", "shop"),
                        Map.entry("spring.datasource.url", url),
                        Map.entry("spring.datasource.username", server.user()),
                        Map.entry("spring.datasource.password", server.password()),
                        Map.entry(
                                "spring.flyway.locations",
                                kind == TestDatabase.Kind.POSTGRESQL ? "classpath:db/pg" : "classpath:db/mariadb"),
                        Map.entry("spring.jpa.hibernate.ddl-auto", "none"),
                        Map.entry("spring.jpa.open-in-view", "false"),
                        Map.entry("spring.jpa.properties.hibernate.jdbc.batch_size", "20"),
                        Map.entry("spring.jpa.properties.hibernate.order_updates", "true"),
                        Map.entry("schemashift.config", config.toString()),
                        Map.entry("logging.level.root", "WARN")))
                .run();
    }

    /**
     * The operator's step before a side starts generating keys again: move its identity past the
     * other side's largest key (PostgreSQL; MariaDB's AUTO_INCREMENT follows explicit ids itself).
     */
    private static void keysAfterNewMax(
            TestDatabase server, String url, TestDatabase.Kind kind, String table, String other) throws Exception {
        if (kind != TestDatabase.Kind.POSTGRESQL) {
            return;
        }
        try (Connection c = server.connect(url);
                Statement s = c.createStatement()) {
            s.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), "
                    + "GREATEST((SELECT COALESCE(max(id), 1) FROM " + table + "), (SELECT COALESCE(max(id), 1) FROM "
                    + other + ")))");
        }
    }

    private static List<String> tables(TestDatabase server, String url) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = server.connect(url);
                ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static long count(TestDatabase server, String url, String sql) throws Exception {
        try (Connection c = server.connect(url);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double sum(MeterRegistry registry, String name, String migration, String... tags) {
        return registry.find(name).tag("migration", migration).tags(tags).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** The application's own use of its repository and service, once per phase. */
    private record Workload(ShopService shop, CustomerRepository customers) {

        void run(String tag) {
            List<Long> ids = shop.register(tag, 5);
            assertThat(ids).hasSize(5).doesNotContainNull().doesNotHaveDuplicates();

            shop.renameAll(ids, "+");
            shop.lockAndRename(ids.get(0), "Locked " + tag);
            assertThat(customers.findById(ids.get(0)).orElseThrow().getName()).isEqualTo("Locked " + tag);

            Customer first = customers.findById(ids.get(1)).orElseThrow();
            Customer stale = customers.findById(ids.get(1)).orElseThrow();
            first.setName("First " + tag);
            customers.save(first);
            stale.setName("Stale " + tag);
            assertThatThrownBy(() -> customers.save(stale)).isInstanceOf(ObjectOptimisticLockingFailureException.class);
            assertThat(customers.findById(ids.get(1)).orElseThrow().getName()).isEqualTo("First " + tag);

            Page<Customer> page = customers.findAll(PageRequest.of(1, 2, Sort.by("id")));
            assertThat(page.getContent()).hasSize(2);
            assertThat(page.getTotalElements()).isGreaterThanOrEqualTo(5);

            List<Customer> mine = customers.findByEmailLike("%@" + tag + ".example");
            assertThat(mine).extracting(Customer::getId).containsExactlyElementsOf(ids);
            assertThat(mine.get(2).getName()).isEqualTo("Name " + tag + " 2+");

            assertThatThrownBy(() -> shop.registerThenFail(tag)).hasMessage("rolled back on purpose");
            assertThat(customers.findByEmailLike(tag + "@doomed.example")).isEmpty();

            shop.remove(ids.get(4));
            assertThat(customers.existsById(ids.get(4))).isFalse();
        }
    }

    /** The operator: the CLI jar, run as its own process against the application's database. */
    private record Operator(TestDatabase server, String url, Path config) {

        String ok(String... command) throws IOException, InterruptedException {
            List<String> args = new ArrayList<>(List.of(
                    "java",
                    // a short-lived command: start fast rather than run fast
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-jar",
                    CLI_JAR.toString(),
                    "--config=" + config,
                    "--url=" + url,
                    "--user=" + server.user()));
            if (!server.password().isEmpty()) {
                args.add("--password=" + server.password());
            }
            args.addAll(List.of(command));
            if (command[0].equals("phase") || command[0].equals("rollback")) {
                args.addAll(List.of("--reason", "JpaApplicationIT"));
            }
            Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue())
                    .as("schemashift %s:%n%s", command[0], output)
                    .isZero();
            return output;
        }

        /** Runs {@code command} and waits until the application applies {@code phase}. */
        void move(SchemaShiftDataSource app, String phase, String... command) throws Exception {
            ok(command);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            MigrationRuntime.Status status = app.status().orElseThrow();
            while (!status.phase().configName().equals(phase) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                status = app.status().orElseThrow();
            }
            assertThat(status.phase().configName()).isEqualTo(phase);
        }
    }
}
