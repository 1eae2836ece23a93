package io.schemashift.rewriter;

/**
 * What both types of a column whose two types differ keep alike of a written value: one within it
 * is stored the same on both sides, any other may be rounded ({@link
 * TableMapping.ComputedBy#EACH_TABLE_ROUNDING}), cut or clamped apart. A {@code numeric(10,2)} widened to
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
        /**
         * A time or timestamp with at most {@code digits} fractional second digits, written in a
         * session whose time zone is UTC and carrying no other offset of its own (a time or
         * timestamp beside one with time zone: the wall clock is read as UTC, as {@code
         * schemashift verify} reads it; any other zone shifts one side's value by its offset).
         */
        UTC_WALL_CLOCK,
        /** A date, or a timestamp at midnight (a date and a timestamp). */
        WHOLE_DAYS,
        /** No value can be told alike (float widths, an exact number and a float, {@code CHAR} padding). */
        NOTHING,
        /**
         * Any value that fits both types (two lengths or ranges, which round nothing): one that does
         * not is refused, except where MariaDB outside strict mode cuts or clamps it to each side's
         * own size, which only its warnings tell.
         */
        FITTING
    }

    /** Types that may store any value apart. */
    public static final KeptAlike NOTHING = new KeptAlike(Measure.NOTHING, 0);

    /** Types that store alike every value that fits both. */
    public static final KeptAlike FITTING = new KeptAlike(Measure.FITTING, 0);
}
