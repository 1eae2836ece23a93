package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.mirror.Params;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.SideStatement;
import io.schemashift.rewriter.TableMapping;
import io.schemashift.rewriter.UpsertProbe;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An upsert of a row that one side holds and the other lacks (not backfilled yet, lost to an
 * earlier failure, or held under another key by a unique column that decides the conflict)
 * updates the row on one side and inserts it on the other from the statement's values alone: the
 * two rows differ, and both count one row. So before the primary runs, the rows the upsert names
 * (by what decides its conflict: {@link UpsertProbe}) are looked up on the primary, and before the
 * mirror runs, on the mirror side; the entries that write a row found on one and not on the other
 * are recorded.
 */
final class UpsertGaps {

    private static final String SAVEPOINT = "schemashift_upsert_check";
    /** Rows one look-up statement asks for: a large batch is looked up in parts, each parsed once. */
    private static final int ROWS_PER_LOOKUP = 100;

    /**
     * {@code SELECT 0 FROM <old table> WHERE (<row 0 on one group>) OR (…) UNION ALL SELECT 1 …}: the indexes of the
     * looked-up rows a table holds, and the application's parameters it binds, in order: {@code
     * entry index, parameter index}.
     */
    private record Lookup(String sql, List<int[]> bound) {}

    private final MigrationContext context;
    private final List<Params> entries;
    /** Rows the probe looks up, per entry, in order: the look-up answers with their indexes. */
    private final int rowsPerEntry;
    /** The look-ups of every row the upsert writes; {@code null} when it names its rows by no text. */
    private final List<Lookup> lookups;
    /** The indexes of the rows the primary held; {@code null}: not looked up, or the look-up failed. */
    private Set<Integer> onPrimary;
    /** Those the mirror side held, when looked up together with the primary's (one database); else {@code null}. */
    private Set<Integer> onMirror;

    private UpsertGaps(MigrationContext context, Rewritten rw, List<Params> entries) {
        this.context = context;
        this.entries = entries;
        this.rowsPerEntry = rw.probe() == null ? 0 : rw.probe().rows().size();
        this.lookups = rw.probe() == null ? null : lookups(rw);
    }

    /**
     * Looks up, on {@code primary}'s connection {@code c}, the rows the upsert names, before it
     * runs. With both sides in one PostgreSQL database, the mirror side's in the same round trip
     * (the primary's write does not change the mirror's table).
     */
    static UpsertGaps before(MigrationContext context, Rewritten rw, List<Params> entries, Side primary, Connection c) {
        UpsertGaps gaps = new UpsertGaps(context, rw, entries);
        if (gaps.lookups != null) {
            boolean together = context.newDatabase() == null && context.dialect() == Dialect.POSTGRESQL;
            List<Set<Integer>> found = gaps.find(c, together ? List.of(primary, primary.other()) : List.of(primary));
            gaps.onPrimary = found == null ? null : found.get(0);
            gaps.onMirror = found == null || !together ? null : found.get(1);
        }
        return gaps;
    }

    /**
     * The entries that write a row the primary held and {@code mirror}'s connection {@code c}
     * lacks, or one {@code c} holds and the primary lacked, looked up now, before the mirror runs;
     * every entry when that cannot be told.
     */
    List<Params> unevenOn(Side mirror, Connection c) {
        if (onPrimary == null) {
            return entries;
        }
        Set<Integer> onMirror = this.onMirror;
        if (onMirror == null) {
            List<Set<Integer>> found = find(c, List.of(mirror));
            if (found == null) {
                return entries;
            }
            onMirror = found.get(0);
        }
        List<Params> uneven = new ArrayList<>();
        for (int e = 0; e < entries.size(); e++) {
            for (int r = e * rowsPerEntry; r < (e + 1) * rowsPerEntry; r++) {
                if (onPrimary.contains(r) != onMirror.contains(r)) {
                    uneven.add(entries.get(e));
                    break;
                }
            }
        }
        return uneven;
    }

