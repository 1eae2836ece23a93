package io.schemashift.mirror;

import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The session settings that change what a statement's values mean: the time zone a timestamp
 * literal (or {@code NOW()}) is read in, the date style of a date literal, MariaDB's SQL mode
 * (quotes, escapes, pipes) and its foreign key checks (off for a bulk load). A separate new
 * database's connection must run the application's mirrored statements under the values the
 * application's own connection has, or the same text stores different rows there without an
 * error. H2: its time zone. The time zone comes first, in every dialect.
 *
 * @param dialect the database's
 * @param values as the application's connection reports them, in the dialect's order
 */
public record SessionSettings(Dialect dialect, List<String> values) {

    /** The values {@code connection}, a database of {@code dialect}, has now. */
    public static SessionSettings read(Connection connection, Dialect dialect) throws SQLException {
        String query =
                switch (dialect) {
                    case POSTGRESQL ->
                        "SELECT current_setting('TimeZone'), current_setting('DateStyle'),"
                                + " current_setting('IntervalStyle'), current_setting('standard_conforming_strings')";
                    case MARIADB ->
                        "SELECT @@session.time_zone, @@session.sql_mode,"
                                + " @@session.div_precision_increment, @@session.foreign_key_checks";
                    case H2 -> "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'TIME ZONE'";
                };
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            List<String> values = new ArrayList<>(4);
            if (rs.next()) { // an H2 before 2.0 has no time zone setting
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    values.add(rs.getString(i));
                }
            }
            return new SessionSettings(dialect, List.copyOf(values));
        }
    }

    /** Gives {@code connection} these values for its session. */
    public void apply(Connection connection) throws SQLException {
        String set =
                switch (dialect) {
                    case POSTGRESQL ->
                        "SELECT set_config('TimeZone', ?, false), set_config('DateStyle', ?, false),"
                                + " set_config('IntervalStyle', ?, false), set_config('standard_conforming_strings', ?,"
                                + " false)";
                    case MARIADB ->
                        "SET SESSION time_zone = ?, sql_mode = ?, div_precision_increment = CAST(? AS UNSIGNED),"
                                + " foreign_key_checks = CAST(? AS UNSIGNED)";
                    case H2 -> "SET TIME ZONE ?";
                };
        if (values.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(set)) {
            for (int i = 0; i < values.size(); i++) {
                ps.setString(i + 1, values.get(i));
            }
            ps.execute();
        }
    }

    /**
     * Whether the session reads a wall clock at UTC: its time zone is one at UTC's offset all year
     * ({@code UTC}, {@code Etc/UTC}, {@code GMT}, {@code +00:00}). A zone Java does not know is not.
     */
    public boolean inUtc() {
        if (values.isEmpty() || values.get(0) == null) {
            return false;
        }
        try {
            ZoneRules rules = ZoneId.of(values.get(0)).getRules();
            return rules.isFixedOffset() && rules.getOffset(Instant.EPOCH).getTotalSeconds() == 0;
        } catch (DateTimeException unknown) {
            return false;
        }
    }

    /**
     * The settings each connection (the database driver's own, not a pool's proxy) was given and
     * kept; a connection not here may have any. Thread-safe.
     */
    public static final class Given {
        private final Map<Connection, SessionSettings> kept = Collections.synchronizedMap(new WeakHashMap<>());

        /**
         * Gives {@code c} {@code settings}, unless it has them already. In auto-commit they hold at
         * once; else, when {@code fresh} (nothing ran on it in this transaction yet), they are
         * committed at once, so that they outlive it (PostgreSQL's settings are transactional);
         * later in a transaction they last as long as that transaction's outcome, so the
         * connection's settings are then unknown.
         */
        public void align(Connection c, SessionSettings settings, boolean fresh) throws SQLException {
            Connection own = c.unwrap(Connection.class);
            if (settings.equals(kept.get(own))) {
                return;
            }
            kept.remove(own);
            settings.apply(c);
            if (c.getAutoCommit()) {
                kept.put(own, settings);
            } else if (fresh) {
                c.commit();
                kept.put(own, settings);
            }
        }
    }
}
