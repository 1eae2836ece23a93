package io.schemashift.verify;

import io.schemashift.api.ConnectionSource;
import io.schemashift.api.ReportValues;
import io.schemashift.api.Side;
import io.schemashift.backfill.ProgressListener;
import io.schemashift.backfill.internal.Args;
import io.schemashift.backfill.internal.JobBuilder;
import io.schemashift.backfill.internal.SessionSetting;
import io.schemashift.backfill.internal.Statements;
import io.schemashift.backfill.internal.TableShape;
import io.schemashift.backfill.internal.Tables;
import io.schemashift.backfill.internal.Throttle;
import io.schemashift.backfill.internal.Transactions;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.KeyCodec;
import io.schemashift.rewriter.Mapping;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a mapped table's old and new sides, and repairs the new side from the old one.
 *
 * <p>{@link #verify} walks the old table's keys in chunks; for each chunk both servers compute a
 * row count and an order-independent 64-bit checksum over the mapped columns, normalized the same
 * way (old columns renamed, derived columns evaluated on the old row, dropped columns skipped).
 * Only chunks whose checksums differ are fetched and compared row by row. A report names rows
 * missing on the new side, extra on the new side, or different; {@link #repair} copies the
 * version of the side the caller names as the truth to the other side.
 *
 * <p>Immutable and thread-safe; each call uses its own connections.
 *
 * <p>Over 500 lines because the chunked check, the row diff and repair share one table's
 * statements, key handling and value display.
 */
public final class Verifier {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
    /** How many sub-chunks a differing chunk is cut into before rows are compared. */
    private static final int SUB_CHUNKS = 10;
    /** Chunks with fewer rows per sub-chunk are compared row by row at once. */
    private static final int MIN_SUB_CHUNK = 1000;

    private final Mapping mapping;
    private final Dialect dialect;
    private final ConnectionSource oldSide;
    private final ConnectionSource newSide;
    private final String migration;
    private final ReportValues values;
    private final byte[] redactionKey;
    private final int maxReported;
    private final double rowsPerSecond;
    private final double backoffFactor;
    private final ProgressListener progress;

    private Verifier(Builder b, JobBuilder.JobSettings s) {
        this.mapping = s.mapping();
        this.dialect = s.dialect();
        this.oldSide = s.oldDatabase();
        this.newSide = s.newDatabase();
        this.migration = s.migration();
        this.values = b.values;
        this.redactionKey = b.redactionKey.clone();
        this.maxReported = b.maxReported;
        this.rowsPerSecond = s.rowsPerSecond();
        this.backoffFactor = s.backoffFactor();
        this.progress = s.progress();
    }

    /**
     * A builder for a verifier of {@code mapping}'s tables. Without {@link Builder#newDatabase} the
     * new tables live in the same database as the old ones.
     */
    public static Builder builder(Mapping mapping, Dialect dialect, ConnectionSource oldSide) {
        return new Builder(mapping, dialect, oldSide);
    }

    /**
     * Compares the whole table, chunk by chunk.
     *
     * @param table the old table name
     * @param chunkSize old rows per checksum chunk
     * @throws SQLException naming the table when it is not mapped, a column is missing, or a query
     *     fails; SQLState 57014 when the thread was interrupted
     * @throws IllegalArgumentException if {@code chunkSize} is below 1
     */
    @SuppressWarnings("try") // the scans' session settings are held for the run, never read
    public VerifyReport verify(String table, int chunkSize) throws SQLException {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1, not " + chunkSize);
        }
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "schemashift-verify-" + table);
            t.setDaemon(true);
            return t;
        });
        try (Connection oldConn = oldSide.open();
                Connection newConn = newSide == null ? oldSide.open() : newSide.open();
                Connection ends = oldSide.open();
                SessionSetting oldScan = serialScans(oldConn);
                SessionSetting newScan = serialScans(newConn)) {
            TableShape shape = TableShape.resolve(Tables.resolve(mapping, table), dialect, oldConn, newConn);
            Statements sql = new Statements(dialect, shape);
            Collector found = new Collector(false);
            Throttle throttle = new Throttle(rowsPerSecond, backoffFactor);
            progress.started("verify", table, Tables.estimate(oldConn, sql));
            throttle.start(System.nanoTime());
            long oldRows = 0;
            long newRows = 0;
            long chunks = 0;
            long differing = 0;
            List<Object> lower = null;
            Future<List<Object>> nextEnd = pool.submit(() -> chunkEnd(ends, sql, null, null, chunkSize));
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    throw ShiftSqlState.CANCELLED.error(
                            "verify of " + table + " interrupted after " + chunks + " chunks");
                }
                long t0 = System.nanoTime();
                List<Object> upper = await(nextEnd, table);
                if (upper != null) {
                    // the next chunk's end is found while this chunk's checksums run
                    nextEnd = pool.submit(() -> chunkEnd(ends, sql, upper, null, chunkSize));
                }
                List<Object> lo = lower;
                // the new side's checksum runs beside the old side's: two servers (or two backends) busy
                Future<Sum> newSum = pool.submit(() -> checksum(newConn, sql, Side.NEW, lo, upper));
                Sum oldSum = checksum(oldConn, sql, Side.OLD, lo, upper);
                long readNanos = System.nanoTime() - t0;
                Sum theirs = await(newSum, table);
                chunks++;
                oldRows += oldSum.rows;
                newRows += theirs.rows;
                if (!oldSum.equals(theirs) && diffRange(oldConn, newConn, sql, lo, upper, chunkSize, found)) {
                    differing++;
                }
                progress.advanced(table, oldRows, oldSum.rows);
                if (upper == null) {
                    break;
                }
                lower = upper;
                try {
                    throttle.afterBatch(oldSum.rows, readNanos, System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ShiftSqlState.CANCELLED.error(
                            "verify of " + table + " interrupted after " + chunks + " chunks");
                }
            }
            progress.finished(table, oldRows);
            VerifyReport report = found.report(
                    table, oldRows, newRows, chunks, differing, Duration.ofNanos(System.nanoTime() - start));
            LOG.info(
                    "{} verify {}: {} old rows, {} new rows, {} of {} chunks differ, {} rows differ",
                    migration,
                    table,
                    oldRows,
                    newRows,
                    differing,
                    chunks,
                    report.differences());
            return report;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * PostgreSQL: no parallel workers for the checksum scans. The two sides are hashed at once, one
     * backend each, on a primary the application is using: workers would take its cores (on two
     * cores, both sides' workers made the whole scan a quarter slower than one backend per side).
     * {@code null} elsewhere.
     */
    private SessionSetting serialScans(Connection c) throws SQLException {
        return dialect == Dialect.POSTGRESQL ? SessionSetting.set(c, "max_parallel_workers_per_gather", "0") : null;
    }

    /**
     * Compares just the given rows, e.g. keys from the divergence log.
     *
     * @param keys keys in {@link KeyCodec} text
     * @throws SQLException (22000) naming the table when a key does not fit its key columns
     */
    public VerifyReport verifyKeys(String table, Collection<String> keys) throws SQLException {
        long start = System.nanoTime();
        try (Connection oldConn = oldSide.open();
                Connection separate = newSide == null ? null : newSide.open()) {
            Connection newConn = separate == null ? oldConn : separate;
            TableShape shape = TableShape.resolve(Tables.resolve(mapping, table), dialect, oldConn, newConn);
            Statements sql = new Statements(dialect, shape);
            Collector found = new Collector(false);
            long[] counts = new long[2];
            for (String text : new LinkedHashSet<>(keys)) {
                List<Object> key = Tables.parseKey(shape, text);
                Map<String, String[]> oldRow = rowByKey(oldConn, sql, Side.OLD, key);
                Map<String, String[]> newRow = rowByKey(newConn, sql, Side.NEW, key);
                counts[0] += oldRow.size();
                counts[1] += newRow.size();
                compare(shape, oldRow, newRow, found);
            }
            return found.report(table, counts[0], counts[1], 0, 0, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * Makes the other side match the side {@code from} for every row the report lists, doing only
     * the {@code allowed} kinds of change to that other side (the target): the source row is read
     * under a shared lock and inserted on the target, or overwrites the target's row; a target row
     * the source lacks is deleted. Each key is decided again as it is repaired, so a row that
     * changed since the report is never given a change that is not allowed. Then checks those keys
     * again. Copying from new maps columns back as {@link io.schemashift.backfill.Backfill.Builder#from}
     * does (renamed columns to their old names; derived columns not copied; dropped columns left as
     * they are, or NULL on insert).
     *
     * @param from the side that holds the truth
     * @param allowed what may be done to the target; pass only {@link RepairAction#INSERT} when the
     *     target is the side that holds the truth, so that nothing on it is deleted or overwritten
     * @return the check of the listed keys: clean unless writes raced the repair or a change was not
     *     allowed
     * @throws SQLException naming the table when a repair statement fails for good
     */
    public VerifyReport repair(VerifyReport report, Side from, Set<RepairAction> allowed) throws SQLException {
        Args.notNull(from, "source side");
        Set<RepairAction> may = allowed.isEmpty() ? EnumSet.noneOf(RepairAction.class) : EnumSet.copyOf(allowed);
        String table = report.table();
        long changed = 0;
        try (Connection oldConn = oldSide.open();
                Connection separate = newSide == null ? null : newSide.open()) {
            Connection newConn = separate == null ? oldConn : separate;
            TableShape resolved = TableShape.resolve(Tables.resolve(mapping, table), dialect, oldConn, newConn);
            Statements sql = new Statements(dialect, from == Side.OLD ? resolved : resolved.reversed());
            Connection source = from == Side.OLD ? oldConn : newConn;
            Connection target = from == Side.OLD ? newConn : oldConn;
            boolean sourceAuto = source.getAutoCommit();
            boolean targetAuto = target.getAutoCommit();
            source.setAutoCommit(false);
            target.setAutoCommit(false);
            Connection[] both = separate == null ? new Connection[] {source} : new Connection[] {source, target};
            try {
                for (RowDifference d : report.rows()) {
                    if (!may.contains(RepairAction.of(d.kind(), from))) {
                        continue;
                    }
                    List<Object> key = Tables.parseKey(resolved, d.key());
                    try {
                        if (Transactions.retrying(
                                () -> repairRow(source, target, separate != null, sql, key, may), both)) {
                            changed++;
                        }
                    } catch (SQLException e) {
                        throw new SQLException(
                                "repair of a " + d.kind() + " row of " + table + " failed: " + e.getMessage(),
                                e.getSQLState(),
                                e.getErrorCode(),
                                e);
                    }
                }
            } finally {
                source.setAutoCommit(sourceAuto);
                target.setAutoCommit(targetAuto);
            }
            LOG.info(
                    "{} repair {} from the {} side: {} of {} listed rows changed",
                    migration,
                    table,
                    from == Side.OLD ? "old" : "new",
                    changed,
                    report.rows().size());
        }
        return verifyKeys(table, report.keys());
    }

    /** Repairs one row in one short transaction on each side; whether the target changed. */
    private static boolean repairRow(
            Connection source,
            Connection target,
            boolean separate,
            Statements sql,
            List<Object> key,
            Set<RepairAction> allowed)
            throws SQLException {
        TableShape shape = sql.shape();
        int cols = shape.columns().size();
        int changed = 0;
        try (PreparedStatement read = source.prepareStatement(sql.lockRowByKey())) {
            bindKey(read, key);
            try (ResultSet rs = read.executeQuery()) {
                if (rs.next()) {
                    // an update that is not allowed becomes an insert that leaves an existing row alone
                    String write = allowed.contains(RepairAction.UPDATE)
                            ? sql.upsert()
                            : allowed.contains(RepairAction.INSERT) ? sql.insertIfAbsent() : null;
                    if (write != null) {
                        try (PreparedStatement up = target.prepareStatement(write)) {
                            for (int i = 0; i < cols; i++) {
                                up.setObject(i + 1, shape.read(rs, i, sql.dialect()));
                            }
                            if (shape.lineage()) {
                                up.setString(cols + 1, "repair");
                            }
                            changed = up.executeUpdate();
                        }
                    }
                } else if (allowed.contains(RepairAction.DELETE)) {
                    try (PreparedStatement del = target.prepareStatement(sql.deleteByKey())) {
                        bindKey(del, key);
                        changed = del.executeUpdate();
                    }
                }
            }
        }
        if (separate) {
            target.commit(); // before the source's locks go, so the app's next write lands after ours
        }
        source.commit();
        return changed > 0;
    }

    private static void bindKey(PreparedStatement ps, List<Object> key) throws SQLException {
        for (int i = 0; i < key.size(); i++) {
            ps.setObject(i + 1, key.get(i));
        }
    }

    private static List<Object> chunkEnd(
            Connection c, Statements sql, List<Object> lower, List<Object> upper, int chunk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.chunkEnd(lower != null, upper != null, chunk))) {
            sql.range(Side.OLD).bind(ps, 1, lower, upper);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<Object> key = new ArrayList<>();
                for (int i = 1; i <= sql.shape().key().size(); i++) {
                    key.add(rs.getObject(i));
                }
                return key;
            }
        }
    }

    private static Sum checksum(Connection c, Statements sql, Side side, List<Object> lower, List<Object> upper)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.checksum(side, lower != null, upper != null))) {
            sql.range(side).bind(ps, 1, lower, upper);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String hash = rs.getString(2);
                return new Sum(rs.getLong(1), hash == null ? "0" : hash);
            }
        }
    }

    private static <T> T await(Future<T> f, String table) throws SQLException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            throw ShiftSqlState.INTERNAL_ERROR.error("verify of " + table + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ShiftSqlState.CANCELLED.error("verify of " + table + " interrupted", e);
        }
    }

    /**
     * A chunk whose checksums differ: cut into {@value #SUB_CHUNKS} sub-chunks (of at least {@value
     * #MIN_SUB_CHUNK} rows, else not cut), checksummed again, and only the sub-chunks that differ
     * are compared row by row. Large chunks scan fast; a few differing rows still cost only a
     * small row diff. Returns whether anything differed.
     */
    private boolean diffRange(
            Connection oldConn,
            Connection newConn,
            Statements sql,
            List<Object> lower,
            List<Object> upper,
            int chunkSize,
            Collector found)
            throws SQLException {
        int sub = chunkSize / SUB_CHUNKS;
        if (sub < MIN_SUB_CHUNK) {
            return diffChunk(oldConn, newConn, sql, lower, upper, found);
        }
        boolean any = false;
        List<Object> from = lower;
        while (true) {
            List<Object> end = chunkEnd(oldConn, sql, from, upper, sub);
            boolean last = end == null || end.equals(upper);
            List<Object> to = end == null ? upper : end;
            Sum oldSum = checksum(oldConn, sql, Side.OLD, from, to);
            if (!oldSum.equals(checksum(newConn, sql, Side.NEW, from, to))
                    && diffChunk(oldConn, newConn, sql, from, to, found)) {
                any = true;
            }
            if (last) {
                return any;
            }
            from = to;
        }
    }

    /**
     * Compares a chunk row by row and adds what differs; returns whether anything did. In one
     * database both sides are read in one REPEATABLE READ transaction, so an in-flight dual write
     * (atomic on both tables) cannot show up as a difference. Across databases there is no
     * common snapshot: rows that differ are read again once, and only those that still differ
     * count.
     */
    private boolean diffChunk(
            Connection oldConn,
            Connection newConn,
            Statements sql,
            List<Object> lower,
            List<Object> upper,
            Collector found)
            throws SQLException {
        boolean same = newSide == null;
        Collector chunk = new Collector(true);
        if (same) {
            boolean auto = oldConn.getAutoCommit();
            int isolation = oldConn.getTransactionIsolation();
            oldConn.setAutoCommit(false);
            // H2's REPEATABLE READ snapshots each table at its first read; its SERIALIZABLE takes one
            // snapshot for the whole transaction, as REPEATABLE READ does on PostgreSQL and MariaDB
            oldConn.setTransactionIsolation(
                    dialect == Dialect.H2
                            ? Connection.TRANSACTION_SERIALIZABLE
                            : Connection.TRANSACTION_REPEATABLE_READ);
            try {
                compare(
                        sql.shape(),
                        rows(oldConn, sql, Side.OLD, lower, upper),
                        rows(oldConn, sql, Side.NEW, lower, upper),
                        chunk);
                oldConn.commit();
            } finally {
                oldConn.rollback();
                oldConn.setTransactionIsolation(isolation);
                oldConn.setAutoCommit(auto);
            }
        } else {
            compare(
                    sql.shape(),
                    rows(oldConn, sql, Side.OLD, lower, upper),
                    rows(newConn, sql, Side.NEW, lower, upper),
                    chunk);
            if (!chunk.all.isEmpty()) {
                Collector again = new Collector(true);
                for (RowDifference d : chunk.all) {
                    List<Object> key = Tables.parseKey(sql.shape(), d.key());
                    compare(
                            sql.shape(),
                            rowByKey(oldConn, sql, Side.OLD, key),
                            rowByKey(newConn, sql, Side.NEW, key),
                            again);
                }
                chunk = again;
            }
        }
        chunk.all.forEach(found::add);
        return !chunk.all.isEmpty();
    }

    private static Map<String, String[]> rows(
            Connection c, Statements sql, Side side, List<Object> lower, List<Object> upper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.rows(side, lower != null, upper != null))) {
            sql.range(side).bind(ps, 1, lower, upper);
            return read(ps, sql.shape(), side);
        }
    }

    private static Map<String, String[]> rowByKey(Connection c, Statements sql, Side side, List<Object> key)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.rowByKey(side))) {
            bindKey(ps, key);
            return read(ps, sql.shape(), side);
        }
    }

    /** Rows by encoded key; each row's normalized cells in column order. */
    private static Map<String, String[]> read(PreparedStatement ps, TableShape shape, Side side) throws SQLException {
        int keys = shape.key().size();
        int cols = shape.columns().size();
        Map<String, String[]> rows = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<Object> key = new ArrayList<>(keys);
                for (int i = 1; i <= keys; i++) {
                    key.add(rs.getObject(i));
                }
                String[] cells = new String[cols];
                for (int i = 0; i < cols; i++) {
                    cells[i] = rs.getString(keys + 1 + i);
                }
                if (rows.put(KeyCodec.encode(key), cells) != null) {
                    // two rows with one key would collapse into one and hide a difference in row counts
                    throw ShiftSqlState.DUPLICATE_KEY.error("key " + KeyCodec.encode(key)
                            + " appears more than once in "
                            + (side == Side.OLD ? shape.oldTable() + " (old side)" : shape.newTable() + " (new side)")
                            + "; verify needs a key that is unique and not null");
                }
            }
        }
        return rows;
    }

    private void compare(
            TableShape shape, Map<String, String[]> oldRows, Map<String, String[]> newRows, Collector out) {
        for (Map.Entry<String, String[]> e : newRows.entrySet()) {
            String[] old = oldRows.remove(e.getKey());
            if (old == null) {
                out.add(new RowDifference(e.getKey(), RowDifference.Kind.EXTRA, List.of(), null, show(e.getValue())));
                continue;
            }
            List<String> columns = new ArrayList<>();
            for (int i = 0; i < old.length; i++) {
                if (!Objects.equals(old[i], e.getValue()[i])) {
                    columns.add(shape.columns().get(i).newName());
                }
            }
            if (!columns.isEmpty()) {
                out.add(new RowDifference(
                        e.getKey(), RowDifference.Kind.DIFFERENT, columns, show(old), show(e.getValue())));
            }
        }
        for (Map.Entry<String, String[]> e : oldRows.entrySet()) {
            out.add(new RowDifference(e.getKey(), RowDifference.Kind.MISSING, List.of(), show(e.getValue()), null));
        }
    }

    private String show(String[] cells) {
        return switch (values) {
            case OMITTED -> null;
            case PLAIN -> KeyCodec.encode(Arrays.asList(cells));
            case REDACTED -> redact(KeyCodec.encode(Arrays.asList(cells)));
        };
    }

    private String redact(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(redactionKey, "HmacSHA256"));
            byte[] h = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private record Sum(long rows, String hash) {}

    /** Differences found so far: counted in full, listed up to {@code maxReported}. */
    private final class Collector {
        private final boolean keepAll;
        private final List<RowDifference> all = new ArrayList<>();
        private final List<RowDifference> listed = new ArrayList<>();
        private final Map<RowDifference.Kind, Long> counts = new EnumMap<>(RowDifference.Kind.class);
        private long count;

        /** @param keepAll keep every difference, not just the listed ones (a chunk's: bounded) */
        Collector(boolean keepAll) {
            this.keepAll = keepAll;
        }

        void add(RowDifference d) {
            count++;
            counts.merge(d.kind(), 1L, Long::sum);
            if (keepAll) {
                all.add(d);
            }
            if (listed.size() < maxReported) {
                listed.add(d);
            }
        }

        VerifyReport report(String table, long oldRows, long newRows, long chunks, long differing, Duration elapsed) {
            return new VerifyReport(table, oldRows, newRows, chunks, differing, count, listed, counts, elapsed);
        }
    }

    /** Configures a {@link Verifier}; every setter checks its argument at once. */
    public static final class Builder extends JobBuilder<Builder> {
        private ReportValues values = ReportValues.REDACTED;
        private byte[] redactionKey = randomKey();
        private int maxReported = 10_000;

        private Builder(Mapping mapping, Dialect dialect, ConnectionSource oldSide) {
            super(mapping, dialect, oldSide);
        }

        /** How reports show row values. Default {@link ReportValues#REDACTED}. */
        public Builder values(ReportValues mode) {
            this.values = Args.notNull(mode, "values mode");
            return this;
        }

        /**
         * The key of the redacting hash. Default: random per verifier, so hashes compare within
         * one verifier's reports only; pass a fixed secret to compare across runs.
         */
        public Builder redactionKey(byte[] key) {
            if (key == null || key.length < 16) {
                throw new IllegalArgumentException("redaction key must have at least 16 bytes");
            }
            this.redactionKey = key.clone();
            return this;
        }

        /** Differing rows listed in a report (all are counted). Default 10,000. */
        public Builder maxReported(int rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("max reported rows must not be negative, not " + rows);
            }
            this.maxReported = rows;
            return this;
        }

        public Verifier build() {
            return new Verifier(this, settings());
        }

        private static byte[] randomKey() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return key;
        }
    }
}
