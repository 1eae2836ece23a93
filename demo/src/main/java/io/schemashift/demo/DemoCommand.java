package io.schemashift.demo;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.cli.Converters;
import io.schemashift.cli.Json;
import io.schemashift.cli.Redaction;
import io.schemashift.cli.SchemaShiftCommand;
import io.schemashift.cli.Text;
import io.schemashift.config.ConfigLocation;
import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.control.ControlStore;
import io.schemashift.control.InstanceBeat;
import io.schemashift.control.PhaseGuard;
import io.schemashift.rewriter.Dialect;
import io.schemashift.runtime.InProcessDriver;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A whole migration on an embedded H2 database, end to end, while a small app works through the
 * driver: old-only, dual writes, backfill and verify, shadow reads, reads moved to the new table,
 * an injected divergence caught, a rollback and a repair, then the new table as primary and as the
 * only one. Phases change the way an operator changes them: with {@code schemashift phase} and
 * {@code schemashift rollback} on the control table. Needs nothing installed. Over 500 lines: the
 * steps of the story are read top to bottom in one place.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a whole migration on an embedded H2 database (nothing to install, about 15 seconds):"
                    + " customers(id, name, legacy_flag) becomes clients(id, full_name, name_search)"
                    + " while app threads write and read through the SchemaShift driver.",
            "Moves through every phase with the phase and rollback commands, backfills and verifies,"
                    + " injects one divergence and shows it caught, rolls back one step, and prints a"
                    + " timeline with the driver's counts of statements, mirrored writes, shadow"
                    + " comparisons and mismatches.",
            "Ignores --config, --url, --user and --password: it makes its own database and YAML file."
        })
public final class DemoCommand implements Callable<Integer> {

