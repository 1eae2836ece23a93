package io.schemashift.shadow;

import io.schemashift.api.ConnectionSource;
import io.schemashift.api.Side;
import io.schemashift.compare.CompareMetrics;
import io.schemashift.compare.CompareRules;
import io.schemashift.compare.OrderMode;
import io.schemashift.compare.ShadowComparator;
import io.schemashift.compare.TimestampPrecision;
import io.schemashift.compare.ValuesMode;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.control.ControlTables;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.mirror.NewDatabase;
import io.schemashift.mirror.Params;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.NonDeterminism;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.rewriter.TableMapping;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow reads of one migration. On the application's thread, {@link #decide} picks {@code routing.shadowPercent}
 * of the reads in {@code shadow-read}, {@code read-new} and {@code new-primary}; their rows are captured as the
 * application iterates ({@link ShadowCapture}) and then compared on a bounded executor ({@link ShadowExecutor},
 * {@code shadow.threads} and {@code shadow.queue}): when it is full the comparison is dropped and counted, never
 * queued. The other side is read on shadow connections ({@link SideConnections}), with {@code shadow.timeout} as
 * query timeout. See docs/shadow-reads.md. Thread-safe.
 */
public final class ShadowReads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowReads.class);

    private final String migration;
    private final MigrationConfig config;
    private final Supplier<Mapping> mapping;
    private final ShiftMetrics shift;
    private final ShadowMetrics metrics;
    private final ShadowComparator comparator;
    private final SideConnections connections;
    private final MismatchSink sink;
    private final ShadowExecutor executor;
    private final int timeoutSeconds;
    private final long timeoutNanos;
    private final Map<Set<String>, Set<String>> dropped = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor settling;
    private final long settleNanos;
    private volatile boolean closed;
    /** The new schema is in a separate database ({@link #skipAlways}). */
    private final boolean separate;

    private ShadowReads(
            MigrationConfig config,
            Dialect dialect,
            ShiftMetrics shift,
            ConnectionSource primary,
            NewDatabase newDatabase,
            Supplier<Mapping> mapping) {
        this.migration = config.migration();
        this.config = config;
        this.separate = newDatabase != null;
        this.mapping = mapping;
        this.shift = shift;
        MigrationConfig.Shadow settings = config.shadow();
        this.timeoutNanos = settings.timeout().toNanos();
        // JDBC query timeouts are whole seconds; the network timeout backs them up
        this.timeoutSeconds = (int) Math.max(1, (settings.timeout().toMillis() + 999) / 1000);
        this.executor = new ShadowExecutor("schemashift-shadow-" + migration, settings.threads(), settings.queue());
        this.settling = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "schemashift-shadow-settle-" + migration);
            t.setDaemon(true);
            return t;
        });
        // A mirrored statement and its commit each end within writes.budget (their network timeout).
        this.settleNanos =
                config.writes().budget().multipliedBy(2).plusMillis(50).toNanos();
        this.metrics = new ShadowMetrics(shift, executor::waiting);
        this.comparator =
                ShadowComparator.create(rules(config)).withMetrics(CompareMetrics.monitor(shift.registry(), migration));
        this.connections = new SideConnections(primary, newDatabase, timeoutSeconds * 1000 + 1000);
        this.sink = new MismatchSink(migration, ControlTables.of(config).mismatch(), connections, metrics);
    }

    /**
     * Starts shadow reads for a migration; threads and connections are created on first use.
     *
     * @param primary opens connections to the application's database
     * @param newDatabase the separate new-side database, or {@code null} when the new schema is in the same database
     * @param mapping the mapping as the catalog last completed it (its {@link TableMapping#retyped})
     */
    public static ShadowReads start(
            MigrationConfig config,
            Dialect dialect,
            ShiftMetrics shift,
            ConnectionSource primary,
            NewDatabase newDatabase,
            Supplier<Mapping> mapping) {
        return new ShadowReads(config, dialect, shift, primary, newDatabase, mapping);
    }

    /** The comparison rules of {@code compare:} and {@code report.values}. */
    static CompareRules rules(MigrationConfig config) {
        MigrationConfig.Compare c = config.compare();
        return CompareRules.builder()
                .ignore(c.ignore())
                .orderMode(OrderMode.valueOf(c.order().toUpperCase(Locale.ROOT)))
                .timestampPrecision(
                        TimestampPrecision.valueOf(c.timestampPrecision().toUpperCase(Locale.ROOT)))
                .maxRows(c.maxRows())
                .caseInsensitiveStrings(c.caseInsensitive())
                .values(ValuesMode.valueOf(config.report().values().name()))
                .build();
    }

    /**
     * Whether a query about to run is compared; on the application's thread, before the query runs, while its
     * transaction's route is known. {@code null} in the common case: not picked (or not comparable, counted as
     * skipped with its reason).
     *
     * @param primary the side whose rows the application reads
     * @param params the application's bound values, or {@code null} for a plain statement
     * @param rowLimit the row limit on the application's statement ({@code setMaxRows}; 0: none)
     */
    public ShadowRead decide(ReadContext session, RewriteResult rewrite, Side primary, Params params, long rowLimit) {
        if (!(rewrite instanceof Rewritten rw) || rw.kind() != StatementKind.SELECT) {
            return null;
        }
        try {
            return pick(session, rw, primary, params, rowLimit);
        } catch (SQLException | RuntimeException e) {
            // a bug here, or the session's settings unreadable, must not reach the application's
            // statement; the read is simply not compared
            LOG.warn("[{}] shadow read not compared: {}", migration, e.toString());
            return null;
        }
    }

    /**
     * Whether executions of {@code rw} are compared at all (what {@code schemashift rewrite} shows as
     * the shadow run); an execution can still be skipped for its session, its parameters or a shutdown.
     */
    public static boolean compares(Rewritten rw, boolean separate) {
        return skipAlways(rw, separate) == null;
    }

    private SkipReason skip(ReadContext session, Rewritten rw, Params params) {
        if (session.inDirtyTransaction()) {
            return SkipReason.UNCOMMITTED_WRITES;
        }
        SkipReason always = skipAlways(rw, separate);
        if (always != null) {
            return always;
        }
        if (params != null && params.unmirrorable() != null) {
            return SkipReason.UNREPLAYABLE_PARAMETER;
        }
        return closed ? SkipReason.SHUT_DOWN : null;
    }

    /** Why no execution of {@code rw} is compared, whatever its session and parameters; {@code null}: none. */
    private static SkipReason skipAlways(Rewritten rw, boolean separate) {
        if (rw.locksRows()) {
            return SkipReason.LOCKING_READ;
        }
        return differing(rw, separate) == null ? null : SkipReason.NONDETERMINISTIC;
    }

    /**
     * What makes a read's two results differ ({@code null}: nothing): the first of its {@link
     * Rewritten#nondeterminism}, except a table outside the mapping where both sides read the same
     * one (not {@code separate}).
     */
    public static NonDeterminism differing(Rewritten rw, boolean separate) {
        for (NonDeterminism nd : rw.nondeterminism()) {
            if (separate || nd != NonDeterminism.UNMAPPED_READ) {
                return nd;
            }
        }
        return null;
    }

    private ShadowRead pick(ReadContext session, Rewritten rw, Side primary, Params params, long rowLimit)
            throws SQLException {
        int percent = session.rollout().shadowPercent();
        if (percent <= 0 || (percent < 100 && ThreadLocalRandom.current().nextInt(100) >= percent)) {
            return null;
        }
        Phase phase = session.phaseOf(rw.tables());
        if (phase == null || !phase.comparesReads()) {
            return null;
        }
        String table =
                rw.tables().size() == 1 ? rw.tables().iterator().next() : String.join(",", new TreeSet<>(rw.tables()));
        String fingerprint = metrics.fingerprintTag(rw.fingerprint().hash());
        SkipReason skip =
                session.mayRead(rw.tables(), primary.other()) ? skip(session, rw, params) : SkipReason.NOT_GRANTED;
        if (skip != null) {
            metrics.skipped(skip, table, fingerprint);
            return null;
        }
        return new ShadowRead(
                this,
                rw,
                primary,
                params == null ? null : params.snapshot(),
                Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS)),
                table,
                fingerprint,
                session.sessionSettings(),
                rowLimit);
    }

    /** Hands a comparison to the executor; never blocks: when it is full the comparison is dropped and counted. */
    void submit(Runnable job, ShadowRead read) {
        if (!executor.offer(job)) {
            read.counted(ShadowOutcome.DROPPED);
        }
    }

    /**
     * Hands {@code step} to the executor once the longest commit lag between the two databases has passed, without
     * holding an executor thread meanwhile; dropped and counted if the executor is full then.
     */
    void later(Runnable step, ShadowRead read) {
        try {
            settling.schedule(() -> submit(step, read), settleNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            read.counted(ShadowOutcome.DROPPED);
        }
    }

    /** The key columns (old names) of a single-table read; empty for a join, which is compared by whole rows. */
    List<String> key(Rewritten rw) {
        if (rw.tables().size() != 1) {
            return List.of();
        }
        return config.mapping()
                .table(rw.tables().iterator().next())
                .map(TableMapping::key)
                .orElse(List.of());
    }

    /**
     * The lower-case old names of the columns of the tables {@code rw} reads whose new type takes a
     * cast of the old one's values ({@link TableMapping#retyped}): each side reads them as
     * another kind (text against a number, a date, JSON), so they are compared by their text.
     */
    Set<String> retypedColumns(Rewritten rw) {
        Mapping current = mapping.get();
        Set<String> names = new HashSet<>();
        for (String t : rw.tables()) {
            current.table(t).ifPresent(m -> m.retyped().forEach((c, r) -> {
                if (r.newType() != null) { // a collation alone changes no kind
                    names.add(c.toLowerCase(Locale.ROOT));
                }
            }));
        }
        return names;
    }

    /** The lower-case old names of the columns the mapping drops from the tables {@code rw} reads. */
    Set<String> droppedColumns(Rewritten rw) {
        return dropped.computeIfAbsent(rw.tables(), tables -> {
            Set<String> names = new HashSet<>();
            for (String t : tables) {
                config.mapping().table(t).ifPresent(m -> m.columns().forEach((old, neu) -> {
                    if (neu == null) {
                        names.add(old.toLowerCase(Locale.ROOT));
                    }
                }));
            }
            return Set.copyOf(names);
        });
    }

    String migration() {
        return migration;
    }

    int maxRows() {
        return comparator.rules().maxRows();
    }

    int timeoutSeconds() {
        return timeoutSeconds;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    ShadowComparator comparator() {
        return comparator;
    }

    ShadowMetrics metrics() {
        return metrics;
    }

    ShiftMetrics shift() {
        return shift;
    }

    SideConnections connections() {
        return connections;
    }

    MismatchSink sink() {
        return sink;
    }

    /**
     * Waits until every comparison handed over so far has finished, or {@code timeout} passes; for tests and
     * orderly shutdown.
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int idle = 0;
        while (idle < 2) { // twice in a row: a settled re-read passes from one queue to the other
            idle = busy() ? 0 : idle + 1;
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return true;
    }

    private boolean busy() {
        return executor.busy() || !settling.getQueue().isEmpty();
    }

    /** Stops taking comparisons, lets running ones end within {@code shadow.timeout}, and closes the connections. */
    @Override
    public void close() {
        closed = true;
        settling.shutdownNow();
        executor.shutdown(timeoutNanos);
        connections.close();
    }

    @Override
    public String toString() {
        return "ShadowReads[" + migration + ", threads=" + executor.threads() + "]";
    }
}
