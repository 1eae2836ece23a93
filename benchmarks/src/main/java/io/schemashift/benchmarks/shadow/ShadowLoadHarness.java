package io.schemashift.benchmarks.shadow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 6's macro harness: an application workload on PostgreSQL through SchemaShift in {@code shadow-read}, with
 * {@code shadowPercent} 0 and 100, in many short rounds in the order 0, 100, 100, 0, 0, 100, … (the machine's speed
 * drifts over minutes: short rounds spread the drift over both settings, and whichever setting always ran second
 * would carry it). Each client thread has its own connection and paces itself to a fixed rate: 90% point reads of a
 * whole row, 10% updates (dual-written to the new table in the same database). Prints the primary reads' latency
 * (what the application waits for) per setting, p50/p90/p99/p99.9, the shadow outcomes and the CPU time the shadow
 * threads spent per comparison; the target is p99 at 100% within +5% of p99 at 0%. A 15 s warm-up per setting comes
 * first. With 0 as the second setting's percent, the run compares the same setting with itself (A/A): the ratios it
 * prints are the harness's noise floor on the machine. Each ratio comes with a 95% interval by a bootstrap over the
 * rounds (the two settings' rounds of one round number drawn together, as they ran side by side in time): a target is
 * shown met when the interval's upper end is within it.
 *
 * <p>Usage: {@code java -XX:+UseParallelGC -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar
 * io.schemashift.benchmarks.shadow.ShadowLoadHarness [seconds per round [rounds [threads [ops/s per thread
 * [shadow percent of the second setting [server URL]]]]]]}; defaults 3, 30, 4, 250, 100,
 * {@code jdbc:postgresql://127.0.0.1:5432/} (user {@code postgres}, no password, as the local test server). It drops
 * and creates the database {@code shadow_harness}.
 */
public final class ShadowLoadHarness {

    private static final int ROWS = 100_000;
    private static final int WARM_UP_SECONDS = 15;

    /** Bootstrap draws for the ratios' intervals. */
    private static final int DRAWS = 1_000;

    private ShadowLoadHarness() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 250;
        int percent = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        String server = args.length > 5 ? args[5] : "jdbc:postgresql://127.0.0.1:5432/";
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);

        try (Connection admin = DriverManager.getConnection(server + "postgres", "postgres", "");
                Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS shadow_harness WITH (FORCE)");
            st.execute("CREATE DATABASE shadow_harness");
        }
        String url = server + "shadow_harness";
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100),"
                    + " balance NUMERIC(12,2), created_at TIMESTAMP)");
            st.execute("CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(100),"
                    + " balance NUMERIC(14,4), created_at TIMESTAMP)");
            String select = " SELECT g, 'Customer ' || g, 'c' || g || '@example.com', g * 1.25,"
                    + " TIMESTAMP '2026-01-01' + g * INTERVAL '1 second' FROM generate_series(1, " + ROWS + ") g";
            st.execute("INSERT INTO customers" + select);
            st.execute("INSERT INTO clients" + select);
            st.execute("VACUUM ANALYZE customers");
            st.execute("VACUUM ANALYZE clients");
        }
        String pid = String.valueOf(ProcessHandle.current().pid());
        String columns = "    columns:\n      name: full_name\n";
        Path off = ShadowConfig.write("harness-off-" + pid, "customers", "clients", columns, 0);
        Path on = ShadowConfig.write("harness-on-" + pid, "customers", "clients", columns, percent);

        System.out.printf(
                Locale.ROOT,
                "%d threads x %d ops/s (90%% reads, 10%% updates), %d s per round, %d rounds, %s%n",
                threads,
                rate,
                seconds,
                rounds,
                Runtime.version());
        // warm-up: both drivers loaded, and the comparison path (about 1,000 runs a second) compiled by C2
        run(url, off, threads, rate, WARM_UP_SECONDS);
        run(url, on, threads, rate, WARM_UP_SECONDS);
        long[][] results = new long[2][];
        List<List<long[]>> perRound = List.of(new ArrayList<>(), new ArrayList<>());
        long shadowCpu = 0;
        double compared = 0;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < 2; i++) {
                int mode = round % 2 == 0 ? i : 1 - i; // 0, 100, 100, 0, …: a drift over time weighs on both alike
                long cpuBefore = shadowThreadsCpu();
                double comparedBefore = comparisons(meters, "harness-on-" + pid);
                long[] lat = run(url, mode == 0 ? off : on, threads, rate, seconds);
                shadowCpu += shadowThreadsCpu() - cpuBefore;
                compared += comparisons(meters, "harness-on-" + pid) - comparedBefore;
                System.out.printf(
                        Locale.ROOT,
                        "round %d shadow %-3s %s%n",
                        round + 1,
                        mode == 0 ? "0" : String.valueOf(percent),
                        summary(lat));
                results[mode] = results[mode] == null ? lat : concat(results[mode], lat);
                perRound.get(mode).add(lat);
            }
        }
        for (long[] r : results) {
            Arrays.sort(r);
        }
        System.out.printf(Locale.ROOT, "all rounds shadow 0   %s%n", summary(results[0]));
        System.out.printf(Locale.ROOT, "all rounds shadow %-3d %s%n", percent, summary(results[1]));
        double[] p50 = interval(perRound, 50);
        double[] p99 = interval(perRound, 99);
        System.out.printf(
                Locale.ROOT,
                "p50 ratio %.3f (95%% interval %.3f–%.3f, target <= 1.10), p99 ratio %.3f (95%% interval %.3f–%.3f,"
                        + " target <= 1.05)%n",
                (double) pct(results[1], 50) / pct(results[0], 50),
                p50[0],
                p50[1],
                (double) pct(results[1], 99) / pct(results[0], 99),
                p99[0],
                p99[1]);
        System.out.println("shadow outcomes at " + percent + "%: " + outcomes(meters, "harness-on-" + pid));
        if (compared > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "shadow threads' CPU time (user + system) per comparison in the rounds: %.1f µs%n",
                    shadowCpu / 1e3 / compared);
        }
        System.exit(0); // the drivers' daemon threads would keep a pool or two open a little longer
    }

    /** Runs the workload for {@code seconds}; returns each read's latency in nanoseconds, sorted. */
    private static long[] run(String url, Path config, int threads, int rate, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[]>> futures = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int t = 0; t < threads; t++) {
            long seed = t;
            futures.add(pool.submit(() -> client(url, config, rate, end, seed)));
        }
        long[] all = new long[0];
        for (Future<long[]> f : futures) {
            all = concat(all, f.get());
        }
        pool.shutdown();
        Arrays.sort(all);
        return all;
    }

    private static long[] client(String url, Path config, int rate, long end, long seed) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "postgres");
        info.setProperty("password", "");
        info.setProperty("schemashift.config", config.toString());
        SplittableRandom random = new SplittableRandom(seed);
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long[] latencies = new long[1 << 16];
        int n = 0;
        try (Connection c = DriverManager.getConnection("jdbc:schemashift:" + url.substring(5), info);
                PreparedStatement read =
                        c.prepareStatement("SELECT id, name, email, balance, created_at FROM customers WHERE id = ?");
                PreparedStatement update = c.prepareStatement("UPDATE customers SET balance = ? WHERE id = ?")) {
            long next = System.nanoTime();
            while (next < end) {
                LockSupport.parkNanos(next - System.nanoTime());
                int id = 1 + random.nextInt(ROWS);
                if (random.nextInt(10) == 0) {
                    update.setBigDecimal(1, java.math.BigDecimal.valueOf(random.nextInt(100_000), 2));
                    update.setInt(2, id);
                    update.executeUpdate();
                } else {
                    long start = System.nanoTime();
                    read.setInt(1, id);
                    try (ResultSet rs = read.executeQuery()) {
                        while (rs.next()) {
                            rs.getInt(1);
                            rs.getString(2);
                            rs.getString(3);
                            rs.getBigDecimal(4);
                            rs.getTimestamp(5);
                        }
                    }
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = System.nanoTime() - start;
                }
                next += interval;
            }
        }
        return Arrays.copyOf(latencies, n);
    }

    private static TreeMap<String, Double> outcomes(SimpleMeterRegistry meters, String migration) {
        TreeMap<String, Double> outcomes = new TreeMap<>();
        for (Counter c : meters.find("schemashift.shadow.comparisons")
                .tag("migration", migration)
                .counters()) {
            outcomes.merge(c.getId().getTag("outcome"), c.count(), Double::sum);
        }
        return outcomes;
    }

    private static double comparisons(SimpleMeterRegistry meters, String migration) {
        return outcomes(meters, migration).values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
    }

    /** CPU time of the driver's shadow threads (the executor's and the settling scheduler's), in nanoseconds. */
    private static long shadowThreadsCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("schemashift-shadow")) {
                cpu += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return cpu;
    }

    /**
     * The 2.5th and 97.5th percentiles of the ratio of percentile {@code p} (second setting over first) over {@link
     * #DRAWS} draws of the rounds with replacement, each draw taking both settings' rounds of the same round number.
     */
    private static double[] interval(List<List<long[]>> perRound, double p) {
        int rounds = perRound.get(0).size();
        SplittableRandom random = new SplittableRandom(17);
        double[] ratios = new double[DRAWS];
        for (int d = 0; d < DRAWS; d++) {
            int[] picks = random.ints(rounds, 0, rounds).toArray();
            long[] first = drawn(perRound.get(0), picks);
            long[] second = drawn(perRound.get(1), picks);
            ratios[d] = (double) pct(second, p) / pct(first, p);
        }
        Arrays.sort(ratios);
        return new double[] {ratios[(int) (DRAWS * 0.025)], ratios[(int) (DRAWS * 0.975) - 1]};
    }

    /** The latencies of the rounds {@code picks} names, sorted. */
    private static long[] drawn(List<long[]> rounds, int[] picks) {
        int n = 0;
        for (int pick : picks) {
            n += rounds.get(pick).length;
        }
        long[] all = new long[n];
        int at = 0;
        for (int pick : picks) {
            long[] round = rounds.get(pick);
            System.arraycopy(round, 0, all, at, round.length);
            at += round.length;
        }
        Arrays.sort(all);
        return all;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static long pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static String summary(long[] sorted) {
        return String.format(
                Locale.ROOT,
                "reads %7d  p50 %6.1f µs  p90 %6.1f µs  p99 %7.1f µs  p99.9 %7.1f µs",
                sorted.length,
                pct(sorted, 50) / 1e3,
                pct(sorted, 90) / 1e3,
                pct(sorted, 99) / 1e3,
                pct(sorted, 99.9) / 1e3);
    }
}
