package io.schemashift.benchmarks.rewriter;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Rewriter;
import java.util.Arrays;
import java.util.Locale;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;

/**
 * {@link RewriterBenchmark}'s cold rewrite and bare parse, side by side: both run in alternating
 * blocks in one JVM, so that load from other processes on a shared machine hits both alike.
 * Prints the median ns/op of each and the median of the per-round ratios, for the simple
 * statement and the join.
 *
 * <p>Usage: {@code java -XX:+UseParallelGC -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.schemashift.benchmarks.rewriter.PairedRewrite [rounds [ops per block]]}, rounds default 80
 * (the first 30 are warm-up), ops per block default 500.
 */
public final class PairedRewrite {

    private static volatile Object sink;

    private PairedRewrite() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 80;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int warmUp = 30;
        if (rounds <= warmUp) {
            throw new IllegalArgumentException("rounds must be more than " + warmUp + ", was " + rounds);
        }
        Rewriter cold = Rewriter.builder(RewriterBenchmark.mapping(), Dialect.POSTGRESQL)
                .cacheBytes(0)
                .build();
        for (String sql : new String[] {RewriterBenchmark.SIMPLE, RewriterBenchmark.JOIN}) {
            double[] parse = new double[rounds - warmUp];
            double[] rewrite = new double[rounds - warmUp];
            double[] ratio = new double[rounds - warmUp];
            for (int r = 0; r < rounds; r++) {
                // alternate which goes first, so that neither always pays for the other's garbage
                double p;
                double w;
                if (r % 2 == 0) {
                    p = parse(sql, block);
                    w = rewrite(cold, sql, block);
                } else {
                    w = rewrite(cold, sql, block);
                    p = parse(sql, block);
                }
                if (r >= warmUp) {
                    parse[r - warmUp] = p;
                    rewrite[r - warmUp] = w;
                    ratio[r - warmUp] = w / p;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-6s bare parse %,10.0f ns/op   cold rewrite %,10.0f ns/op   cold/bare, median of rounds %.2f%n",
                    sql == RewriterBenchmark.SIMPLE ? "simple" : "join",
                    median(parse),
                    median(rewrite),
                    median(ratio));
        }
    }

    private static double parse(String sql, int ops) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            sink = CCJSqlParserUtil.newParser(sql).Statement();
        }
        return (double) (System.nanoTime() - start) / ops;
    }

    private static double rewrite(Rewriter cold, String sql, int ops) {
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            sink = cold.rewrite(sql);
        }
        return (double) (System.nanoTime() - start) / ops;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
