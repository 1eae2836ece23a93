package io.schemashift.benchmarks.rewriter;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewriter;
import io.schemashift.rewriter.TableMapping;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.statement.Statement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rewriter costs: a cache hit, a cold rewrite (cache size 0) of a simple statement next to a bare
 * JSqlParser parse of the same text, and a cold rewrite of a three-table join.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class RewriterBenchmark {

    static final String SIMPLE = "SELECT id, name, email FROM customers WHERE id = ?";
    static final String JOIN = "SELECT c.name, o.total, p.title FROM customers c JOIN orders o ON o.customer_id = c.id "
            + "JOIN products p ON p.id = o.product_id WHERE c.city = ? AND o.total > ? ORDER BY o.id";

    private Rewriter cached;
    private Rewriter cold;

    /** customers → clients, two renamed columns and a derived one. */
    static Mapping mapping() {
        return Mapping.of(List.of(new TableMapping(
                "customers",
                "clients",
                null,
                List.of("id"),
                Map.of("name", "full_name", "email", "email_address"),
                Map.of("name_search", "lower(name)"),
                List.of("id", "name", "email", "city"))));
    }

    @Setup
    public void setUp() {
        cached = Rewriter.builder(mapping(), Dialect.POSTGRESQL).build();
        cold = Rewriter.builder(mapping(), Dialect.POSTGRESQL).cacheBytes(0).build();
        cached.rewrite(SIMPLE);
    }

    @Benchmark
    public RewriteResult cacheHit() {
        return cached.rewrite(SIMPLE);
    }

    @Benchmark
    public RewriteResult coldSimple() {
        return cold.rewrite(SIMPLE);
    }

    @Benchmark
    public Statement bareParseSimple() throws ParseException {
        return CCJSqlParserUtil.newParser(SIMPLE).Statement();
    }

    @Benchmark
    public RewriteResult coldJoin() {
        return cold.rewrite(JOIN);
    }

    @Benchmark
    public Statement bareParseJoin() throws ParseException {
        return CCJSqlParserUtil.newParser(JOIN).Statement();
    }
}
