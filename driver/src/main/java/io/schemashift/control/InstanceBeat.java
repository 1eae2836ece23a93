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
 */
public record InstanceBeat(
        String instanceId,
        Phase phase,
        long configVersion,
        Instant lastBeat,
        long statements,
        long divergences,
        long mismatches,
        Instant startedAt) {

    /** How long ago the last beat was, seen at {@code now}. */
    public Duration age(Instant now) {
        return Duration.between(lastBeat, now);
    }

    /** Whether the instance missed its beats: the last one is older than three poll intervals. */
    public boolean stale(Instant now, Duration poll) {
        return age(now).compareTo(poll.multipliedBy(3)) > 0;
    }
}
