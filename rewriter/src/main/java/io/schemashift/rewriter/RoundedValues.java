package io.schemashift.rewriter;

import java.util.List;

/**
 * The values a write gives columns whose two types store values apart, for the driver to judge at
 * each execution: a write whose values all fit what both types keep alike is mirrored as any other,
 * one with a value beyond it is mirrored and its rows recorded.
 *
 * @param kept what both types keep alike, one per value of a row
 * @param rows per row the statement writes, the source of each value ({@code ?}, a literal, the
 *     captured instant), in {@code kept}'s order; one row for an UPDATE
 */
public record RoundedValues(List<KeptAlike> kept, List<List<ParamSource>> rows) {

    public RoundedValues {
        kept = List.copyOf(kept);
        rows = List.copyOf(rows);
    }
}
