package io.schemashift.control;

import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rollout of one migration as the control table holds it: what every instance applies.
 * Immutable.
 *
 * @param migration the migration id
 * @param phase the phase of every table without an override
 * @param readNewPercent share of reads served from the new side in {@code read-new}, 0 to 100
 * @param shadowPercent share of reads also run on the other side and compared, 0 to 100
 * @param tablePhases per-table phase overrides, by lower-case old table name, sorted
 * @param version increases by one with every write; 0 for a rollout not yet stored
 * @param updatedAt when it was last written
 * @param updatedBy who wrote it last
 */
public record RolloutState(
        String migration,
        Phase phase,
        int readNewPercent,
        int shadowPercent,
        Map<String, Phase> tablePhases,
        long version,
        Instant updatedAt,
        String updatedBy) {

    /** @throws IllegalArgumentException if a percentage is outside 0 to 100 */
    public RolloutState {
        requirePercent("readNewPercent", readNewPercent);
        requirePercent("shadowPercent", shadowPercent);
        TreeMap<String, Phase> sorted = new TreeMap<>();
        tablePhases.forEach((table, p) -> sorted.put(table.toLowerCase(Locale.ROOT), p));
        tablePhases = Collections.unmodifiableMap(sorted);
    }

    /** The rollout the configuration file describes, not yet stored (version 0). */
    public static RolloutState seed(MigrationConfig config, Instant at, String by) {
        MigrationConfig.Rollout r = config.rollout();
        return new RolloutState(
                config.migration(), r.phase(), r.readNewPercent(), r.shadowPercent(), r.tablePhases(), 0, at, by);
    }

    /** The phase that applies to the (old) table {@code table}. */
    public Phase phaseOf(String table) {
        return tablePhases.getOrDefault(table.toLowerCase(Locale.ROOT), phase);
    }

    /** This rollout with another phase and percentages, keeping the table overrides. */
    public RolloutState with(Phase newPhase, int newReadNewPercent, int newShadowPercent) {
        return new RolloutState(
                migration, newPhase, newReadNewPercent, newShadowPercent, tablePhases, version, updatedAt, updatedBy);
    }

    /**
     * This rollout with {@code table} in {@code tablePhase}; an override equal to the migration's
     * phase is removed.
     */
    public RolloutState withTable(String table, Phase tablePhase) {
        Map<String, Phase> next = new TreeMap<>(tablePhases);
        if (tablePhase == phase) {
            next.remove(table.toLowerCase(Locale.ROOT));
        } else {
            next.put(table.toLowerCase(Locale.ROOT), tablePhase);
        }
        return new RolloutState(migration, phase, readNewPercent, shadowPercent, next, version, updatedAt, updatedBy);
    }

    /** {@code shadow-read, read-new 0%, shadow 25%, tables orders=dual-write}: for messages and logs. */
    public String describe() {
        String text = phase + ", read-new " + readNewPercent + "%, shadow " + shadowPercent + "%";
        return tablePhases.isEmpty() ? text : text + ", tables " + ControlStore.encodeTablePhases(tablePhases);
    }

    /** Whether phase, percentages and table overrides are the same (version and stamp aside). */
    public boolean sameRollout(RolloutState other) {
        return phase == other.phase
                && readNewPercent == other.readNewPercent
                && shadowPercent == other.shadowPercent
                && tablePhases.equals(other.tablePhases);
    }

    private static void requirePercent(String name, int value) {
        if (value < 0 || value > 100) {
            throw new IllegalArgumentException(name + " must be from 0 to 100, was " + value);
        }
    }
}
