package io.schemashift.control;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One backfill or verify run of one table, as {@code control.runsTable} records it: the evidence
 * the {@code read-new} guard asks for (a completed backfill, then a clean verify).
 *
 * @param rows rows copied (backfill) or compared (verify)
 */
public record Run(Kind kind, String table, Instant started, Instant finished, Outcome outcome, long rows) {

    /** What ran. */
    public enum Kind {
        BACKFILL,
        VERIFY;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How it ended. */
    public enum Outcome {
        /** A backfill that copied every row. */
        COMPLETED,
        /** A full verify that found the sides equal (after its repair, if it repaired). */
        CLEAN,
        /** A verify that found differences it did not (or could not) repair. */
        DIFFERENT,
        /** A run that stopped on an error or was interrupted. */
        FAILED;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Outcome> parse(String text) {
            for (Outcome o : values()) {
                if (o.text().equals(text)) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }

    public Run {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(outcome, "outcome");
        table = table.toLowerCase(Locale.ROOT);
    }
}
