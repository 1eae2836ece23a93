package io.schemashift.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.schemashift.SchemaShift;
import io.schemashift.routing.MigrationFixture;
import io.schemashift.runtime.Runtimes;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MeterBindingTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private MigrationFixture fx;

    @AfterEach
    void unbind() throws Exception {
        // closed at once: a registry bound later would otherwise receive this runtime's meters too
        Runtimes.close(fx.runtime());
        SchemaShift.unbindMeterRegistry(registry);
        SchemaShift.latencyHistograms(false);
    }

    private MigrationFixture insertOne() throws Exception {
        fx = MigrationFixture.create(TestDatabases.h2(), true, "phase: dual-write\n");
        try (Connection c = fx.connect();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO customers (id, name, email) VALUES (?, ?, ?)")) {
            insert.setInt(1, 1);
            insert.setString(2, "Ada");
            insert.setString(3, "ada@x");
            insert.executeUpdate();
        }
        return fx;
    }

    @Test
    void meterRegistry_bound_receivesEveryMeter() throws Exception {
        SchemaShift.meterRegistry(registry);
        MigrationFixture fx = insertOne();

        assertThat(registry.get("schemashift.statements")
                        .tag("migration", fx.migration)
                        .tag("kind", "insert")
                        .tag("route", "old_and_new")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("schemashift.rewrite.cache.gets")
                        .tag("migration", fx.migration)
                        .tag("result", "miss")
                        .functionCounter()
                        .count())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get("schemashift.rewrite.cache.size")
                        .tag("migration", fx.migration)
                        .gauge()
                        .value())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.find("cache.gets").meters())
                .as("the old Caffeine names are gone")
                .isEmpty();
        assertThat(registry.get("schemashift.phase")
                        .tag("migration", fx.migration)
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("schemashift.routing.percent")
                        .tag("migration", fx.migration)
                        .tag("kind", "read_new")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("schemashift.divergences.backlog")
                        .tag("migration", fx.migration)
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("hikaricp.connections")
                        .tag("pool", "schemashift-" + fx.migration)
                        .gauge()
                        .value())
                .as("the new side's pool reports through HikariCP's Micrometer tracker")
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void meterRegistry_boundAfterStart_runningMigrationKeepsItsRegistry() throws Exception {
        MigrationFixture fx = insertOne();

        SchemaShift.meterRegistry(registry);

        assertThat(registry.find("schemashift.statements")
                        .tag("migration", fx.migration)
                        .meters())
                .isEmpty();
        assertThat(fx.count("schemashift.statements", "route", "old_and_new")).isEqualTo(1);
    }

    @Test
    void meterRegistry_bound_globalRegistryNoLongerCounts() throws Exception {
        SchemaShift.meterRegistry(registry);
        MigrationFixture fx = insertOne();

        assertThat(Metrics.globalRegistry
                        .find("schemashift.statements")
                        .tag("migration", fx.migration)
                        .meters())
                .isEmpty();
    }

    @Test
    void unbindMeterRegistry_lastOne_globalRegistryCountsAgain() throws Exception {
        SchemaShift.meterRegistry(registry);
        SchemaShift.unbindMeterRegistry(registry);
        MigrationFixture fx = insertOne();

        assertThat(Metrics.globalRegistry
                        .get("schemashift.statements")
                        .tag("migration", fx.migration)
                        .tag("route", "old_and_new")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.find("schemashift.statements")
                        .tag("migration", fx.migration)
                        .meters())
                .isEmpty();
    }

    @Test
    void latencyHistograms_on_sideLatencyPublishesBuckets() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SchemaShift.latencyHistograms(true);
        SchemaShift.meterRegistry(prometheus);
        try {
            MigrationFixture fx = insertOne();
            assertThat(prometheus.scrape())
                    .contains("schemashift_side_latency_seconds_bucket{migration=\"" + fx.migration
                            + "\",role=\"primary\",side=\"old\",le=\"0.001\"}");
        } finally {
            SchemaShift.unbindMeterRegistry(prometheus);
        }
    }

    @Test
    void latencyHistograms_default_noBuckets() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SchemaShift.meterRegistry(prometheus);
        try {
            MigrationFixture fx = insertOne();
            assertThat(prometheus.scrape())
                    .contains("schemashift_side_latency_seconds_count{migration=\"" + fx.migration + "\"")
                    .doesNotContain("schemashift_side_latency_seconds_bucket");
        } finally {
            SchemaShift.unbindMeterRegistry(prometheus);
        }
    }

    @Test
    void meterRegistry_null_rejectedWithItsName() throws Exception {
        insertOne();
        assertThatThrownBy(() -> SchemaShift.meterRegistry(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MeterRegistry");
    }
}
