package io.schemashift.compare;

import java.util.Objects;

/**
 * Compares the rows two sides returned for one read: the entry point of this module.
 *
 * <pre>{@code
 * ShadowComparator comparator = ShadowComparator.create(rules)
 *         .withMetrics(CompareMetrics.monitor(registry, "split-customer-name"));
 * ComparisonResult result = comparator.compare(ComparisonInput.builder()
 *         .columns(primaryLabels, otherLabels)
 *         .key(List.of("id"))
 *         .tables(Set.of("customers"))
 *         .orderBy(true)
 *         .rows(primaryRows, otherRows)
 *         .build());
 * }</pre>
 *
 * <p>Ordered comparisons stream both sides in lockstep and keep nothing but the samples. Multiset comparisons keep a
 * few hashes per row of the primary side (its values too only in {@link ValuesMode#PLAIN}), at most
 * {@link CompareRules#maxRows()} rows.
 *
 * <p>Immutable and thread-safe: one instance may run any number of comparisons at once.
 */
public final class ShadowComparator {
    private final CompareRules rules;
    private final Values values;
    private final CompareMetrics metrics;

    private ShadowComparator(CompareRules rules, CompareMetrics metrics) {
        this.rules = rules;
        this.values = new Values(rules);
        this.metrics = metrics;
    }

    /**
     * Returns a comparator applying these rules, recording no meters.
     *
     * @throws NullPointerException if {@code rules} is null
     */
    public static ShadowComparator create(CompareRules rules) {
        return new ShadowComparator(Objects.requireNonNull(rules, "rules"), null);
    }

    /**
     * Returns a comparator with the same rules that records each comparison in these meters.
     *
     * @throws NullPointerException if {@code metrics} is null
     */
    public ShadowComparator withMetrics(CompareMetrics metrics) {
        return new ShadowComparator(rules, Objects.requireNonNull(metrics, "metrics"));
    }

    /** The rules this comparator applies. */
    public CompareRules rules() {
        return rules;
    }

    /**
     * Reads both sides' rows and compares them, on the calling thread.
     *
     * @return the outcome, and on {@link Outcome#MISMATCH} the report
     * @throws NullPointerException if {@code input} is null
     * @throws IllegalArgumentException if a row has more or fewer values than there are columns
     * @throws RuntimeException whatever a row iterator throws, unchanged; the comparison is then abandoned
     */
    public ComparisonResult compare(ComparisonInput input) {
        Objects.requireNonNull(input, "input");
        long start = System.nanoTime();
        ComparisonResult result = new Comparison(rules, values, input).run();
        if (metrics != null) {
            metrics.record(
                    input.tables(), Math.max(result.primaryRows(), result.otherRows()), System.nanoTime() - start);
        }
        return result;
    }

    @Override
    public String toString() {
        return "ShadowComparator[" + rules + "]";
    }
}
