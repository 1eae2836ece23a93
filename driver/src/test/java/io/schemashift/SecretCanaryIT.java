package io.schemashift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.jdbc.ShiftUrl;
import io.schemashift.routing.MigrationFixture;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A canary password, given as the application's password, inside URLs and through {@code
 * ${sys:…}} / {@code ${env:…}} in the configuration file, must never show up in an exception
 * (message, cause chain, suppressed), a log line (SLF4J, which the tests bind to slf4j-simple on
 * System.err, and java.util.logging) or the {@code toString()} of a connection, statement,
 * configuration or DataSource.
 *
 * <p>The local PostgreSQL trusts 127.0.0.1, so it accepts any password: the wrong-password case
 * runs on MariaDB, which checks it; on PostgreSQL the canary rides along to an unknown database.
 */
class SecretCanaryIT {

    private static final String CANARY = "canary-" + UUID.randomUUID();
    private static final String CANARY_PROPERTY = "schemashift.test.canary";

    private static PrintStream realOut;
    private static PrintStream realErr;
    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();
    private static final List<String> JUL = new ArrayList<>();
    private static final Handler JUL_HANDLER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String line = new SimpleFormatter().format(record);
            synchronized (JUL) {
                JUL.add(line);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeAll
    static void capture() {
        System.setProperty(CANARY_PROPERTY, CANARY);
        realOut = System.out;
        realErr = System.err;
        System.setOut(new PrintStream(new Tee(realOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(realErr), true, StandardCharsets.UTF_8));
        Logger.getLogger("").addHandler(JUL_HANDLER);
        JUL_HANDLER.setLevel(Level.ALL);
    }

    @AfterAll
    static void release() {
        System.setOut(realOut);
        System.setErr(realErr);
        Logger.getLogger("").removeHandler(JUL_HANDLER);
        System.clearProperty(CANARY_PROPERTY);
    }

    @Test
    void badUrls_neverShowThePassword() {
        TestDatabase pg = TestDatabases.postgres();
        List<String> urls = List.of(
                "jdbc:schemashift:",
                "jdbc:schemashift::x?password=" + CANARY,
                "jdbc:schemashift:nosuchdriver://127.0.0.1/app?user=u&password=" + CANARY,
                "jdbc:schemashift:"
                        + withPassword(pg.url("ss_canary_missing"), CANARY).substring("jdbc:".length()));

        for (String url : urls) {
            Throwable error = catchThrowable(() -> DriverManager.getConnection(url, withCanaryPassword()));
            assertThat(error).as(url).isInstanceOf(SQLException.class);
            assertThat(((SQLException) error).getSQLState()).as(url).isNotNull();
            assertNoCanary(url, error);
        }
        assertThat(new ShiftUrl("jdbc:h2:mem:x;PASSWORD=" + CANARY, java.util.Map.of()).toString())
                .doesNotContain(CANARY);
        assertLogsClean();
    }

    @Test
    void wrongPassword_neverShown() throws Exception {
        TestDatabase mariadb = TestDatabases.mariadb();
        String url = "jdbc:schemashift:" + mariadb.url("").substring("jdbc:".length());
        MigrationFixture fixture = MigrationFixture.create(TestDatabases.h2(), false, "phase: dual-write\n");

        Throwable plain = catchThrowable(() -> DriverManager.getConnection(url, withCanaryPassword()));
        Properties configured = withCanaryPassword();
        configured.setProperty("schemashift.config", fixture.configPath().toString());
        Throwable withConfig = catchThrowable(() -> DriverManager.getConnection(url, configured));

        assertThat(plain).isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        assertThat(withConfig).isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        assertNoCanary("plain", plain);
        assertNoCanary("configured", withConfig);
        assertLogsClean();
    }

    @Test
    void badConfigFiles_neverShowTheSecret() throws Exception {
        String header = "migration: canary-bad\nnew:\n  url: 'jdbc:h2:mem:canary_new'\n";
        List<String> files = List.of(
                header + "  password: '" + CANARY + "'\nphase: nowhere\n",
                header + "  password: '" + CANARY + "'\n  pasword: x\n",
                header + "  password: " + CANARY + ": [\n",
                header + "  password: '${sys:" + CANARY_PROPERTY + "}'\n  pool: { maximumPoolSize: '${sys:"
                        + CANARY_PROPERTY + "}' }\n",
                header + "  password: '${sys:" + CANARY_PROPERTY + "}'\n  pool: { connectionTimeout: '" + CANARY
                        + "' }\n",
                "migration: canary-bad\nnew: { url: '${sys:" + CANARY_PROPERTY + "}' }\n",
                "migration: canary-bad\nphase: '${sys:" + CANARY_PROPERTY + "}'\n",
                "migration: canary-bad\nnew: { url: 'jdbc:h2:mem:x?password=${sys:" + CANARY_PROPERTY
                        + "}', user: [a] }\n");

        for (String yaml : files) {
            Path file = Files.createTempFile("schemashift-canary", ".yaml");
            Files.writeString(file, yaml);
            Properties info = withCanaryPassword();
            info.setProperty("schemashift.config", file.toString());

            Throwable error =
                    catchThrowable(() -> DriverManager.getConnection("jdbc:schemashift:h2:mem:canary_cfg", info));

            assertThat(error).as(yaml).isInstanceOf(SQLException.class);
            assertThat(error.getMessage()).as(yaml).startsWith("SchemaShift configuration " + file);
            assertNoCanary(yaml, error);
        }
        assertLogsClean();
    }

    @Test
    void workingMigration_toStringsAndLogsClean() throws Exception {
        TestDatabase pg = TestDatabases.postgres();
        MigrationFixture fixture = MigrationFixture.create(pg, true, "");
        String unreachableNew = pg.url("ss_canary_no_such_db");
        Path config = Files.createTempFile("schemashift-canary-ok", ".yaml");
        Files.writeString(
                config,
                Files.readString(fixture.configPath())
                                .replace(
                                        "migration: " + fixture.migration,
                                        "migration: " + fixture.migration + "-canary")
                                .replace(fixture.newUrl, withPassword(unreachableNew, "${sys:" + CANARY_PROPERTY + "}"))
                                .replaceAll("(?m)^  password: .*$", "  password: '\\${sys:" + CANARY_PROPERTY + "}'")
                        + "phase: dual-write\n");
        Properties info = withCanaryPassword();
        info.setProperty("user", pg.user());
        info.setProperty("schemashift.config", config.toString());
        List<Object> objects = new ArrayList<>();

        try (Connection c =
                DriverManager.getConnection("jdbc:schemashift:" + fixture.oldUrl.substring("jdbc:".length()), info)) {
            objects.add(c);
            // The new side's database does not exist: the mirror fails, the app's insert does not.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (name, email) VALUES (?, ?)")) {
                objects.add(ps);
                ps.setString(1, "Ada");
                ps.setString(2, "ada@example.com");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT name FROM customers");
            DatabaseMetaData md = c.getMetaData();
            CallableStatement call = c.prepareCall("SELECT 1");
            objects.addAll(List.of(st, rs, md, call));
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Ada");
        }
        MigrationConfig parsed = new ConfigReader().read(config.toString(), Files.readString(config));
        objects.addAll(List.of(parsed, parsed.newSide()));
        assertThat(parsed.newSide().password().reveal()).isEqualTo(CANARY);

        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(fixture.oldUrl);
        hikari.setUsername(pg.user());
        hikari.setPassword(CANARY);
        try (SchemaShiftDataSource ds = new SchemaShiftDataSource(new HikariDataSource(hikari));
                Connection pooled = ds.getConnection()) {
            objects.addAll(List.of(ds, pooled));
        }

        for (Object o : objects) {
            assertThat(o.toString()).as(o.getClass().getName()).doesNotContain(CANARY);
        }
        String logs = logs();
        assertThat(logs).as("the capture works").contains("SchemaShift active");
        assertLogsClean();
    }

    private static String withPassword(String url, String password) {
        return url + (url.contains("?") ? "&" : "?") + "password=" + password;
    }

    private static Properties withCanaryPassword() {
        Properties info = new Properties();
        info.setProperty("user", "root");
        info.setProperty("password", CANARY);
        return info;
    }

    private static void assertNoCanary(String what, Throwable error) {
        List<Throwable> seen = new ArrayList<>();
        List<Throwable> todo = new ArrayList<>(List.of(error));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(todo.size() - 1);
            if (t == null || seen.contains(t)) {
                continue;
            }
            seen.add(t);
            assertThat(String.valueOf(t)).as(what).doesNotContain(CANARY);
            todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
            if (t instanceof SQLException sql) {
                todo.add(sql.getNextException());
            }
        }
    }

    private static void assertLogsClean() {
        assertThat(logs()).doesNotContain(CANARY);
    }

    private static String logs() {
        System.out.flush();
        System.err.flush();
        StringBuilder all;
        synchronized (CAPTURED) {
            all = new StringBuilder(CAPTURED.toString(StandardCharsets.UTF_8));
        }
        synchronized (JUL) {
            JUL.forEach(line -> all.append('\n').append(line));
        }
        return all.toString();
    }

    /** Writes to the real stream and into {@link #CAPTURED}. */
    private static final class Tee extends OutputStream {
        private final OutputStream real;

        Tee(OutputStream real) {
            this.real = real;
        }

        @Override
        public void write(int b) throws IOException {
            real.write(b);
            synchronized (CAPTURED) {
                CAPTURED.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            real.write(b, off, len);
            synchronized (CAPTURED) {
                CAPTURED.write(b, off, len);
            }
        }
    }
}
