package io.schemashift.benchmarks.coverage;

import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.coverage.StatementCoverage;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewriter;
import io.schemashift.runtime.MigrationRuntime;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The statement coverage's cost on the hot path after the first sight of a shape (issue 15: within
 * the rewriter's cache-hit figure): {@code StatementCoverage.seen} alone, the rewriter cache hit it
 * follows, and both together as {@code MigrationRuntime.rewrite} runs them; on one thread and on
 * two (the {@code LongAdder} under contention). The coverage never flushes during a run ({@code
 * control.poll: 1h}; its connection source fails, so a flush would only log).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class CoverageBenchmark {

    static final String SQL = "SELECT id, name, email FROM customers WHERE id = ?";

    private static final String YAML = String.join(
            "\n",
            "migration: coverage-bench",
            "tables:",
            "  customers:",
            "    to: clients",
            "    key: [id]",
            "    columns: { name: full_name, email: email_address }",
            "    oldColumns: [id, name, email, city]",
            "phase: dual-write",
            "control: { poll: 1h }",
            "");

    private MigrationConfig config;
    private Rewriter rewriter;
    private StatementCoverage coverage;
    private RewriteResult result;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        config = new ConfigReader().read("coverage-bench.yaml", YAML);
        rewriter = MigrationRuntime.rewriter(config, Dialect.POSTGRESQL, null);
        coverage = StatementCoverage.start(config, () -> {
            throw new SQLTransientConnectionException("no database in this benchmark");
        });
        result = rewriter.rewrite(SQL);
        coverage.seen(result, config.rollout()); // the first sight: builds the shape and its verdicts
        if (coverage.snapshot().size() != 1) {
            throw new IllegalStateException("the statement was not recorded: " + coverage.snapshot());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        coverage.close();
    }

    /** The rewriter's cache hit: the figure the coverage must stay within. */
    @Benchmark
    public RewriteResult cacheHit() {
        return rewriter.rewrite(SQL);
    }

    /** The coverage's own work for a shape already seen: one map lookup and one counter add. */
    @Benchmark
    public void seen() {
        coverage.seen(result, config.rollout());
    }

    /** Both, as {@code MigrationRuntime.rewrite} runs them for every statement. */
    @Benchmark
    public RewriteResult rewriteAndSeen() {
        RewriteResult r = rewriter.rewrite(SQL);
        coverage.seen(r, config.rollout());
        return r;
    }

    /** {@link #seen} on two threads, counting into the same shape. */
    @Benchmark
    @Threads(2)
    public void seenContended() {
        coverage.seen(result, config.rollout());
    }
}