    private static final String ERROR_PREFIX = "schemashift demo: error: ";
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final int SEEDED = 1000;
    /** A seeded hot row (odd id, see {@link DemoWorkload}): the app reads it often and never writes it. */
    private static final int TAMPERED_ID = 7;
    /** How {@code schemashift verify} lists the tampered row. */
    private static final Pattern TAMPERED_ROW =
            Pattern.compile("different\\s+\\[\"" + TAMPERED_ID + "\"\\]\\s+full_name\\s");
    /** Many poll intervals: the driver applies a change within one. */
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(10);
    /** No new mismatch for this long: the comparisons that read clients before the repair are done. */
    private static final Duration SETTLE = Duration.ofMillis(300);

    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);
    /** Far above a tick of the shadow executor plus a comparison on H2. */
    private static final Duration SHADOW_DRAIN = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @ParentCommand
    SchemaShiftCommand root;

    @Option(
            names = "--threads",
            paramLabel = "<n>",
            defaultValue = "4",
            converter = Converters.Limit.class,
            description = "App threads, each with its own connection (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--step",
            paramLabel = "<duration>",
            defaultValue = "1s",
            converter = Converters.Window.class,
            description = "How long the app runs in each phase (default: ${DEFAULT-VALUE}).")
    Duration step;

    @Option(
            names = "--json",
            description = "Print one JSON object at the end instead of the timeline: each step with its counts, the"
                    + " totals, the app's figures and where the report was written.")
    boolean json;

    private PrintWriter out;
    /** The timeline's rows, for {@code --json}. */
    private final List<Map<String, Object>> steps = new ArrayList<>();

    private String migration;
    private String url;
    private Path yaml;
    private MigrationConfig config;
    private SimpleMeterRegistry registry;
    private DemoMeters mark;
    private long started;
    /** Since when ({@link System#nanoTime()}) no comparison can see the repaired divergence; 0 before. */
    private long cleanSince;
    /** Whether forward moves count mismatches only since the repair. */
    private boolean windowSinceRepair;
    /** The mismatch reports of the repaired row: what the operator accepts after the repair. */
    private long repairedMismatches;

    @Override
    public Integer call() throws IOException {
        // the driver's and the tools' INFO lines would drown the timeline; warnings still show
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn");
        }
        out = json ? new PrintWriter(Writer.nullWriter()) : spec.commandLine().getOut();
        migration = "demo-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        url = "jdbc:h2:mem:schemashift-" + migration + ";DB_CLOSE_DELAY=-1";
        yaml = Files.createTempFile("schemashift-" + migration, ".yaml");
        registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry); // the driver registers its meters in Metrics.globalRegistry
        try {
            return run();
        } catch (Exception e) {
            int exit = fail(Redaction.oneLine(e.getMessage() == null ? e.toString() : e.getMessage(), null));
            if (root.verbose()) {
                e.printStackTrace(spec.commandLine().getErr());
            }
            return exit;
        } finally {
            stopDriver();
            Metrics.removeRegistry(registry);
            shutdown();
            Files.deleteIfExists(yaml);
        }
    }

    /**
     * Stops the app's driver runtime (control loop, shadow executor, divergence log): an
     * in-process run (tests) would otherwise keep polling a database that is gone.
     */
    private void stopDriver() {
        driver().ifPresent(InProcessDriver::close);
    }

    /** Drops the in-memory database. */
    private void shutdown() {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            fail("could not shut the demo database down: " + e.getMessage());
        }
    }

    private int run() throws Exception {
        started = System.nanoTime();
        out.printf(
                "SchemaShift demo: migration %s on embedded H2, %d app threads through the driver%n",
                migration, threads);
        out.printf("  old table  customers(id, name, legacy_flag)%n");
        out.printf("  new table  clients(id, full_name, name_search = lower(name)); legacy_flag is dropped%n");
        out.printf("  app URL    jdbc:schemashift:%s%n", url.substring("jdbc:".length()));
        out.printf("  config     %s%n%n", yaml);

        createSchemas();
        writeConfig();
        config = ConfigLocation.of(yaml.toString(), "demo", getClass().getClassLoader())
                .load(new ConfigReader());
        if (operator("init").exit() != 0) {
            return fail("init failed");
        }
        DemoWorkload app = new DemoWorkload(this::appConnection, SEEDED);
        app.start(threads);
        try {
            if (!app.awaitFirstStatement(Duration.ofSeconds(20))) {
                return fail("the app could not run a statement through the driver: " + app.firstError());
            }
            out.printf("%napp started: %d threads, each with a connection through the driver%n", threads);
            out.printf("%n  counts from the driver's meters since the previous line: STATEMENTS ="
                    + " schemashift.statements, MIRRORED = schemashift.mirror.writes{outcome=ok},"
                    + " COMPARED / MISMATCHES = schemashift.shadow.comparisons{outcome=match|mismatch|transient"
                    + " / mismatch}%n");
            out.printf(
                    "%n  %6s  %-42s %-12s %10s %8s %8s %10s%n",
                    "TIME", "STEP", "PHASE", "STATEMENTS", "MIRRORED", "COMPARED", "MISMATCHES");
            startStep();
            return migrate(app);
        } finally {
            app.close();
        }
    }

    private int migrate(DemoWorkload app) throws Exception {
        work(step);
        row("1  app runs on the old table only", "");

        phase("dual-write", "--reason", "start dual writes");
        work(step);
        row("2  dual writes: app writes mirrored", "");

        if (operator("backfill", "--batch", "250").exit() != 0) {
            throw new Failure("schemashift backfill failed; see its error above");
        }
        row("3  backfill customers -> clients", "");

        if (operator("verify", "--chunk", "500").exit() != 0) {
            throw new Failure("schemashift verify found differences before any was injected");
        }
        row("4  verify: both sides equal", "");

        phase("shadow-read", "--shadow", "100", "--reason", "dual writes and backfill verified");
        work(step);
        row("5  shadow reads: reads also run on clients", "");

        phase("read-new", "--read-new", "50", "--reason", "shadow reads match");
        work(step);
        row("6  half the reads served by clients", "");

        inject();
        DemoMeters detected = awaitMismatch();
        row(
                "7  divergence injected into clients",
                detected.mismatched() > 0
                        ? "caught by shadow reads: " + detected.mismatched() + " mismatching comparison(s)"
                        : "NOT caught by shadow reads within " + Text.window(step.multipliedBy(5)));

        operator("mismatches", "--top", "3");
        rollback("--reason", "divergence in clients: serve reads from customers again");
        work(step);
        row("8  rolled back one step", "");

        Ran found = operator("verify", "--chunk", "500");
        // verify exits non-zero when the sides differ; the row it lists must be the tampered one
        boolean caughtByVerify = found.exit() != ExitCode.OK
                && TAMPERED_ROW.matcher(found.text()).find();
        row("9  verify finds the divergence", "");
        Ran repaired = operator("verify", "--chunk", "500", "--repair");
        row("10 verify --repair", "");

        settle();
        cleanSince = System.nanoTime();
        repairedMismatches = new ControlStore(this::rawConnection, Dialect.H2, config).mismatchesSince(Instant.EPOCH);
        startStep();
        work(step);
        row("11 shadow reads after the repair", "");

        phase("read-new", "--reason", "row " + TAMPERED_ID + " repaired by verify --repair");
        work(step);
        row("12 half the reads served by clients again", "");

        phase("new-primary", "--reason", "read-new clean");
        work(step);
        row("13 clients primary, customers mirrored", "");

        phase("new-only", "--reason", "customers retired");
        work(step);
        row("14 clients only", "");

        return summary(app, detected, caughtByVerify && repaired.exit() == 0);
    }

    private int summary(DemoWorkload app, DemoMeters detected, boolean verified) throws Exception {
        app.close();
        DemoMeters total = meters();
        out.printf(
                "%n  total: %d statements, %d mirrored writes (%d failed), shadowed reads %s%n",
                total.statements(),
                total.mirrored(),
                total.mirrorFailed(),
                DemoMeters.shadowOutcomes(registry, migration));
        out.printf(
                "  app:   %d statements on %d threads, %d failed%s%n",
                app.statements(),
                threads,
                app.errors(),
                app.firstError() == null ? "" : " (first: " + app.firstError() + ")");
        operator("audit", "--limit", "20");
        driver().ifPresent(InProcessDriver::flushCoverage);
        Path report = Files.createTempDirectory("schemashift-" + migration + "-report");
        boolean reported = operator("report", "--out", report.toString()).exit() == 0;
        out.printf("%ndemo done in %.1fs%n", (System.nanoTime() - started) / 1e9);
        if (reported) {
            out.printf("migration report: %s (and report.html beside it)%n", report.resolve("report.md"));
        }
        out.flush();
        boolean caught = verified && detected.mismatched() > 0;
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("migration", migration);
            result.put("ok", app.errors() == 0 && caught);
            result.put("seconds", (System.nanoTime() - started) / 1e9);
            result.put("steps", steps);
            result.put(
                    "total",
                    Map.of(
                            "statements", total.statements(),
                            "mirrored", total.mirrored(),
                            "mirrorFailed", total.mirrorFailed()));
            result.put("app", Map.of("threads", threads, "statements", app.statements(), "failed", app.errors()));
            result.put("divergenceCaughtAndRepaired", caught);
            result.put("report", reported ? report.resolve("report.md").toString() : null);
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.println(Json.write(result));
            stdout.flush();
        }
        if (app.errors() > 0) {
            return fail(app.errors() + " app statements failed; first: " + app.firstError());
        }
        if (!caught) {
            return fail("the injected divergence was not caught and repaired (see the timeline above)");
        }
        return ExitCode.OK;
    }

    /**
     * Moves the migration forward with {@code schemashift phase}. After the repair, the guard
     * rail's first refusal (the repaired row's mismatches are in its window) is shown, and this and
     * every later move accept exactly the mismatches reported before the repair ({@code
     * --max-mismatches}); nothing is forced.
     */
    private void phase(String target, String... options) throws Exception {
        if (Phase.parse(target).orElseThrow().ordinal() > Phase.SHADOW_READ.ordinal()) {
            awaitComparisons();
        }
        List<String> args = new ArrayList<>(List.of("phase", target));
        args.addAll(List.of(options));
        if (windowSinceRepair) {
            args.addAll(List.of("--max-mismatches", Long.toString(repairedMismatches)));
        }
        if (operator(args.toArray(String[]::new)).exit() != 0) {
            if (cleanSince == 0 || windowSinceRepair) {
                throw new Failure("schemashift phase " + target + " failed; see its error above");
            }
            // The guard rail counts the mismatches of the repaired row. What matters now is that
            // none came after the repair: accept those, as an operator would with --max-mismatches.
            windowSinceRepair = true;
            args.addAll(List.of("--max-mismatches", Long.toString(repairedMismatches)));
            if (operator(args.toArray(String[]::new)).exit() != 0) {
                throw new Failure("schemashift phase " + target + " failed; see its error above");
            }
        }
        follow();
        startStep();
    }

    /**
     * Past shadow-read the guard rail asks for {@link PhaseGuard#DEFAULT_MIN_COMPARISONS}
     * comparisons under the current rollout, as the app's heartbeat reports them: the demo waits
     * for them (at most {@link #APPLY_TIMEOUT}), as an operator would before the next step.
     */
    private void awaitComparisons() throws Exception {
        ControlStore store = new ControlStore(this::rawConnection, Dialect.H2, config);
        long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline
                && store.instances().stream()
                                .mapToLong(InstanceBeat::comparisons)
                                .sum()
                        < PhaseGuard.DEFAULT_MIN_COMPARISONS) {
            Thread.sleep(50);
        }
    }

    private void rollback(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("rollback"));
        args.addAll(List.of(options));
        if (operator(args.toArray(String[]::new)).exit() != 0) {
            throw new Failure("schemashift rollback failed");
        }
        follow();
        startStep();
    }

    /**
     * Runs one {@code schemashift} command in-process on the demo's database and YAML file, as
     * an operator would from a shell, and prints it with its output.
     */
    private Ran operator(String... args) {
        List<String> shown = new ArrayList<>();
        for (String a : args) {
            shown.add(a.contains(" ") ? '"' + a + '"' : a);
        }
        List<String> full = new ArrayList<>(List.of("--config", yaml.toString(), "--url", url));
        full.addAll(List.of(args));
        boolean change = List.of("init", "phase", "rollback").contains(args[0]);
        full.addAll(change ? List.of("--by", "demo") : List.of());
        StringWriter text = new StringWriter();
        CommandLine line = SchemaShiftCommand.newCommandLine(new SchemaShiftCommand(name -> null));
        line.setOut(new PrintWriter(text, true));
        line.setErr(new PrintWriter(text, true));
        int exit = line.execute(full.toArray(String[]::new));
        out.printf("%n          $ schemashift %s%n", String.join(" ", shown));
        text.toString()
                .lines()
                .filter(l -> !l.startsWith("instances apply it")) // the hint for instances polling the table
                .forEach(l -> out.printf("          %s%n", l));
        out.flush();
        return new Ran(exit, text.toString());
    }

    /** What one {@code schemashift} command printed (stdout and stderr) and returned. */
    private record Ran(int exit, String text) {}

    /** A step of the demo failed; the message says which and why. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /**
     * Waits until the app's driver applies the rollout the command just stored: the driver reads
     * the control table every {@code control.poll} and applies a new version at each connection's
     * next transaction boundary.
     */
    private void follow() throws Exception {
        long version = new ControlStore(this::rawConnection, Dialect.H2, config)
                .read()
                .orElseThrow()
                .version();
        InProcessDriver driver = driver().orElseThrow(() -> new Failure("the app's driver is not running"));
        long start = System.nanoTime();
        if (!driver.awaitVersion(version, APPLY_TIMEOUT)) {
            throw new Failure("the driver did not apply version " + version + " within "
                    + Text.window(APPLY_TIMEOUT) + " (it polls the control table every "
                    + Text.window(config.control().poll()) + ")");
        }
        out.printf(
                "          the app's driver applied version %d after %d ms%n",
                version, (System.nanoTime() - start) / 1_000_000);
    }

    private void createSchemas() throws SQLException {
        try (Connection c = rawConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, legacy_flag CHAR(1))");
            s.execute("CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(100) NOT NULL,"
                    + " name_search VARCHAR(100) NOT NULL)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers VALUES (?, ?, ?)")) {
                for (int id = 1; id <= SEEDED; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, DemoWorkload.name(id));
                    ps.setString(3, id % 3 == 0 ? "Y" : "N");
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        out.printf("created customers with %d rows and an empty clients, in one H2 database%n", SEEDED);
    }

    /** Writes {@code demo.yaml} (beside this class) with this run's migration id. */
    private void writeConfig() throws IOException {
        try (InputStream template = DemoCommand.class.getResourceAsStream("demo.yaml")) {
            if (template == null) {
                throw new IOException("demo.yaml is missing from the demo's jar");
            }
            Files.writeString(yaml, new String(template.readAllBytes(), StandardCharsets.UTF_8).formatted(migration));
        }
    }

    /** Changes one row on the new side only, behind the driver's back. */
    private void inject() throws SQLException {
        try (Connection c = rawConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE clients SET full_name = 'Mallory' WHERE id = " + TAMPERED_ID);
        }
        out.printf(
                "%n          injected: UPDATE clients SET full_name = 'Mallory' WHERE id = %d"
                        + "   (directly on the new table, not through the driver)%n",
                TAMPERED_ID);
    }

    /**
     * Waits until the comparisons that read clients before the repair have finished: no new
     * mismatch for {@link #SETTLE} (at most {@link #SETTLE_TIMEOUT}).
     */
    private void settle() throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        long before;
        do {
            before = meters().mismatched();
            Thread.sleep(SETTLE.toMillis());
        } while (meters().mismatched() != before && System.nanoTime() < deadline);
    }

    /** Lets the app run until a shadow comparison reports a mismatch, at most five steps. */
    private DemoMeters awaitMismatch() throws InterruptedException {
        long deadline = System.nanoTime() + step.multipliedBy(5).toNanos();
        DemoMeters since = meters().since(mark);
        while (since.mismatched() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            since = meters().since(mark);
        }
        return since;
    }

    /** One line of the timeline: what happened since the previous line. */
    private void row(String step, String note) throws SQLException {
        DemoMeters now = meters();
        DemoMeters delta = now.since(mark);
        mark = now;
        String phase = driver().map(d -> d.phase().toString()).orElse("?");
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", steps.size() + 1);
        line.put("label", step.substring(2).trim());
        line.put("seconds", seconds);
        line.put("phase", phase);
        line.put("statements", delta.statements());
        line.put("mirrored", delta.mirrored());
        line.put("mirrorFailed", delta.mirrorFailed());
        line.put("compared", delta.compared());
        line.put("mismatches", delta.mismatched());
        line.put("note", note.isEmpty() ? null : note);
        steps.add(line);
        out.printf(
                "%n  %5.1fs  %-42s %-12s %10d %8d %8d %10d%n",
                seconds, step, phase, delta.statements(), delta.mirrored(), delta.compared(), delta.mismatched());
        if (delta.mirrorFailed() > 0) {
            out.printf(
                    "          %d writes were not mirrored (failed, timed out or refused: see schemashift.mirror.writes)%n",
                    delta.mirrorFailed());
        }
        if (!note.isEmpty()) {
            out.printf("          %s%n", note);
        }
        out.flush();
    }

    /**
     * The next timeline line counts from now: from the moment the driver applies a phase. In a
     * phase that compares no reads, the comparisons of reads made before it (the shadow executor
     * starts them up to a tick later) are let finish first, so that they count where they belong.
     */
    private void startStep() throws SQLException, InterruptedException {
        Optional<InProcessDriver> driver = driver();
        if (driver.isPresent() && !driver.get().phase().comparesReads()) {
            driver.get().awaitShadowReads(SHADOW_DRAIN);
        }
        mark = meters();
    }

    private DemoMeters meters() {
        return DemoMeters.read(registry, migration);
    }

    private static void work(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private int fail(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(ERROR_PREFIX + message);
        err.flush();
        return ExitCode.SOFTWARE;
    }

    /** The app's driver, once its first connection has started it. */
    private Optional<InProcessDriver> driver() {
        return InProcessDriver.running(appProperties());
    }

    private Properties appProperties() {
        Properties p = new Properties();
        p.setProperty(ConfigLocation.PROPERTY, yaml.toString());
        return p;
    }

    /** An application connection: through the SchemaShift driver. */
    private Connection appConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:schemashift:" + url.substring("jdbc:".length()), appProperties());
    }

    /** A plain H2 connection, as the operator's tools use. */
    private Connection rawConnection() throws SQLException {
        return DriverManager.getConnection(url);
    }
}
