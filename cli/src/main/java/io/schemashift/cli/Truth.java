package io.schemashift.cli;

import io.schemashift.api.Side;
import io.schemashift.config.Phase;
import io.schemashift.control.RolloutState;
import io.schemashift.rewriter.TableMapping;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Which side holds the truth for each mapped table: the old side up to {@code read-new}, the new
 * side from {@code new-primary} on, by the phase of the table (its override, else the
 * migration's). The phase is the control table's when the YAML names one and {@code init} stored
 * a rollout, else the YAML's, as the other commands read it.
 */
final class Truth {

    private final Context context;
    private final RolloutState rollout;

    private Truth(Context context, RolloutState rollout) {
        this.context = context;
        this.rollout = rollout;
    }

    /** Reads the rollout once. */
    static Truth read(Context context) throws Exception {
        RolloutState stored = context.config().control().controlTable().isPresent()
                ? context.store().read().orElse(null)
                : null;
        return new Truth(context, stored != null ? stored : RolloutState.seed(context.config(), Instant.now(), "yaml"));
    }

    /** The side that holds the truth in {@code phase}: the side the application writes first. */
    static Side sideOf(Phase phase) {
        return phase.newIsPrimary() ? Side.NEW : Side.OLD;
    }

    static String name(Side side) {
        return side.name().toLowerCase(Locale.ROOT);
    }

    /** The phase of the mapped old table {@code table}. */
    Phase phaseOf(String table) {
        return rollout.phaseOf(table);
    }

    /**
     * Where a copy of {@code table} goes.
     *
     * @param from the side named with {@code --from}, or {@code null} for the side holding the truth
     */
    Direction direction(String table, Side from) {
        Phase phase = phaseOf(table);
        Side truth = sideOf(phase);
        TableMapping tm = context.config().mapping().table(table).orElseThrow();
        String newTable = tm.newSchema() == null ? tm.newName() : tm.newSchema() + "." + tm.newName();
        return new Direction(tm.oldName(), newTable, phase, truth, from == null ? truth : from);
    }

    /**
     * One table's copy direction.
     *
     * @param table the old table
     * @param newTable the new table
     * @param phase the table's phase
     * @param truth the side that holds the truth in that phase
     * @param source the side copied from
     */
    record Direction(String table, String newTable, Phase phase, Side truth, Side source) {

        Side target() {
            return source.other();
        }

        /** Whether the copy goes into the side that holds the truth ({@code --from} said so). */
        boolean intoTruth() {
            return target() == truth;
        }

        /** The table on {@code side}, e.g. {@code new side (clients)}. */
        String sideName(Side side) {
            return name(side) + " side (" + (side == Side.OLD ? table : newTable) + ")";
        }

        /** One line saying from where to where, and why. */
        String describe(String what) {
            String line =
                    table + ": " + what + " copies from the " + sideName(source) + " to the " + sideName(target());
            if (!intoTruth()) {
                return line + "; phase " + phase + ": the " + name(truth) + " side holds the truth";
            }
            return line + ", as --from says; phase " + phase + " makes the " + name(truth)
                    + " side the truth, so rows are only inserted there, never overwritten or deleted";
        }
    }

    /** {@code old} or {@code new}, case-insensitive. */
    static final class SideName implements ITypeConverter<Side> {
        @Override
        public Side convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "old" -> Side.OLD;
                case "new" -> Side.NEW;
                default -> throw new TypeConversionException("unknown side '" + value + "'; allowed: old, new");
            };
        }
    }
}
