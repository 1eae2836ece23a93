package io.schemashift.coverage;

import io.schemashift.api.ConnectionSource;
import io.schemashift.config.Phase;
import io.schemashift.control.ControlSchema;
import io.schemashift.rewriter.StatementKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads and writes the statements table ({@link ControlSchema#STATEMENTS_TABLE}) on the primary
 * database. Writes add each instance's new executions to the stored counts, so that every
 * instance of an application can flush into the same rows.
 */
public final class CoverageStore {

    private static final String COUNTS =
            Arrays.stream(Phase.values()).map(CoverageStore::countColumn).collect(Collectors.joining(", "));

    private final ConnectionSource connections;
    private final String table;
    private final String migration;

    public CoverageStore(ConnectionSource connections, String migration) {
        this.connections = connections;
        this.table = ControlSchema.STATEMENTS_TABLE;
        this.migration = migration;
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    /** Every shape recorded for the migration, most executed first. */
    public List<CoverageEntry> read() throws SQLException {
        List<CoverageEntry> entries = new ArrayList<>();
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement("SELECT fingerprint, table_names, kind, verdicts, reason,"
                        + " example, " + COUNTS + ", first_seen, last_seen FROM " + table + " WHERE migration = ?")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(entry(rs));
                }
            }
        }
        entries.sort((a, b) -> Long.compare(b.total(), a.total()));
        return entries;
    }

    private static CoverageEntry entry(ResultSet rs) throws SQLException {
        long[] counts = new long[Phase.values().length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = rs.getLong(7 + i);
        }
        int at = 7 + counts.length;
        return new CoverageEntry(
                rs.getString(1),
                rs.getString(2),
                StatementKind.valueOf(rs.getString(3)),
                verdicts(rs.getString(4)),
                rs.getString(5),
                rs.getString(6),
                CoverageEntry.counts(counts),
                ControlSchema.instant(rs.getObject(at, LocalDateTime.class)),
                ControlSchema.instant(rs.getObject(at + 1, LocalDateTime.class)));
    }

    /** The verdicts column: one per phase, comma-separated; an unknown word (a newer driver) reads as pass-through. */
    private static List<Verdict> verdicts(String column) {
        List<Verdict> verdicts = new ArrayList<>();
        String[] words = column.split(",", -1);
        for (Phase p : Phase.values()) {
            String word = p.ordinal() < words.length ? words[p.ordinal()] : "";
            verdicts.add(Verdict.parse(word).orElse(Verdict.PASS_THROUGH));
        }
        return verdicts;
    }

    static String verdictsColumn(List<Verdict> verdicts) {
        return verdicts.stream().map(Verdict::text).collect(Collectors.joining(","));
    }

    /**
     * Adds {@code delta} (executions per phase, in phase order) to the row of {@code entry},
     * inserting it if it is not there yet.
     */
    void add(Connection c, CoverageEntry entry, long[] delta, Instant now) throws SQLException {
        if (update(c, entry, delta, now) > 0) {
            return;
        }
        try {
            insert(c, entry, delta, now);
        } catch (SQLException e) {
            // another instance inserted the row in the meantime: add to it
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23") || update(c, entry, delta, now) == 0) {
                throw e;
            }
        }
    }

    private int update(Connection c, CoverageEntry entry, long[] delta, Instant now) throws SQLException {
        String set = Arrays.stream(Phase.values())
                .map(p -> countColumn(p) + " = " + countColumn(p) + " + ?")
                .collect(Collectors.joining(", "));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + set
                + ", verdicts = ?, reason = ?, last_seen = ? WHERE migration = ? AND fingerprint = ?")) {
            int i = 1;
            for (long d : delta) {
                ps.setLong(i++, d);
            }
            ps.setString(i++, verdictsColumn(entry.verdicts()));
            ps.setString(i++, entry.reason());
            ps.setObject(i++, ControlSchema.timestamp(now));
            ps.setString(i++, migration);
            ps.setString(i, entry.fingerprint());
            return ps.executeUpdate();
        }
    }

    private void insert(Connection c, CoverageEntry entry, long[] delta, Instant now) throws SQLException {
        String marks = "?, ".repeat(7 + delta.length) + "?, ?";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + " (migration, fingerprint, table_names, kind, verdicts, reason, example, " + COUNTS
                + ", first_seen, last_seen) VALUES (" + marks + ")")) {
            int i = 1;
            ps.setString(i++, migration);
            ps.setString(i++, entry.fingerprint());
            ps.setString(i++, cut(entry.tables(), 1000));
            ps.setString(i++, entry.kind().name());
            ps.setString(i++, verdictsColumn(entry.verdicts()));
            ps.setString(i++, entry.reason());
            ps.setString(i++, cut(entry.example(), 2000));
            for (long d : delta) {
                ps.setLong(i++, d);
            }
            ps.setObject(i++, ControlSchema.timestamp(entry.firstSeen()));
            ps.setObject(i, ControlSchema.timestamp(now));
            ps.executeUpdate();
        }
    }

    private static String countColumn(Phase p) {
        return "n_" + p.name().toLowerCase(Locale.ROOT);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
