package io.schemashift.runtime;

import io.micrometer.core.instrument.Counter;
import io.schemashift.config.ConfigException;
import io.schemashift.config.ConfigLocation;
import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.control.ControlHealth;
import io.schemashift.control.ControlStore;
import io.schemashift.control.InstanceBeat;
import io.schemashift.control.RolloutState;
import io.schemashift.control.Transitions;
import io.schemashift.metrics.ShiftMetrics;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one runtime's rollout current and reports what it applies. Every {@code control.poll}, on
 * one daemon thread: with {@code control.table} set, it reads the migration's row there (the single
 * source of truth) and applies a new version; otherwise it re-reads the YAML file (when the
 * configuration is a file) and applies a changed {@code phase} or {@code routing} once the text
 * has stayed the same for one poll (a half-written file is never applied). Then it writes this
 * instance's heartbeat.
 *
 * <p>A change that cannot be applied is rejected: the running rollout stays, one error line is
 * logged and {@code schemashift.reloads{outcome=rejected}} counts it, once per distinct change. An
 * applied rollout takes effect at each connection's next transaction boundary (a transaction keeps
 * the rollout it started with, see {@link io.schemashift.routing.Session}). Nothing here ever
 * fails or blocks an application statement.
 *
 * <p>Over 500 lines: one loop for the control row, the heartbeat, reloads and intent recovery,
 * which share its schedule.
 */
