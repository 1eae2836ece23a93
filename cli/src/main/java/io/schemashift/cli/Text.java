package io.schemashift.cli;

import io.schemashift.control.RolloutState;
import java.time.Duration;
import java.util.stream.Collectors;

/** Human-readable renderings shared by the commands. */
public final class Text {

    private Text() {}

    /** {@code 4s}, {@code 2m05s}, {@code 3h12m}, {@code 2d04h}; negative ages (clock skew) read as 0s. */
    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }

    /** {@code 15m}, {@code 2h}, {@code 90s}: a window as users write it. */
    public static String window(Duration d) {
        long s = d.getSeconds();
        if (s > 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s > 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s > 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s > 0 ? s + "s" : d.toMillis() + "ms";
    }

    /** {@code orders=dual-write,items=old-only}, or {@code -}. */
    static String tables(RolloutState r) {
        return r.tablePhases().isEmpty()
                ? "-"
                : r.tablePhases().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(","));
    }

    /** {@code s} cut to {@code max} characters, with an ellipsis when cut. */
    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
