package io.schemashift;

import io.schemashift.api.ConnectionSource;
import io.schemashift.config.ConfigLocation;
import io.schemashift.jdbc.ConnectionStart;
import io.schemashift.jdbc.ShiftConnection;
import io.schemashift.runtime.MigrationRuntime;
import io.schemashift.runtime.Runtimes;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Wraps any {@link DataSource} (a HikariDataSource, a vendor DataSource…) for applications that
 * configure one instead of a URL. The configuration is found by the usual chain; {@link
 * #setConfig(String)} takes the place of the connection property.
 *
 * <pre>{@code
 * DataSource ds = new SchemaShiftDataSource(hikariDataSource);
 * }</pre>
 *
 * <p>Thread-safe once configured. Closing it stops the migration runtime (writing out queued
 * divergence records first), then closes the wrapped DataSource if that is closeable.
 */
public final class SchemaShiftDataSource implements DataSource, AutoCloseable {

    private final DataSource delegate;
    private volatile String config;
    /**
     * Where the wrapped DataSource's connections start, by user ("" for its own), read from the
     * first one: each wrapper puts its connection back there on close (see {@link ConnectionStart}).
     */
    private final Map<String, ConnectionStart> starts = new ConcurrentHashMap<>();

    public SchemaShiftDataSource(DataSource delegate) {
        if (delegate == null) {
            throw new IllegalArgumentException("the DataSource to wrap must not be null");
        }
        this.delegate = delegate;
    }

    /** Names the configuration file (a path, {@code file:…} or {@code classpath:…}). */
    public void setConfig(String location) {
        this.config = location;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Optional<MigrationRuntime> runtime = runtime();
        return wrap(runtime, delegate.getConnection(), ConnectionSource.pooled(delegate::getConnection), "");
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Optional<MigrationRuntime> runtime = runtime();
        return wrap(
                runtime,
                delegate.getConnection(username, password),
                ConnectionSource.pooled(() -> delegate.getConnection(username, password)),
                username == null ? "" : username);
    }

    private Connection wrap(
            Optional<MigrationRuntime> runtime, Connection connection, ConnectionSource more, String user)
            throws SQLException {
        if (runtime.isEmpty()) {
            return ShiftConnection.wrap(connection);
        }
        try {
            ConnectionStart start = starts.get(user);
            if (start == null) {
                start = runtime.get().lentStart(connection);
                starts.putIfAbsent(user, start);
            }
            return runtime.get().connect(connection, more, start);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * The state of the migration this DataSource runs (phase, rollout version, breaker, divergence
     * backlog), for health checks; empty when no configuration is found (pass-through).
     *
     * @throws SQLException ({@link io.schemashift.config.ConfigException}) if the configuration is missing or invalid
     */
    public Optional<MigrationRuntime.Status> status() throws SQLException {
        return runtime().map(MigrationRuntime::status);
    }

    private Optional<MigrationRuntime> runtime() throws SQLException {
        return Runtimes.find(locationProperties(), null);
    }

    private Properties locationProperties() {
        Properties properties = new Properties();
        String named = config;
        if (named != null) {
            properties.setProperty(ConfigLocation.PROPERTY, named);
        }
        return properties;
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return iface.isInstance(delegate) ? iface.cast(delegate) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }

    /**
     * Stops the migration runtime this DataSource's configuration started (after writing out its
     * queued divergence records), leaving the wrapped DataSource open: for containers that close
     * the pool themselves. A later connection starts the runtime again.
     */
    public void shutdown() {
        Runtimes.running(locationProperties()).ifPresent(Runtimes::close);
    }

    @Override
    public void close() throws SQLException {
        // first, while the pool still lends connections to the divergence log's last batch
        shutdown();
        if (delegate instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (SQLException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new SQLException("closing the wrapped DataSource failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "SchemaShiftDataSource[" + delegate + "]";
    }
}
