package io.schemashift.cli;

import io.schemashift.cli.Doctor.Severity;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The grant checks of {@code doctor}, with privileges as PostgreSQL and MariaDB report them (on a
 * table, and CREATE in a schema, a MariaDB database): the application user's on the new tables
 * against the old ones, and the migrator's (the user doctor connects as) for {@code init},
 * {@code backfill} and repair in both directions. H2 is not checked.
 */
final class Grants {

    private static final Set<String> MIRROR_PRIVILEGES = Set.of("SELECT", "INSERT", "UPDATE", "DELETE");

    /** The table privileges compared and required. */
    static final List<String> TABLE_PRIVILEGES =
            List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER");

    private Grants() {}

    /** The application user's privileges on the new table: not missing what it needs, not broader than on the old. */
    static List<Doctor.Finding> appUser(TableMapping t, Doctor.Place o, Doctor.Place n, String appUser) {
        String subject = t.oldName() + " grants of " + appUser;
        if (o.dialect() == Dialect.H2) {
            return List.of(finding("grants", Severity.OK, subject, "not checked on H2"));
        }
        List<Doctor.Finding> found = new ArrayList<>();
        try {
            Set<String> old = onTable(o, appUser);
            Set<String> neu = onTable(n, appUser);
            if (old.isEmpty()) {
                return List.of(finding(
                        "grants",
                        Severity.ERROR,
                        subject,
                        "no privilege on " + o.qualified() + ": no such user, or not the application's (--app-user"
                                + " names the application's database user; MariaDB: user or user@host)"));
            }
            Set<String> broader = new TreeSet<>(neu);
            broader.removeAll(old);
            Set<String> missing = new TreeSet<>(old);
            missing.retainAll(MIRROR_PRIVILEGES);
            missing.removeAll(neu);
            if (!missing.isEmpty()) {
                found.add(finding(
                        "grants",
                        Severity.ERROR,
                        subject,
                        "missing on " + n.qualified() + ": " + String.join(", ", missing)
                                + " (mirrored statements would fail)"));
            }
            if (!broader.isEmpty()) {
                found.add(finding(
                        "grants",
                        Severity.WARN,
                        subject,
                        "broader on " + n.qualified() + " than on " + o.qualified() + ": "
                                + String.join(", ", broader)));
            }
            if (missing.isEmpty() && broader.isEmpty()) {
                found.add(finding("grants", Severity.OK, subject, "same on both tables: " + String.join(", ", old)));
            }
        } catch (SQLException e) {
            found.add(finding("grants", Severity.WARN, subject, "cannot read the grants: " + Doctor.first(e)));
        }
        return found;
    }

    /**
     * The migrator's grants on one table: SELECT on both sides (backfill, verify), INSERT, UPDATE
     * and DELETE on the new side (backfill and repair old to new) and on the old side (new to old,
     * from new-primary on).
     */
    static List<Doctor.Finding> migrator(TableMapping t, Doctor.Place o, Doctor.Place n) {
        if (o.dialect() == Dialect.H2) {
            return List.of();
        }
        List<Doctor.Finding> found = new ArrayList<>();
        try {
            String user = currentUser(o.connection(), o.dialect());
            String subject = t.oldName() + " grants of migrator " + user;
            Set<String> old = onTable(o, user);
            Set<String> neu = onTable(n, currentUser(n.connection(), n.dialect()));
            List<String> errors = new ArrayList<>();
            if (!old.contains("SELECT")) {
                errors.add("SELECT on " + o.qualified() + " (backfill, verify and repair read both sides)");
            }
            if (!neu.contains("SELECT")) {
                errors.add("SELECT on " + n.qualified() + " (backfill, verify and repair read both sides)");
            }
            Set<String> newMissing = missingWrites(neu);
            if (!newMissing.isEmpty()) {
                errors.add(String.join(", ", newMissing) + " on " + n.qualified()
                        + " (backfill and verify --repair copy old -> new)");
            }
            if (!errors.isEmpty()) {
                found.add(finding("migrator", Severity.ERROR, subject, "missing " + String.join("; ", errors)));
            }
            Set<String> oldMissing = missingWrites(old);
            if (!oldMissing.isEmpty()) {
                found.add(finding(
                        "migrator",
                        Severity.WARN,
                        subject,
                        "missing " + String.join(", ", oldMissing) + " on " + o.qualified()
                                + " (backfill and verify --repair copy new -> old from new-primary on, and before a"
                                + " rollback from there)"));
            }
            if (found.isEmpty()) {
                found.add(finding(
                        "migrator",
                        Severity.OK,
                        subject,
                        "SELECT, INSERT, UPDATE, DELETE on " + o.qualified() + " and " + n.qualified()));
            }
        } catch (SQLException e) {
            found.add(finding(
                    "migrator", Severity.WARN, t.oldName(), "cannot read the migrator's grants: " + Doctor.first(e)));
        }
        return found;
    }

