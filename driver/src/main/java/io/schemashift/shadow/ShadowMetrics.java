package io.schemashift.shadow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.schemashift.metrics.ShiftMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The driver's shadow-read meters (docs/metrics.md, "Shadow reads"). Tag values come from closed sets: outcomes,
 * skip reasons, configured table names, and at most {@link #FINGERPRINT_TAGS} query fingerprints, the rest counted
 * as {@code other}. Thread-safe.
 */
final class ShadowMetrics {
    static final String COMPARISONS = "schemashift.shadow.comparisons";
    static final String SKIPS = "schemashift.shadow.skips";
    static final String QUEUE_DEPTH = "schemashift.shadow.queue.depth";
    static final String REPORTS = "schemashift.shadow.reports";
    /** Query shapes that get their own {@code fingerprint} tag value; later ones count as {@code other}. */
    static final int FINGERPRINT_TAGS = 20;

    static final String OTHER = "other";

    private final ShiftMetrics shift;
    private final MeterRegistry registry;
    private final Tags common;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Boolean> fingerprints = new ConcurrentHashMap<>();
    private final AtomicInteger fingerprintCount = new AtomicInteger();

    ShadowMetrics(ShiftMetrics shift, Supplier<Number> queueDepth) {
        this.shift = shift;
        this.registry = shift.registry();
        this.common = shift.common();
        shift.gauge(QUEUE_DEPTH, "Shadow comparisons waiting for an executor thread", Tags.empty(), queueDepth);
    }

    /**
     * The {@code fingerprint} tag value of a query shape: its hash for the first {@link #FINGERPRINT_TAGS} shapes
     * seen, else {@code other}.
     */
    String fingerprintTag(String hash) {
        if (fingerprints.containsKey(hash)) {
            return hash;
        }
        if (fingerprintCount.get() >= FINGERPRINT_TAGS) {
            return OTHER;
        }
        synchronized (fingerprints) {
            if (fingerprints.containsKey(hash)) {
                return hash;
            }
            if (fingerprintCount.get() >= FINGERPRINT_TAGS) {
                return OTHER;
            }
            fingerprints.put(hash, Boolean.TRUE);
            fingerprintCount.incrementAndGet();
            return hash;
        }
    }

    void outcome(ShadowOutcome outcome, String table, String fingerprint) {
        if (outcome == ShadowOutcome.MISMATCH) {
            shift.mismatched(); // the heartbeat's total
        }
        if (outcome == ShadowOutcome.MATCH || outcome == ShadowOutcome.MISMATCH || outcome == ShadowOutcome.TRANSIENT) {
            shift.compared(); // evidence for the phase guards
        }
        String tag = ShiftMetrics.tag(outcome);
        counters.computeIfAbsent("c\0" + tag + '\0' + table + '\0' + fingerprint, k -> Counter.builder(COMPARISONS)
                        .description("Shadowed reads by outcome, table and query fingerprint")
                        .tags(common)
                        .tag("outcome", tag)
                        .tag("table", table)
                        .tag("fingerprint", fingerprint)
                        .register(registry))
                .increment();
    }

    /** Counts a skipped read under {@code outcome=skipped} and under its reason. */
    void skipped(SkipReason skip, String table, String fingerprint) {
        outcome(ShadowOutcome.SKIPPED, table, fingerprint);
        String reason = ShiftMetrics.tag(skip);
        counters.computeIfAbsent("s\0" + reason + '\0' + table, k -> Counter.builder(SKIPS)
                        .description("Shadowed reads not compared, by reason and table")
                        .tags(common)
                        .tag("reason", reason)
                        .tag("table", table)
                        .register(registry))
                .increment();
    }

    /** The control-plane health, where the sink reports failures and lost reports. */
    io.schemashift.control.ControlHealth health() {
        return shift.health();
    }

    /** Counts a mismatch report by whether the sink took it. */
    void report(boolean written) {
        String result = written ? "written" : "failed";
        counters.computeIfAbsent("r\0" + result, k -> Counter.builder(REPORTS)
                        .description("Mismatch reports sent to report.mismatchTable, by result")
                        .tags(common)
                        .tag("result", result)
                        .register(registry))
                .increment();
    }
}
