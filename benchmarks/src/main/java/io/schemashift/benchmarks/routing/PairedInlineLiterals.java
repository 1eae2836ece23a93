package io.schemashift.benchmarks.routing;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Statements whose text is new every time (inline literals, as string-built SQL and MyBatis
 * {@code ${}} send them), on H2 in memory, <em>paired</em>: raw H2 and SchemaShift in phases
 * {@code old-only} and {@code dual-write} run in one JVM in alternating blocks, so that load from
 * other processes hits every variant alike. Two operations, each through a plain {@link
 * Statement}: a point read {@code SELECT name, email FROM customers WHERE id = 17 AND id < 1017}
 * and an auto-commit {@code UPDATE customers SET email = 'e1017' WHERE id = 17}, with numbers that
 * never repeat, so that no text is ever seen twice. In {@code dual-write} the update runs on both
 * tables (the raw figure runs it once); the {@code raw pair} runs by hand, on raw H2, what
 * {@code dual-write} runs for the update (both texts in one local transaction: auto-commit off,
 * the two updates, auto-commit on) and the read as raw does: the floor of any mirror of a new text.
 * Reports per operation and variant the median ns/op over
 * the rounds and its ratio to raw, the same for the thread's CPU time (which leaves out the time
 * the thread waited for a core: the steadier figure on a loaded machine, as H2 in memory runs on
 * the calling thread), and B/op (the thread's allocated-bytes counter).
 *
 * <p>Usage: {@code java -XX:+UseParallelGC -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.schemashift.benchmarks.routing.PairedInlineLiterals [rounds [ops per block]]}, default 40
 * rounds of 5,000 ops, after 200,000 warm-up ops of each operation and variant.
 */
public final class PairedInlineLiterals {

    private static final List<String> VARIANTS = List.of("raw", "old-only", "dual-write", "raw pair");
    /** The index in {@link #VARIANTS} of the pair written by hand. */
    private static final int RAW_PAIR = 3;

    private static final List<String> OPERATIONS = List.of("read", "update");

    private PairedInlineLiterals() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        Metrics.globalRegistry.add(new SimpleMeterRegistry());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        String url = "jdbc:h2:mem:paired_literals;DB_CLOSE_DELAY=-1";
        try (Connection admin = DriverManager.getConnection(url)) {
            Setups.seedH2(admin);
            String shift = "jdbc:schemashift:" + url.substring("jdbc:".length());
            Statement[] statements = {
                DriverManager.getConnection(url).createStatement(),
                DriverManager.getConnection(shift, Setups.phase("literals-old-only", "old-only"))
                        .createStatement(),
                DriverManager.getConnection(shift, Setups.phase("literals-dual-write", "dual-write"))
                        .createStatement(),
                DriverManager.getConnection(url).createStatement()
            };
            long[] counter = {1_000};
            long checksum = 0;
            for (Statement st : statements) {
                for (int op = 0; op < OPERATIONS.size(); op++) {
                    checksum += run(st, op, st == statements[RAW_PAIR], 200_000, counter);
                }
            }
            int n = VARIANTS.size() * OPERATIONS.size();
            double[][] nanos = new double[n][rounds];
            double[][] cpu = new double[n][rounds];
            double[][] bytes = new double[n][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < n; k++) {
                    int i = (k + r) % n; // rotate the order, so that no series always runs first
                    long allocated = threads.getThreadAllocatedBytes(self);
                    long cpuStart = threads.getCurrentThreadCpuTime();
                    long start = System.nanoTime();
                    int variant = i / OPERATIONS.size();
                    checksum += run(statements[variant], i % OPERATIONS.size(), variant == RAW_PAIR, block, counter);
                    nanos[i][r] = (double) (System.nanoTime() - start) / block;
                    cpu[i][r] = (double) (threads.getCurrentThreadCpuTime() - cpuStart) / block;
                    bytes[i][r] = (double) (threads.getThreadAllocatedBytes(self) - allocated) / block;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "inline literals, every text new, %d rounds of %,d ops [checksum %d]%n",
                    rounds,
                    block,
                    checksum);
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %-12s %10s %8s %12s %8s %10s%n",
                    "op",
                    "variant",
                    "ns/op",
                    "ratio",
                    "CPU ns/op",
                    "ratio",
                    "B/op");
            for (int i = 0; i < n; i++) {
                int raw = i % OPERATIONS.size();
                System.out.printf(
                        Locale.ROOT,
                        "%-8s %-12s %10.1f %8.2f %12.1f %8.2f %10.0f%n",
                        OPERATIONS.get(i % OPERATIONS.size()),
                        VARIANTS.get(i / OPERATIONS.size()),
                        median(nanos[i]),
                        median(nanos[i]) / median(nanos[raw]),
                        median(cpu[i]),
                        median(cpu[i]) / median(cpu[raw]),
                        median(bytes[i]));
            }
            int dualUpdate = 2 * OPERATIONS.size() + 1;
            int pairUpdate = RAW_PAIR * OPERATIONS.size() + 1;
            System.out.printf(
                    Locale.ROOT,
                    "update, dual-write against the raw pair: %.2fx ns/op, %.2fx CPU%n",
                    median(nanos[dualUpdate]) / median(nanos[pairUpdate]),
                    median(cpu[dualUpdate]) / median(cpu[pairUpdate]));
            for (Statement st : statements) {
                st.getConnection().close();
            }
        }
    }

    private static long run(Statement st, int op, boolean byHand, int ops, long[] counter) throws SQLException {
        long sum = 0;
        for (int k = 0; k < ops; k++) {
            long c = counter[0]++;
            long id = c % 1_000;
            if (op == 0) {
                try (ResultSet rs =
                        st.executeQuery("SELECT name, email FROM customers WHERE id = " + id + " AND id < " + c)) {
                    sum += rs.next() ? rs.getString(2).length() : 0;
                }
            } else if (byHand) {
                Connection connection = st.getConnection();
                connection.setAutoCommit(false);
                sum += st.executeUpdate("UPDATE customers SET email = 'e" + c + "' WHERE id = " + id);
                st.executeUpdate("UPDATE clients SET email = 'e" + c + "' WHERE id = " + id);
                connection.setAutoCommit(true); // commits, as the driver's pair does
            } else {
                sum += st.executeUpdate("UPDATE customers SET email = 'e" + c + "' WHERE id = " + id);
            }
        }
        return sum;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
