package io.schemashift.shadow;

import io.schemashift.api.Side;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.mirror.SessionSettings;
import java.sql.SQLException;
import java.util.Set;

/** What a shadow read needs to know of the application's connection when its query is about to run. */
public interface ReadContext {

    /** The rollout the current transaction runs under: its shadow percentage. */
    MigrationConfig.Rollout rollout();

    /** The phase the tables share in the current transaction, or {@code null} if their phases differ. */
    Phase phaseOf(Set<String> tables);

    /** Whether the current transaction has uncommitted writes, which the other side cannot see. */
    boolean inDirtyTransaction();

    /** Whether the user may read every one of {@code tables} on {@code side} (PostgreSQL: granted there). */
    boolean mayRead(Set<String> tables, Side side);

    /**
     * The application connection's session settings, which the shadow connections of a separate
     * new side take too (they change what a timestamp reads as); {@code null} with one database.
     */
    SessionSettings sessionSettings() throws SQLException;
}
