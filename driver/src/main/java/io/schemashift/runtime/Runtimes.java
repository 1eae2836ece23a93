package io.schemashift.runtime;

import io.schemashift.config.ConfigLocation;
import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.metrics.Registries;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One {@link MigrationRuntime} per configuration file per JVM, shared by every connection that
 * names the same file. Thread-safe.
 */
public final class Runtimes {

    private static final ConcurrentMap<String, MigrationRuntime> BY_LOCATION = new ConcurrentHashMap<>();
    /** The longest the JVM shutdown hook waits for every runtime to flush and close. */
    static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(10);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Runtimes::closeAllAtShutdown, "schemashift-shutdown"));
    }

    private Runtimes() {}

    /**
     * The runtime of the configuration that the discovery chain finds, created (and the file
     * validated) on first use.
     *
     * @return empty when there is no configuration: pure pass-through
     * @throws SQLException ({@link io.schemashift.config.ConfigException}) if the file is missing or invalid
     */
    public static Optional<MigrationRuntime> find(Properties info, String urlParameter) throws SQLException {
        Optional<ConfigLocation> location = ConfigLocation.find(info, urlParameter, System::getenv, classLoader());
        if (location.isEmpty()) {
            return Optional.empty();
        }
        MigrationRuntime existing = BY_LOCATION.get(location.get().key());
        if (existing != null) {
            return Optional.of(existing);
        }
        MigrationConfig config = location.get().load(new ConfigReader());
        return Optional.of(BY_LOCATION.computeIfAbsent(
                location.get().key(), k -> new MigrationRuntime(config, location.get(), Registries.current())));
    }

    /**
     * The runtime already started for the configuration the discovery chain finds, without
     * starting one or reading the file; empty when none runs (or the chain finds none).
     */
    public static Optional<MigrationRuntime> running(Properties info) {
        try {
            return ConfigLocation.find(info, null, System::getenv, classLoader())
                    .map(location -> BY_LOCATION.get(location.key()));
        } catch (SQLException e) {
            return Optional.empty(); // a location that cannot be resolved has no runtime
        }
    }

    /**
     * Stops {@code runtime} (its pools, threads and control loop) and forgets it, so the next
     * connection naming its file starts a new one. For application shutdown and tests.
     */
    public static void close(MigrationRuntime runtime) {
        BY_LOCATION.values().remove(runtime);
        runtime.close();
    }

    /**
     * At JVM shutdown: closes every runtime (flushing its divergence log, writing its last
     * heartbeat) on a daemon thread, and waits at most {@link #SHUTDOWN_BUDGET}, so that an
     * unreachable database never holds the JVM's exit.
     */
    private static void closeAllAtShutdown() {
        List<MigrationRuntime> all = List.copyOf(BY_LOCATION.values());
        if (all.isEmpty()) {
            return;
        }
        Thread closer = new Thread(() -> all.forEach(Runtimes::close), "schemashift-shutdown-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(SHUTDOWN_BUDGET.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Runtimes.class.getClassLoader();
    }
}
