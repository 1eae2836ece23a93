package io.schemashift.demo;

import io.schemashift.cli.Redaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's application: threads that insert, update, delete and read customers through the
 * SchemaShift driver, each on its own connection, as a small web app would. Reads only touch the
 * seeded rows with odd ids, which nothing updates, so a shadow comparison never races a write and
 * every mismatch it reports is a real one.
 */
final class DemoWorkload implements AutoCloseable {

    /** Opens one application connection, through the driver. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"};
    static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"};

    private static final int HOT_ROWS = 10;

    private final Connector connector;
    private final int seeded;
    private final AtomicInteger nextId;
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param seeded rows 1 to {@code seeded} exist before the app starts
     */
    DemoWorkload(Connector connector, int seeded) {
        this.connector = connector;
        this.seeded = seeded;
        this.nextId = new AtomicInteger(seeded);
    }

    /** A customer name for {@code id}: the same id always gets the same name. */
    static String name(int id) {
        return FIRST[id % FIRST.length] + " " + LAST[id / FIRST.length % LAST.length] + " " + id;
    }

    void start(int count) {
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(this::loop, "demo-app-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Statements the application ran so far (commits and rollbacks aside). */
    long statements() {
        return statements.get();
    }

    /**
     * Waits until the application has run its first statement (the first connection through the
     * driver starts it: a second or so).
     *
     * @return whether it did within {@code timeout}
     */
    boolean awaitFirstStatement(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (statements.get() == 0 && errors.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return statements.get() > 0;
    }

    /** Statements or transactions that failed in the application. */
    long errors() {
        return errors.get();
    }

    /** The first application error, one line; {@code null} when there was none. */
    String firstError() {
        return firstError.get();
    }

    private void loop() {
        ArrayDeque<Integer> mine = new ArrayDeque<>();
        while (running) {
            try (Connection c = connector.open()) {
                while (running) {
                    step(c, mine);
                    Thread.sleep(2); // a few hundred statements a second per thread: enough to see, light on CPU
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(
                            null, Thread.currentThread().getName() + ": " + Redaction.oneLine(e.toString(), null));
                }
            }
        }
    }

    private void step(Connection c, ArrayDeque<Integer> mine) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int dice = random.nextInt(100);
        if (dice < 15) {
            int id = nextId.incrementAndGet();
            insert(c, id);
            mine.add(id);
        } else if (dice < 25) {
            update(c, mutableId(random, mine), random.nextInt(1000));
        } else if (dice < 30 && mine.size() > 20) {
            delete(c, mine.poll());
        } else if (dice < 35) {
            transaction(c, random.nextBoolean());
        } else if (dice < 45) {
            readMany(c, readOnlyId(random), readOnlyId(random), readOnlyId(random));
        } else {
            readOne(c, readOnlyId(random));
        }
    }

    /**
     * A seeded row with an odd id: never written by the app. A fifth of the reads go to ten hot
     * rows (ids 1 to 19), as an app's popular rows do.
     */
    private int readOnlyId(ThreadLocalRandom random) {
        int rows = random.nextInt(5) == 0 ? HOT_ROWS : (seeded + 1) / 2;
        return 1 + 2 * random.nextInt(rows);
    }

    /** A seeded row with an even id, or one this thread inserted. */
    private int mutableId(ThreadLocalRandom random, ArrayDeque<Integer> mine) {
        if (!mine.isEmpty() && random.nextBoolean()) {
            return mine.peekLast();
        }
        return 2 * (1 + random.nextInt(seeded / 2));
    }

    private void insert(Connection c, int id) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO customers (id, name, legacy_flag) VALUES (?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, name(id));
            ps.setString(3, id % 3 == 0 ? "Y" : "N");
            ps.executeUpdate();
            statements.incrementAndGet();
        }
    }

    private void update(Connection c, int id, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE customers SET name = ? WHERE id = ?")) {
            ps.setString(1, name(id) + " v" + version);
            ps.setInt(2, id);
            ps.executeUpdate();
            statements.incrementAndGet();
        }
    }

    private void delete(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM customers WHERE id = ?")) {
            ps.setInt(1, id);
            ps.executeUpdate();
            statements.incrementAndGet();
        }
    }

    /** Two inserts in one transaction, committed or rolled back: both sides keep or lose both. */
    private void transaction(Connection c, boolean commit) throws SQLException {
        c.setAutoCommit(false);
        try {
            insert(c, nextId.incrementAndGet());
            insert(c, nextId.incrementAndGet());
            if (commit) {
                c.commit();
            } else {
                c.rollback();
            }
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void readOne(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM customers WHERE id = ?")) {
            ps.setInt(1, id);
            drain(ps.executeQuery());
            statements.incrementAndGet();
        }
    }

    /** A plain (not prepared) statement, as some apps still send. */
    private void readMany(Connection c, int a, int b, int d) throws SQLException {
        try (Statement s = c.createStatement()) {
            drain(s.executeQuery(
                    "SELECT id, name FROM customers WHERE id IN (" + a + ", " + b + ", " + d + ") ORDER BY id"));
            statements.incrementAndGet();
        }
    }

    private static void drain(ResultSet rs) throws SQLException {
        try (rs) {
            while (rs.next()) {
                rs.getString(2);
            }
        }
    }

    /** Stops every thread and waits for it. */
    @Override
    public void close() {
        running = false;
        try {
            for (Thread t : threads) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
