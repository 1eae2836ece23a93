package io.schemashift.spring;

import io.schemashift.SchemaShiftDataSource;
import io.schemashift.runtime.MigrationRuntime;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;

/**
 * What both health indicators (Spring Boot 3 and 4 APIs) report: for each SchemaShift DataSource,
 * the migration's phase, rollout version, breaker, divergence backlog and lost records. A running
 * migration is always UP (its side path never stops the application, so neither should a
 * liveness probe); a configuration that cannot be read is DOWN, as every connection then fails.
 */
final class SchemaShiftStatus {

    /** One reading: up or down, and the details to show. */
    record Reading(boolean up, Map<String, Object> details) {}

    private final ObjectProvider<DataSource> dataSources;

    SchemaShiftStatus(ObjectProvider<DataSource> dataSources) {
        this.dataSources = dataSources;
    }

    Reading read() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = true;
        for (DataSource ds : (Iterable<DataSource>) dataSources.orderedStream()::iterator) {
            if (!(ds instanceof SchemaShiftDataSource shift)) {
                continue;
            }
            try {
                Optional<MigrationRuntime.Status> status = shift.status();
                if (status.isEmpty()) {
                    details.put("mode", "pass-through (no SchemaShift configuration found)");
                } else {
                    details.put(status.get().migration(), describe(status.get()));
                }
            } catch (SQLException e) {
                up = false;
                details.put("error", e.getMessage());
            }
        }
        return new Reading(up, details);
    }

    private static Map<String, Object> describe(MigrationRuntime.Status s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("phase", s.phase().configName());
        d.put("rolloutVersion", s.version());
        d.put("breaker", s.breaker() == null ? "none" : s.breaker().name().toLowerCase(Locale.ROOT));
        d.put("divergenceBacklog", s.divergenceBacklog());
        d.put("divergencesLost", s.divergencesLost());
        d.put("writesAllowed", s.writesAllowed());
        d.put("started", s.started());
        return d;
    }
}
