package io.schemashift.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/**
 * The driver's counters that the demo's timeline shows, read from a registry: statements,
 * mirrored writes, shadow comparisons and mismatches. See docs/metrics.md for the meters.
 *
 * @param compared shadow comparisons of any outcome; {@code -1} when the driver registered no
 *     comparison meter (a build without shadow reads)
 * @param mismatched shadow comparisons whose outcome was mismatch; {@code -1} likewise
 */
record DemoMeters(long statements, long mirrored, long mirrorFailed, long compared, long mismatched) {

    static final String STATEMENTS = "schemashift.statements";
    static final String MIRRORED = "schemashift.mirror.writes";
    static final String COMPARED = "schemashift.shadow.comparisons";

    /** The counters of {@code migration} now. */
    static DemoMeters read(MeterRegistry registry, String migration) {
        long mirroredOk =
                sum(registry.find(MIRRORED).tag("migration", migration).tag("outcome", "ok"));
        long mirroredAll = sum(registry.find(MIRRORED).tag("migration", migration));
        Search comparisons = registry.find(COMPARED).tag("migration", migration);
        boolean shadow = !comparisons.counters().isEmpty();
        return new DemoMeters(
                sum(registry.find(STATEMENTS).tag("migration", migration)),
                mirroredOk,
                mirroredAll - mirroredOk,
                shadow ? sum(comparisons) : -1,
                shadow ? sum(registry.find(COMPARED).tag("migration", migration).tag("outcome", "mismatch")) : -1);
    }

    /** What happened between {@code before} and now. */
    DemoMeters since(DemoMeters before) {
        return new DemoMeters(
                statements - before.statements,
                mirrored - before.mirrored,
                mirrorFailed - before.mirrorFailed,
                compared < 0 ? -1 : compared - Math.max(0, before.compared),
                mismatched < 0 ? -1 : mismatched - Math.max(0, before.mismatched));
    }

    /** Whether the driver counts shadow comparisons. */
    boolean shadowReads() {
        return compared >= 0;
    }

    private static long sum(Search search) {
        return Math.round(search.counters().stream().mapToDouble(Counter::count).sum());
    }
}
