package io.schemashift.rewriter;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a call of the current time reads, however it is spelled: {@code now()}, {@code
 * CURRENT_TIMESTAMP(6)} and {@code LOCALTIMESTAMP} read one instant, which a write gets captured
 * once for both sides; {@code CURRENT_DATE} and {@code curdate()} its date. The driver judges two
 * columns' current-time defaults alike by it.
 */
public enum ClockRead {
    /** The current timestamp: one captured instant stands for it. */
    INSTANT,
    /** The current date: the captured instant's date. */
    DATE,
    /** Another reading of the clock (a time of day, UTC, a Unix time): each side reads its own. */
    OTHER;

    /** A call without arguments but a precision, or a bare SQL keyword ({@code CURRENT_TIMESTAMP}). */
    private static final Pattern BARE_CALL = Pattern.compile("[a-z_]+(?:\\s*\\(\\s*\\d*\\s*\\))?");

    /** What {@code expression} reads when it is one call of the clock; {@code null} otherwise. */
    public static ClockRead of(String expression) {
        String call = expression.trim().toLowerCase(Locale.ROOT);
        return BARE_CALL.matcher(call).matches()
                ? NonDeterministicCalls.clockRead(NonDeterministicCalls.normalize(call))
                : null;
    }
}
