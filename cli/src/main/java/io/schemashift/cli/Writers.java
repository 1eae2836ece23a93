package io.schemashift.cli;

import io.schemashift.cli.Doctor.Severity;
import io.schemashift.rewriter.CascadingKey;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.RefusalReason;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.Rewriter;
import io.schemashift.rewriter.Routine;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.rewriter.TableMapping;
import io.schemashift.rewriter.Trigger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code writers} check of {@code doctor}: what changes a mapped table's rows inside the
 * database, where the driver never sees a statement, so that nothing mirrors it. Triggers (and
 * PostgreSQL rules, MariaDB's and H2's ON UPDATE columns) of either table that may change rows (a
 * BEFORE trigger's values, a write it makes) and foreign keys whose ON DELETE / ON UPDATE action
 * changes one side's rows when a parent row changes, each as the driver judges them (it records
 * the writes that fire them), and views over the old table (writes through them are neither
 * rewritten nor mirrored). Each is sound only if the other side does the same: a trigger at the
 * same moment on the other table, the same key with the same action. And stored procedures and
 * functions that name a mapped table: the driver refuses their calls.
 */
final class Writers {

    private Writers() {}

    /**
     * @param keys the foreign keys whose actions change a mapped table on one side only, as the
     *     driver reads them ({@code null}: they could not be read, reported once by the caller)
     * @param rewriter the driver's rewriter, which judges the triggers of either table with none at
     *     the same moment on the other ({@link Rewriter#oneSidedTriggers})
     */
    static List<Doctor.Finding> of(
            TableMapping t, List<CascadingKey> keys, Rewriter rewriter, Doctor.Place o, Doctor.Place n) {
        String subject = t.oldName();
        List<Doctor.Finding> found = new ArrayList<>();
        try {
            Set<String> changing = rewriter.oneSidedTriggers(t.oldName(), true);
            if (!changing.isEmpty()) {
                found.add(new Doctor.Finding(
                        Severity.WARN,
                        "writers",
                        subject,
                        "trigger(s) or rule(s) that may change rows, with none at the same moment on the other table ("
                                + o.qualified() + ", " + n.qualified() + "), or on both reading each side's own"
                                + " clock: " + String.join(", ", changing)
                                + "; a write that fires one is mirrored and its rows recorded"
                                + " (mirror_one_sided_trigger): give the other table the same behaviour (for a"
                                + " clock, let one side set the value and the other keep what it is given)"));
            }
            Set<String> harmless = rewriter.oneSidedTriggers(t.oldName(), false);
            if (!harmless.isEmpty()) {
                found.add(new Doctor.Finding(
                        Severity.WARN,
                        "writers",
                        subject,
                        "trigger(s) or rule(s) that change no mapped value, with none at the same moment on the other"
                                + " table: " + String.join(", ", harmless) + "; nothing forks, but what they do (an"
                                + " audit row…) happens for one side's writes only, and stops with that side: give"
                                + " the other table the same trigger if it must go on"));
            }
            for (CascadingKey k : keys == null ? List.<CascadingKey>of() : keys) {
                if (k.child().equalsIgnoreCase(t.oldName())) {
                    found.add(new Doctor.Finding(
                            Severity.ERROR,
                            "writers",
                            subject,
                            "foreign key " + k.description() + " changes the rows of " + o.qualified()
                                    + " when its parent changes, inside the database, and the other side does not do"
                                    + " the same (no key with the same columns, parent and actions; with a separate new"
                                    + " database, a parent the migration does not map is a copy there that the"
                                    + " application's writes never reach): a write to its parent that fires it is"
                                    + " recorded for the whole table in every phase (to a mapped parent, refused:"
                                    + " recorded while the old side holds the truth, 0A000 from new-primary on); give"
                                    + " both tables the same key, or make the action NO ACTION / RESTRICT"));
                }
            }
            Set<String> views = views(o);
            if (!views.isEmpty()) {
                found.add(new Doctor.Finding(
                        Severity.WARN,
                        "writers",
                        subject,
                        "view(s) over " + o.qualified() + ": " + String.join(", ", views)
                                + "; a statement through a view is neither rewritten nor mirrored, so the driver"
                                + " refuses it (a write is recorded while the old side holds the truth, 0A000 from"
                                + " new-primary on; a read fails in new-only): read and write the table itself"
                                + " while the migration runs"));
            }
            if (found.isEmpty()) {
                found.add(new Doctor.Finding(
                        Severity.OK,
                        "writers",
                        subject,
                        "no trigger, " + (keys == null ? "" : "cascading foreign key ") + "or view changes "
                                + o.qualified() + " unseen"));
            }
        } catch (SQLException e) {
            found.add(new Doctor.Finding(
                    Severity.WARN,
                    "writers",
                    subject,
                    "could not read triggers, foreign keys or views: " + Redaction.oneLine(e.getMessage(), null)));
        }
        return found;
    }

