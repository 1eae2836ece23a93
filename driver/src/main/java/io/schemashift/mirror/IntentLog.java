package io.schemashift.mirror;

import io.schemashift.api.ConnectionSource;
import io.schemashift.control.ControlSchema;
import io.schemashift.metrics.LogThrottle;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intent records make what may differ between the sides survive a process that dies. The primary's transaction
 * writes one row naming the rows that are not safe yet: with a separate new database, the rows it mirrored (the
 * other side commits after it); in any set-up, the rows of a one-sided change whose divergence records are only
 * queued in memory so far. The row is deleted (in batches, in the background) once the other side has committed
 * and those records are written. A process that dies before leaves the row behind: any instance finds it once it
 * is older than {@code writes.intentStaleAfter} and turns it into divergence records, so that {@code verify
 * --from-divergences} repairs exactly those rows. A change that commits on its own (an auto-commit statement)
 * gets its intent before it runs.
 *
 * <p>The driver never creates the table ({@code schemashift init} does); when it is missing or
 * forbidden, the write is counted ({@code schemashift.intent.failures}) and logged, and the
 * application's transaction goes on unharmed. Thread-safe.
 */
public final class IntentLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IntentLog.class);
    private static final String SAVEPOINT = "schemashift_intent";
    /** Longest keys text; beyond it the record names whole tables. */
    private static final int MAX_KEYS_TEXT = 4000;
    /** What a recovered intent's divergence records carry for a statement fingerprint. */
    private static final String FINGERPRINT = "intent";

    /** @param recordsMark the divergence log's mark its records must reach before it goes ({@code 0}: none) */
    private record Written(String txn, boolean onNew, long recordsMark) {}

    private final String migration;
    private final String table;
    private final Dialect dialect;
    private final Duration staleAfter;
    private final ConnectionSource oldSide;
    /** {@code null} with the new schema in the same database. */
    private final ConnectionSource newSide;

    private final DivergenceLog divergences;
    private final ShiftMetrics metrics;
    private final ConcurrentLinkedQueue<Written> confirmed = new ConcurrentLinkedQueue<>();
    /** Confirmed intents whose divergence records are not written yet; the cleaner's own. */
    private final List<Written> awaitingRecords = new ArrayList<>();

    private final AtomicLong sequence = new AtomicLong();
    private final String instance = UUID.randomUUID().toString().substring(0, 18);
    private final LogThrottle failures = new LogThrottle(Duration.ofSeconds(10));
    private final Thread cleaner;
    /** The insert of an intent record, alone (auto-commit) ... */
    private final String insertSql;
    /** ... and in a transaction: on PostgreSQL under a savepoint, in the same round trip. */
    private final String insertInTransactionSql;

    private volatile boolean closed;

    public IntentLog(
            String migration,
            String table,
            Dialect dialect,
            Duration staleAfter,
            ConnectionSource oldSide,
            ConnectionSource newSide,
            DivergenceLog divergences,
            ShiftMetrics metrics) {
        this.migration = migration;
        this.table = table;
        this.dialect = dialect;
        this.staleAfter = staleAfter;
        this.oldSide = oldSide;
        this.newSide = newSide;
        this.divergences = divergences;
        this.metrics = metrics;
        this.insertSql = "INSERT INTO " + table + " (txn, migration, keys_text, at) VALUES (?, ?, ?, ?)";
        this.insertInTransactionSql = dialect == Dialect.POSTGRESQL
                ? "SAVEPOINT " + SAVEPOINT + "; " + insertSql + "; RELEASE SAVEPOINT " + SAVEPOINT
                : insertSql;
        this.cleaner = new Thread(this::clean, "schemashift-intent-" + migration);
        cleaner.setDaemon(true);
        cleaner.start();
    }

    /**
     * Writes the intent of the transaction about to commit on {@code primary}, inside it, with an insert prepared
     * for this one write (a pooled connection); see {@link Writer#write}.
     */
    public String write(Connection primary, List<RowKey> rows) {
        try (Writer writer = writer(primary)) {
            return writer.write(rows);
        }
    }

    /** A writer of intent records on {@code primary} that keeps its insert prepared: one per application connection. */
    public Writer writer(Connection primary) {
        return new Writer(primary);
    }

    /**
     * Writes intent records on one connection, its insert prepared once. Not thread-safe, like the connection it
     * belongs to.
     */
    public final class Writer implements AutoCloseable {
        private final Connection primary;
        private PreparedStatement insert;
        /** {@link #insert} is the auto-commit one. */
        private boolean insertAlone;

        private Writer(Connection primary) {
            this.primary = primary;
        }

        /**
         * Writes the intent of the transaction about to commit on the connection, inside it; in auto-commit mode,
         * on its own. Never fails the transaction: on PostgreSQL, where a failed statement aborts the transaction,
         * the insert runs under a savepoint.
         *
         * @return the intent's id, to {@link #confirm} once the other side committed; {@code null} when it could not
         *     be written (counted and logged)
         */
        public String write(List<RowKey> rows) {
            String txn = instance + "-" + sequence.incrementAndGet();
            boolean alone = false;
            try {
                alone = primary.getAutoCommit();
                if (insert == null || insert.isClosed() || insertAlone != alone) {
                    close();
                    insert = primary.prepareStatement(alone ? insertSql : insertInTransactionSql);
                    insertAlone = alone;
                }
                insert.setString(1, txn);
                insert.setString(2, migration);
                insert.setString(3, keysText(rows));
                insert.setObject(4, ControlSchema.timestamp(Instant.now()));
                insert.execute();
                return txn;
            } catch (SQLException | RuntimeException e) {
                close(); // prepared again next time: the table may have been created or granted since
                failed(primary, alone, e);
                return null;
            }
        }

        @Override
        public void close() {
            if (insert != null) {
                try {
                    insert.close();
                } catch (SQLException ignored) {
                    // the connection is going or broken; its statements go with it
                }
                insert = null;
            }
        }
    }

    private void failed(Connection primary, boolean alone, Exception e) {
        if (dialect == Dialect.POSTGRESQL && !alone) {
            try (Statement st = primary.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
            }
        }
        metrics.intentFailed();
        long events = failures.event();
        if (events > 0) {
            LOG.error(
                    "[{}] cannot write {} intent record(s) to table {} in the last 10s: {} (SQLState {}); a crash"
                            + " before such a transaction's second commit, or before its divergence records are"
                            + " written, would go unrecorded. Run"
                            + " 'schemashift init' on both databases and grant the application INSERT and DELETE",
                    migration,
                    events,
                    table,
                    e.getClass().getSimpleName(),
                    e instanceof SQLException sql ? sql.getSQLState() : "-");
        }
    }

    /**
     * Both sides committed the transaction of intent {@code txn}: its record can go once the divergence log has
     * written every record up to {@code recordsMark} ({@code 0}: at once).
     */
    public void confirm(String txn, boolean onNew, long recordsMark) {
        if (txn != null) {
            confirmed.add(new Written(txn, onNew, recordsMark));
        }
    }

    /** {@code table<TAB>key} lines; past the size bound, one whole-table line per table. */
    static String keysText(List<RowKey> rows) {
        StringBuilder text = new StringBuilder();
        Set<String> tables = new LinkedHashSet<>();
        for (RowKey row : rows) {
            tables.add(row.table());
            text.append(row.table())
                    .append('\t')
                    .append(row.key() == null ? "" : row.key())
                    .append('\n');
        }
        if (text.length() <= MAX_KEYS_TEXT) {
            return text.toString();
        }
        StringBuilder whole = new StringBuilder();
        tables.forEach(t -> whole.append(t).append('\t').append('\n'));
        return whole.toString();
    }

    private void clean() {
        long nextRecovery = 0;
        while (!closed) {
            try {
                TimeUnit.MILLISECONDS.sleep(200);
                deleteConfirmed();
                if (System.nanoTime() - nextRecovery >= 0) {
                    recover(oldSide);
                    recover(newSide);
                    nextRecovery = System.nanoTime() + Math.max(1, staleAfter.toNanos() / 2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                long events = failures.event();
                if (events > 0) {
                    LOG.error(
                            "[{}] cannot read or clear intent records in table {}: {} (SQLState {})",
                            migration,
                            table,
                            e.getClass().getSimpleName(),
                            e instanceof SQLException sql ? sql.getSQLState() : "-");
                }
            }
        }
        try {
            deleteConfirmed();
        } catch (SQLException | RuntimeException e) {
            // left behind: found stale later and checked by verify, never lost
        }
    }

    private void deleteConfirmed() throws SQLException {
        List<String> onOld = new ArrayList<>();
        List<String> onNew = new ArrayList<>();
        for (Written w; (w = confirmed.poll()) != null; ) {
            awaitingRecords.add(w);
        }
        long settled = divergences.settled();
        awaitingRecords.removeIf(w -> {
            if (w.recordsMark() > settled) {
                return false;
            }
            (w.onNew() ? onNew : onOld).add(w.txn());
            return true;
        });
        delete(oldSide, onOld);
        delete(newSide, onNew);
    }

    private void delete(ConnectionSource side, List<String> txns) throws SQLException {
        if (txns.isEmpty()) {
            return;
        }
        try (Connection c = side.open()) {
            c.setAutoCommit(true);
            delete(c, table, txns);
        }
    }

    /**
     * Turns the intents older than the bound on one side into divergence records, then deletes
     * them once the records are written.
     *
     * @return how many intents were recovered
     */
    int recover(ConnectionSource side) throws SQLException {
        if (side == null) {
            return 0;
        }
        try (Connection c = side.open()) {
            c.setAutoCommit(true);
            List<Stale> stale = stale(c, table, migration, Instant.now().minus(staleAfter));
            if (stale.isEmpty()) {
                return 0;
            }
            for (Stale s : stale) {
                for (RowKey row : s.rows()) {
                    divergences.record(
                            row.table(), row.key(), row.fingerprint(), DivergenceReason.UNCONFIRMED_COMMIT.tag());
                }
            }
            // The records first: an intent goes only once what it names is in the divergence log.
            if (!divergences.flush(Duration.ofSeconds(30))) {
                return 0;
            }
            LOG.warn(
                    "[{}] {} transaction(s) may have committed on one side only (a process stopped before their"
                            + " second commit, or before their divergence records were written);"
                            + " their rows are in the divergence log: run 'schemashift verify --from-divergences"
                            + " --repair'",
                    migration,
                    stale.size());
            metrics.intentsRecovered(stale.size());
            delete(c, table, stale.stream().map(Stale::txn).toList());
            return stale.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * An intent record left behind: its transaction may have committed on one side only.
     *
     * @param rows the rows it names; a {@code null} key stands for the whole table
     * @param at when the transaction wrote it
     */
    public record Stale(String txn, List<RowKey> rows, Instant at) {}

    /**
     * The intent records of {@code migration} in {@code table} written before {@code before}: the
     * ones no running process will confirm any more. Shared by the instances' recovery and {@code
     * verify --from-divergences}.
     */
    public static List<Stale> stale(Connection c, String table, String migration, Instant before) throws SQLException {
        List<Stale> stale = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT txn, keys_text, at FROM " + table + " WHERE migration = ? AND at < ?")) {
            ps.setString(1, migration);
            ps.setObject(2, ControlSchema.timestamp(before));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<RowKey> rows = new ArrayList<>();
                    for (String line : rs.getString(2).split("\n")) {
                        int tab = line.indexOf('\t');
                        if (tab > 0) {
                            String key = line.substring(tab + 1);
                            rows.add(new RowKey(line.substring(0, tab), key.isEmpty() ? null : key, FINGERPRINT));
                        }
                    }
                    stale.add(new Stale(
                            rs.getString(1), rows, ControlSchema.instant(rs.getObject(3, LocalDateTime.class))));
                }
            }
        }
        return stale;
    }

    /** Deletes the intent records {@code txns} from {@code table}, 500 a statement. */
    public static void delete(Connection c, String table, List<String> txns) throws SQLException {
        for (int from = 0; from < txns.size(); from += 500) {
            List<String> chunk = txns.subList(from, Math.min(txns.size(), from + 500));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE txn IN (" + marks + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                ps.executeUpdate();
            }
        }
    }

    /** Deletes what was confirmed so far and stops the background thread. */
    @Override
    public void close() {
        closed = true;
        try {
            cleaner.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
