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
 * The tables whose {@code TRUNCATE … CASCADE} empties a mapped table: every table a mapped table
 * references through foreign keys, directly or through other tables. Only PostgreSQL cascades a
 * TRUNCATE; MariaDB and H2 refuse to truncate a referenced table.
 */
final class TruncateCascades {

    /** Each mapped table's foreign-key ancestors, walked upwards (UNION stops at cycles). */
    private static final String POSTGRESQL =
            """
            WITH RECURSIVE up(child, parent) AS (
                SELECT c.conrelid, c.confrelid FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid IN (SELECT to_regclass(n) FROM unnest(?::text[]) AS n)
              UNION
                SELECT up.child, c.confrelid FROM up JOIN pg_constraint c ON c.contype = 'f' AND c.conrelid = up.parent
            )
            SELECT ch.relname, pa.relname FROM up
            JOIN pg_class ch ON ch.oid = up.child JOIN pg_class pa ON pa.oid = up.parent""";

    private TruncateCascades() {}

    /** Ancestor table name (as stored) → the old names of the mapped tables it reaches. */
    static Map<String, Set<String>> read(Connection connection, Dialect dialect, Mapping mapping) throws SQLException {
        Map<String, Set<String>> reach = new HashMap<>();
        if (dialect != Dialect.POSTGRESQL || mapping.tables().isEmpty()) {
            return reach;
        }
        String[] names = mapping.tables().stream().map(TableMapping::oldName).toArray(String[]::new);
        try (PreparedStatement ps = connection.prepareStatement(POSTGRESQL)) {
            ps.setArray(1, connection.createArrayOf("text", names));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String parent = rs.getString(2);
                    mapping.table(rs.getString(1)).ifPresent(t -> reach.computeIfAbsent(parent, k -> new HashSet<>())
                            .add(t.oldName()));
                }
            }
        }
        return reach;
    }
}
