package io.schemashift.mirror;

import io.schemashift.rewriter.NonDeterminism;
import io.schemashift.rewriter.RefusalReason;
import java.util.Locale;

/**
 * Why a write reached one side only and went into the divergence log. A closed set: the tag
 * text is what the {@code reason} column and the meters carry.
 */
public enum DivergenceReason {
    /** The mirror statement failed. */
    MIRROR_FAILED,
    /** The mirror ran out of its time budget. */
    MIRROR_TIMEOUT,
    /** The mirror touched fewer rows than the primary (often: rows not backfilled yet). */
    MIRROR_MISSED_ROWS,
    /**
     * An upsert wrote a row one side held and the other lacked (not backfilled yet, or held under
     * another key by the unique column that decides the conflict): one side updated it, the other
     * inserted one from the statement's values alone.
     */
    UPSERT_OF_LACKING_ROW,
    /** The mirror touched more rows than the primary. */
    MIRROR_COUNT_MISMATCH,
    /**
     * A side's driver did not say how many rows the write changed (a batch run by MariaDB's bulk
     * protocol or pgjdbc's {@code reWriteBatchedInserts} reports {@code SUCCESS_NO_INFO}), so a
     * difference could not be told: an {@code INSERT IGNORE} may have skipped a row on one side.
     */
    MIRROR_COUNT_UNKNOWN,
    /** The other side's commit failed after the primary's. */
    COMMIT_FAILED,
    /** A transaction committed on one side and the process stopped before the other (a stale intent record). */
    UNCONFIRMED_COMMIT,
    /** A savepoint on the other side failed; its part of the transaction was rolled back. */
    SAVEPOINT_FAILED,
    /** An earlier failure already rolled back the other side's part of this transaction. */
    TRANSACTION_ALREADY_DIVERGED,
    /** The new side's circuit breaker is open. */
    BREAKER_OPEN,
    /** A parameter that can be read only once (a stream) cannot be sent twice. */
    UNREPLAYABLE_PARAMETER,
    /** The primary generated keys the mirror needs but did not return them (e.g. not in {@code RETURNING}). */
    KEYS_UNKNOWN,
    /** The primary's batch failed part-way: the entries it applied were not mirrored. */
    PRIMARY_BATCH_FAILED,
    /**
     * The statement's value would differ per side: now(), random(), a UUID, a sequence, a default,
     * the session's last insert id, who the connection is, a function declared volatile, rows a
     * LIMIT picks, a table outside the mapping read in a separate new database.
     */
    NONDETERMINISTIC_NOW,
    NONDETERMINISTIC_RANDOM,
    NONDETERMINISTIC_UUID,
    NONDETERMINISTIC_SEQUENCE,
    NONDETERMINISTIC_DEFAULT_COLUMN,
    NONDETERMINISTIC_SESSION,
    NONDETERMINISTIC_CONNECTION,
    NONDETERMINISTIC_VOLATILE,
    NONDETERMINISTIC_ROW_CHOICE,
    NONDETERMINISTIC_UNMAPPED_READ,
    /**
     * Mirrored, and recorded: the write fired a trigger that one side's table has and the other's
     * lacks, which may change the rows. A divergence like any other, counted by the phase guards.
     */
    MIRROR_ONE_SIDED_TRIGGER,
    /**
     * Mirrored, and recorded: a side stored another value than the write gave it, and the other
     * side may have stored the value as given: one side's type rounds it where the other's keeps
     * more (another scale, fractional seconds, float width, {@code CHAR} padding), or MariaDB
     * outside strict mode cut a string or clamped a number to its column with a warning only.
     * Counted by the phase guards.
     */
    MIRROR_VALUE_ADJUSTED,
    /** Mirrored, and recorded: the write read other rows of a mapped table, which the sides may not hold alike. */
    MIRROR_READ_OTHER_ROWS,
    /**
     * Mirrored, and recorded: the write picked its rows by other rows of a mapped table, and each
     * side may have picked its own. Like {@link #MIRROR_MISSED_ROWS} and {@link
     * #MIRROR_READ_OTHER_ROWS}, a record that asks {@code verify} to check the rows, which phase
     * guards do not count ({@code ControlStore.CHECK_ONLY_REASONS}).
     */
    MIRROR_PICKED_BY_OTHER_ROWS,
    /**
     * Mirrored, and recorded: a part of either side's catalog (triggers, defaults, foreign keys…)
     * had not been read yet (a separate new database was down when the driver started, a catalog
     * table could not be read), so what would make the sides part was not known. Counted by the
     * phase guards, like a one-sided trigger.
     */
    MIRROR_CATALOG_UNREAD,
    /** The tables of the statement are in different phases. */
    REFUSED_MIXED_PHASES,
    REFUSED_UNPARSEABLE,
    REFUSED_UNKNOWN_COLUMN,
    REFUSED_DROPPED_COLUMN_READ,
    REFUSED_AMBIGUOUS_COLUMN,
    REFUSED_COLUMNS_UNKNOWN,
    REFUSED_TIME_BOUND,
    REFUSED_INDIRECT,
    /** A write to an unmapped parent fired a foreign key's action that changes a mapped table on one side only. */
    REFUSED_FOREIGN_KEY_ACTION,
    /** DDL changed the rows or columns of the old table (or, from {@code new-primary} on, was refused). */
    REFUSED_SCHEMA_CHANGE,
    /** DDL that copies a mapped table's rows (counted only: it changes no mapped table). */
    REFUSED_ROWS_COPIED,
    REFUSED_UNSUPPORTED_CONSTRUCT,
    REFUSED_INTERNAL_ERROR;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** The text stored and used as a tag value. */
    public String tag() {
        return tag;
    }

