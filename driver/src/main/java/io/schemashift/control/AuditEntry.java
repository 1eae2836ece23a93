package io.schemashift.control;

import io.schemashift.config.Phase;
import java.time.Instant;
import java.util.Objects;

/**
 * One change of phase or percentages, as the audit table records it.
 *
 * @param at when it was made
 * @param by who made it: the OS user, or what {@code --by} said
 * @param table the table whose phase override changed, or {@code null} for the whole migration
 * @param fromPhase the phase before (of {@code table} when set)
 * @param toPhase the phase after
 * @param forced whether a guard rail was overridden with {@code --force}
 */
public record AuditEntry(
        Instant at,
        String by,
        String table,
        Phase fromPhase,
        Phase toPhase,
        int fromReadNewPercent,
        int toReadNewPercent,
        int fromShadowPercent,
        int toShadowPercent,
        String reason,
        boolean forced) {

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(fromPhase, "fromPhase");
        Objects.requireNonNull(toPhase, "toPhase");
        Objects.requireNonNull(reason, "reason");
    }

    /** The entry for the change from {@code from} to {@code to} of the whole migration or of {@code table}. */
    public static AuditEntry of(
            RolloutState from, RolloutState to, String table, Instant at, String by, String reason, boolean forced) {
        return new AuditEntry(
                at,
                by,
                table,
                table == null ? from.phase() : from.phaseOf(table),
                table == null ? to.phase() : to.phaseOf(table),
                from.readNewPercent(),
                to.readNewPercent(),
                from.shadowPercent(),
                to.shadowPercent(),
                reason,
                forced);
    }
}
