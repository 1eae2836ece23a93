package io.schemashift.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.schemashift.SchemaShiftDataSource;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The set-up of a plain (non-Boot) application test: a database of its own holding the JPA
 * application's Flyway tables ({@code customers}, then the expand migration's {@code clients}, or
 * {@code clients} in a second database), and the application's HikariCP pool wrapped in a {@link
 * SchemaShiftDataSource}.
 *
 * @param url the database's JDBC URL
 * @param newUrl the second database's, holding {@code clients}; {@code null}: the same database
 * @param migration the migration's name, unique per run, database kind and set-up
 */
public record PooledApplication(TestDatabase server, String url, String newUrl, String migration) {

    /**
     * A fresh database named {@code it_<name>_<pid>_<kind>} with the old and the new table, or,
     * {@code separate}, with the old one and a second database ({@code …_new}) with the new one.
     */
    public static PooledApplication create(TestDatabase.Kind kind, String name, boolean separate)
            throws SQLException, IOException {
        TestDatabase server = TestDatabases.of(kind);
        String suffix = ProcessHandle.current().pid() + "_" + kind.name().toLowerCase(Locale.ROOT)
                + (separate ? "_separate" : "");
        String url = server.create("it_" + name + "_" + suffix);
        String newUrl = separate ? server.create("it_" + name + "_" + suffix + "_new") : null;
        String scripts = kind == TestDatabase.Kind.POSTGRESQL ? "db/pg/" : "db/mariadb/";
        try (Connection c = server.connect(url)) {
            TestDatabases.run(c, script(scripts + "V1__customers.sql"));
        }
        try (Connection c = server.connect(separate ? newUrl : url)) {
            TestDatabases.run(c, script(scripts + "V2__expand_clients.sql"));
        }
        return new PooledApplication(server, url, newUrl, name + "-" + suffix.replace('_', '-'));
    }

    /** The migration file of {@link EveryPhase#config}, with the second database when there is one. */
    public Path config() throws IOException {
        Path config = EveryPhase.config(migration, false);
        if (newUrl != null) {
            Files.writeString(
                    config,
                    "new:\n  url: '" + newUrl + "'\n  user: " + server.user() + "\n  password: '" + server.password()
                            + "'\n",
                    StandardOpenOption.APPEND);
        }
        return config;
    }

    /** The application's pool of four, through SchemaShift with {@code config}. */
    public SchemaShiftDataSource dataSource(Path config) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url);
        pool.setUsername(server.user());
        pool.setPassword(server.password());
        pool.setMaximumPoolSize(4);
        SchemaShiftDataSource dataSource = new SchemaShiftDataSource(new HikariDataSource(pool));
        dataSource.setConfig(config.toString());
        return dataSource;
    }

    private static String script(String resource) throws IOException {
        try (InputStream in = PooledApplication.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
