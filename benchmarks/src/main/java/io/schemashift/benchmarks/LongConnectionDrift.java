package io.schemashift.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Issue 3's "flat on a long-lived connection" check, outside JMH: one connection, one reused
 * PreparedStatement point select, 10^7 timed ops after a warm-up. Prints ns/op for each tenth of
 * the run and the ratio of the last tenth to the first; the target is a ratio within 1.10.
 *
 * <p>Usage: {@code java -XX:+UseParallelGC -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.schemashift.benchmarks.LongConnectionDrift [variant [ops [warm-up ops]]]}, variant as in
 * {@link JdbcOverheadBenchmark} (default {@code schemashift}), ops default 10,000,000, warm-up
 * default 2,000,000.
 */
public final class LongConnectionDrift {

    private LongConnectionDrift() {}

    public static void main(String[] args) throws Exception {
        String variant = args.length > 0 ? args[0] : "schemashift";
        long ops = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        long warmUp = args.length > 2 ? Long.parseLong(args[2]) : 2_000_000L;
        if (ops < 10 || ops % 10 != 0) {
            throw new IllegalArgumentException("ops must be a positive multiple of 10, was " + ops);
        }
        long tenth = ops / 10;
        long[] nanos = new long[10];
        long checksum = 0;
        try (Target target = Target.open(variant, "drift");
                Connection c = target.connect();
                PreparedStatement ps = c.prepareStatement("SELECT name FROM items WHERE id = ?")) {
            System.out.printf(
                    Locale.ROOT, "%s: %s on %s%n", variant, c.getClass().getName(), Runtime.version());
            checksum += run(ps, warmUp);
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                checksum += run(ps, tenth);
                nanos[i] = System.nanoTime() - start;
            }
        }
        for (int i = 0; i < 10; i++) {
            System.out.printf(Locale.ROOT, "tenth %2d: %8.1f ns/op%n", i + 1, (double) nanos[i] / tenth);
        }
        double first = (double) nanos[0] / tenth;
        double last = (double) nanos[9] / tenth;
        double ratio = last / first;
        System.out.printf(
                Locale.ROOT,
                "%s, %,d ops on one connection: first 10%% %.1f ns/op, last 10%% %.1f ns/op, last/first %.3f (%s)"
                        + " [checksum %d]%n",
                variant,
                ops,
                first,
                last,
                ratio,
                ratio <= 1.10 ? "within 10%: met" : "more than 10% slower: missed",
                checksum);
    }

    /** Runs {@code ops} point selects on {@code ps}; returns a checksum of what was read. */
    static long run(PreparedStatement ps, long ops) throws SQLException {
        long sum = 0;
        int id = 0;
        for (long i = 0; i < ops; i++) {
            id = id == Target.ITEMS ? 1 : id + 1;
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sum += rs.getString(1).length();
            }
        }
        return sum;
    }
}
