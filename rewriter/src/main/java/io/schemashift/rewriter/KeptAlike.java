package io.schemashift.rewriter;

/**
 * What both types of a column whose types store values apart ({@link
 * TableMapping.ComputedBy#EACH_TABLE_ROUNDING}) keep alike of a written value: one within it is
 * stored the same on both sides, any other may be rounded apart. A {@code numeric(10,2)} widened to
 * {@code numeric(12,4)} keeps 2 decimals alike, so {@code 19.99} forks nothing and {@code 1.23456}
 * does.
 *
 * @param measure what {@code digits} counts
 * @param digits the decimal places or fractional second digits both types keep
 */
public record KeptAlike(Measure measure, int digits) {

    /** What a written value must be within for both types to store it alike. */
    public enum Measure {
        /** A number with at most {@code digits} decimal places (two exact numbers of other scales). */
        DECIMALS,
        /** A time with at most {@code digits} fractional second digits (two times or timestamps). */
        SECOND_FRACTIONS,
        /** A date, or a timestamp at midnight (a date and a timestamp). */
        WHOLE_DAYS,
        /** No value can be told alike (float widths, an exact number and a float, {@code CHAR} padding). */
        NOTHING
    }

    /** Types that may store any value apart. */
    public static final KeptAlike NOTHING = new KeptAlike(Measure.NOTHING, 0);
}
