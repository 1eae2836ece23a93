package io.schemashift.routing;

import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.rewriter.StatementKind;
import java.util.Set;

/** The phase table of the spec, as pure functions (public: {@code schemashift rewrite} previews with them). */
public final class Routing {

    private Routing() {}

    /** The phase shared by every table in {@code tables}, or {@code null} if they differ. */
    static Phase phaseOf(MigrationConfig.Rollout rollout, Set<String> tables) {
        if (rollout.tablePhases().isEmpty()) {
            // no per-table phase (the common case): one phase for every table, without walking the set
            return tables.isEmpty() ? null : rollout.phase();
        }
        Phase phase = null;
        for (String table : tables) {
            Phase p = rollout.phaseOf(table);
            if (phase != null && p != phase) {
                return null;
            }
            phase = p;
        }
        return phase;
    }

    /** The latest (closest to {@code new-only}) phase among {@code tables}. */
    static Phase latestPhaseOf(MigrationConfig.Rollout rollout, Set<String> tables) {
        Phase latest = Phase.OLD_ONLY;
        for (String table : tables) {
            Phase p = rollout.phaseOf(table);
            if (p.ordinal() > latest.ordinal()) {
                latest = p;
            }
        }
        return latest;
    }

    /**
     * Where a statement of {@code kind} runs in {@code phase}; {@code readNew}: this transaction
     * was picked to read from the new side (phase {@code read-new}).
     */
    public static Plan plan(Phase phase, StatementKind kind, boolean readNew) {
        if (kind.isWrite()) {
            return switch (phase) {
                case OLD_ONLY -> Plan.OLD;
                case DUAL_WRITE, SHADOW_READ, READ_NEW -> Plan.OLD_THEN_NEW;
                case NEW_PRIMARY -> Plan.NEW_THEN_OLD;
                case NEW_ONLY -> Plan.NEW;
            };
        }
        if (kind == StatementKind.SELECT) {
            return switch (phase) {
                case OLD_ONLY, DUAL_WRITE, SHADOW_READ -> Plan.OLD;
                case READ_NEW -> readNew ? Plan.NEW : Plan.OLD;
                case NEW_PRIMARY, NEW_ONLY -> Plan.NEW;
            };
        }
        return Plan.OLD; // DDL and the rest run where they were sent
    }

    /**
     * Where a write to a table the mapping does not map that reads mapped tables runs: once, never
     * mirrored (its target exists once). On the old side, which holds the mapped tables whole until
     * new-only; in new-only on the new tables, in the one database when the new schema is in it;
     * {@code null} with a {@code separate} new database, where it would read one database and
     * write the other.
     */
    public static Plan unmappedTarget(Phase phase, boolean separate) {
        if (phase != Phase.NEW_ONLY) {
            return Plan.OLD;
        }
        return separate ? null : Plan.NEW;
    }

    /**
     * Where a statement whose value only the application's connection gives
     * ({@code Rewritten.ofTheApplicationsConnection}) runs when its plan's primary is a separate new
     * database's connection: a read on the old side, which is written up to {@code new-primary};
     * {@code null}, nowhere, for a write (it would store the new connection's value where the truth
     * is), for a read in {@code new-only}, and for a read that {@code locksRows} in {@code
     * new-primary}, whose locks belong where the writes go first (on the old side they would meet
     * the writes only at their mirror: a deadlock across the two databases, which neither sees).
     */
    public static Plan onTheApplicationsConnection(Phase phase, StatementKind kind, boolean locksRows) {
        return kind == StatementKind.SELECT && phase != Phase.NEW_ONLY && !locksRows ? Plan.OLD : null;
    }

    /**
     * Whether transaction {@code sequence} of connection {@code connection} reads from the new
     * side: a seeded 64-bit mix, so a given seed always routes the same way (reproducible tests),
     * and {@code percent} of transactions go to the new side.
     */
    static boolean pick(long seed, long connection, long sequence, int percent) {
        if (percent <= 0) {
            return false;
        }
        if (percent >= 100) {
            return true;
        }
        long h = mix(seed ^ mix(connection * 0x9E3779B97F4A7C15L ^ sequence));
        return Long.remainderUnsigned(h, 100) < percent;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
