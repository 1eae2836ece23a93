package io.schemashift.shadow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.schemashift.routing.MigrationFixture;
import java.time.Duration;

/** Test helpers: the shadow meters of one fixture's migration, and waiting for its comparisons. */
final class ShadowMeters {
    /** A real registry under the global one, so that counters count (the global registry alone is a no-op). */
    static final PrometheusMeterRegistry PROMETHEUS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    static {
        Metrics.addRegistry(PROMETHEUS);
    }

    private ShadowMeters() {}

    static double outcome(MigrationFixture fx, String outcome) {
        return Metrics.globalRegistry
                .find(ShadowMetrics.COMPARISONS)
                .tag("migration", fx.migration)
                .tag("outcome", outcome)
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    static double skipped(MigrationFixture fx, String reason) {
        return Metrics.globalRegistry
                .find(ShadowMetrics.SKIPS)
                .tag("migration", fx.migration)
                .tag("reason", reason)
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    static double divergences(MigrationFixture fx) {
        return Metrics.globalRegistry.find("schemashift.divergences").tag("migration", fx.migration).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** Waits until the migration's shadow executor is idle. */
    static void drain(MigrationFixture fx) throws Exception {
        ShadowReads reads = fx.runtime().shadow();
        if (!reads.drain(Duration.ofSeconds(30))) {
            throw new AssertionError("shadow comparisons still running after 30s");
        }
    }
}
