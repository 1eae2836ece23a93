package io.schemashift.control;

import io.schemashift.api.ConnectionSource;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The control plane of one migration, in plain JDBC: its rollout (phase, percentages, per-table
 * phases), the audit of every change, the heartbeats of the driver instances, and the divergence
 * and mismatch records the driver writes. Used by the driver's poller and by the CLI.
 *
 * <p>Thread-safe: every method opens its own connection from the {@link ConnectionSource} and
 * closes it. Every failure is an {@link SQLException} whose message names the table and never
 * carries a row value.
 *
 * <p>Over 500 lines: every control-plane table's reads and writes, with their SQL, in one place.
 */
public final class ControlStore {

    // The codes come from the funnel; the messages stay unprefixed: the control loop and the CLI
    // quote them inside their own lines.
    /** SQLState of a write that lost the race with another writer: retry from a fresh read. */
    public static final String CONCURRENT_CHANGE = ShiftSqlState.CONCURRENT_CHANGE.code();
    /** SQLState of a control row that this version cannot read. */
    public static final String INVALID_ROW = ShiftSqlState.DATA_EXCEPTION.code();

    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_$]*");

    private final ConnectionSource connections;
    private final Dialect dialect;
    private final String migration;
    private final ControlTables tables;

    /** A store for {@code config}'s migration and tables ({@link ControlTables#of(MigrationConfig)}). */
    public ControlStore(ConnectionSource connections, Dialect dialect, MigrationConfig config) {
        this(connections, dialect, config.migration(), ControlTables.of(config));
    }

    /** A store for migration {@code migration} in the tables {@code tables}. */
    public ControlStore(ConnectionSource connections, Dialect dialect, String migration, ControlTables tables) {
        this.connections = connections;
        this.dialect = dialect;
        this.migration = migration;
        this.tables = tables;
    }

    public ControlTables tables() {
        return tables;
    }

    public String migration() {
        return migration;
    }

    /**
     * Creates every control-plane table that does not exist yet, and adds the columns that tables
     * created by an earlier version lack ({@link ControlSchema#upgrades}). Idempotent. Needs a role
     * that may create tables: the driver never calls it.
     *
     * @return the columns it added
     */
    public List<ControlSchema.AddedColumn> init() throws SQLException {
        List<ControlSchema.AddedColumn> added = new ArrayList<>();
        try (Connection c = connections.open()) {
            ControlSchema.execute(c, ControlSchema.createAll(dialect, tables));
            for (ControlSchema.AddedColumn column : ControlSchema.upgrades(tables)) {
                if (!hasColumn(c, column.table(), column.column())) {
                    ControlSchema.execute(c, List.of(column.sql()));
                    added.add(column);
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        return added;
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        // Any type of the name will do (H2 upper-cases unquoted names, PostgreSQL lower-cases them).
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0");
                ResultSet rs = ps.executeQuery()) {
            var md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                if (md.getColumnLabel(i).equalsIgnoreCase(column)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The stored rollout of this migration; empty when none was written yet. */
    public Optional<RolloutState> read() throws SQLException {
        try (Connection c = connections.open()) {
            return read(c);
        }
    }

    /**
     * Stores {@code next} and records {@code why}, in one transaction. {@code next.version()} is
     * the version the change is based on (0 when {@link #read()} found none): the write succeeds
     * only if the stored rollout still has that version.
     *
     * @return the rollout as stored: version + 1, stamped with {@code why.at()} and {@code why.by()}
     * @throws SQLException with SQLState {@link #CONCURRENT_CHANGE} if another writer changed the
     *     rollout since it was read; nothing is written then
     */
    public RolloutState write(RolloutState next, AuditEntry why) throws SQLException {
        if (!next.migration().equals(migration)) {
            throw new IllegalArgumentException(
                    "rollout of migration " + next.migration() + " given to the store of " + migration);
        }
        RolloutState stored = new RolloutState(
                migration,
                next.phase(),
                next.readNewPercent(),
                next.shadowPercent(),
                next.tablePhases(),
                next.version() + 1,
                why.at(),
                why.by());
        try (Connection c = connections.open()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (next.version() == 0) {
                    insertRollout(c, stored);
                } else {
                    updateRollout(c, stored, next.version());
                }
                insertAudit(c, why, stored.version());
                c.commit();
                return stored;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** Records what one instance applies: inserts its heartbeat row, or updates it. */
    public void beat(InstanceBeat beat) throws SQLException {
        try (Connection c = connections.open()) {
            c.setAutoCommit(true); // a failed insert must not abort the update that follows it
            if (updateBeat(c, beat) > 0) {
                return;
            }
            try {
                insertBeat(c, beat);
            } catch (SQLException e) {
                if (!isDuplicateKey(e) || updateBeat(c, beat) == 0) {
                    throw e;
                }
            }
        }
    }

    /** Every instance that has beaten for this migration, by instance id. */
    public List<InstanceBeat> instances() throws SQLException {
        String sql = "SELECT instance_id, phase, config_version, last_beat, statements, divergences, mismatches,"
                + " started_at, comparisons, lost_records, log_failure FROM " + tables.heartbeat()
                + " WHERE migration = ? ORDER BY instance_id";
        List<InstanceBeat> beats = new ArrayList<>();
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    beats.add(new InstanceBeat(
                            rs.getString(1),
                            phase(rs.getString(2), tables.heartbeat(), "phase"),
                            rs.getLong(3),
                            instant(rs, 4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getLong(7),
                            instant(rs, 8),
                            rs.getLong(9),
                            rs.getLong(10),
                            rs.getString(11)));
                }
            }
        }
        return beats;
    }

    /** The latest {@code limit} changes of this migration, newest first. */
    public List<AuditEntry> audit(int limit) throws SQLException {
        requirePositive("limit", limit);
        return readAudit(" ORDER BY id DESC LIMIT ?", ps -> ps.setInt(2, limit)).stream()
                .map(AuditRow::entry)
                .toList();
    }

    /**
     * The changes that stored the versions after {@code after} up to {@code upTo}, by version,
     * oldest first: what a driver instance checks before it applies a rollout it did not see being
     * made. A version with no audit row (a row changed by hand) is missing from the map.
     */
    public Map<Long, AuditEntry> auditOfVersions(long after, long upTo) throws SQLException {
        Map<Long, AuditEntry> byVersion = new LinkedHashMap<>();
        for (AuditRow row : readAudit(" AND version > ? AND version <= ? ORDER BY version, id", ps -> {
            ps.setLong(2, after);
            ps.setLong(3, upTo);
        })) {
            byVersion.put(row.version(), row.entry());
        }
        return byVersion;
    }

    /** An audit row and the rollout version it stored ({@code null} in rows of an earlier version). */
    private record AuditRow(Long version, AuditEntry entry) {}

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<AuditRow> readAudit(String tail, Binder binder) throws SQLException {
        String sql = "SELECT at, by_user, table_name, from_phase, to_phase, from_read_new, to_read_new, from_shadow,"
                + " to_shadow, reason, forced, version FROM " + tables.audit() + " WHERE migration = ?" + tail;
        List<AuditRow> entries = new ArrayList<>();
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long version = rs.getLong(12);
                    Long stored = rs.wasNull() ? null : version;
                    entries.add(new AuditRow(
                            stored,
                            new AuditEntry(
                                    instant(rs, 1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    phase(rs.getString(4), tables.audit(), "from_phase"),
                                    phase(rs.getString(5), tables.audit(), "to_phase"),
                                    rs.getInt(6),
                                    rs.getInt(7),
                                    rs.getInt(8),
                                    rs.getInt(9),
                                    rs.getString(10),
                                    rs.getBoolean(11))));
                }
            }
        }
        return entries;
    }

    // ---- backfill and verify runs ----------------------------------------------------------------

    /** Records one backfill or verify run of one table. */
    public void recordRun(Run run) throws SQLException {
        String sql = "INSERT INTO " + tables.runs()
                + " (migration, kind, table_name, started_at, finished_at, outcome, rows_done) VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            ps.setString(2, run.kind().text());
            ps.setString(3, run.table());
            ps.setObject(4, ControlSchema.timestamp(run.started()));
            ps.setObject(5, ControlSchema.timestamp(run.finished()));
            ps.setString(6, run.outcome().text());
            ps.setLong(7, run.rows());
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /** The latest {@code limit} runs of {@code kind} on (old) table {@code table}, newest first. */
    public List<Run> lastRuns(Run.Kind kind, String table, int limit) throws SQLException {
        requirePositive("limit", limit);
        String sql = "SELECT started_at, finished_at, outcome, rows_done FROM " + tables.runs()
                + " WHERE migration = ? AND kind = ? AND table_name = ? ORDER BY finished_at DESC, id DESC LIMIT ?";
        List<Run> runs = new ArrayList<>();
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            ps.setString(2, kind.text());
            ps.setString(3, table.toLowerCase(Locale.ROOT));
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String outcome = rs.getString(3);
                    runs.add(new Run(
                            kind,
                            table,
                            instant(rs, 1),
                            instant(rs, 2),
                            Run.Outcome.parse(outcome)
                                    .orElseThrow(() ->
                                            invalid(tables.runs(), "outcome", "completed, clean, different, failed")),
                            rs.getLong(4)));
                }
            }
        }
        return runs;
    }

    /**
     * The divergence reasons that ask {@code verify} to check rows a write reached on both sides
     * rather than say that one side lacks a change: a mirror that found fewer rows (before a
     * backfill ends, every update of a row not copied yet), and writes whose values or rows come
     * from other rows, recorded on every run. Phase guards do not count them; the differences in
     * the rows those writes read are recorded, and counted, themselves.
     */
    public static final List<String> CHECK_ONLY_REASONS =
            List.of("mirror_missed_rows", "mirror_read_other_rows", "mirror_picked_by_other_rows");

    private static final String NOT_CHECK_ONLY = CHECK_ONLY_REASONS.stream()
            .map(r -> "'" + r + "'")
            .collect(Collectors.joining(", ", " AND reason NOT IN (", ")"));

    /** Divergences recorded for this migration at or after {@code since}, but the {@link #CHECK_ONLY_REASONS}. */
    public long divergencesSince(Instant since) throws SQLException {
        return countSince(tables.divergence(), since, NOT_CHECK_ONLY);
    }

    /** Mismatch reports (of any outcome) recorded for this migration at or after {@code since}. */
    public long mismatchesSince(Instant since) throws SQLException {
        return countSince(tables.mismatch(), since, "");
    }

    /**
     * The distinct (table, key) pairs logged in the divergence and mismatch tables for this
     * migration at or after {@code since}, divergences first, each oldest first. Runs no DDL (only
     * {@link #init} does): a missing table fails with the database's error, which {@link
     * ControlHealth#classify} reads as a missing table.
     */
    public List<LoggedKey> loggedKeys(Instant since) throws SQLException {
        List<LoggedKey> keys = new ArrayList<>();
        try (Connection c = connections.open()) {
            readKeys(c, tables.divergence(), LoggedKey.Source.DIVERGENCE, since, keys);
            readKeys(c, tables.mismatch(), LoggedKey.Source.MISMATCH, since, keys);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        return keys;
    }

    private void readKeys(Connection c, String table, LoggedKey.Source source, Instant since, List<LoggedKey> into)
            throws SQLException {
        String sql = "SELECT table_name, key_text, MIN(at) FROM " + table
                + " WHERE migration = ? AND at >= ? GROUP BY table_name, key_text ORDER BY MIN(at), table_name";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            ps.setObject(2, ControlSchema.timestamp(since));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.add(new LoggedKey(rs.getString(1), rs.getString(2), source, instant(rs, 3)));
                }
            }
        }
    }

    /** The {@code n} query shapes and tables with the most mismatch reports, ever. */
    public List<MismatchCount> topMismatches(int n) throws SQLException {
        return topMismatches(n, Instant.EPOCH);
    }

    /** The {@code n} query shapes and tables with the most mismatch reports at or after {@code since}. */
    public List<MismatchCount> topMismatches(int n, Instant since) throws SQLException {
        requirePositive("n", n);
        String sql = "SELECT fingerprint, table_name, MAX(query_shape), COUNT(*), MAX(at) FROM " + tables.mismatch()
                + " WHERE migration = ? AND at >= ? GROUP BY fingerprint, table_name"
                + " ORDER BY COUNT(*) DESC, MAX(at) DESC, fingerprint, table_name LIMIT ?";
        List<MismatchCount> counts = new ArrayList<>();
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            ps.setObject(2, ControlSchema.timestamp(since));
            ps.setInt(3, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.add(new MismatchCount(
                            rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), instant(rs, 5)));
                }
            }
        }
        return counts;
    }

    // ---- rollout -------------------------------------------------------------------------------

    /**
     * The stored rollout of this migration, read on {@code c} (which the caller owns: it is left
     * open, and a transaction the read opened is left to the caller).
     */
    public Optional<RolloutState> read(Connection c) throws SQLException {
        String sql = "SELECT phase, read_new_percent, shadow_percent, table_phases, version, updated_at, updated_by"
                + " FROM " + tables.control() + " WHERE migration = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int readNew = rs.getInt(2);
                int shadow = rs.getInt(3);
                if (readNew < 0 || readNew > 100 || shadow < 0 || shadow > 100) {
                    throw invalid(
                            tables.control(), "read_new_percent or shadow_percent", "a whole number from 0 to 100");
                }
                return Optional.of(new RolloutState(
                        migration,
                        phase(rs.getString(1), tables.control(), "phase"),
                        readNew,
                        shadow,
                        decodeTablePhases(rs.getString(4)),
                        rs.getLong(5),
                        instant(rs, 6),
                        rs.getString(7)));
            }
        }
    }

    private void insertRollout(Connection c, RolloutState s) throws SQLException {
        String sql = "INSERT INTO " + tables.control() + " (migration, phase, read_new_percent, shadow_percent,"
                + " table_phases, version, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            bindRollout(ps, 2, s);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (isDuplicateKey(e)) {
                throw concurrent(0);
            }
            throw e;
        }
    }

    private void updateRollout(Connection c, RolloutState s, long expected) throws SQLException {
        String sql = "UPDATE " + tables.control() + " SET phase = ?, read_new_percent = ?, shadow_percent = ?,"
                + " table_phases = ?, version = ?, updated_at = ?, updated_by = ? WHERE migration = ? AND version = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindRollout(ps, 1, s);
            ps.setString(i++, migration);
            ps.setLong(i, expected);
            if (ps.executeUpdate() == 0) {
                throw concurrent(expected);
            }
        }
    }

    private static int bindRollout(PreparedStatement ps, int first, RolloutState s) throws SQLException {
        int i = first;
        ps.setString(i++, s.phase().configName());
        ps.setInt(i++, s.readNewPercent());
        ps.setInt(i++, s.shadowPercent());
        ps.setString(i++, encodeTablePhases(s.tablePhases()));
        ps.setLong(i++, s.version());
        ps.setObject(i++, ControlSchema.timestamp(s.updatedAt()));
        ps.setString(i++, s.updatedBy());
        return i;
    }

    private SQLException concurrent(long expected) {
        return new SQLException(
                "the rollout of migration " + migration + " in " + tables.control() + " changed concurrently (expected "
                        + (expected == 0 ? "no row" : "version " + expected) + "); read it again and retry",
                CONCURRENT_CHANGE);
    }

    private void insertAudit(Connection c, AuditEntry e, long version) throws SQLException {
        String sql = "INSERT INTO " + tables.audit() + " (migration, at, by_user, table_name, from_phase, to_phase,"
                + " from_read_new, to_read_new, from_shadow, to_shadow, reason, forced, version)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            ps.setObject(2, ControlSchema.timestamp(e.at()));
            ps.setString(3, e.by());
            ps.setString(4, e.table());
            ps.setString(5, e.fromPhase().configName());
            ps.setString(6, e.toPhase().configName());
            ps.setInt(7, e.fromReadNewPercent());
            ps.setInt(8, e.toReadNewPercent());
            ps.setInt(9, e.fromShadowPercent());
            ps.setInt(10, e.toShadowPercent());
            ps.setString(11, e.reason());
            ps.setBoolean(12, e.forced());
            ps.setLong(13, version);
            ps.executeUpdate();
        }
    }

    /** {@code orders=dual-write,items=old-only}: sorted, lower-case table names. */
    static String encodeTablePhases(Map<String, Phase> tablePhases) {
        return tablePhases.entrySet().stream()
                .map(e -> {
                    if (!TABLE_NAME.matcher(e.getKey()).matches()) {
                        throw new IllegalArgumentException(
                                "table phase override for an invalid table name; allowed: SQL identifiers");
                    }
                    return e.getKey() + "=" + e.getValue().configName();
                })
                .collect(Collectors.joining(","));
    }

    private Map<String, Phase> decodeTablePhases(String text) throws SQLException {
        Map<String, Phase> phases = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return phases;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            String table = eq < 0 ? "" : pair.substring(0, eq).trim();
            if (!TABLE_NAME.matcher(table).matches()) {
                throw invalid(tables.control(), "table_phases", "table=phase pairs separated by commas");
            }
            phases.put(table, phase(pair.substring(eq + 1), tables.control(), "table_phases"));
        }
        return phases;
    }

    // ---- heartbeats ----------------------------------------------------------------------------

    private int updateBeat(Connection c, InstanceBeat b) throws SQLException {
        String sql = "UPDATE " + tables.heartbeat() + " SET phase = ?, config_version = ?, last_beat = ?,"
                + " statements = ?, divergences = ?, mismatches = ?, started_at = ?, comparisons = ?,"
                + " lost_records = ?, log_failure = ? WHERE migration = ? AND instance_id = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindBeat(ps, 1, b);
            ps.setString(i++, migration);
            ps.setString(i, b.instanceId());
            return ps.executeUpdate();
        }
    }

    private void insertBeat(Connection c, InstanceBeat b) throws SQLException {
        String sql = "INSERT INTO " + tables.heartbeat() + " (phase, config_version, last_beat, statements,"
                + " divergences, mismatches, started_at, comparisons, lost_records, log_failure, migration, instance_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindBeat(ps, 1, b);
            ps.setString(i++, migration);
            ps.setString(i, b.instanceId());
            ps.executeUpdate();
        }
    }

    private static int bindBeat(PreparedStatement ps, int first, InstanceBeat b) throws SQLException {
        int i = first;
        ps.setString(i++, b.phase().configName());
        ps.setLong(i++, b.configVersion());
        ps.setObject(i++, ControlSchema.timestamp(b.lastBeat()));
        ps.setLong(i++, b.statements());
        ps.setLong(i++, b.divergences());
        ps.setLong(i++, b.mismatches());
        ps.setObject(i++, ControlSchema.timestamp(b.startedAt()));
        ps.setLong(i++, b.comparisons());
        ps.setLong(i++, b.lostRecords());
        ps.setString(i++, b.logFailure());
        return i;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private long countSince(String table, Instant since, String condition) throws SQLException {
        String sql = "SELECT COUNT(*) FROM " + table + " WHERE migration = ? AND at >= ?" + condition;
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, migration);
            ps.setObject(2, ControlSchema.timestamp(since));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return ControlSchema.instant(rs.getObject(column, LocalDateTime.class));
    }

    private Phase phase(String name, String table, String column) throws SQLException {
        Optional<Phase> phase = name == null ? Optional.empty() : Phase.parse(name);
        if (phase.isEmpty()) {
            throw invalid(table, column, "one of " + Phase.allowed());
        }
        return phase.get();
    }

    private SQLException invalid(String table, String column, String allowed) {
        return new SQLException(
                "table " + table + ", migration " + migration + ": column " + column + " holds a value this version"
                        + " cannot read; allowed: " + allowed,
                INVALID_ROW);
    }

    private static boolean isDuplicateKey(SQLException e) {
        return e instanceof SQLIntegrityConstraintViolationException
                || (e.getSQLState() != null && e.getSQLState().startsWith("23"));
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
    }
}
