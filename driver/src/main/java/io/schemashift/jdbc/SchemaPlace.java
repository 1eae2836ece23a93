package io.schemashift.jdbc;

import io.schemashift.jdbc.SchemaSwitch.Place;
import java.sql.Savepoint;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Where one connection's unqualified names resolve, from where it started through every switch.
 * On PostgreSQL a search path set inside a transaction belongs to the transaction: a rollback
 * takes it back (so does a rollback to a savepoint set before it, and the commit of an aborted
 * transaction, which PostgreSQL turns into a rollback). Believing a rolled-back switch would map
 * the tenant's table as the old one, or the old one as the tenant's: a forked write either way.
 */
final class SchemaPlace {

    /** A switch inside a transaction ends with it (PostgreSQL). */
    private final boolean transactional;
    /** Where the connection started: a reset returns there. */
    private final Place start;

    private Place now;
    /** Where a schema switch sent as SQL that is running goes; {@code null} when none runs. */
    private Place pending;
    /** Where the connection was before that switch, should it fail. */
    private Place before;
    /** Where the open transaction began, once it switched; {@code null}: it did not switch. */
    private Place atBegin;
    /** Where the connection was at each savepoint of the open transaction (PostgreSQL only). */
    private Map<Savepoint, Place> atSavepoint;
    /** The connection was moved at least once. */
    private boolean switched;

    SchemaPlace(Place start, boolean transactional) {
        this.start = start;
        this.now = start;
        this.transactional = transactional;
    }

    Place now() {
        return now;
    }

    Place start() {
        return start;
    }

    /** The connection resolves names as where it started, which is known. */
    boolean isAtStart() {
        return now == start && start != Place.UNKNOWN;
    }

    boolean switched() {
        return switched;
    }

    /** A schema switch sent as SQL is running ({@link #switching}). */
    boolean switchRunning() {
        return pending != null;
    }

    /** A schema switch sent as SQL is about to run: where it goes holds once it ran ({@link #switchDone}). */
    void switching(Place next) {
        before = now;
        pending = next;
        now = Place.UNKNOWN;
    }

    /** The statement that was {@link #switching} ended: it moved the connection, or, failed, left it where it was. */
    void switchDone(boolean ran, boolean inTransaction) {
        now = before;
        if (ran) {
            moved(pending, inTransaction);
        }
        pending = null;
    }

    /** The connection moved to {@code next} (setSchema, setCatalog, or SQL that ran). */
    void moved(Place next, boolean inTransaction) {
        if (transactional && inTransaction && atBegin == null) {
            atBegin = now;
        }
        now = next;
        switched = true;
    }

    /** A savepoint was set in the open transaction. */
    void savepoint(Savepoint savepoint) {
        if (transactional) {
            if (atSavepoint == null) {
                atSavepoint = new IdentityHashMap<>(4);
            }
            atSavepoint.put(savepoint, now);
        }
    }

    /** The transaction was rolled back to {@code savepoint}: a switch made after it is undone. */
    void rolledBackTo(Savepoint savepoint) {
        Place then = atSavepoint == null ? null : atSavepoint.get(savepoint);
        if (then != null) {
            now = then;
        }
    }

    void released(Savepoint savepoint) {
        if (atSavepoint != null) {
            atSavepoint.remove(savepoint);
        }
    }

    /**
     * The open transaction ended: {@code kept} when its work was committed, {@code false} when it
     * was rolled back, {@code null} when its end is not known (a commit that failed part-way): then
     * a switch made in it leaves the place unknown until the schema is set again.
     */
    void transactionEnded(Boolean kept) {
        if (atBegin != null && !Boolean.TRUE.equals(kept)) {
            now = kept == null ? Place.UNKNOWN : atBegin;
        }
        atBegin = null;
        if (atSavepoint != null) {
            atSavepoint.clear();
        }
    }
}