    /**
     * The look-ups of every row the upsert writes, each value a literal of the statement or a
     * parameter bound as the application bound it; {@code null} when one is neither.
     */
    private List<Lookup> lookups(Rewritten rw) {
        UpsertProbe probe = rw.probe();
        TableMapping table =
                context.config().mapping().table(rw.tables().iterator().next()).orElse(null);
        if (table == null) {
            return null;
        }
        String schema = context.oldSchema();
        String from = " FROM " + (schema == null ? "" : context.dialect().sqlOfStored(schema) + ".") + table.oldName()
                + " WHERE ";
        List<Lookup> lookups = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        List<int[]> bound = new ArrayList<>();
        int index = 0;
        for (int e = 0; e < entries.size(); e++) {
            for (List<ParamSource> row : probe.rows()) {
                sql.append(sql.isEmpty() ? "" : " UNION ALL ")
                        .append("SELECT ")
                        .append(index++)
                        .append(from);
                for (int g = 0; g < probe.groups().size(); g++) {
                    sql.append(g == 0 ? "(" : " OR (");
                    List<Integer> group = probe.groups().get(g);
                    for (int i = 0; i < group.size(); i++) {
                        int k = group.get(i);
                        sql.append(i == 0 ? "" : " AND ")
                                .append(probe.columns().get(k))
                                .append(" = ");
                        if (row.get(k) instanceof ParamSource.Literal l) {
                            sql.append(l.sqlText());
                        } else if (row.get(k) instanceof ParamSource.Bound b && entries.get(e) != null) {
                            sql.append('?');
                            bound.add(new int[] {e, b.index()});
                        } else {
                            return null;
                        }
                    }
                    sql.append(')');
                }
                if (index % ROWS_PER_LOOKUP == 0) {
                    lookups.add(new Lookup(sql.toString(), List.copyOf(bound)));
                    sql.setLength(0);
                    bound.clear();
                }
            }
        }
        if (!sql.isEmpty()) {
            lookups.add(new Lookup(sql.toString(), List.copyOf(bound)));
        }
        return lookups;
    }

    /** The indexes of the looked-up rows each of {@code sides} holds; {@code null} when a look-up failed. */
    private List<Set<Integer>> find(Connection c, List<Side> sides) {
        List<Set<Integer>> found = new ArrayList<>();
        sides.forEach(side -> found.add(new HashSet<>()));
        for (Lookup lookup : lookups) {
            if (!find(c, sides, lookup, found)) {
                return null;
            }
        }
        return found;
    }

    /**
     * Adds the indexes of {@code lookup}'s rows that each of {@code sides} holds to {@code found}
     * (one statement each, in one message); false when it failed.
     */
    private boolean find(Connection c, List<Side> sides, Lookup lookup, List<Set<Integer>> found) {
        List<SideStatement> statements = new ArrayList<>();
        for (Side side : sides) {
            if (side == Side.OLD) {
                statements.add(null); // the look-up as built, its parameters in order
            } else if (context.rewrite(lookup.sql()) instanceof Rewritten r) {
                statements.add(r.newSide());
            } else {
                return false;
            }
        }
        try {
            GuardedRead read = new GuardedRead(context, c, SAVEPOINT);
            List<String> parts = new ArrayList<>();
            for (SideStatement st : statements) {
                parts.add(st == null ? lookup.sql() : st.sql());
            }
            try (PreparedStatement ps = c.prepareStatement(read.text(parts))) {
                int position = 0;
                for (SideStatement st : statements) {
                    position = bind(ps, lookup.bound(), st, position);
                }
                try {
                    read.execute(ps);
                    for (Set<Integer> side : found) {
                        try (ResultSet rs = ps.getResultSet()) {
                            while (rs.next()) {
                                side.add(rs.getInt(1));
                            }
                        }
                        ps.getMoreResults();
                    }
                    return true;
                } catch (SQLException e) {
                    read.failed();
                    return false;
                }
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Binds the application's values after parameter {@code position}: in order on the old side
     * ({@code newSide} null), by the rewrite's parameter sources on the new.
     *
     * @return the last parameter position bound
     */
    private int bind(PreparedStatement ps, List<int[]> bound, SideStatement newSide, int position) throws SQLException {
        if (newSide == null) {
            for (int[] from : bound) {
                entries.get(from[0]).bind(from[1], ps, ++position);
            }
            return position;
        }
        for (ParamSource p : newSide.params()) {
            if (!(p instanceof ParamSource.Bound b)) {
                throw new SQLException("the look-up's rewrite binds " + p);
            }
            int[] from = bound.get(b.index() - 1);
            entries.get(from[0]).bind(from[1], ps, ++position);
        }
        return position;
    }
}
