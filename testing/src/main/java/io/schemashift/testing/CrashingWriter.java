package io.schemashift.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * An application killed in the middle of its work, run in a JVM of its own by the crash tests (the
 * driver's IntentIT and RecordDurabilityIT, the CLI's CrashRecoveryCliIT): either between the two
 * commits of its first two-database write ({@code -Dschemashift.test.haltBetweenCommits=true}), or
 * the moment its last statement (or commit) returned, before anything SchemaShift does in the
 * background can happen, or with its transaction still open.
 */
public final class CrashingWriter {

    private static final String BETWEEN_COMMITS = "between-commits";
    private static final String AFTER_AUTO_COMMIT = "after-auto-commit";
    private static final String AFTER_COMMIT = "after-commit";
    private static final String BEFORE_COMMIT = "before-commit";

    private CrashingWriter() {}

    /**
     * Runs the writer in a JVM of its own, on this JVM's class path, inserting customer {@code id}
     * through {@code url} (a {@code jdbc:schemashift:} URL), killed between the two commits.
     *
     * @return its exit code: 137 when it halted between the commits
     */
    public static int crash(String url, String user, String password, Path config, int id) throws Exception {
        return run(
                List.of("-Dschemashift.test.haltBetweenCommits=true"),
                url,
                user,
                password,
                config,
                List.of(BETWEEN_COMMITS, Integer.toString(id)));
    }

    /**
     * Runs {@code statements} through {@code url} in a JVM of its own, in auto-commit mode or as one transaction
     * ({@code transaction}), and halts it the moment the last statement (or the commit) returned.
     *
     * @return its exit code: 137 when it halted there
     */
    public static int haltAfter(
            String url, String user, String password, Path config, boolean transaction, String... statements)
            throws Exception {
        List<String> args = new ArrayList<>();
        args.add(transaction ? AFTER_COMMIT : AFTER_AUTO_COMMIT);
        args.addAll(Arrays.asList(statements));
        return run(List.of(), url, user, password, config, args);
    }

    /**
     * Runs {@code statements} through {@code url} in a JVM of its own, as one transaction, and halts
     * it the moment the last statement returned: the transaction is never committed (what a
     * statement committed by itself stays).
     *
     * @return its exit code: 137 when it halted there
     */
    public static int haltBeforeCommit(String url, String user, String password, Path config, String... statements)
            throws Exception {
        List<String> args = new ArrayList<>();
        args.add(BEFORE_COMMIT);
        args.addAll(Arrays.asList(statements));
        return run(List.of(), url, user, password, config, args);
    }

    private static int run(
            List<String> jvmOptions, String url, String user, String password, Path config, List<String> args)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(), url, user, password));
        command.add(config.toString());
        command.addAll(args);
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
        String mode = args[4];
        try (Connection c = DriverManager.getConnection(args[0], info)) {
            if (mode.equals(BETWEEN_COMMITS)) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)")) {
                    ps.setInt(1, Integer.parseInt(args[5]));
                    ps.setString(2, "crash");
                    ps.executeUpdate();
                }
                System.exit(0); // not reached: the JVM halts between the commits
            }
            c.setAutoCommit(mode.equals(AFTER_AUTO_COMMIT));
            try (Statement st = c.createStatement()) {
                for (String sql : Arrays.asList(args).subList(5, args.length)) {
                    st.execute(sql);
                }
            }
            if (mode.equals(AFTER_COMMIT)) {
                c.commit();
            }
            Runtime.getRuntime().halt(137); // as if killed: no shutdown hook, no background thread runs on
        }
    }
}