    /**
     * Stored procedures and functions whose definitions name a mapped table, and triggers of
     * unmapped tables that do, judged by the driver's own rewriter (built with the database's
     * routines and triggers): a call of one, or a write that fires one, is refused as a write to the
     * mapped table, since what a routine changes is not mirrored. H2's are not read.
     */
    static List<Doctor.Finding> routines(Rewriter rewriter) {
        if (rewriter.dialect() == Dialect.H2) {
            return List.of();
        }
        Set<String> names = new TreeSet<>();
        Set<String> hidden = new TreeSet<>();
        for (Routine r : rewriter.routines()) {
            names.add(r.name());
            if (r.definition() == null) {
                hidden.add(r.name());
            }
        }
        List<Doctor.Finding> found = new ArrayList<>();
        for (String name : names) {
            if (!(rewriter.rewrite("CALL " + quoted(name, rewriter.dialect()) + "()") instanceof Refused f)
                    || f.reason() != RefusalReason.INDIRECT) {
                continue;
            }
            String tables = String.join(", ", f.tables());
            if (hidden.contains(name)) {
                found.add(new Doctor.Finding(
                        Severity.WARN,
                        "writers",
                        name,
                        "the definition of routine " + name + " cannot be read by this user: the driver refuses"
                                + " its calls as writes to every mapped table when its own user cannot read it"
                                + " either; read it as its definer and keep mapped tables out of it"));
            } else if (f.kind().isWrite()) {
                found.add(new Doctor.Finding(
                        Severity.ERROR,
                        "writers",
                        name,
                        "routine " + name + " writes inside the database and names mapped table(s) " + tables
                                + ": a call of it is a refused write (the whole table is recorded for repair while"
                                + " the old side holds the truth, 0A000 from new-primary on); move the change"
                                + " into the application's SQL"));
            } else {
                found.add(new Doctor.Finding(
                        Severity.WARN,
                        "writers",
                        name,
                        "routine " + name + " reads mapped table(s) " + tables
                                + " inside the database: in new-only a call of it fails with 0A000 (it would read"
                                + " the old table, no longer written); read the tables from the application"));
            }
        }
        for (Trigger t : rewriter.triggers()) {
            StatementKind event = t.events().stream().sorted().findFirst().orElse(null);
            String table = quoted(t.table(), rewriter.dialect());
            String write = event == null
                    ? null
                    : switch (event) {
                        case INSERT -> "INSERT INTO " + table + " (x) VALUES (1)";
                        case UPDATE -> "UPDATE " + table + " SET x = 1";
                        case DELETE -> "DELETE FROM " + table;
                        case TRUNCATE -> "TRUNCATE " + table;
                        default -> null;
                    };
            if (write != null && rewriter.rewrite(write) instanceof Refused f && f.reason() == RefusalReason.INDIRECT) {
                found.add(new Doctor.Finding(
                        Severity.ERROR,
                        "writers",
                        t.table(),
                        "trigger " + t.name() + " on " + t.table() + " names mapped table(s) "
                                + String.join(", ", f.tables()) + ": writing " + t.table() + " (" + event
                                + ") changes them inside the database, on the old side only; the driver refuses"
                                + " such writes (recorded while the old side holds the truth, 0A000 from"
                                + " new-primary on) if its user can see the trigger (MariaDB: the TRIGGER"
                                + " privilege on the table); move what the trigger does into the application"));
            }
        }
        new java.util.TreeMap<>(rewriter.relatives()).forEach((table, mapped) -> {
            if (mapped.stream().noneMatch(table::equalsIgnoreCase)) {
                found.add(new Doctor.Finding(
                        Severity.WARN,
                        "writers",
                        table,
                        "table " + table + " shares rows with mapped table(s) "
                                + String.join(", ", new TreeSet<>(mapped))
                                + " (a partition or inheritance): the driver refuses statements on it (a write is"
                                + " recorded while the old side holds the truth, 0A000 from new-primary on); write"
                                + " the mapped table itself"));
            }
        });
        if (found.isEmpty()) {
            found.add(new Doctor.Finding(
                    Severity.OK,
                    "writers",
                    "routines",
                    "no stored procedure, function, trigger of another table or related table reaches a mapped"
                            + " table"));
        }
        return found;
    }

    private static String quoted(String name, Dialect dialect) {
        char q = dialect == Dialect.MARIADB ? '`' : '"';
        return q + name.replace(String.valueOf(q), String.valueOf(q) + q) + q;
    }

    /** Views that read the table: PostgreSQL's view_table_usage; MariaDB's view definitions; not on H2. */
    private static Set<String> views(Doctor.Place p) throws SQLException {
        return switch (p.dialect()) {
            case POSTGRESQL ->
                names(
                        p,
                        "SELECT DISTINCT view_name FROM information_schema.view_table_usage"
                                + " WHERE table_name = ? AND table_schema = ?",
                        p.table(),
                        schema(p));
            case MARIADB ->
                names(
                        p,
                        "SELECT table_name FROM information_schema.views WHERE view_definition LIKE ?"
                                + " AND table_schema = ?",
                        "%`" + p.table() + "`%",
                        schema(p));
            case H2 -> Set.of();
        };
    }

    private static String schema(Doctor.Place p) {
        return p.dialect() == Dialect.MARIADB ? p.catalog() : p.schema();
    }

    private static Set<String> names(Doctor.Place p, String sql, String a, String b) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (PreparedStatement ps = p.connection().prepareStatement(sql)) {
            ps.setString(1, a);
            ps.setString(2, b);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(lower(rs.getString(1)));
                }
            }
        }
        return names;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
