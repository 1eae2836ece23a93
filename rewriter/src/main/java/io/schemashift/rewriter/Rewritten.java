package io.schemashift.rewriter;

import java.util.List;
import java.util.Set;

/**
 * A statement rewritten for the new schema, with everything the driver needs to run it on either
 * side and to keep both sides equal.
 *
 * @param newSide the statement against the new schema; a SELECT (or RETURNING) yields the same
 *     column labels as the original
 * @param oldSide the statement to run on the old schema: the original text, or a deterministic
 *     variant of it (e.g. {@code now()} replaced by a {@link ParamSource.Now} parameter)
 * @param generatedKeyColumns key columns (old names) that the statement leaves to the database
 *     to generate; empty when the statement writes every key column itself
 * @param newSideWithKeys the new-side statement that also writes {@code generatedKeyColumns}
 *     from {@link ParamSource.GeneratedKey} parameters: what a mirror runs when the old side is
 *     primary; {@code null} when {@code generatedKeyColumns} is empty
 * @param oldSideWithKeys likewise for the old side, when the new side is primary
 * @param nondeterminism what could still make the two sides differ (after the {@code now()}
 *     substitution); a write with any of these is not mirrored (see {@link #unmirrorable})
 * @param keys for a write, the key values of each affected row, one list per row with one source
 *     per key column, when every one is known from the SQL and its parameters; empty otherwise
 * @param ordered for a SELECT: whether its outermost query has an ORDER BY
 * @param narrowsResult whether the new side returns fewer columns than the old: a {@code *} or
 *     {@code t.*} whose columns reach the result (the statement's select list, a set operation's
 *     branch, a derived table or CTE; not EXISTS, IN or a scalar subquery) over a mapped table
 *     with a dropped column, which the expansion leaves out. Such a read is served from the old
 *     side while the old side can serve it
 * @param writesUnmapped a write whose target the mapping does not map, reading a mapped table
 *     ({@code INSERT INTO audit SELECT … FROM customers}): it changes no mapped row, and its
 *     target exists once, so it runs once, on a side that holds the mapped tables whole; never
 *     mirrored, which would apply it twice
 * @param insertsEveryRow an {@code INSERT … VALUES} without {@code IGNORE} or a conflict clause:
 *     each row is inserted or the statement fails, so each side's count is the number of rows and
 *     needs no comparing (a driver may report a batch's counts as unknown)
 * @param probe for an upsert, what decides its conflict and each row's values of it; {@code null}
 *     when not known from the text, or not an upsert
 * @param rounded for a write that sets columns whose two types round a value apart, each value it
 *     gives them, judged at each execution; {@code null} when it sets none, or sets one to a value
 *     not known before it runs ({@link NonDeterminism#ROUNDS_APART})
 * @param readBack for an {@code INSERT … SELECT … FROM} that leaves its key to the database, the
 *     read of the rows it inserted by their keys, which the mirror inserts ({@code *WithKeys});
 *     {@code null} otherwise
 * @param keyedMirror for an UPDATE or DELETE that picks its own rows and returns them, the mirror
 *     of each row the primary returned, by its key; {@code null} otherwise
 */
public record Rewritten(
        StatementKind kind,
        Set<String> tables,
        Fingerprint fingerprint,
        SideStatement newSide,
        SideStatement oldSide,
        List<String> generatedKeyColumns,
        SideStatement newSideWithKeys,
        SideStatement oldSideWithKeys,
        Set<NonDeterminism> nondeterminism,
        List<List<ParamSource>> keys,
        boolean ordered,
        boolean narrowsResult,
        boolean writesUnmapped,
        boolean insertsEveryRow,
        UpsertProbe probe,
        RoundedValues rounded,
        ReadBack readBack,
        KeyedMirror keyedMirror)
        implements RewriteResult {

    /**
     * What makes this write recorded although it is mirrored ({@code null}: nothing): its {@linkplain
     * NonDeterminism#mirroredAndRecorded() mirrored and recorded} kind, the first where there are several;
     * where the mirror runs by the keys the primary returned ({@code byReturnedKeys}), its {@link
     * #keyedMirror}'s.
     */
    public NonDeterminism recordedThoughMirrored(boolean byReturnedKeys) {
        for (NonDeterminism nd : byReturnedKeys ? keyedMirror.nondeterminism() : nondeterminism) {
            if (nd.mirroredAndRecorded()) {
                return nd;
            }
        }
        return null;
    }

    /**
     * The first of its {@link #nondeterminism} whose value is the application's only on the
     * application's own connection ({@link NonDeterminism#ofTheApplicationsConnection}); {@code null}: none.
     */
    public NonDeterminism ofTheApplicationsConnection() {
        for (NonDeterminism nd : nondeterminism) {
            if (nd.ofTheApplicationsConnection()) {
                return nd;
            }
        }
        return null;
    }

    /**
     * What keeps this write from being mirrored ({@code null}: nothing): the first of its {@link
     * #nondeterminism}, except who the connection is ({@link NonDeterminism#CONNECTION}) and the
     * tables outside the mapping it reads ({@link NonDeterminism#UNMAPPED_READ}), which differ only
     * when the mirror runs in a {@code separateDatabase}, and those {@linkplain
     * NonDeterminism#mirroredAndRecorded() mirrored and recorded}.
     */
    public NonDeterminism unmirrorable(boolean separateDatabase) {
        return unmirrorable(separateDatabase, false);
    }

    /**
     * {@link #unmirrorable(boolean)}, where {@code byReturnedKeys} says the mirror runs by the keys
     * the primary returned: its {@link #keyedMirror}'s, whose rows are no other side's choice.
     */
    public NonDeterminism unmirrorable(boolean separateDatabase, boolean byReturnedKeys) {
        for (NonDeterminism nd : byReturnedKeys ? keyedMirror.nondeterminism() : nondeterminism) {
            if (!nd.mirroredAndRecorded()
                    && (separateDatabase || (nd != NonDeterminism.CONNECTION && nd != NonDeterminism.UNMAPPED_READ))) {
                return nd;
            }
        }
        return null;
    }
}
