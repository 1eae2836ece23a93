package io.schemashift.cli;

import io.schemashift.api.Side;
import io.schemashift.backfill.KeyHandover;
import io.schemashift.config.Phase;
import io.schemashift.control.PhaseGuard;
import io.schemashift.control.RolloutState;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.TableMapping;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key-handover guard rail of a change that moves the primary (into {@code new-primary} or
 * back out of it): the side about to generate keys must have a key generator past the largest
 * key on both sides, else its first generated key collides with a row the other side wrote. It
 * lives in the CLI because {@link KeyHandover} is in the backfill module, above the driver's
 * {@link PhaseGuard}.
 */
final class HandoverGuard {

    private HandoverGuard() {}

    /**
     * One verdict per table in {@code tables} whose primary side differs between {@code current}
     * and {@code next}; none when no primary moves. A failed lookup is a failed verdict (which
     * {@code --force} can override), not an error.
     */
    static List<PhaseGuard.Verdict> evaluate(
            Context context, RolloutState current, RolloutState next, List<String> tables) {
        List<PhaseGuard.Verdict> verdicts = new ArrayList<>();
        KeyHandover handover = null;
        for (String table : tables) {
            Phase from = current.phaseOf(table);
            Phase to = next.phaseOf(table);
            Side side = Truth.sideOf(to);
            if (Truth.sideOf(from) == side) {
                continue;
            }
            if (handover == null) {
                handover = KeyHandover.of(
                        keysOnly(context.config().mapping()),
                        context.dialect(),
                        context.connections(),
                        context.newConnections());
            }
            verdicts.add(verdict(handover, table, side, context.secret()));
        }
        return verdicts;
    }

    /**
     * The mapping cut down to each table's key columns: the key-generator check needs only those,
     * and the other columns may be broken (which the other checks report).
     */
    static Mapping keysOnly(Mapping mapping) {
        List<TableMapping> tables = new ArrayList<>();
        for (TableMapping t : mapping.tables()) {
            Map<String, String> renames = new LinkedHashMap<>();
            t.columns().forEach((from, to) -> {
                if (t.key().stream().anyMatch(from::equalsIgnoreCase)) {
                    renames.put(from, to);
                }
            });
            tables.add(new TableMapping(t.oldName(), t.newName(), t.newSchema(), t.key(), renames, Map.of(), t.key()));
        }
        return Mapping.of(tables);
    }

    private static PhaseGuard.Verdict verdict(KeyHandover handover, String table, Side side, String secret) {
        String check = "key handover of " + table;
        String fix = " (run 'schemashift keys sync --table " + table + " --to " + Truth.name(side) + "')";
        try {
            KeyHandover.Finding f = handover.check(side, List.of(table)).get(0);
            String found = KeysCommand.describe(f);
            return switch (f.status()) {
                case READY -> new PhaseGuard.Verdict(check, true, found);
                case BEHIND ->
                    new PhaseGuard.Verdict(check, false, found + ": the first key it generates would collide" + fix);
                case NO_GENERATOR -> {
                    KeyHandover.Finding other =
                            handover.check(side.other(), List.of(table)).get(0);
                    yield other.generator() == KeyHandover.Generator.NONE
                            ? new PhaseGuard.Verdict(check, true, found)
                            : new PhaseGuard.Verdict(
                                    check,
                                    false,
                                    found + ", but the " + Truth.name(side.other()) + " side generates them ("
                                            + KeysCommand.generatorName(other) + "): inserts that leave the key out"
                                            + " would fail (give " + f.sideTable() + "." + f.column()
                                            + " a generator, then run 'schemashift keys sync --table " + table
                                            + " --to " + Truth.name(side) + "')");
                }
            };
        } catch (SQLException e) {
            return new PhaseGuard.Verdict(
                    check,
                    false,
                    table + ": cannot read the key generator of the " + Truth.name(side) + " side: "
                            + Redaction.oneLine(String.valueOf(e.getMessage()), secret));
        }
    }
}
