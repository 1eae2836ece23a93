package io.schemashift.runtime;

import io.schemashift.config.ConfigLocation;
import io.schemashift.config.MigrationConfig;
import io.schemashift.jdbc.ShiftConnection;
import java.sql.Connection;

/**
 * Everything one configured migration shares across the connections of a JVM: the validated
 * configuration and, as later layers add them, routing, the new side and the metrics.
 */
public final class MigrationRuntime {

    private final MigrationConfig config;
    private final ConfigLocation location;

    MigrationRuntime(MigrationConfig config, ConfigLocation location, String realUrl) {
        this.config = config;
        this.location = location;
    }

    /** The validated configuration. */
    public MigrationConfig config() {
        return config;
    }

    /** Wraps a new application connection. */
    public ShiftConnection connect(Connection connection) {
        return ShiftConnection.wrap(connection);
    }

    @Override
    public String toString() {
        return "MigrationRuntime[" + config.migration() + " from " + location.description() + "]";
    }
}
