package io.schemashift.verify;

import io.schemashift.api.Side;

/** What a repair does to the target side (the side not copied from) for one differing row. */
public enum RepairAction {
    /** The source has the row, the target lacks it: inserted. */
    INSERT,
    /** Both have it with different values: the target's row is overwritten. */
    UPDATE,
    /** The target has a row the source lacks: deleted. */
    DELETE;

    /** What a repair copying from {@code from} does for a row that differs as {@code kind}. */
    public static RepairAction of(RowDifference.Kind kind, Side from) {
        return switch (kind) {
            case DIFFERENT -> UPDATE;
            case MISSING -> from == Side.OLD ? INSERT : DELETE; // the row is on the old side only
            case EXTRA -> from == Side.OLD ? DELETE : INSERT; // the row is on the new side only
        };
    }

    /** The lower-case name printed by the CLI. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
