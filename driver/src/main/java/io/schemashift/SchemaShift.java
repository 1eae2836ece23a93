package io.schemashift;

import io.micrometer.core.instrument.MeterRegistry;
import io.schemashift.metrics.Registries;

/**
 * Process-wide settings for applications that use SchemaShift through plain JDBC, a {@link
 * SchemaShiftDataSource} or a framework. Call them at start-up, before the first connection; the
 * Spring Boot starter calls them for you. Thread-safe.
 *
 * <pre>{@code
 * SchemaShift.meterRegistry(prometheusRegistry);
 * }</pre>
 */
public final class SchemaShift {

    private SchemaShift() {}

    /**
     * Registers SchemaShift's meters (see docs/metrics.md) in {@code registry} rather than in
     * Micrometer's {@code Metrics.globalRegistry}, which is used only while no registry is bound.
     * Applies to migrations started afterwards (by their first connection): call it first. May be
     * called more than once, for several registries.
     *
     * @throws IllegalArgumentException if {@code registry} is null
     */
    public static void meterRegistry(MeterRegistry registry) {
        Registries.bind(registry);
    }

    /**
     * Undoes {@link #meterRegistry(MeterRegistry)} for {@code registry} (its application context
     * closed); a null or unbound registry is ignored.
     */
    public static void unbindMeterRegistry(MeterRegistry registry) {
        Registries.unbind(registry);
    }

    /**
     * Publishes percentile histograms for {@code schemashift.side.latency} (off by default: they
     * add about 70 series per side and role), for migrations started after the call.
     */
    public static void latencyHistograms(boolean on) {
        Registries.latencyHistograms(on);
    }
}
