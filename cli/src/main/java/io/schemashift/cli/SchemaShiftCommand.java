package io.schemashift.cli;

import io.schemashift.api.ConnectionSource;
import io.schemashift.config.ConfigException;
import io.schemashift.config.ConfigLocation;
import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code schemashift} command: global options and the list of subcommands. A new subcommand
 * is a class extending {@link CommandBase} (or any picocli command) added to {@code subcommands}
 * below, the one place where commands are registered.
 */
@Command(
        name = "schemashift",
        mixinStandardHelpOptions = true,
        versionProvider = SchemaShiftCommand.Version.class,
        description = "Moves a SchemaShift migration through its phases on every application instance at once;"
                + " backfills and verifies the new schema.",
        subcommands = {
            InitCommand.class,
            StatusCommand.class,
            PhaseCommand.class,
            RollbackCommand.class,
            MismatchesCommand.class,
            AuditCommand.class,
            BackfillCommand.class,
            VerifyCommand.class,
            KeysCommand.class,
            RewriteCommand.class,
            CoverageCommand.class,
            DoctorCommand.class,
            ReportCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:failed (refused by a guard rail, database or configuration error)",
            "2:usage",
            "3:verify: the sides differ",
            "4:coverage --fail-on: a statement shape fails the gate",
            "5:doctor: warnings (and no error)",
            "6:doctor: errors",
            "7:phase/rollback --wait: not every live instance applied the change within --timeout"
        })
public class SchemaShiftCommand implements Callable<Integer> {

    /** Environment variable with the JDBC URL of the old (primary) database. */
    public static final String URL_ENV = "SCHEMASHIFT_URL";
    /** Environment variable with the database user. */
    public static final String USER_ENV = "SCHEMASHIFT_USER";
    /** Environment variable with the database password. */
    public static final String PASSWORD_ENV = "SCHEMASHIFT_PASSWORD";

