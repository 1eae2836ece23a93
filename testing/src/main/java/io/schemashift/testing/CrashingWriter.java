package io.schemashift.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * An application that dies between the two commits of its first two-database write: run in a
 * JVM of its own with {@code -Dschemashift.test.haltBetweenCommits=true} by the crash tests (the
 * driver's IntentIT, the CLI's CrashRecoveryCliIT).
 * Arguments: the SchemaShift URL, user, password, configuration file, the id to insert.
 */
public final class CrashingWriter {

    private CrashingWriter() {}

    /**
     * Runs the writer in a JVM of its own, on this JVM's class path, inserting customer {@code id}
     * through {@code url} (a {@code jdbc:schemashift:} URL).
     *
     * @return its exit code: 137 when it halted between the commits
     */
    public static int crash(String url, String user, String password, Path config, int id) throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dschemashift.test.haltBetweenCommits=true",
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                url,
                user,
                password,
                config.toString(),
                Integer.toString(id));
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the crashing writer did not end within 60 s");
        }
        return p.exitValue();
    }

    public static void main(String[] args) throws Exception {
        Properties info = new Properties();
        info.setProperty("user", args[1]);
        info.setProperty("password", args[2]);
        info.setProperty("schemashift.config", args[3]);
        try (Connection c = DriverManager.getConnection(args[0], info);
                PreparedStatement ps = c.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)")) {
            ps.setInt(1, Integer.parseInt(args[4]));
            ps.setString(2, "crash");
            ps.executeUpdate();
        }
        System.exit(0); // not reached: the JVM halts between the commits
    }
}
