package io.schemashift.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * PostgreSQL: whether a new column takes a value of its old column's type by assignment. It does
 * when the types are one, when the new type is a string type (any value converts to text on
 * assignment), or when {@code pg_cast} holds an implicit or assignment cast between them (a domain
 * by its base type). It does not for {@code text} → {@code uuid}, {@code jsonb}, an enum, a number or
 * a date, {@code integer} → {@code boolean}…: a value the application binds for the old column
 * (pgjdbc sends a {@code setString} value as {@code varchar}) fails there unless cast to the new type.
 */
public final class AssignmentCasts {

    /**
     * The new column's type as a {@code CAST} names it (qualified where the connection's search
     * path does not see it; without a length or scale, which a comparison must not round by, bit
     * strings aside), whether it takes a value of the old type by assignment, whether an explicit
     * cast exists (from a string type to any: its input function), and the old type as a {@code
     * CAST} names it on this database.
     */
    private static final String QUERY =
            """
            SELECT format_type(a.atttypid, CASE WHEN b.typcategory = 'V' THEN a.atttypmod END),
                   COALESCE(b.typcategory = 'S' OR b.oid = o.oid OR EXISTS (
                       SELECT 1 FROM pg_catalog.pg_cast k
                       WHERE k.castsource = o.oid AND k.casttarget = b.oid AND k.castcontext IN ('a', 'i')), false),
                   COALESCE(o.typcategory = 'S' OR EXISTS (
                       SELECT 1 FROM pg_catalog.pg_cast k WHERE k.castsource = o.oid AND k.casttarget = b.oid), false),
                   format_type(o.own, NULL)
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            LEFT JOIN (SELECT ot.oid AS own, ob.oid, ob.typcategory FROM pg_catalog.pg_type ot
                       JOIN pg_catalog.pg_type ob ON ob.oid = CASE WHEN ot.typtype = 'd' THEN ot.typbasetype ELSE ot.oid END
                       WHERE ot.oid = to_regtype(?)) o ON true
            WHERE a.attrelid = (SELECT c.oid FROM pg_catalog.pg_class c
                                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                                WHERE n.nspname = ? AND c.relname = ?)
              AND lower(a.attname) = lower(?) AND a.attnum > 0 AND NOT a.attisdropped""";

    private AssignmentCasts() {}

    /**
     * How a new column takes a value of the old column's type.
     *
     * @param type the new column's type as a {@code CAST} names it
     * @param byAssignment whether it takes one as is
     * @param castable whether a {@code CAST} to {@code type} takes one (by assignment too)
     * @param oldType the old type as a {@code CAST} names it on the new side, {@code null} when that
     *     database does not know it
     */
    public record Target(String type, boolean byAssignment, boolean castable, String oldType) {}

    /**
     * How new column {@code column} of {@code schema.table} takes a value of {@code oldType};
     * empty when the column is not found.
     *
     * @param newSide a connection to the new table's database
     * @param oldType the old column's type as database metadata names it ({@code text}, {@code int4},
     *     {@code "app"."status"}); one the new database does not know takes nothing by assignment
     * @param schema the new table's schema and table as the catalog stores them, and its column in any case
     */
    public static Optional<Target> of(Connection newSide, String oldType, String schema, String table, String column)
            throws SQLException {
        try (PreparedStatement ps = newSide.prepareStatement(QUERY)) {
            ps.setString(1, oldType);
            ps.setString(2, schema);
            ps.setString(3, table);
            ps.setString(4, column);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                boolean byAssignment = rs.getBoolean(2);
                return Optional.of(
                        new Target(rs.getString(1), byAssignment, byAssignment || rs.getBoolean(3), rs.getString(4)));
            }
        }
    }

    /** Whether the database {@code c} reaches knows {@code type} (as a {@code CAST} names it). */
    public static boolean knows(Connection c, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regtype(?) IS NOT NULL")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * The type a value of {@code oldType} must be cast to for new column {@code column} ({@link
     * #of}), or {@code null} when the column takes it by assignment (or is not found).
     */
    public static String castTo(Connection newSide, String oldType, String schema, String table, String column)
            throws SQLException {
        return of(newSide, oldType, schema, table, column)
                .filter(t -> !t.byAssignment())
                .map(Target::type)
                .orElse(null);
    }
}
