package io.schemashift.coverage;

import java.util.Arrays;
import java.util.Optional;

/** What the driver does with one statement shape in one phase. A closed set: report and table values. */
public enum Verdict {
    /** Runs unchanged on the old side, nothing else happens. */
    PASS_THROUGH("pass-through"),
    /** Runs rewritten: a read served by (or compared against) the new side, or a write on the new side only. */
    REWRITTEN("rewritten"),
    /** A write that runs on the primary and is mirrored, rewritten, to the other side. */
    MIRRORED("mirrored"),
    /** A write that runs on the primary only; the other side misses it and it is recorded in the divergence log. */
    RECORDED("recorded"),
    /** A read the rewriter refused: served by the old side, never compared. */
    REFUSED("refused"),
    /** Refused with SQLState 0A000 before either side changes (the new side is the primary). */
    FAILS("fails");

    private final String text;

    Verdict(String text) {
        this.text = text;
    }

    /** The name in reports, JSON and the statements table. */
    public String text() {
        return text;
    }

    /** The verdict named {@code text}, as {@link #text()} writes it. */
    public static Optional<Verdict> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.text.equals(text)).findFirst();
    }

    @Override
    public String toString() {
        return text;
    }
}
