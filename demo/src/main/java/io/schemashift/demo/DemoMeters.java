package io.schemashift.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The driver's counters that the demo's timeline shows, read from a registry. See
 * docs/metrics.md for the meters.
 *
 * @param statements {@code schemashift.statements}: statements the driver routed
 * @param mirrored {@code schemashift.mirror.writes{outcome=ok}}
 * @param mirrorFailed {@code schemashift.mirror.writes} of any other outcome
 * @param compared {@code schemashift.shadow.comparisons} that compared both sides: match,
 *     mismatch or transient (a difference gone when both sides were read again)
 * @param mismatched {@code schemashift.shadow.comparisons{outcome=mismatch}}
 */
record DemoMeters(long statements, long mirrored, long mirrorFailed, long compared, long mismatched) {

    private static final Set<String> COMPARED_OUTCOMES = Set.of("match", "mismatch", "transient");

    /** The counters of {@code migration} now. */
    static DemoMeters read(MeterRegistry registry, String migration) {
        long statements = 0;
        for (Counter c : registry.find("schemashift.statements")
                .tag("migration", migration)
                .counters()) {
            statements += Math.round(c.count());
        }
        long mirrored = 0;
        long mirrorFailed = 0;
        for (Counter c : registry.find("schemashift.mirror.writes")
                .tag("migration", migration)
                .counters()) {
            long n = Math.round(c.count());
            if ("ok".equals(c.getId().getTag("outcome"))) {
                mirrored += n;
            } else {
                mirrorFailed += n;
            }
        }
        long compared = 0;
        long mismatched = 0;
        for (Map.Entry<String, Long> e : shadowOutcomes(registry, migration).entrySet()) {
            compared += COMPARED_OUTCOMES.contains(e.getKey()) ? e.getValue() : 0;
            mismatched += e.getKey().equals("mismatch") ? e.getValue() : 0;
        }
        return new DemoMeters(statements, mirrored, mirrorFailed, compared, mismatched);
    }

    /** Shadowed reads by outcome ({@code match}, {@code mismatch}, {@code skipped}…), most first. */
    static Map<String, Long> shadowOutcomes(MeterRegistry registry, String migration) {
        Map<String, Long> byOutcome = new TreeMap<>();
        for (Counter c : registry.find("schemashift.shadow.comparisons")
                .tag("migration", migration)
                .counters()) {
            byOutcome.merge(c.getId().getTag("outcome"), Math.round(c.count()), Long::sum);
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        byOutcome.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** What happened between {@code before} and now. */
    DemoMeters since(DemoMeters before) {
        return new DemoMeters(
                statements - before.statements,
                mirrored - before.mirrored,
                mirrorFailed - before.mirrorFailed,
                compared - before.compared,
                mismatched - before.mismatched);
    }
}
