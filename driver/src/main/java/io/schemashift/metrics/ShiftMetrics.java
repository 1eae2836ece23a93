package io.schemashift.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.schemashift.control.ControlHealth;
import io.schemashift.rewriter.StatementKind;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The driver's meters, every one tagged with {@code migration}. Meters on the statement path are
 * resolved once, here, so that recording is a field read and an add. Tag values come from closed
 * sets (enums, configured table names); SQL text and values never become tags. See
 * docs/metrics.md. Thread-safe.
 */
public final class ShiftMetrics {

    /** Where a statement ran. */
    public enum Route {
        OLD,
        NEW,
        OLD_AND_NEW,
        NEW_AND_OLD
    }

    /** What became of one mirrored write. */
    public enum MirrorOutcome {
        OK,
        FAILED,
        TIMEOUT,
        BREAKER_OPEN,
        REFUSED,
        /** Ran, but changed a different number of rows than the primary (recorded for repair). */
        COUNT_MISMATCH
    }

    /** Why a read picked for the new side in {@code read-new} was served by the old side. */
    public enum Fallback {
        /** The separate new database is down: its breaker open, or no connection within the budget. */
        UNAVAILABLE,
        /** The read failed on the new side. */
        FAILED
    }

    /** Which side, and in which role, a latency was measured on. */
    public enum Leg {
        OLD_PRIMARY,
        NEW_PRIMARY,
        OLD_MIRROR,
        NEW_MIRROR,
        OLD_SHADOW,
        NEW_SHADOW
    }

    private final MeterRegistry registry;
    private final Tags common;
    private final Map<StatementKind, Counter[]> statements = new ConcurrentHashMap<>();
    private final EnumMap<MirrorOutcome, Counter> mirrored = new EnumMap<>(MirrorOutcome.class);
    private final EnumMap<Fallback, Counter> fallbacks = new EnumMap<>(Fallback.class);
    private final EnumMap<Leg, Timer> latency = new EnumMap<>(Leg.class);
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Map<String, Counter> divergences = new ConcurrentHashMap<>();
    private final String migration;
    private final Counter divergencesLost;
    private final Counter intentFailures;
    private final Counter intentsRecovered;
    // Totals for the heartbeat, kept here because meters read 0 when no registry is attached.
    private final LongAdder statementTotal = new LongAdder();
    private final LongAdder divergenceTotal = new LongAdder();
    private final LongAdder mismatchTotal = new LongAdder();
    private final LongAdder comparisonTotal = new LongAdder();
    private final ControlHealth health;

    /**
     * What this runtime has counted since it started, as the heartbeat reports it.
     *
     * @param comparisons shadow comparisons that ran (match, mismatch or transient)
     */
    public record Totals(long statements, long divergences, long mismatches, long comparisons) {}

    public ShiftMetrics(MeterRegistry registry, String migration) {
        this.registry = registry;
        this.migration = migration;
        this.common = Tags.of("migration", migration);
        this.health = new ControlHealth(registry, common);
        this.divergencesLost = Counter.builder("schemashift.divergences.lost")
                .description("Divergence records that could not be written to the divergence table")
                .baseUnit("records")
                .tags(common)
                .register(registry);
        this.intentFailures = Counter.builder("schemashift.intent.failures")
                .description("Intent records that could not be written (a crash between the two commits would go"
                        + " unrecorded)")
                .baseUnit("transactions")
                .tags(common)
                .register(registry);
        this.intentsRecovered = Counter.builder("schemashift.intent.recovered")
                .description("Stale intent records (a second commit that never happened) turned into divergences")
                .baseUnit("transactions")
                .tags(common)
                .register(registry);
        for (MirrorOutcome outcome : MirrorOutcome.values()) {
            mirrored.put(
                    outcome,
                    Counter.builder("schemashift.mirror.writes")
                            .description("Writes mirrored to the other side, by outcome")
                            .baseUnit("statements")
                            .tags(common)
                            .tag("outcome", tag(outcome))
                            .register(registry));
        }
        for (Fallback cause : Fallback.values()) {
            fallbacks.put(
                    cause,
                    Counter.builder("schemashift.reads.fallbacks")
                            .description("Reads picked for the new side in read-new that the old side served, by cause")
                            .baseUnit("statements")
                            .tags(common)
                            .tag("cause", tag(cause))
                            .register(registry));
        }
        for (Leg leg : Leg.values()) {
            String[] parts = tag(leg).split("_");
            latency.put(
                    leg,
                    Timer.builder("schemashift.side.latency")
                            .description("Time a statement spent on one side, by side and role")
                            .tags(common)
                            .tag("side", parts[0])
                            .tag("role", parts[1])
                            .publishPercentileHistogram(Registries.latencyHistograms())
                            .register(registry));
        }
    }

    /** The registry these meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Removes every meter of this migration from the registry (the runtime is closing): a runtime
     * started again for the same file must not find gauges still bound to this one.
     */
    public void removeAll() {
        for (Meter meter : List.copyOf(registry.getMeters())) {
            if (migration.equals(meter.getId().getTag("migration"))) {
                registry.remove(meter);
            }
        }
    }

