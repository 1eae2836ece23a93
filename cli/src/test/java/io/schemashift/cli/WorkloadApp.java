package io.schemashift.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in application for {@link RollbackAcrossInstancesIT}, run as its own JVM: a HikariCP pool
 * on a {@code jdbc:schemashift:} URL and threads that each run transactions of three inserts into
 * {@code customers} (one {@code txn} value per transaction, a pause between statements so that
 * transactions are open when the phase changes) until the stop file appears. Prints {@code
 * committed=N failed=M} and exits 0 when nothing failed.
 *
 * <p>Arguments: schemashift URL, user, configuration file, stop file, threads.
 */
public final class WorkloadApp {

    private WorkloadApp() {}

    public static void main(String[] args) throws Exception {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(args[0]);
        hikari.setUsername(args[1]);
        hikari.addDataSourceProperty("schemashift.config", args[2]);
        Path stop = Path.of(args[3]);
        int threads = Integer.parseInt(args[4]);
        hikari.setMaximumPoolSize(threads);
        hikari.setAutoCommit(false);
        long base = ProcessHandle.current().pid() * 1_000_000L;
        AtomicLong sequence = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (HikariDataSource pool = new HikariDataSource(hikari)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    while (!Files.exists(stop)) {
                        long txn = base + sequence.incrementAndGet();
                        try (Connection c = pool.getConnection();
                                PreparedStatement insert =
                                        c.prepareStatement("INSERT INTO customers (id, txn, name) VALUES (?, ?, ?)")) {
                            for (int k = 0; k < 3; k++) {
                                insert.setLong(1, txn * 4 + k);
                                insert.setLong(2, txn);
                                insert.setString(3, "row " + k);
                                insert.executeUpdate();
                                Thread.sleep(15);
                            }
                            c.commit();
                            committed.incrementAndGet();
                        } catch (SQLException e) {
                            failed.incrementAndGet();
                            System.out.println("failed: " + e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
                worker.start();
                workers.add(worker);
            }
            for (Thread worker : workers) {
                worker.join();
            }
        }
        System.out.println("committed=" + committed.get() + " failed=" + failed.get());
        System.exit(failed.get() == 0 ? 0 : 1);
    }
}
