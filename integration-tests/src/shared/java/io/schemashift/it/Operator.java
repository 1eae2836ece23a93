package io.schemashift.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.schemashift.SchemaShiftDataSource;
import io.schemashift.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator of an application test: the CLI jar, run as its own process against the
 * application's database, as an operator runs it.
 */
public record Operator(TestDatabase server, String url, Path config, String reason) {

    private static final Path CLI_JAR = Path.of("../cli/target/schemashift.jar");
    private static final Duration APPLIED = Duration.ofSeconds(30);

    /** Runs {@code command} (e.g. {@code "phase", "dual-write"}), asserts exit 0, returns its output. */
    public String ok(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "java",
                // a short-lived command: start fast rather than run fast
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                CLI_JAR.toString(),
                "--config=" + config,
                "--url=" + url,
                "--user=" + server.user()));
        if (!server.password().isEmpty()) {
            args.add("--password=" + server.password());
        }
        args.addAll(List.of(command));
        if (command[0].equals("phase") || command[0].equals("rollback")) {
            args.addAll(List.of("--reason", reason));
        }
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("schemashift %s:%n%s", command[0], output)
                .isZero();
        return output;
    }

    /** Runs {@code command} and waits until the application applies {@code phase}. */
    public void move(SchemaShiftDataSource app, String phase, String... command) throws Exception {
        ok(command);
        await("the application applies " + phase)
                .atMost(APPLIED)
                .until(() -> app.status().orElseThrow().phase().configName(), phase::equals);
    }

    /**
     * Opens a first connection (which starts the migration's runtime) and waits until the
     * application has read the rollout {@code init} stored: until then writes to mapped tables fail
     * closed.
     */
    public static void awaitWritesAllowed(SchemaShiftDataSource app) throws SQLException {
        app.getConnection().close();
        await("writes allowed").atMost(APPLIED).until(() -> writesAllowed(app));
    }

    private static boolean writesAllowed(SchemaShiftDataSource app) throws SQLException {
        return app.status().orElseThrow().writesAllowed();
    }
}
