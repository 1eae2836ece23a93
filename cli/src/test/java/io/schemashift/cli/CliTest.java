package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI's usage, exit codes and one-line errors, where no database is needed. */
class CliTest {

    private static final List<String> COMMANDS = List.of("init", "status", "phase", "rollback", "mismatches", "audit");

    @TempDir
    Path dir;

    @Test
    void help_everyCommand_exitsZeroAndDescribesItself() {
        assertThat(Cli.run(Map.of(), "--help").out()).contains(COMMANDS).contains("Exit codes");
        for (String command : COMMANDS) {
            Cli.Run run = Cli.run(Map.of(), command, "--help");
            assertThat(run.exit()).as(command).isZero();
            assertThat(run.out())
                    .as(command)
                    .contains("Usage: schemashift " + command)
                    .contains("--url");
        }
    }

    @Test
    void unknownOption_everyCommand_isUsageErrorOnOneLine() {
        for (String command : COMMANDS) {
            List<String> args = new ArrayList<>(List.of(command));
            if (command.equals("phase")) {
                args.add("dual-write");
            }
            if (command.equals("phase") || command.equals("rollback")) {
                args.addAll(List.of("--reason", "x"));
            }
            args.add("--bogus");
            Cli.Run run = Cli.run(Map.of(), args.toArray(String[]::new));
            assertThat(run.exit()).as(command).isEqualTo(2);
            assertThat(run.err())
                    .as(command)
                    .hasLineCount(1)
                    .startsWith("schemashift: error: Unknown option: '--bogus'")
                    .endsWith("(see 'schemashift " + command + " --help')\n");
        }
    }

    @Test
    void noCommand_isUsageError() {
        Cli.Run run = Cli.run(Map.of());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("schemashift: error: a command is required")
                .hasLineCount(1);
    }

    @Test
    void phase_unknownName_isUsageErrorOnOneLine() {
        Cli.Run run = Cli.run(Map.of(), "phase", "shadow", "--reason", "x");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .hasLineCount(1)
                .startsWith("schemashift: error: ")
                .contains("unknown phase 'shadow'; allowed: old-only, dual-write, shadow-read")
                .contains("(see 'schemashift phase --help')");
    }

    @Test
    void phase_missingReason_isUsageError() {
        Cli.Run run = Cli.run(Map.of(), "phase", "dual-write");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).hasLineCount(1).contains("Missing required option: '--reason=<text>'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "101", "ten"})
    void phase_percentOutOfRange_isUsageError(String percent) {
        Cli.Run run = Cli.run(Map.of(), "phase", "read-new", "--read-new", percent, "--reason", "x");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).hasLineCount(1).contains("must be a whole number from 0 to 100");
    }

    @Test
    void plainCommandLine_keepsExitCodes() {
        assertThat(Cli.runPlain(Map.of(), "phase", "nope", "--reason", "x").exit())
                .isEqualTo(2);
        Cli.Run failed = Cli.runPlain(
                Map.of(), "status", "--config", dir.resolve("missing.yaml").toString(), "--url", "jdbc:h2:mem:x");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).hasLineCount(1).contains("file not found");
    }

    @Test
    void noConfig_isUsageErrorNamingTheWays() {
        Cli.Run run = Cli.run(Map.of(), "status", "--url", "jdbc:h2:mem:x");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).hasLineCount(1).contains("no configuration file: pass --config <path> or set");
    }

    @Test
    void noUrl_isUsageErrorNamingTheWays() throws IOException {
        Cli.Run run = Cli.run(Map.of(), "status", "--config", config());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).hasLineCount(1).contains("pass --url <jdbc-url>").contains("SCHEMASHIFT_URL");
    }

    @Test
    void unsupportedUrl_isUsageError() throws IOException {
        Cli.Run run = Cli.run(Map.of(), "status", "--config", config(), "--url", "jdbc:oracle:thin:@x");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).hasLineCount(1).contains("unsupported database URL; allowed: jdbc:postgresql:");
    }

    @Test
    void invalidConfig_failsWithTheReadersMessage() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "migration: m1\nphase: sideways\n");
        Cli.Run run = Cli.run(Map.of(), "status", "--config", bad.toString(), "--url", "jdbc:h2:mem:x");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .hasLineCount(1)
                .startsWith("schemashift: error: SchemaShift configuration ")
                .contains("line 2")
                .contains("unknown phase 'sideways'");
    }

    @Test
    void unreachableDatabase_failsOnOneLineWithoutThePassword() throws IOException {
        String url = "jdbc:postgresql://127.0.0.1:1/app?password=url-secret";
        Cli.Run run =
                Cli.run(Map.of("SCHEMASHIFT_PASSWORD", "env-secret"), "status", "--config", config(), "--url", url);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).hasLineCount(1).startsWith("schemashift: error: ");
        assertThat(run.err() + run.out()).doesNotContain("env-secret").doesNotContain("url-secret");

        Cli.Run verbose =
                Cli.run(Map.of(), "status", "--config", config(), "--url", url, "--password=cli-secret", "--verbose");
        assertThat(verbose.exit()).isEqualTo(1);
        assertThat(verbose.err()).contains("\tat ").doesNotContain("cli-secret");
    }

    @Test
    void env_suppliesUrl_andSchemashiftPrefixIsStripped() throws IOException {
        Cli.Run run = Cli.run(
                Map.of("SCHEMASHIFT_URL", "jdbc:schemashift:postgresql://127.0.0.1:1/app"),
                "status",
                "--config",
                config());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).doesNotContain("No suitable driver");
    }

    private String config() throws IOException {
        return Files.writeString(dir.resolve("schemashift.yaml"), "migration: m1\n")
                .toString();
    }
}
