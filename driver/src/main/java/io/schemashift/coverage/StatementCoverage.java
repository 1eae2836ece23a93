package io.schemashift.coverage;

import io.schemashift.api.ConnectionSource;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.metrics.LogThrottle;
import io.schemashift.rewriter.RewriteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statement coverage of one migration in this JVM: one entry per statement shape (fingerprint)
 * that touches a mapped table, in every phase, {@code old-only} included. At most {@code
 * coverage.maxShapes} shapes are kept; executions of further shapes are counted as overflow. A
 * daemon thread adds the new executions to the statements table every {@code control.poll} (and
 * rewrites {@code coverage.file} when set), and once more on {@link #close()} or when the JVM exits.
 *
 * <p>{@link #seen} is on the application's path: after the first sight of a shape it costs one
 * map lookup and one {@link java.util.concurrent.atomic.LongAdder} add, and it never throws.
 * Thread-safe.
 */
public final class StatementCoverage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatementCoverage.class);

    private final String migration;
    private final int maxShapes;
    /** The new schema is in a separate database, which changes some verdicts ({@link Preview#of}). */
    private final boolean separate;

    private final Path file;
    private final CoverageStore store;
    private final ConnectionSource primary;
    private final ConcurrentHashMap<String, Shape> shapes = new ConcurrentHashMap<>();
    private final Shape overflow = Shape.overflow(Instant.now());
    /** Shapes already in the table (flush thread only). */
    private final Map<String, Boolean> written = new HashMap<>();

    private final LogThrottle failures = new LogThrottle(Duration.ofMinutes(10));
    private final ScheduledExecutorService timer;
    /** The last flush when the JVM exits (a test suite's JVM ends without closing the driver). */
    private final Thread atExit = new Thread(this::flush, "schemashift-coverage-exit");

    private StatementCoverage(MigrationConfig config, ConnectionSource primary) {
        this.migration = config.migration();
        this.separate = config.newSide().separateDatabase();
        this.maxShapes = config.coverage().maxShapes();
        this.file = config.coverage().file() == null
                ? null
                : Path.of(config.coverage().file());
        this.primary = primary;
        this.store = new CoverageStore(primary, migration);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "schemashift-coverage-" + migration);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The coverage of {@code config}, flushed every {@code control.poll} through {@code primary};
     * {@code null} when {@code coverage.enabled} is false.
     */
    public static StatementCoverage start(MigrationConfig config, ConnectionSource primary) {
        if (!config.coverage().enabled()) {
            return null;
        }
        StatementCoverage coverage = new StatementCoverage(config, primary);
        long poll = config.control().poll().toMillis();
        coverage.timer.scheduleWithFixedDelay(coverage::flush, poll, poll, TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(coverage.atExit);
        return coverage;
    }

    /** Counts one execution (or preparation) of {@code result} under {@code rollout}. Never throws. */
    public void seen(RewriteResult result, MigrationConfig.Rollout rollout) {
        if (result.tables().isEmpty()) {
            return;
        }
        try {
            Shape shape = shapes.get(result.fingerprint().hash());
            if (shape == null) {
                shape = first(result);
            }
            Phase phase = rollout.tablePhases().isEmpty()
                    ? rollout.phase()
                    : rollout.phaseOf(result.tables().iterator().next());
            shape.seen(phase);
        } catch (RuntimeException e) {
            long n = failures.event();
            if (n > 0) {
                LOG.warn("[{}] statement coverage not recorded ({} time(s)): {}", migration, n, e.toString());
            }
        }
    }

    private Shape first(RewriteResult result) {
        if (shapes.size() >= maxShapes) {
            Shape known = shapes.get(result.fingerprint().hash());
            return known != null ? known : overflow;
        }
        return shapes.computeIfAbsent(result.fingerprint().hash(), k -> new Shape(result, separate, Instant.now()));
    }

    /** Every shape seen in this JVM (and the overflow, once it counted anything), counts as of now. */
    public List<CoverageEntry> snapshot() {
        Instant now = Instant.now();
        List<CoverageEntry> entries = new ArrayList<>();
        for (Shape s : shapes.values()) {
            entries.add(s.entry(now));
        }
        CoverageEntry o = overflow.entry(now);
        if (o.total() > 0) {
            entries.add(o);
        }
        entries.sort((a, b) -> Long.compare(b.total(), a.total()));
        return entries;
    }

    /** Writes the executions counted since the last flush; never throws. */
    public synchronized void flush() {
        Instant now = Instant.now();
        List<Shape> all = new ArrayList<>(shapes.values());
        all.add(overflow);
        try (Connection c = primary.open()) {
            for (Shape s : all) {
                long[] delta = s.pending();
                boolean known = written.containsKey(s.fingerprint);
                if (!known && s == overflow && total(delta) == 0) {
                    continue;
                }
                if (known && total(delta) == 0) {
                    continue;
                }
                store.add(c, s.entry(now), delta, now);
                s.flushed(delta);
                written.put(s.fingerprint, Boolean.TRUE);
            }
        } catch (SQLException | RuntimeException e) {
            long n = failures.event();
            if (n > 0) {
                LOG.warn(
                        "[{}] cannot write the statement coverage to table {} ({}); run 'schemashift init' if it is"
                                + " missing. Counting goes on; retried every poll",
                        migration,
                        store.table(),
                        e.getMessage() == null
                                ? e.getClass().getSimpleName()
                                : e.getMessage().lines().findFirst().orElse(""));
            }
        }
        if (file != null) {
            writeFile();
        }
    }

    private void writeFile() {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, CoverageJson.write(migration, snapshot()), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            long n = failures.event();
            if (n > 0) {
                LOG.warn("[{}] cannot write the statement coverage to {}: {}", migration, file, e.toString());
            }
        }
    }

    private static long total(long[] delta) {
        long t = 0;
        for (long d : delta) {
            t += d;
        }
        return t;
    }

    /** Stops the flush thread and flushes one last time. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(atExit);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook flushes
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
