package io.schemashift.verify;

import io.schemashift.api.ReportValues;
import java.util.List;

/**
 * One row that is not the same on both sides.
 *
 * @param key the row's key, encoded with {@link io.schemashift.rewriter.KeyCodec}
 * @param kind how it differs
 * @param columns the new-schema columns whose values differ ({@link Kind#DIFFERENT} only)
 * @param oldValue the old side's row as {@link ReportValues} allows, {@code null} when absent or
 *     omitted
 * @param newValue the new side's row likewise
 */
public record RowDifference(String key, Kind kind, List<String> columns, String oldValue, String newValue) {

    public RowDifference {
        columns = List.copyOf(columns);
    }

    /** How a row differs between the sides. */
    public enum Kind {
        /** On the old side only: the new side lacks it. */
        MISSING,
        /** On the new side only. */
        EXTRA,
        /** On both sides with different values. */
        DIFFERENT
    }
}