    /** The refusal meter's tag of a {@code REFUSED_} reason ({@code "unparseable"}); else {@link #tag()}. */
    public String refusalTag() {
        return tag.startsWith("refused_") ? tag.substring("refused_".length()) : tag;
    }

    /** The record of a write the rewriter refused for {@code reason}. */
    public static DivergenceReason refused(RefusalReason reason) {
        return switch (reason) {
            case UNPARSEABLE -> REFUSED_UNPARSEABLE;
            case UNKNOWN_COLUMN -> REFUSED_UNKNOWN_COLUMN;
            case DROPPED_COLUMN_READ -> REFUSED_DROPPED_COLUMN_READ;
            case AMBIGUOUS_COLUMN -> REFUSED_AMBIGUOUS_COLUMN;
            case COLUMNS_UNKNOWN -> REFUSED_COLUMNS_UNKNOWN;
            case TIME_BOUND -> REFUSED_TIME_BOUND;
            case INDIRECT -> REFUSED_INDIRECT;
            case FOREIGN_KEY_ACTION -> REFUSED_FOREIGN_KEY_ACTION;
            case SCHEMA_CHANGE -> REFUSED_SCHEMA_CHANGE;
            case ROWS_COPIED -> REFUSED_ROWS_COPIED;
            case UNSUPPORTED_CONSTRUCT -> REFUSED_UNSUPPORTED_CONSTRUCT;
            case INTERNAL_ERROR -> REFUSED_INTERNAL_ERROR;
        };
    }

    /** The record of a write whose value would differ per side. */
    public static DivergenceReason nondeterministic(NonDeterminism kind) {
        return switch (kind) {
            case NOW -> NONDETERMINISTIC_NOW;
            case RANDOM -> NONDETERMINISTIC_RANDOM;
            case UUID -> NONDETERMINISTIC_UUID;
            case SEQUENCE -> NONDETERMINISTIC_SEQUENCE;
            case DEFAULT_COLUMN -> NONDETERMINISTIC_DEFAULT_COLUMN;
            case SESSION -> NONDETERMINISTIC_SESSION;
            case CONNECTION -> NONDETERMINISTIC_CONNECTION;
            case VOLATILE -> NONDETERMINISTIC_VOLATILE;
            case ROW_CHOICE -> NONDETERMINISTIC_ROW_CHOICE;
            case UNMAPPED_READ -> NONDETERMINISTIC_UNMAPPED_READ;
            case ONE_SIDED_TRIGGER -> MIRROR_ONE_SIDED_TRIGGER;
            case ROUNDS_APART -> MIRROR_VALUE_ADJUSTED;
            case READS_OTHER_ROWS -> MIRROR_READ_OTHER_ROWS;
            case PICKS_BY_OTHER_ROWS -> MIRROR_PICKED_BY_OTHER_ROWS;
        };
    }
}
