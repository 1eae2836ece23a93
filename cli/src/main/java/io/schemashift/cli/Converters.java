package io.schemashift.cli;

import io.schemashift.config.Phase;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values checked as they are parsed, so that a bad one is a usage error (exit code 2). */
public final class Converters {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Converters() {}

    /** A phase name: {@code dual-write}, case-insensitive. */
    static final class PhaseName implements ITypeConverter<Phase> {
        @Override
        public Phase convert(String value) {
            return Phase.parse(value)
                    .orElseThrow(() ->
                            new TypeConversionException("unknown phase '" + value + "'; allowed: " + Phase.allowed()));
        }
    }

    /** A whole number from 0 to 100. */
    static final class Percent implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) number(value, 0, 100);
        }
    }

    /** A whole number of at least 0. */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return number(value, 0, Long.MAX_VALUE);
        }
    }

    /** A whole number from 1 to 10,000. */
    public static final class Limit implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) number(value, 1, 10_000);
        }
    }

    /** Rows per batch or chunk: a whole number from 1 to 1,000,000. */
    static final class BatchSize implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) number(value, 1, 1_000_000);
        }
    }

    /** A latency back-off factor: 0 (off) or a number above 1. */
    static final class Backoff implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                double factor = Double.parseDouble(value.strip());
                if (factor == 0 || (factor > 1 && factor <= 1000)) {
                    return factor;
                }
            } catch (NumberFormatException notANumber) {
                // reported below with what is allowed
            }
            throw new TypeConversionException("'" + value + "' must be 0 (no back-off) or a number above 1, e.g. 3");
        }
    }

    /** A duration such as {@code 30s}, {@code 15m}, {@code 2h} or {@code 1d}. */
    public static final class Window implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.strip());
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new TypeConversionException("'" + value + "' is not a duration; write e.g. 30s, 15m, 2h or 1d");
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
    }

    private static long number(String value, long min, long max) {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below with the allowed range
        }
        throw new TypeConversionException("'" + value + "' must be a whole number "
                + (max == Long.MAX_VALUE ? min + " or more" : "from " + min + " to " + max));
    }
}
