package io.schemashift.compare;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of the comparisons themselves: rows compared and time taken, tagged {@code migration} and
 * {@code table}. Outcomes are counted by the driver, which also knows about errors, timeouts and dropped
 * comparisons.
 *
 * <ul>
 *   <li>{@value #ROWS_COMPARED} (distribution summary, rows): per comparison, the rows read from the larger side.
 *   <li>{@value #COMPARE_DURATION} (timer): per comparison, the time to read and compare both sides' rows.
 * </ul>
 *
 * <p>The {@code table} tag is the query's table, or its tables sorted and joined with {@code ,}, or {@code none};
 * the caller keeps it within a closed set by passing configured table names only. Thread-safe.
 */
public final class CompareMetrics {
    /** The name of the rows-compared summary. */
    public static final String ROWS_COMPARED = "schemashift.shadow.rows.compared";
    /** The name of the comparison timer. */
    public static final String COMPARE_DURATION = "schemashift.shadow.compare.duration";

    private final MeterRegistry registry;
    private final String migration;
    private final ConcurrentMap<String, Meters> byTable = new ConcurrentHashMap<>();

    private record Meters(DistributionSummary rows, Timer duration) {}

    private CompareMetrics(MeterRegistry registry, String migration) {
        this.registry = registry;
        this.migration = migration;
    }

    /**
     * Returns meters for one migration, registered in {@code registry} as comparisons happen.
     *
     * @throws NullPointerException if an argument is null
     */
    public static CompareMetrics monitor(MeterRegistry registry, String migration) {
        return new CompareMetrics(
                Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(migration, "migration"));
    }

    void record(Set<String> tables, long rows, long nanos) {
        Meters m = byTable.computeIfAbsent(tag(tables), this::meters);
        m.rows().record(rows);
        m.duration().record(nanos, TimeUnit.NANOSECONDS);
    }

    private Meters meters(String table) {
        Tags tags = Tags.of("migration", migration, "table", table);
        return new Meters(
                DistributionSummary.builder(ROWS_COMPARED)
                        .description("Rows read from the larger side of one shadow comparison")
                        .baseUnit("rows")
                        .tags(tags)
                        .register(registry),
                Timer.builder(COMPARE_DURATION)
                        .description("Time to read and compare both sides' rows of one shadow read")
                        .tags(tags)
                        .register(registry));
    }

    private static String tag(Set<String> tables) {
        return tables.isEmpty() ? "none" : String.join(",", new TreeSet<>(tables));
    }
}
