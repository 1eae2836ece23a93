package io.schemashift.control;

import io.schemashift.config.Phase;
import java.time.Duration;
import java.time.Instant;

/**
 * What one driver instance reported in its last heartbeat.
 *
 * @param instanceId {@code host:pid:appName}
 * @param phase the phase the instance applies
 * @param configVersion the rollout version it applies (0: from its file, no control table)
 * @param lastBeat when it wrote this
 * @param statements statements it has run since it started
 * @param divergences mirror writes it has recorded as divergent since it started
 * @param mismatches shadow comparisons that disagreed since it started
 * @param startedAt when the instance started
 * @param comparisons shadow comparisons that ran (match, mismatch or transient) since it applied
 *     {@code configVersion}
 * @param lostRecords divergence records and mismatch reports it could not write since it started
 * @param logFailure {@code operation:kind} while it cannot write divergence records or mismatch
 *     reports ({@link ControlHealth#logFailure()}), else {@code null}
 */
public record InstanceBeat(
        String instanceId,
        Phase phase,
        long configVersion,
        Instant lastBeat,
        long statements,
        long divergences,
        long mismatches,
        Instant startedAt,
        long comparisons,
        long lostRecords,
        String logFailure) {

    /** A beat with no comparisons, nothing lost and no logging failure. */
    public InstanceBeat(
            String instanceId,
            Phase phase,
            long configVersion,
            Instant lastBeat,
            long statements,
            long divergences,
            long mismatches,
            Instant startedAt) {
        this(instanceId, phase, configVersion, lastBeat, statements, divergences, mismatches, startedAt, 0, 0, null);
    }

    /** Whether it reports lost records or a logging failure: its divergence evidence is incomplete. */
    public boolean evidenceIncomplete() {
        return lostRecords > 0 || logFailure != null;
    }

    /** How long ago the last beat was, seen at {@code now}. */
    public Duration age(Instant now) {
        return Duration.between(lastBeat, now);
    }

    /** Whether the instance missed its beats: the last one is older than three poll intervals. */
    public boolean stale(Instant now, Duration poll) {
        return age(now).compareTo(poll.multipliedBy(3)) > 0;
    }
}
