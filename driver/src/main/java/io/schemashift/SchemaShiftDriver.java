package io.schemashift;

import io.schemashift.config.ConfigLocation;
import io.schemashift.config.RedactedUrl;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.jdbc.ShiftConnection;
import io.schemashift.jdbc.ShiftUrl;
import io.schemashift.runtime.Runtimes;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The SchemaShift JDBC driver: {@code jdbc:schemashift:<real URL without "jdbc:">}. It finds the
 * real driver through {@link DriverManager}, hands it the real URL and the application's
 * properties unchanged (minus {@code schemashift.*}), and wraps the connection it returns.
 *
 * <p>Registered through {@code META-INF/services/java.sql.Driver}. Thread-safe.
 */
public final class SchemaShiftDriver implements Driver {

    static {
        try {
            DriverManager.registerDriver(new SchemaShiftDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null; // the JDBC contract: not ours, let DriverManager try the next driver
        }
        ShiftUrl shift = ShiftUrl.parse(url);
        Properties forReal = withoutOwnProperties(info);
        Driver real = realDriver(shift.realUrl());
        var runtime = Runtimes.find(info, shift.parameters().get(ConfigLocation.PROPERTY));
        Connection connection = real.connect(shift.realUrl(), forReal);
        if (connection == null) {
            throw ShiftSqlState.CANNOT_CONNECT.error(
                    "the real driver " + real.getClass().getName() + " refused " + RedactedUrl.of(shift.realUrl()));
        }
        if (runtime.isEmpty()) {
            return ShiftConnection.wrap(connection);
        }
        try {
            return runtime.get().connect(connection, () -> real.connect(shift.realUrl(), forReal));
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return ShiftUrl.accepts(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return new DriverPropertyInfo[0];
        }
        String realUrl = ShiftUrl.parse(url).realUrl();
        DriverPropertyInfo[] real = realDriver(realUrl).getPropertyInfo(realUrl, withoutOwnProperties(info));
        DriverPropertyInfo config = new DriverPropertyInfo(
                ConfigLocation.PROPERTY, info == null ? null : info.getProperty(ConfigLocation.PROPERTY));
        config.description = "SchemaShift configuration file: a path, file:… or classpath:…";
        config.required = false;
        DriverPropertyInfo[] all = Arrays.copyOf(real, real.length + 1);
        all[real.length] = config;
        return all;
    }

    @Override
    public int getMajorVersion() {
        return Version.MAJOR;
    }

    @Override
    public int getMinorVersion() {
        return Version.MINOR;
    }

    /** False: SchemaShift is as compliant as the real driver under it, which it cannot vouch for. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    /** SchemaShift logs through SLF4J, not java.util.logging. */
    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("SchemaShift logs through SLF4J (logger names io.schemashift.*)");
    }

    private static Driver realDriver(String realUrl) throws SQLException {
        try {
            return DriverManager.getDriver(realUrl);
        } catch (SQLException e) {
            throw ShiftSqlState.CANNOT_CONNECT.error(
                    "no JDBC driver for " + RedactedUrl.of(realUrl) + " on the classpath: add the real driver (e.g."
                            + " org.postgresql:postgresql) next to SchemaShift",
                    e);
        }
    }

    /** The application's properties as they are, or a copy without {@code schemashift.*} if it has any. */
    private static Properties withoutOwnProperties(Properties info) {
        if (info == null || info.stringPropertyNames().stream().noneMatch(n -> n.startsWith("schemashift."))) {
            return info;
        }
        Properties copy = new Properties();
        for (String name : info.stringPropertyNames()) {
            if (!name.startsWith("schemashift.")) {
                copy.setProperty(name, info.getProperty(name));
            }
        }
        return copy;
    }
}
