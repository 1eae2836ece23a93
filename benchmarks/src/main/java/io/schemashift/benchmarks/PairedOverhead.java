package io.schemashift.benchmarks;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The reused point select of {@link JdbcOverheadBenchmark}, measured <em>paired</em>: raw H2 and
 * each wrapper run in one JVM in alternating blocks of ops, so that load from other processes on
 * a shared machine hits every variant alike. Reports, per variant, the median ns/op over the
 * blocks, the median per-round difference to raw (ns/op), and the allocation per op (B/op, from
 * the thread's allocated-bytes counter). JMH's separate forks cannot pair like this; on a quiet
 * machine both give the same picture.
 *
 * <p>Usage: {@code java -XX:+UseParallelGC -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.schemashift.benchmarks.PairedOverhead [variants [rounds [ops per block]]]}, variants comma
 * separated as in {@link JdbcOverheadBenchmark} (default {@code schemashift}), rounds default 60,
 * ops per block default 20,000; every variant first warms up for 2,000,000 ops.
 */
public final class PairedOverhead {

    private PairedOverhead() {}

    public static void main(String[] args) throws Exception {
        List<String> variants = new ArrayList<>(List.of("raw"));
        variants.addAll(Arrays.asList((args.length > 0 ? args[0] : "schemashift").split(",")));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int block = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();

        int n = variants.size();
        List<Target> targets = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        List<PreparedStatement> statements = new ArrayList<>();
        double[][] nanos = new double[n][rounds];
        double[][] bytes = new double[n][rounds];
        long checksum = 0;
        try {
            for (String v : variants) {
                Target t = Target.open(v, "paired_" + v.replace('-', '_'));
                targets.add(t);
                Connection c = t.connect();
                connections.add(c);
                PreparedStatement ps = c.prepareStatement("SELECT name FROM items WHERE id = ?");
                statements.add(ps);
                checksum += LongConnectionDrift.run(ps, 2_000_000);
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < n; k++) {
                    int i = (k + r) % n; // rotate the order, so that no variant always runs first
                    long allocated = threads.getThreadAllocatedBytes(self);
                    long start = System.nanoTime();
                    checksum += LongConnectionDrift.run(statements.get(i), block);
                    nanos[i][r] = (double) (System.nanoTime() - start) / block;
                    bytes[i][r] = (double) (threads.getThreadAllocatedBytes(self) - allocated) / block;
                }
            }
        } finally {
            for (PreparedStatement ps : statements) {
                ps.close();
            }
            for (Connection c : connections) {
                c.close();
            }
            for (Target t : targets) {
                t.close();
            }
        }
        System.out.printf(
                Locale.ROOT,
                "reused point select, %d rounds of %,d ops per variant [checksum %d]%n",
                rounds,
                block,
                checksum);
        System.out.printf(
                Locale.ROOT,
                "%-18s %10s %14s %10s %10s %10s%n",
                "variant",
                "ns/op",
                "vs raw ns/op",
                "ratio",
                "B/op",
                "vs raw B/op");
        for (int i = 0; i < n; i++) {
            double[] diff = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                diff[r] = nanos[i][r] - nanos[0][r];
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-18s %10.1f %+14.1f %10.2f %10.0f %+10.0f%n",
                    variants.get(i),
                    median(nanos[i]),
                    median(diff),
                    median(nanos[i]) / median(nanos[0]),
                    median(bytes[i]),
                    median(bytes[i]) - median(bytes[0]));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
