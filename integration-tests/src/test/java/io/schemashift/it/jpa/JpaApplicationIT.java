package io.schemashift.it.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The shop under Spring Boot 4.0 (Spring Data JPA, Hibernate 7, Flyway, HikariCP, the starter)
 * through every phase, one rollback included, while an operator moves the migration with the real
 * CLI jar through the control table ({@link ShopTour}); module {@code integration-tests-boot3}
 * runs the same shop under Spring Boot 3.5.
 */
class JpaApplicationIT {

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void shop_everyPhaseAndOneRollback_sidesEqualNoDivergence(TestDatabase.Kind kind) throws Exception {
        ShopTour.run(kind, "shop", (app, migration) -> {
            Health health = app.getBean("schemashiftHealthIndicator", HealthIndicator.class)
                    .health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails().get(migration).toString()).contains("phase=new-only");
        });
    }
}