    /** The tags every SchemaShift meter carries. */
    public Tags common() {
        return common;
    }

    /** Counts one statement of {@code kind} on a mapped table that ran on {@code route}. */
    public void statement(StatementKind kind, Route route) {
        statements.computeIfAbsent(kind, this::statementCounters)[route.ordinal()].increment();
        statementTotal.increment();
    }

    private Counter[] statementCounters(StatementKind kind) {
        Counter[] byRoute = new Counter[Route.values().length];
        for (Route route : Route.values()) {
            byRoute[route.ordinal()] = Counter.builder("schemashift.statements")
                    .description("Statements seen by the driver, by kind and the sides they ran on")
                    .baseUnit("statements")
                    .tags(common)
                    .tag("kind", tag(kind))
                    .tag("route", tag(route))
                    .register(registry);
        }
        return byRoute;
    }

    /** Counts a read picked for the new side in {@code read-new} that the old side served, and why. */
    public void readFellBack(Fallback cause) {
        fallbacks.get(cause).increment();
    }

    public void mirrored(MirrorOutcome outcome) {
        mirrored.get(outcome).increment();
    }

    public Timer latency(Leg leg) {
        return latency.get(leg);
    }

    /**
     * Counts divergence records that never reached the divergence table (queue full, or the
     * primary database refused the batch): after any, only a full {@code verify} is complete.
     */
    public void divergencesLost(int records) {
        divergencesLost.increment(records);
    }

    /** Counts an intent record that could not be written: that transaction's crash window stays open. */
    public void intentFailed() {
        intentFailures.increment();
    }

    /** Counts intent records found stale (a second commit that never happened) and turned into divergences. */
    public void intentsRecovered(int records) {
        intentsRecovered.increment(records);
    }

    /** Counts a statement that ran on the primary only because it could not be routed. */
    public void refused(String reason) {
        refusals.computeIfAbsent(reason, r -> Counter.builder("schemashift.rewrite.refusals")
                        .description("Statements on mapped tables that ran on the primary only, by reason")
                        .baseUnit("statements")
                        .tags(common)
                        .tag("reason", r)
                        .register(registry))
                .increment();
    }

    /** Counts one recorded divergence of (configured) {@code table}. */
    public void diverged(String table, String reason) {
        divergences
                .computeIfAbsent(table + '\0' + reason, k -> Counter.builder("schemashift.divergences")
                        .description("Rows that may differ between the sides, recorded for repair")
                        .baseUnit("rows")
                        .tags(common)
                        .tag("table", table)
                        .tag("reason", reason)
                        .register(registry))
                .increment();
        divergenceTotal.increment();
    }

    /**
     * Counts one shadow comparison that disagreed, for the heartbeat (the shadow path calls it
     * next to its own outcome meter).
     */
    public void mismatched() {
        mismatchTotal.increment();
    }

    /**
     * Counts one shadow comparison that ran to a verdict: the evidence the phase guards ask for
     * before a move past {@code shadow-read}.
     */
    public void compared() {
        comparisonTotal.increment();
    }

    /** The totals since start, for the heartbeat. */
    public Totals totals() {
        return new Totals(statementTotal.sum(), divergenceTotal.sum(), mismatchTotal.sum(), comparisonTotal.sum());
    }

    /** The health of the control-plane I/O (failures, lost records), reported in the heartbeat. */
    public ControlHealth health() {
        return health;
    }

    /**
     * The rewrite cache's hit, miss and eviction counts and size, as {@code schemashift.rewrite.cache.*}
     * (the cache must record statistics).
     */
    public void rewriteCache(Cache<?, ?> cache) {
        for (String result : List.of("hit", "miss")) {
            FunctionCounter.builder(
                            "schemashift.rewrite.cache.gets",
                            cache,
                            c -> result.equals("hit")
                                    ? c.stats().hitCount()
                                    : c.stats().missCount())
                    .description("Rewrite cache look-ups, by result: a low hit ratio means SQL built with literals")
                    .baseUnit("lookups")
                    .tags(common)
                    .tag("result", result)
                    .register(registry);
        }
        FunctionCounter.builder("schemashift.rewrite.cache.evictions", cache, c -> c.stats()
                        .evictionCount())
                .description("Rewrite results evicted from the cache (it is full)")
                .baseUnit("entries")
                .tags(common)
                .register(registry);
        Gauge.builder("schemashift.rewrite.cache.size", cache, Cache::estimatedSize)
                .description("Rewrite results held in the cache (estimated)")
                .baseUnit("entries")
                .tags(common)
                .register(registry);
    }

    /** A gauge of {@code value}, e.g. the phase or the breaker state. */
    public void gauge(String name, String description, Tags tags, Supplier<Number> value) {
        Gauge.builder(name, value)
                .description(description)
                .tags(common)
                .tags(tags)
                .register(registry);
    }

    /** A metric tag value: lower case, dashes. */
    public static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