    private static final int LOGIN_TIMEOUT_SECONDS = 10;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            scope = ScopeType.INHERIT,
            paramLabel = "<path>",
            description = "The SchemaShift YAML file (a path, file:… or classpath:…). Default: the driver's"
                    + " discovery chain (system property schemashift.config, SCHEMASHIFT_CONFIG,"
                    + " schemashift.yaml on the classpath).")
    String config;

    @Option(
            names = "--url",
            scope = ScopeType.INHERIT,
            paramLabel = "<jdbc-url>",
            description = "JDBC URL of the old (primary) database, where the control tables live." + " Default: $"
                    + URL_ENV + ".")
    String url;

    @Option(
            names = "--user",
            scope = ScopeType.INHERIT,
            paramLabel = "<user>",
            description = "Database user. Default: $" + USER_ENV + ".")
    String user;

    @Option(
            names = "--password",
            scope = ScopeType.INHERIT,
            paramLabel = "<password>",
            arity = "0..1",
            interactive = true,
            description = "Database password; without a value, asked for on the terminal. Default: $" + PASSWORD_ENV
                    + ". Never printed.")
    char[] password;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "On failure, also print the stack trace.")
    boolean verbose;

    private final UnaryOperator<String> env;

    /** The command as run from a shell: defaults come from the process environment. */
    public SchemaShiftCommand() {
        this(System::getenv);
    }

    /** A command whose defaults come from {@code env} (returns {@code null} for unset names). */
    public SchemaShiftCommand(UnaryOperator<String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(newCommandLine(new SchemaShiftCommand()).execute(args));
    }

    /**
     * A command line for {@code command} that reports usage errors as one line on stderr, as
     * {@link #main} does.
     */
    public static CommandLine newCommandLine(SchemaShiftCommand command) {
        CommandLine line = new CommandLine(command);
        line.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr()
                    .println(CommandBase.ERROR_PREFIX + Redaction.oneLine(ex.getMessage(), null) + " (see '"
                            + failed.getCommandSpec().qualifiedName() + " --help')");
            failed.getErr().flush();
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        return line;
    }

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "a command is required: " + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * What a command needs to reach the database: the configuration, the dialect and connections.
     *
     * @throws ParameterException if no configuration or no database URL is given
     * @throws ConfigException if the configuration cannot be read or is not valid
     */
    Context context(CommandLine caller) throws ConfigException {
        MigrationConfig migration = loadConfig(caller);
        String given = url != null ? url : env.apply(URL_ENV);
        if (given == null || given.isBlank()) {
            throw new ParameterException(
                    caller,
                    "no database to connect to: pass --url <jdbc-url> of the old (primary) database, or set "
                            + URL_ENV);
        }
        String jdbcUrl = realUrl(given.trim());
        Dialect dialect = Dialect.fromJdbcUrl(jdbcUrl)
                .orElseThrow(() -> new ParameterException(
                        caller,
                        "unsupported database URL; allowed: jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:h2:"
                                + " (or the same behind jdbc:schemashift:)"));
        Properties properties = new Properties();
        String who = user != null ? user : env.apply(USER_ENV);
        if (who != null) {
            properties.setProperty("user", who);
        }
        String secret = secret();
        if (secret != null) {
            properties.setProperty("password", secret);
        }
        return new Context(migration, dialect, connect(jdbcUrl, properties), newSide(migration), secret);
    }

    /** The new-side database of a migration whose {@code new.url} is set; {@code null} otherwise. */
    private static ConnectionSource newSide(MigrationConfig migration) {
        MigrationConfig.NewSide side = migration.newSide();
        if (side == null || !side.separateDatabase()) {
            return null;
        }
        Properties properties = new Properties();
        if (side.user() != null) {
            properties.setProperty("user", side.user());
        }
        if (side.password() != null) {
            properties.setProperty("password", side.password().reveal());
        }
        return connect(realUrl(side.url()), properties);
    }

    /**
     * Connections to {@code jdbcUrl}. On PostgreSQL and H2 their sessions are in UTC, whatever the
     * JVM's zone: a timestamp copied into a timestamp with time zone (or back) is read as a UTC wall
     * clock, as verify compares them and the driver judges mirrored writes. MariaDB's sessions
     * keep the server's zone, in which the application's read its {@code TIMESTAMP}s.
     */
    private static ConnectionSource connect(String jdbcUrl, Properties properties) {
        boolean utc =
                Dialect.fromJdbcUrl(jdbcUrl).filter(d -> d != Dialect.MARIADB).isPresent();
        return () -> {
            DriverManager.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
            Connection c = DriverManager.getConnection(jdbcUrl, properties);
            if (utc) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET TIME ZONE 'UTC'");
                } catch (SQLException e) {
                    c.close();
                    throw e;
                }
            }
            return c;
        };
    }

    /** The password in use, for connecting and for keeping it out of messages. */
    String secret() {
        return password != null && password.length > 0 ? new String(password) : env.apply(PASSWORD_ENV);
    }

    /** Whether {@code --verbose} was given: a command then prints the stack trace of a failure. */
    public boolean verbose() {
        return verbose;
    }

    /** Whether a database URL is given ({@code --url} or the environment). */
    boolean hasUrl() {
        String given = url != null ? url : env.apply(URL_ENV);
        return given != null && !given.isBlank();
    }

    MigrationConfig loadConfig(CommandLine caller) throws ConfigException {
        ClassLoader loader = SchemaShiftCommand.class.getClassLoader();
        ConfigLocation location = config != null
                ? ConfigLocation.of(config, "--config", loader)
                : ConfigLocation.find(new Properties(), null, env, loader)
                        .orElseThrow(() -> new ParameterException(
                                caller,
                                "no configuration file: pass --config <path> or set " + ConfigLocation.ENVIRONMENT));
        return location.load(new ConfigReader(env, System::getProperty));
    }

    /** The real driver's URL: a {@code jdbc:schemashift:} URL loses its prefix. */
    private static String realUrl(String url) {
        String prefix = "jdbc:schemashift:";
        return url.toLowerCase(Locale.ROOT).startsWith(prefix) ? "jdbc:" + url.substring(prefix.length()) : url;
    }

    /** The version printed by {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SchemaShiftCommand.class.getPackage().getImplementationVersion();
            return new String[] {"schemashift " + (v == null ? "(development build)" : v)};
        }
    }
}
