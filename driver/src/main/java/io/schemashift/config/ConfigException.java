package io.schemashift.config;

import io.schemashift.error.ShiftSqlState;
import java.sql.SQLException;

/**
 * A configuration file that cannot be used. The message names the file, the line and the key,
 * and says what is allowed; it never contains a secret.
 */
public final class ConfigException extends SQLException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, ShiftSqlState.BAD_CONFIGURATION.code());
    }

    static ConfigException at(String source, int line, String key, String problem) {
        StringBuilder message = new StringBuilder("SchemaShift configuration ").append(source);
        if (line > 0) {
            message.append(", line ").append(line);
        }
        if (key != null && !key.isEmpty()) {
            message.append(", key '").append(key).append('\'');
        }
        return new ConfigException(message.append(": ").append(problem).toString());
    }
}