final class ControlLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);
    /** While heartbeats fail, at most this many polls pass between attempts. */
    private static final int MAX_BEAT_BACKOFF = 12;

    /** Where run-time rollout changes come from: the {@code source} tag of the reload meters. */
    enum Source {
        TABLE,
        FILE,
        NONE
    }

    private final MigrationRuntime runtime;
    private final MigrationConfig config;
    private final ConfigLocation location;
    private final ControlStore store;
    private final Source source;
    private final Instant startedAt = Instant.now();
    private final ScheduledExecutorService timer;
    private final Counter applied;
    private final Counter rejected;
    private final ControlHealth health;

    // Touched by the loop thread only (and by initial(), before the loop starts).
    private RolloutState current;
    private String instanceId;
    private String fileText;
    private String pendingText;
    private String lastRejection;
    private boolean readFailing;
    private boolean noRowLogged;
    private int beatFailuresInRow;
    private int beatSkip;
    /** The comparison total when the rollout in force was applied: the heartbeat counts from there. */
    private long comparisonsAtApply;

    ControlLoop(MigrationRuntime runtime, MigrationConfig config, ConfigLocation location, ControlStore store) {
        this.runtime = runtime;
        this.config = config;
        this.location = location;
        this.store = store;
        this.source = config.control().controlTable().isPresent()
                ? Source.TABLE
                : location.file() != null ? Source.FILE : Source.NONE;
        this.current = RolloutState.seed(config, startedAt, location.description());
        ShiftMetrics metrics = runtime.metrics();
        this.applied = reloads(metrics, source, "applied");
        this.rejected = reloads(metrics, source, "rejected");
        this.health = metrics.health();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "schemashift-control-" + config.migration());
            t.setDaemon(true);
            return t;
        });
    }

    private static Counter reloads(ShiftMetrics metrics, Source source, String outcome) {
        return Counter.builder("schemashift.reloads")
                .description("Rollout changes (phase, percentages, table phases) read at run time, by outcome")
                .tags(metrics.common())
                .tag("source", ShiftMetrics.tag(source))
                .tag("outcome", outcome)
                .register(metrics.registry());
    }

    /**
     * Applies the control table's rollout before the first connection is handed out, reading it
     * on that connection (fresh, not yet seen by the application; a pool of one must not block
     * on a second connection). Until a read succeeds the runtime refuses writes to mapped tables
     * ({@link MigrationRuntime#writesAllowed()}): the file's phase may not be the fleet's.
     */
    void initial(Connection connection) {
        if (source != Source.TABLE) {
            return;
        }
        Optional<RolloutState> state;
        try {
            state = store.read(connection);
        } catch (SQLException e) {
            readFailed(e);
            LOG.error(
                    "[{}] cannot read the rollout from control table {} at start ({}); writes to mapped tables are"
                            + " refused (SQLState 55000) until it can be read, retried every {}",
                    config.migration(),
                    store.tables().control(),
                    oneLine(e.getMessage()),
                    config.control().poll());
            return;
        } finally {
            endReadTransaction(connection);
        }
        follow(state);
    }

    private static void endReadTransaction(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            // the application sees the same broken connection on its first statement
        }
    }

    /** Starts polling: the first round at once, then every {@code control.poll}. */
    void start() {
        timer.scheduleWithFixedDelay(this::round, 0, config.control().poll().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * One poll: the rollout first, so that the heartbeat reports what was just applied; then the
     * catalog, when it is due.
     */
    private void round() {
        try {
            switch (source) {
                case TABLE -> pollTable();
                case FILE -> pollFile();
                case NONE -> {
                    // a classpath resource cannot change while the application runs
                }
            }
            beat();
            runtime.refreshCatalog();
        } catch (RuntimeException e) {
            // a bug here must not end the loop: the scheduler drops a task that throws
            LOG.error("[{}] control loop failed: {}", config.migration(), e.toString());
        }
    }

    // ---- control table -----------------------------------------------------------------------

    private void pollTable() {
        Optional<RolloutState> state;
        try {
            state = store.read();
        } catch (SQLException e) {
            readFailed(e);
            return;
        }
        follow(state);
    }

    private void readFailed(SQLException e) {
        if (ControlStore.INVALID_ROW.equals(e.getSQLState())) {
            reject(e.getMessage());
            return;
        }
        health.failed(ControlHealth.Operation.READ, ControlHealth.classify(e));
        if (!readFailing) {
            readFailing = true;
            LOG.warn(
                    "[{}] cannot read the rollout from control table {} ({}); keeping {} (version {}) until it can",
                    config.migration(),
                    store.tables().control(),
                    oneLine(e.getMessage()),
                    current.describe(),
                    current.version());
        }
    }

    private void follow(Optional<RolloutState> state) {
        health.recovered(ControlHealth.Operation.READ);
        if (readFailing) {
            readFailing = false;
            LOG.info(
                    "[{}] control table {} can be read again",
                    config.migration(),
                    store.tables().control());
        }
        if (state.isEmpty()) {
            if (!noRowLogged) {
                noRowLogged = true;
                if (runtime.writesAllowed()) {
                    LOG.warn(
                            "[{}] control table {} holds no rollout for this migration any more; keeping {} (version"
                                    + " {})",
                            config.migration(),
                            store.tables().control(),
                            current.describe(),
                            current.version());
                } else {
                    // the fleet's phase is unknown: the file's may be wrong, so writes stay refused
                    LOG.error(
                            "[{}] control table {} holds no rollout for this migration; writes to mapped tables are"
                                    + " refused (SQLState 55000) until 'schemashift init' stores it",
                            config.migration(),
                            store.tables().control());
                }
            }
            return;
        }
        noRowLogged = false;
        RolloutState next = state.get();
        if (next.version() == current.version()) {
            open();
            return;
        }
        // The first rollout read from the table is the truth, whatever the file said; later ones are checked.
        if (current.version() > 0) {
            Optional<String> refused = refusedTransition(next);
            if (refused.isPresent()) {
                reject(refused.get());
                return;
            }
        }
        for (String table : next.tablePhases().keySet()) {
            if (config.mapping().table(table).isEmpty()) {
                reject("control table " + store.tables().control() + ", version " + next.version()
                        + ": table_phases names " + table + ", which " + location.description()
                        + " does not map; allowed: tables listed under 'tables'");
                return;
            }
        }
        MigrationConfig.Rollout running = runtime.rollout();
        apply(
                new MigrationConfig.Rollout(
                        next.phase(),
                        next.readNewPercent(),
                        next.shadowPercent(),
                        running.stickiness(),
                        next.tablePhases(),
                        running.seed()),
                next,
                "control table " + store.tables().control() + " (version " + next.version() + " by " + next.updatedBy()
                        + ")");
        open();
    }

    /** Lets writes to mapped tables run, once the control table's rollout is known. */
    private void open() {
        if (!runtime.writesAllowed()) {
            runtime.allowWrites();
            LOG.info(
                    "[{}] rollout read from control table {}: writes to mapped tables allowed, {} (version {})",
                    config.migration(),
                    store.tables().control(),
                    current.describe(),
                    current.version());
        }
    }

    /**
     * Why {@code next} must not be applied over the running rollout: a change the CLI would have
     * refused ({@link Transitions}), unless the audit shows that every version since the running
     * one was an allowed step or forced.
     */
    private Optional<String> refusedTransition(RolloutState next) {
        List<String> refusals = Transitions.refusals(current, next);
        if (refusals.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> chain;
        try {
            chain = Transitions.auditedChain(
                    store.auditOfVersions(current.version(), next.version()), current.version(), next.version());
        } catch (SQLException e) {
            chain = Optional.of("the audit table " + store.tables().audit() + " cannot be read ("
                    + ControlHealth.classify(e).text() + ", SQLState " + e.getSQLState() + ")");
        }
        return chain.map(why -> "control table " + store.tables().control() + ", version " + next.version() + ": "
                + String.join("; ", refusals) + "; " + why + "; allowed: one step at a time, or 'schemashift phase"
                + " --force'");
    }

    // ---- configuration file ------------------------------------------------------------------

    private void pollFile() {
        String text;
        try {
            text = location.read();
        } catch (ConfigException e) {
            reject(e.getMessage());
            return;
        }
        if (text.equals(fileText)) {
            pendingText = null;
            return;
        }
        if (!text.equals(pendingText)) {
            // an editor may be half-way through writing: act on text that stayed the same for a poll
            pendingText = text;
            return;
        }
        pendingText = null;
        fileText = text;
        MigrationConfig next;
        try {
            next = new ConfigReader().read(location.description(), text);
        } catch (ConfigException e) {
            reject(e.getMessage());
            return;
        }
        if (!next.migration().equals(config.migration())) {
            reject("SchemaShift configuration " + location.description() + ", key 'migration': changed to "
                    + next.migration() + "; the migration id cannot change while the application runs");
            return;
        }
        List<String> restart = restartOnly(config, next);
        if (!restart.isEmpty()) {
            LOG.warn(
                    "[{}] {} changed {}: that takes effect at the next restart; phase and routing apply now",
                    config.migration(),
                    location.description(),
                    String.join(", ", restart));
        }
        if (next.rollout().equals(runtime.rollout())) {
            lastRejection = null;
            return;
        }
        apply(next.rollout(), RolloutState.seed(next, Instant.now(), "file"), location.description());
    }

    /** The sections other than {@code phase} and {@code routing} that differ: they need a restart. */
    static List<String> restartOnly(MigrationConfig running, MigrationConfig next) {
        List<String> changed = new ArrayList<>();
        MigrationConfig.NewSide a = running.newSide();
        MigrationConfig.NewSide b = next.newSide();
        if (!Objects.equals(a.url(), b.url())
                || !Objects.equals(a.user(), b.user())
                || !Objects.equals(a.schema(), b.schema())
                || !Objects.equals(a.pool(), b.pool())
                || !Objects.equals(
                        a.password() == null ? null : a.password().reveal(),
                        b.password() == null ? null : b.password().reveal())) {
            changed.add("new");
        }
        if (!List.copyOf(running.mapping().tables())
                .equals(List.copyOf(next.mapping().tables()))) {
            changed.add("tables");
        }
        if (!running.compare().equals(next.compare())) {
            changed.add("compare");
        }
        if (!running.writes().equals(next.writes())) {
            changed.add("writes");
        }
        if (!running.shadow().equals(next.shadow())) {
            changed.add("shadow");
        }
        if (!running.control().equals(next.control())) {
            changed.add("control");
        }
        if (!running.report().equals(next.report())) {
            changed.add("report");
        }
        return changed;
    }

    // ---- applying and rejecting ----------------------------------------------------------------

    private void apply(MigrationConfig.Rollout rollout, RolloutState described, String from) {
        RolloutState previous = current;
        runtime.apply(rollout, described.version());
        current = described;
        comparisonsAtApply = runtime.metrics().totals().comparisons();
        lastRejection = null;
        applied.increment();
        LOG.info(
                "[{}] rollout {} -> {} from {}; in force from each connection's next transaction",
                config.migration(),
                previous.describe(),
                described.describe(),
                from);
    }

    private void reject(String message) {
        String line = oneLine(message);
        if (line.equals(lastRejection)) {
            return;
        }
        lastRejection = line;
        rejected.increment();
        LOG.error(
                "[{}] rollout change rejected, keeping {} (version {}): {}",
                config.migration(),
                current.describe(),
                current.version(),
                line);
    }

    // ---- heartbeat -----------------------------------------------------------------------------

    private void beat() {
        if (beatSkip > 0) {
            beatSkip--;
            return;
        }
        InstanceBeat beat = currentBeat();
        try {
            store.beat(beat);
            health.recovered(ControlHealth.Operation.HEARTBEAT);
            if (beatFailuresInRow > 0) {
                LOG.info(
                        "[{}] heartbeat written again to {}",
                        config.migration(),
                        store.tables().heartbeat());
            }
            beatFailuresInRow = 0;
        } catch (SQLException | RuntimeException e) {
            health.failed(
                    ControlHealth.Operation.HEARTBEAT,
                    e instanceof SQLException sql ? ControlHealth.classify(sql) : ControlHealth.Kind.OTHER);
            beatFailuresInRow++;
            beatSkip = Math.min(beatFailuresInRow, MAX_BEAT_BACKOFF) - 1;
            if (beatFailuresInRow == 1) {
                LOG.warn(
                        "[{}] cannot write the heartbeat of {} to table {} ({}); 'schemashift status' shows"
                                + " this instance STALE. Run 'schemashift init' if the table is missing; retrying"
                                + " at most every {} polls",
                        config.migration(),
                        beat.instanceId(),
                        store.tables().heartbeat(),
                        oneLine(e.getMessage()),
                        MAX_BEAT_BACKOFF);
            }
        }
    }

    private InstanceBeat currentBeat() {
        MigrationRuntime.Applied now = runtime.applied();
        ShiftMetrics.Totals totals = runtime.metrics().totals();
        return new InstanceBeat(
                instanceId(),
                now.rollout().phase(),
                now.version(),
                Instant.now(),
                totals.statements(),
                totals.divergences(),
                totals.mismatches(),
                startedAt,
                totals.comparisons() - comparisonsAtApply,
                health.lost(),
                health.logFailure());
    }

    /**
     * Writes one last heartbeat on the calling thread, after the loop stopped and the divergence
     * log was flushed: it reports the records lost at shutdown, which the phase guards read for
     * the length of their window.
     */
    void lastBeat() {
        try {
            store.beat(currentBeat());
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "[{}] cannot write the last heartbeat to table {} ({}, SQLState {})",
                    config.migration(),
                    store.tables().heartbeat(),
                    e.getClass().getSimpleName(),
                    e instanceof SQLException sql ? sql.getSQLState() : "-");
        }
    }

    /** {@code host:pid:app}, worked out on the loop thread (a host name lookup may be slow). */
    private String instanceId() {
        if (instanceId == null) {
            String id = host() + ":" + ProcessHandle.current().pid() + ":" + appName();
            instanceId = id.length() <= 255 ? id : id.substring(0, 255);
        }
        return instanceId;
    }

    private static String host() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    /**
     * The application's name: system property {@code schemashift.app}, environment variable {@code
     * SCHEMASHIFT_APP}, else the main class's simple name or the jar's file name.
     */
    static String appName() {
        String named = System.getProperty("schemashift.app");
        if (named == null || named.isBlank()) {
            named = System.getenv("SCHEMASHIFT_APP");
        }
        if (named != null && !named.isBlank()) {
            return named.trim();
        }
        String command = System.getProperty("sun.java.command", "").trim();
        String main = command.isEmpty() ? "java" : command.split("\\s+")[0];
        if (main.endsWith(".jar")) {
            main = main.substring(main.lastIndexOf('/') + 1, main.length() - ".jar".length());
        } else {
            main = main.substring(main.lastIndexOf('.') + 1);
        }
        return main.isEmpty() ? "java" : main;
    }

    private static String oneLine(String message) {
        return message == null
                ? "(no message)"
                : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
