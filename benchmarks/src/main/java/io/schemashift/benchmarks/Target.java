package io.schemashift.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;
import org.h2.jdbcx.JdbcDataSource;

/**
 * One H2 in-memory database, reached through the raw driver or one of the wrappers being
 * compared. The database lives as long as the admin connection, which always uses the raw
 * driver (schema set-up, truncation), so the wrapper under test only ever sees the benchmark's
 * own statements.
 *
 * <p>The variants, by {@code @Param} name:
 *
 * <ul>
 *   <li>{@code raw}: {@code jdbc:h2:mem:…} through {@link DriverManager};
 *   <li>{@code schemashift}: {@code jdbc:schemashift:h2:mem:…}, no configuration, so pure
 *       pass-through;
 *   <li>{@code p6spy}: {@code jdbc:p6spy:h2:mem:…}, core module only (see {@code spy.properties});
 *   <li>{@code datasource-proxy}: {@code ProxyDataSourceBuilder} around H2's {@link JdbcDataSource},
 *       no listeners;
 *   <li>{@code shardingsphere}: ShardingSphere-JDBC 5.5.2 over the same {@link JdbcDataSource}, a
 *       single data source with a {@code !SINGLE} rule (see {@code shardingsphere-bench.yaml}).
 * </ul>
 *
 * <p>Not thread-safe; one per benchmark thread.
 */
final class Target implements AutoCloseable {

    static final int ITEMS = 1_000;

    private final String variant;
    private final String h2Url;
    private final Connection admin;
    private final DataSource dataSource;

    private Target(String variant, String h2Url, Connection admin, DataSource dataSource) {
        this.variant = variant;
        this.h2Url = h2Url;
        this.admin = admin;
        this.dataSource = dataSource;
    }

    /** Creates the database {@code name}, its tables and rows, then the variant's access path. */
    static Target open(String variant, String name) throws SQLException {
        String h2Url = "jdbc:h2:mem:" + name;
        Connection admin = DriverManager.getConnection(h2Url, "sa", "");
        try {
            createSchema(admin);
            return new Target(variant, h2Url, admin, dataSource(variant, h2Url));
        } catch (SQLException | RuntimeException e) {
            admin.close();
            throw e;
        }
    }

    private static void createSchema(Connection admin) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
                    + " price BIGINT NOT NULL, created TIMESTAMP NOT NULL)");
            st.execute("INSERT INTO items SELECT x, 'item-' || x, x * 100, TIMESTAMP '2026-01-01 00:00:00'"
                    + " FROM SYSTEM_RANGE(1, " + ITEMS + ")");
            st.execute("CREATE TABLE events (id INT NOT NULL, name VARCHAR(64) NOT NULL, amount BIGINT NOT NULL)");
        }
    }

    private static DataSource dataSource(String variant, String h2Url) throws SQLException {
        switch (variant) {
            case "raw", "schemashift", "p6spy":
                return null;
            case "datasource-proxy":
                return ProxyDataSourceBuilder.create(h2(h2Url)).build();
            case "shardingsphere":
                try {
                    return YamlShardingSphereDataSourceFactory.createDataSource(
                            Map.of("ds", h2(h2Url)), resource("shardingsphere-bench.yaml"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            default:
                throw new IllegalArgumentException("unknown variant '" + variant
                        + "': expected raw, schemashift, p6spy, datasource-proxy or shardingsphere");
        }
    }

    private static JdbcDataSource h2(String h2Url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(h2Url);
        ds.setUser("sa");
        ds.setPassword("");
        return ds;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Target.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no " + name + " on the classpath");
            }
            return in.readAllBytes();
        }
    }

    /** A new connection through the variant under test, checked to be the variant's own class. */
    Connection connect() throws SQLException {
        Connection c = rawConnect();
        String expected =
                switch (variant) {
                    case "raw" -> "org.h2.";
                    case "schemashift" -> "io.schemashift.";
                    case "p6spy" -> "com.p6spy.";
                    case "datasource-proxy" -> "com.sun.proxy.$Proxy";
                    default -> "org.apache.shardingsphere.";
                };
        String actual = c.getClass().getName();
        if (!actual.startsWith(expected) && !actual.startsWith("jdk.proxy")) {
            c.close();
            throw new IllegalStateException(variant + " gave a " + actual + ", expected " + expected + "…");
        }
        return c;
    }

    private Connection rawConnect() throws SQLException {
        switch (variant) {
            case "raw":
                return DriverManager.getConnection(h2Url, "sa", "");
            case "schemashift":
                return DriverManager.getConnection("jdbc:schemashift:" + h2Url.substring("jdbc:".length()), "sa", "");
            case "p6spy":
                return DriverManager.getConnection("jdbc:p6spy:" + h2Url.substring("jdbc:".length()), "sa", "");
            default:
                return dataSource.getConnection();
        }
    }

    /** Empties the batch-insert table, through the raw admin connection. */
    void truncateEvents() throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("TRUNCATE TABLE events");
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            if (dataSource instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException("cannot close the " + variant + " data source", e);
        } finally {
            admin.close();
        }
    }
}
