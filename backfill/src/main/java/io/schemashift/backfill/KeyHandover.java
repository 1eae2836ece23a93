package io.schemashift.backfill;

import io.schemashift.api.ConnectionSource;
import io.schemashift.api.Side;
import io.schemashift.backfill.internal.Args;
import io.schemashift.backfill.internal.ColumnInfo;
import io.schemashift.backfill.internal.Identifiers;
import io.schemashift.backfill.internal.TableShape;
import io.schemashift.backfill.internal.Tables;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key handover: before the primary moves, the side about to generate keys (new when moving to
 * {@code new-primary}, old when rolling back to {@code read-new} or earlier) must have a key
 * generator whose next value is past every key already used on either side. While the other side
 * was the primary, that side received its rows with explicit keys, which a PostgreSQL identity or
 * sequence and an H2 identity do not move past: the first generated key would collide.
 *
 * <p>{@link #check} reports, for each mapped table, the generator of the key column on that side
 * (PostgreSQL identity or sequence, MariaDB AUTO_INCREMENT, H2 identity), its next value and the
 * largest key on both sides; {@link #sync} moves generators that are behind past that largest key
 * (plus a headroom for the keys the current primary still generates until every instance has
 * switched). A generator is never moved backwards.
 *
 * <p>Immutable and thread-safe; each call uses its own connections.
 */
public final class KeyHandover {

    private static final Logger LOG = LoggerFactory.getLogger(KeyHandover.class);
    /** A possibly schema-qualified PostgreSQL name as {@code quote_ident} writes it. */
    private static final Pattern QUOTED_NAME =
            Pattern.compile("(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)(\\.(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*))?");

    private final Mapping mapping;
    private final Dialect dialect;
    private final ConnectionSource oldSide;
    private final ConnectionSource newSide;

    private KeyHandover(Mapping mapping, Dialect dialect, ConnectionSource oldSide, ConnectionSource newSide) {
        this.mapping = Args.notNull(mapping, "mapping");
        this.dialect = Args.notNull(dialect, "dialect");
        this.oldSide = Args.notNull(oldSide, "old side connection source");
        this.newSide = newSide;
    }

    /**
     * A key handover for {@code mapping}'s tables.
     *
     * @param newSide connections to the new side's database, or {@code null} when the new tables
     *     live in the old database
     */
    public static KeyHandover of(Mapping mapping, Dialect dialect, ConnectionSource oldSide, ConnectionSource newSide) {
        return new KeyHandover(mapping, dialect, oldSide, newSide);
    }

    /** What generates the keys of a table's key column. */
    public enum Generator {
        /** A PostgreSQL or H2 identity column. */
        IDENTITY,
        /** A PostgreSQL sequence the column's default draws from ({@code serial}). */
        SEQUENCE,
        /** A MariaDB AUTO_INCREMENT column. */
        AUTO_INCREMENT,
        /** None found: the application supplies the keys (or a generator this check does not know). */
        NONE
    }

    /** Where a table's key generator stands. */
    public enum Status {
        /** The next generated key is past every key on both sides. */
        READY,
        /** The next generated key is not past the largest key: an insert would collide. */
        BEHIND,
        /** The key column has no generator on that side (or is not a whole number). */
        NO_GENERATOR
    }

    /**
     * One table's key generator on the side that generates keys.
     *
     * @param table the old table name
     * @param side the side checked
     * @param sideTable the table on that side
     * @param column the key column on that side
     * @param generator what generates its values
     * @param sequence the sequence behind an identity or serial column (PostgreSQL), else {@code null}
     * @param next the next value the generator hands out; 0 when there is no generator
     * @param maxOld the largest key on the old side, 0 when empty
     * @param maxNew the largest key on the new side, 0 when empty
     * @param status where it stands
     */
    public record Finding(
            String table,
            Side side,
            String sideTable,
            String column,
            Generator generator,
            String sequence,
            long next,
            long maxOld,
            long maxNew,
            Status status) {

        /** The largest key on either side. */
        public long max() {
            return Math.max(maxOld, maxNew);
        }
    }

    /**
     * Where the key generators of {@code side} stand.
     *
     * @param side the side about to generate keys
     * @param tables old table names; empty for every mapped table
     * @throws SQLException naming the table when it is not mapped or a lookup fails
     */
    public List<Finding> check(Side side, Collection<String> tables) throws SQLException {
        List<Finding> found = new ArrayList<>();
        for (TableMapping tm : Tables.resolve(mapping, tables)) {
            found.add(inspect(tm, side));
        }
        return found;
    }

    /**
     * Moves every generator of {@code side} that is {@link Status#BEHIND} to {@code max + 1 +
     * headroom}; returns the findings after the move (a generator that was moved reads
     * {@link Status#READY}). PostgreSQL moves the sequence with {@code setval}, MariaDB runs {@code
     * ALTER TABLE … AUTO_INCREMENT = n}, H2 {@code ALTER TABLE … ALTER COLUMN … RESTART WITH n}.
     *
     * @param headroom keys left free above the current largest key, for the keys the current
     *     primary generates until every instance has switched
     * @throws IllegalArgumentException if {@code headroom} is negative
     * @throws SQLException naming the table when a lookup or the move fails (e.g. no privilege)
     */
    public List<Finding> sync(Side side, Collection<String> tables, long headroom) throws SQLException {
        if (headroom < 0) {
            throw new IllegalArgumentException("headroom must not be negative, not " + headroom);
        }
        List<Finding> result = new ArrayList<>();
        for (Finding f : check(side, tables)) {
            if (f.status() != Status.BEHIND) {
                result.add(f);
                continue;
            }
            long next = Math.addExact(f.max(), 1 + headroom);
            try (Connection c = open(side)) {
                move(c, f, next);
            } catch (SQLException e) {
                throw new SQLException(
                        "cannot move the key generator of " + f.sideTable() + "." + f.column() + " to " + next + ": "
                                + e.getMessage(),
                        e.getSQLState(),
                        e.getErrorCode(),
                        e);
            }
            LOG.info("key generator of {}.{} moved from {} to {}", f.sideTable(), f.column(), f.next(), next);
            result.add(inspect(Tables.resolve(mapping, f.table()), side));
        }
        return result;
    }

    private Connection open(Side side) throws SQLException {
        return side == Side.NEW && newSide != null ? newSide.open() : oldSide.open();
    }

    private Finding inspect(TableMapping tm, Side side) throws SQLException {
        try (Connection oldConn = oldSide.open();
                Connection separate = newSide == null ? null : newSide.open()) {
            Connection newConn = separate == null ? oldConn : separate;
            TableShape shape = TableShape.resolve(tm, dialect, oldConn, newConn);
            String sideTable = side == Side.OLD ? shape.oldTable() : shape.newTable();
            Connection conn = side == Side.OLD ? oldConn : newConn;
            String schema = side == Side.OLD
                    ? (sideTable.contains(".") ? sideTable.substring(0, sideTable.indexOf('.')) : null)
                    : tm.newSchema();
            String bare = sideTable.substring(sideTable.indexOf('.') + 1);
            TableShape.Located located = TableShape.locate(conn, dialect, schema, bare)
                    .orElseThrow(() -> ShiftSqlState.NO_SUCH_OBJECT.error("table " + sideTable + " does not exist"));
            TableShape.MappedColumn first = shape.key().get(0);
            for (TableShape.MappedColumn k : shape.key()) {
                ColumnInfo type = side == Side.OLD ? k.oldType() : k.newType();
                String column = side == Side.OLD ? k.oldExpr() : k.newName();
                if (type.kind() != ColumnInfo.Kind.INTEGER) {
                    continue;
                }
                Optional<State> state = state(conn, located, column);
                if (state.isPresent()) {
                    long maxOld = max(oldConn, shape.oldTable(), k.oldExpr());
                    long maxNew = max(newConn, shape.newTable(), k.newName());
                    State s = state.get();
                    return new Finding(
                            tm.oldName(),
                            side,
                            sideTable,
                            column,
                            s.generator,
                            s.sequence,
                            s.next,
                            maxOld,
                            maxNew,
                            s.next > Math.max(maxOld, maxNew) ? Status.READY : Status.BEHIND);
                }
            }
            return new Finding(
                    tm.oldName(),
                    side,
                    sideTable,
                    side == Side.OLD ? first.oldExpr() : first.newName(),
                    Generator.NONE,
                    null,
                    0,
                    0,
                    0,
                    Status.NO_GENERATOR);
        }
    }

    private record State(Generator generator, String sequence, long next) {}

    /** The generator of a column and its next value; empty when the column has none. */
    private Optional<State> state(Connection c, TableShape.Located t, String column) throws SQLException {
        String col = t.columns().get(column.toLowerCase(java.util.Locale.ROOT)).name();
        return switch (dialect) {
            case POSTGRESQL -> postgresState(c, t, col);
            case MARIADB -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT c.EXTRA, t.AUTO_INCREMENT"
                        + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t"
                        + " ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
                        + " WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? AND c.COLUMN_NAME = ?")) {
                    ps.setString(1, t.catalog());
                    ps.setString(2, t.name());
                    ps.setString(3, col);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()
                                && String.valueOf(rs.getString(1))
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .contains("auto_increment")) {
                            yield Optional.of(new State(Generator.AUTO_INCREMENT, null, rs.getLong(2)));
                        }
                        yield Optional.empty();
                    }
                }
            }
            case H2 -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT IS_IDENTITY, IDENTITY_BASE"
                                + " FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
                    ps.setString(1, t.schema());
                    ps.setString(2, t.name());
                    ps.setString(3, col);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && "YES".equalsIgnoreCase(rs.getString(1))) {
                            yield Optional.of(new State(Generator.IDENTITY, null, rs.getLong(2)));
                        }
                        yield Optional.empty();
                    }
                }
            }
        };
    }

    /**
     * PostgreSQL: the sequence of an identity or serial column ({@code pg_get_serial_sequence})
     * and its next value: {@code last_value}, plus the increment once {@code is_called}.
     */
    private static Optional<State> postgresState(Connection c, TableShape.Located t, String col) throws SQLException {
        String sequence;
        boolean identity;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_serial_sequence(quote_ident(?) || '.' ||"
                + " quote_ident(?), ?), (SELECT a.attidentity <> '' FROM pg_attribute a WHERE a.attrelid ="
                + " (quote_ident(?) || '.' || quote_ident(?))::regclass AND a.attname = ?)")) {
            for (int i = 0; i < 2; i++) {
                ps.setString(1 + 3 * i, t.schema());
                ps.setString(2 + 3 * i, t.name());
                ps.setString(3 + 3 * i, col);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sequence = rs.getString(1);
                identity = rs.getBoolean(2);
            }
        }
        if (sequence == null) {
            return Optional.empty();
        }
        if (!QUOTED_NAME.matcher(sequence).matches()) {
            throw ShiftSqlState.NO_SUCH_OBJECT.error(
                    "unexpected sequence name " + sequence + " for " + t.name() + "." + col);
        }
        // last_value and is_called live only in the sequence itself (pg_sequence_last_value is NULL
        // after setval(…, false)); the name comes quoted from pg_get_serial_sequence and was checked
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT q.last_value, q.is_called, s.seqincrement FROM " + sequence
                        + " q, pg_sequence s WHERE s.seqrelid = '" + sequence.replace("'", "''") + "'::regclass")) {
            rs.next();
            long next = rs.getBoolean(2) ? rs.getLong(1) + rs.getLong(3) : rs.getLong(1);
            return Optional.of(new State(identity ? Generator.IDENTITY : Generator.SEQUENCE, sequence, next));
        }
    }

    private void move(Connection c, Finding f, long next) throws SQLException {
        String table = Identifiers.requireQualified(f.sideTable(), "table");
        String column = Identifiers.require(f.column(), "key column");
        switch (dialect) {
            case POSTGRESQL -> {
                // setval with is_called false: the next nextval returns exactly {@code next}
                try (PreparedStatement ps = c.prepareStatement("SELECT setval(?::regclass, ?, false)")) {
                    ps.setString(1, f.sequence());
                    ps.setLong(2, next);
                    ps.executeQuery().close();
                }
            }
            case MARIADB -> run(c, "ALTER TABLE " + table + " AUTO_INCREMENT = " + next);
            case H2 -> run(c, "ALTER TABLE " + table + " ALTER COLUMN " + column + " RESTART WITH " + next);
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long max(Connection c, String table, String column) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT MAX(" + column + ") FROM " + table)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
