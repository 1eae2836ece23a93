package io.schemashift.control;

import io.schemashift.config.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The one rule for moving between phases, shared by {@code schemashift phase}/{@code rollback} and
 * by every driver instance that follows the control table: one step at a time, forward and back.
 * The CLI refuses a larger step unless {@code --force} (and the audit then says forced); a driver
 * instance refuses a control row that made a larger step unless the audit says forced. Stateless.
 */
public final class Transitions {

    private Transitions() {}

    /** Why moving from {@code from} to {@code to} in one change is refused; empty when allowed. */
    public static Optional<String> refusal(Phase from, Phase to) {
        int steps = to.ordinal() - from.ordinal();
        if (steps > 1) {
            return Optional.of("phases cannot be skipped: the next phase after " + from + " is "
                    + Phase.values()[from.ordinal() + 1] + " (" + to + " is " + steps + " steps ahead)");
        }
        if (steps < -1) {
            return Optional.of("phases go back one step at a time: the phase before " + from + " is " + from.previous()
                    + " (" + to + " is " + -steps + " steps back)");
        }
        return Optional.empty();
    }

    /**
     * Why the change from {@code from} to {@code to} is refused, for the migration's phase and for
     * each table whose phase override appears in either; empty when allowed.
     */
    public static List<String> refusals(RolloutState from, RolloutState to) {
        List<String> refusals = new ArrayList<>();
        refusal(from.phase(), to.phase()).ifPresent(r -> refusals.add("migration " + from.migration() + ": " + r));
        TreeSet<String> tables = new TreeSet<>(from.tablePhases().keySet());
        tables.addAll(to.tablePhases().keySet());
        for (String table : tables) {
            refusal(from.phaseOf(table), to.phaseOf(table)).ifPresent(r -> refusals.add("table " + table + ": " + r));
        }
        return refusals;
    }

    /**
     * Whether the audited changes that stored versions {@code after + 1} to {@code upTo} each obey
     * {@link #refusal} or were forced: a driver applies a rollout that jumped further than one step
     * (several changes between two polls) only then.
     *
     * @param audit the audit rows by version ({@link ControlStore#auditOfVersions})
     * @return empty when the chain is complete and every step allowed or forced, else why not
     */
    public static Optional<String> auditedChain(Map<Long, AuditEntry> audit, long after, long upTo) {
        for (long v = after + 1; v <= upTo; v++) {
            AuditEntry e = audit.get(v);
            if (e == null) {
                return Optional.of("version " + v + " has no audit row (changed outside 'schemashift phase'?)");
            }
            String subject = e.table() == null ? "migration" : "table " + e.table();
            Optional<String> refused = refusal(e.fromPhase(), e.toPhase());
            if (refused.isPresent() && !e.forced()) {
                return Optional.of(
                        "version " + v + ", " + subject + ": " + refused.get() + ", and the audit does not say forced");
            }
        }
        return Optional.empty();
    }
}
