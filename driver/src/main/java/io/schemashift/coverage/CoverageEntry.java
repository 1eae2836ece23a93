package io.schemashift.coverage;

import io.schemashift.config.Phase;
import io.schemashift.rewriter.StatementKind;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One statement shape as the coverage reports it: its verdict in every phase and how often it ran
 * in each. Immutable.
 *
 * @param fingerprint the shape's hash (as in mismatch reports and the divergence log)
 * @param tables the mapped (old) tables it touches, comma-separated
 * @param verdicts one per phase, in phase order
 * @param reason why it is refused or its writes are not mirrored ({@code null}: it is not)
 * @param example the statement with its literals replaced by {@code ?}
 * @param counts executions seen in each phase
 */
public record CoverageEntry(
        String fingerprint,
        String tables,
        StatementKind kind,
        List<Verdict> verdicts,
        String reason,
        String example,
        Map<Phase, Long> counts,
        Instant firstSeen,
        Instant lastSeen) {

    public CoverageEntry {
        verdicts = List.copyOf(verdicts);
        counts = Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    /** The verdict in {@code phase}. */
    public Verdict verdict(Phase phase) {
        return verdicts.get(phase.ordinal());
    }

    /** Executions seen in every phase together. */
    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether the rewriter refused it (its reason is a refusal, not a non-determinism). */
    public boolean refused() {
        return reason != null && !reason.startsWith("nondeterministic_");
    }

    /** Whether, in some phase, it is not rewritten and mirrored as the migration needs (refused, recorded, failing). */
    public boolean changesBehaviour() {
        return verdicts.stream().anyMatch(v -> v == Verdict.RECORDED || v == Verdict.REFUSED || v == Verdict.FAILS);
    }

    /** {@code counts} in phase order as a map. */
    static Map<Phase, Long> counts(long[] inPhaseOrder) {
        Map<Phase, Long> m = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            m.put(p, inPhaseOrder[p.ordinal()]);
        }
        return m;
    }
}
