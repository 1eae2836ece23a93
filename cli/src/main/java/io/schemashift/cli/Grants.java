package io.schemashift.cli;

import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Privileges as PostgreSQL and MariaDB report them, for the grant checks of {@code doctor}: on a
 * table, and CREATE in a schema (a MariaDB database). H2 is not checked.
 */
final class Grants {

    /** The table privileges compared and required. */
    static final List<String> TABLE_PRIVILEGES =
            List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER");

    private Grants() {}

    /**
     * The user the connection is logged in as: PostgreSQL {@code current_user}, MariaDB {@code
     * CURRENT_USER()} ({@code name@host}).
     */
    static String currentUser(Connection c, Dialect dialect) throws SQLException {
        String sql = dialect == Dialect.POSTGRESQL ? "SELECT current_user" : "SELECT CURRENT_USER()";
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The table privileges {@code user} holds on the table, directly or through a role, a schema
     * (database) or a global grant; MariaDB also reports DROP and ALTER.
     *
     * @param user PostgreSQL role; MariaDB {@code user} (any host, {@code %}) or {@code user@host}
     */
    static Set<String> onTable(Doctor.Place p, String user) throws SQLException {
        Set<String> granted = new TreeSet<>();
        Connection c = p.connection();
        if (p.dialect() == Dialect.POSTGRESQL) {
            for (String privilege : TABLE_PRIVILEGES) {
                try (PreparedStatement ps = c.prepareStatement("SELECT has_table_privilege(?, ?, ?)")) {
                    ps.setString(1, user);
                    ps.setString(2, p.qualified());
                    ps.setString(3, privilege);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            granted.add(privilege);
                        }
                    }
                }
            }
            return granted;
        }
        for (String privilege : mariadb(c, user, p.catalog(), p.table())) {
            if (TABLE_PRIVILEGES.contains(privilege) || privilege.equals("DROP") || privilege.equals("ALTER")) {
                granted.add(privilege);
            }
        }
        return granted;
    }

    /**
     * Whether {@code user} may create tables in the place's schema (PostgreSQL) or database
     * (MariaDB).
     */
    static boolean mayCreate(Doctor.Place p, String user) throws SQLException {
        if (p.dialect() == Dialect.POSTGRESQL) {
            try (PreparedStatement ps =
                    p.connection().prepareStatement("SELECT has_schema_privilege(?, ?, 'CREATE')")) {
                ps.setString(1, user);
                ps.setString(2, p.schema());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        }
        return mariadb(p.connection(), user, p.catalog(), null).contains("CREATE");
    }

    /** Global, database and (with {@code table}) table privileges of a MariaDB account. */
    private static Set<String> mariadb(Connection c, String user, String catalog, String table) throws SQLException {
        String grantee = user.contains("@") ? user : user + "@%";
        int at = grantee.lastIndexOf('@');
        String quoted = "'" + grantee.substring(0, at) + "'@'" + grantee.substring(at + 1) + "'";
        List<String> queries = List.of(
                "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?",
                "SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?",
                "SELECT PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?"
                        + " AND TABLE_NAME = ?");
        Set<String> granted = new TreeSet<>();
        for (int q = 0; q < (table == null ? 2 : 3); q++) {
            try (PreparedStatement ps = c.prepareStatement(queries.get(q))) {
                ps.setString(1, quoted);
                if (q > 0) {
                    ps.setString(2, catalog);
                }
                if (q > 1) {
                    ps.setString(3, table);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        granted.add(rs.getString(1).toUpperCase(Locale.ROOT));
                    }
                }
            }
        }
        return granted;
    }
}
