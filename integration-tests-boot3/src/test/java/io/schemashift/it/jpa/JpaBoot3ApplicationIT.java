package io.schemashift.it.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The shop of {@code integration-tests} under Spring Boot 3.5 (Spring Data JPA, Hibernate 6.6,
 * Flyway 11, HikariCP 6.3, the starter) through every phase, one rollback included ({@link
 * ShopTour}): IDENTITY keys, batched updates, {@code @Version}, {@code FOR UPDATE}, pagination, a
 * native {@code @Query}, a {@code @Transactional} rollback and Flyway's expand migration through
 * the driver at start-up.
 */
class JpaBoot3ApplicationIT {

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void shopOnBoot3_everyPhaseAndOneRollback_sidesEqualNoDivergence(TestDatabase.Kind kind) throws Exception {
        ShopTour.run(kind, "shop3", (app, migration) -> {
            Health health = app.getBean("schemashiftHealthIndicator", HealthIndicator.class)
                    .health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails().get(migration).toString()).contains("phase=new-only");
        });
    }
}
