package io.schemashift.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * Which registry a migration runtime registers its meters in when it starts: Micrometer's {@link
 * Metrics#globalRegistry} until the application binds registries of its own ({@code
 * SchemaShift.meterRegistry(…)}), then those only (through one composite), so that a registry that
 * is also in the global one does not count twice. A runtime keeps the registry it started with.
 * Thread-safe.
 */
public final class Registries {

    private static final CompositeMeterRegistry BOUND = new CompositeMeterRegistry();
    private static volatile boolean histograms;

    private Registries() {}

    /** The registry a runtime starting now registers in. */
    public static synchronized MeterRegistry current() {
        return BOUND.getRegistries().isEmpty() ? Metrics.globalRegistry : BOUND;
    }

    /**
     * Sends the meters of runtimes started from now on to {@code registry} (and any other bound
     * one) instead of the global registry. Binding the same registry twice is a no-op.
     *
     * @throws IllegalArgumentException if {@code registry} is null or is SchemaShift's own composite
     */
    public static synchronized void bind(MeterRegistry registry) {
        if (registry == null || registry == BOUND) {
            throw new IllegalArgumentException("the MeterRegistry to bind must be the application's, not null");
        }
        BOUND.add(registry);
    }

    /**
     * Stops sending meters to {@code registry} (an application context closing); with none bound
     * any more, runtimes started afterwards use the global registry again.
     */
    public static synchronized void unbind(MeterRegistry registry) {
        if (registry != null) {
            BOUND.remove(registry);
        }
    }

    /**
     * Publishes percentile histograms ({@code _bucket} series) for the {@code
     * schemashift.side.latency} timers of runtimes started from now on.
     */
    public static void latencyHistograms(boolean on) {
        histograms = on;
    }

    static boolean latencyHistograms() {
        return histograms;
    }
}