    /**
     * The migrator's grants to move a key generator, as {@code keys sync} does whenever a phase change moves the
     * primary: PostgreSQL SELECT and UPDATE on the column's sequence ({@code setval}, identity columns included),
     * MariaDB ALTER on the table ({@code AUTO_INCREMENT = n}).
     *
     * @param p the table on one side
     * @param column its key column, which the database generates
     * @param when when {@code keys sync} moves this side's generator, for the message
     * @param lacking the severity when the grant is missing
     */
    static Doctor.Finding migratorKeys(Doctor.Place p, String column, String when, Severity lacking) {
        String subject = p.table() + "." + column + " generator";
        try {
            String user = currentUser(p.connection(), p.dialect());
            List<String> missing = new ArrayList<>();
            String on;
            if (p.dialect() == Dialect.POSTGRESQL) {
                on = sequence(p, column);
                if (on == null) {
                    return finding("migrator", Severity.OK, subject, "no sequence behind it: nothing to move");
                }
                for (String privilege : List.of("SELECT", "UPDATE")) {
                    if (!mayUseSequence(p.connection(), on, privilege)) {
                        missing.add(privilege);
                    }
                }
            } else {
                on = p.qualified();
                if (!onTable(p, user).contains("ALTER")) {
                    missing.add("ALTER");
                }
            }
            if (missing.isEmpty()) {
                return finding("migrator", Severity.OK, subject, user + " may move it (" + on + "): keys sync " + when);
            }
            return finding(
                    "migrator",
                    lacking,
                    subject,
                    user + " lacks " + String.join(", ", missing) + " on " + on + ": keys sync " + when
                            + " fails (grant it, or run keys sync as a role that may)");
        } catch (SQLException e) {
            return finding("migrator", Severity.WARN, subject, "cannot read the migrator's grants: " + Doctor.first(e));
        }
    }

    /** The sequence behind a PostgreSQL serial or identity column, or {@code null}. */
    private static String sequence(Doctor.Place p, String column) throws SQLException {
        try (PreparedStatement ps = p.connection().prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
            ps.setString(1, p.qualified());
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static boolean mayUseSequence(Connection c, String sequence, String privilege) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT has_sequence_privilege(?, ?)")) {
            ps.setString(1, sequence);
            ps.setString(2, privilege);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * CREATE where the migrator creates tables: {@code init} the SchemaShift tables (old side),
     * {@code backfill} its checkpoint table (new side, at every start). PostgreSQL checks CREATE
     * before it looks at {@code IF NOT EXISTS}, so it is needed even once the tables exist.
     *
     * @param old the old side's schema (the table part is not used)
     * @param neu the new side's schema
     * @param same whether both are the same connection
     * @param controlTablesMissing whether {@code init} still has tables to create
     */
    static List<Doctor.Finding> migratorCreate(
            Doctor.Place old, Doctor.Place neu, boolean same, boolean controlTablesMissing) {
        if (old.dialect() == Dialect.H2) {
            return List.of(finding("migrator", Severity.OK, "grants", "not checked on H2"));
        }
        List<Doctor.Finding> found = new ArrayList<>();
        try {
            found.add(create(
                    old,
                    same
                            ? "init (the SchemaShift tables) and backfill (its checkpoint table)"
                            : "init (the SchemaShift tables)",
                    same || controlTablesMissing ? Severity.ERROR : Severity.WARN));
            if (!same) {
                found.add(create(neu, "backfill (its checkpoint table)", Severity.ERROR));
            }
        } catch (SQLException e) {
            found.add(finding(
                    "migrator", Severity.WARN, "grants", "cannot read the migrator's grants: " + Doctor.first(e)));
        }
        return found;
    }

    private static Doctor.Finding create(Doctor.Place p, String needs, Severity lacking) throws SQLException {
        String user = currentUser(p.connection(), p.dialect());
        String where = p.dialect() == Dialect.MARIADB ? "database " + p.catalog() : "schema " + p.schema();
        if (mayCreate(p, user)) {
            return finding("migrator", Severity.OK, user + " in " + where, "may create tables, as " + needs + " need");
        }
        return finding(
                "migrator",
                lacking,
                user + " in " + where,
                "may not create tables: " + needs + " fail (grant CREATE on the " + where
                        + ", or run them as a role that may)");
    }

    private static Set<String> missingWrites(Set<String> held) {
        Set<String> missing = new TreeSet<>(List.of("INSERT", "UPDATE", "DELETE"));
        missing.removeAll(held);
        return missing;
    }

    private static Doctor.Finding finding(String check, Severity severity, String subject, String message) {
        return new Doctor.Finding(severity, check, subject, message);
    }

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
            if (!roleExists(c, user)) {
                return granted; // has_table_privilege would fail: reported as holding nothing
            }
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

    private static boolean roleExists(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
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
