package io.schemashift.runtime;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tables whose statements reach a mapped table's rows inside the database, read from PostgreSQL's
 * catalog: those whose {@code TRUNCATE … CASCADE} empties a mapped table (every table a mapped
 * table references through foreign keys, directly or through other tables; MariaDB and H2 refuse
 * to truncate a referenced table), and those that share rows with a mapped table (its partitions
 * and children, and the tables it is a partition or child of).
 */
final class TableRelations {

    /** Each mapped table's foreign-key ancestors, walked upwards (UNION stops at cycles). */
    private static final String CASCADES =
            """
            WITH RECURSIVE up(child, parent) AS (
                SELECT c.conrelid, c.confrelid FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid IN (SELECT to_regclass(n) FROM unnest(?::text[]) AS n)
              UNION
                SELECT up.child, c.confrelid FROM up JOIN pg_constraint c ON c.contype = 'f' AND c.conrelid = up.parent
            )
            SELECT ch.relname, pa.relname FROM up
            JOIN pg_class ch ON ch.oid = up.child JOIN pg_class pa ON pa.oid = up.parent""";

    /** Each mapped table's inheritance (and partition) descendants and ancestors. */
    private static final String RELATIVES =
            """
            WITH RECURSIVE mapped(oid) AS (SELECT to_regclass(n) FROM unnest(?::text[]) AS n),
            down(mapped, rel) AS (
                SELECT i.inhparent, i.inhrelid FROM pg_inherits i WHERE i.inhparent IN (SELECT oid FROM mapped)
              UNION
                SELECT down.mapped, i.inhrelid FROM down JOIN pg_inherits i ON i.inhparent = down.rel
            ),
            up(mapped, rel) AS (
                SELECT i.inhrelid, i.inhparent FROM pg_inherits i WHERE i.inhrelid IN (SELECT oid FROM mapped)
              UNION
                SELECT up.mapped, i.inhparent FROM up JOIN pg_inherits i ON i.inhrelid = up.rel
            )
            SELECT m.relname, r.relname FROM (SELECT * FROM down UNION SELECT * FROM up) x
            JOIN pg_class m ON m.oid = x.mapped JOIN pg_class r ON r.oid = x.rel""";

    private TableRelations() {}

    /** Ancestor's name (as stored) → the old names of the mapped tables its TRUNCATE … CASCADE empties. */
    static Map<String, Set<String>> truncateCascades(Connection connection, Dialect dialect, Mapping mapping)
            throws SQLException {
        return read(connection, dialect, mapping, CASCADES);
    }

    /** Relative's name (as stored) → the old names of the mapped tables it shares rows with. */
    static Map<String, Set<String>> relatives(Connection connection, Dialect dialect, Mapping mapping)
            throws SQLException {
        return read(connection, dialect, mapping, RELATIVES);
    }

    /** Runs {@code sql}, whose rows are a mapped table's name and a related one's, into related → mapped tables. */
    private static Map<String, Set<String>> read(Connection connection, Dialect dialect, Mapping mapping, String sql)
            throws SQLException {
        Map<String, Set<String>> reach = new HashMap<>();
        if (dialect != Dialect.POSTGRESQL || mapping.tables().isEmpty()) {
            return reach;
        }
        String[] names = mapping.tables().stream().map(TableMapping::oldName).toArray(String[]::new);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setArray(1, connection.createArrayOf("text", names));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String related = rs.getString(2);
                    mapping.table(rs.getString(1)).ifPresent(t -> reach.computeIfAbsent(related, k -> new HashSet<>())
                            .add(t.oldName()));
                }
            }
        }
        return reach;
    }
}
