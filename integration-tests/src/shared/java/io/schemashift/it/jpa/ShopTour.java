package io.schemashift.it.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.schemashift.SchemaShiftDataSource;
import io.schemashift.it.EveryPhase;
import io.schemashift.it.Operator;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.orm.ObjectOptimisticLockingFailureException;

/**
 * The shop application (Spring Data JPA, Flyway, HikariCP, the starter on its classpath and
 * nothing else changed) taken through {@link EveryPhase}, the same under Spring Boot 3.5
 * (Hibernate 6.6) and 4.0 (Hibernate 7): only the health API differs, so the caller checks the
 * health component at the end. Flyway creates the new table (the expand migration) through the
 * driver at start-up.
 */
public final class ShopTour {

    /** The Boot-version-specific check of the application at the end, in new-only. */
    @FunctionalInterface
    public interface Finally {
        void check(ConfigurableApplicationContext app, String migration) throws Exception;
    }

    private ShopTour() {}

    /** Starts the shop on a fresh database of {@code kind} and takes it through every phase. */
    public static void run(TestDatabase.Kind kind, String name, Finally health) throws Exception {
        TestDatabase server = TestDatabases.of(kind);
        String suffix = ProcessHandle.current().pid() + "_" + kind.name().toLowerCase(Locale.ROOT);
        String url = server.create("it_" + name + "_" + suffix);
        String migration = name + "-" + suffix.replace('_', '-');
        // oldColumns: the driver's first connection is Flyway's, before V1 creates the old table
        Path config = EveryPhase.config(migration, true);
        Operator operator = new Operator(server, url, config, name);

        try (ConfigurableApplicationContext app = start(server, url, config, kind)) {
            operator.ok("init"); // after Flyway's first run, which wants an empty schema
            SchemaShiftDataSource dataSource = (SchemaShiftDataSource) app.getBean(DataSource.class);
            Operator.awaitWritesAllowed(dataSource);
            assertThat(tables(server, url))
                    .as("Flyway ran V1 and V2 through the driver")
                    .contains("customers", "clients");
            Workload workload = new Workload(app.getBean(ShopService.class), app.getBean(CustomerRepository.class));

            EveryPhase.run(operator, dataSource, kind, app.getBean(MeterRegistry.class), migration, workload::run);

            health.check(app, migration);
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
            assertThat(customers.findByRef(mine.get(3).getRef()))
                    .as("found by its reference, read back as the text the entity holds")
                    .hasValueSatisfying(c -> assertThat(c.getId()).isEqualTo(ids.get(3)));
            assertThat(mine.get(2).getName()).isEqualTo("Name " + tag + " 2+");

            shop.upsertName(ids.get(2), "Upserted " + tag);
            assertThat(customers.findById(ids.get(2)).orElseThrow().getName()).isEqualTo("Upserted " + tag);

            assertThatThrownBy(() -> shop.registerThenFail(tag)).hasMessage("rolled back on purpose");
            assertThat(customers.findByEmailLike(tag + "@doomed.example")).isEmpty();

            shop.remove(ids.get(4));
            assertThat(customers.existsById(ids.get(4))).isFalse();
        }
    }
}
