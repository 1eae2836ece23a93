package io.schemashift.cli;

import io.schemashift.api.ConnectionSource;
import io.schemashift.config.MigrationConfig;
import io.schemashift.control.ControlStore;
import io.schemashift.rewriter.Dialect;

/**
 * What a command works with: the validated configuration and connections to the old (primary)
 * database.
 *
 * @param newConnections connections to the new-side database ({@code new.url}); {@code null} when
 *     the new schema lives in the old database
 * @param secret the password in use, only to keep it out of messages; may be {@code null}
 */
record Context(
        MigrationConfig config,
        Dialect dialect,
        ConnectionSource connections,
        ConnectionSource newConnections,
        String secret) {

    ControlStore store() {
        return new ControlStore(connections, dialect, config);
    }

    @Override
    public String toString() {
        return "Context[migration=" + config.migration() + ", dialect=" + dialect + "]";
    }
}
